/**
 * When the chunks of what a model pass writes happen: spread evenly over the in-progress phase, or one every
 * `chunkMs` (which then lengthens the phase as needed). Shared by runs (lifecycle.ts) and responses
 * (responses/course.ts), so a reply streams at the same pace whichever API asked for it.
 */
export interface Pace {
  readonly startedAt: number
  /** The chunks written in all. */
  readonly total: number
  /** Over how long (ms) the chunks are spread: chunk `j` happens at `startedAt + ⌊j·span/total⌋`. */
  readonly span: number
  /** When the pass ends (epoch ms): after the in-progress phase, or after the last chunk if that is later. */
  readonly endsAt: number
  /** When chunk `j` (0-based, of `total`) happens; `j === total` is when the last chunk has been written. */
  at (j: number): number
}

/** The pace of `total` chunks written from `startedAt` (epoch ms), over `inProgressMs` or one every `chunkMs`. */
export function paceOf (startedAt: number, inProgressMs: number, chunkMs: number | null, total: number): Pace {
  const span = chunkMs === null ? inProgressMs : total * chunkMs
  return {
    startedAt,
    total,
    span,
    endsAt: startedAt + Math.max(inProgressMs, span),
    at: j => startedAt + (total === 0 ? 0 : Math.floor(j * span / total))
  }
}
