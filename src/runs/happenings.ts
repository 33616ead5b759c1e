/**
 * A course's happenings, compact: the marks (status changes, steps or items opening and ending) as objects,
 * and each run of stream pieces as one entry of pacing arithmetic (runs/pacing.ts) instead of an object per
 * chunk, so a course costs the same for a 5-word reply and a 5,000-word one. Happenings keep one numbering,
 * pieces included (a stream's cursor, `happenedBy`'s count): `happening(i)` makes piece `i` when asked.
 * Shared by runs (runs/lifecycle.ts) and responses (responses/course.ts).
 */

/** What a mark needs: its time (epoch ms), and for a status change whether a request made it. */
export interface TimedMark {
  readonly kind: string
  readonly at: number
  readonly byRequest?: boolean
}

/**
 * The consecutive pieces `0`..`count − 1` of one step or item (`owner`): piece `j` happens at
 * `startedAt + ⌊(first + j)·span/total⌋`, the `first + j`-th of the `total` chunks a pass writes over `span` ms
 * (`total` 0: all at `startedAt`).
 */
interface PieceRun {
  readonly kind: 'pieces'
  readonly owner: number
  readonly count: number
  readonly startedAt: number
  readonly span: number
  readonly total: number
  readonly first: number
}

/** One piece, as `happening(i)` makes it: `owner` is the step (runs) or item (responses) it belongs to. */
export interface PieceHappening {
  readonly kind: 'piece'
  readonly at: number
  readonly owner: number
  readonly piece: number
}

export type Entry<M extends TimedMark> = M | PieceRun

/** When piece `j` of `run` happens (epoch ms). */
function pieceTime (run: PieceRun, j: number): number {
  return run.startedAt + (run.total === 0 ? 0 : Math.floor((run.first + j) * run.span / run.total))
}

/** How many of the run's pieces happen at or before `at` (their times never decrease). */
function piecesBy (run: PieceRun, at: number): number {
  let lo = 0
  let hi = run.count
  while (lo < hi) {
    const mid = (lo + hi) >>> 1
    if (pieceTime(run, mid) <= at) lo = mid + 1
    else hi = mid
  }
  return lo
}

/**
 * The entries as they stand once nothing after `at` happens (a cancel, an expiry): later marks dropped, piece
 * runs cut to the pieces that had happened.
 */
export function entriesUpTo<M extends TimedMark> (entries: ReadonlyArray<Entry<M>>, at: number): Array<Entry<M>> {
  return entries.flatMap((entry): Array<Entry<M>> => {
    if (entry.kind !== 'pieces') return (entry as M).at <= at ? [entry] : []
    const run = entry as PieceRun
    const count = piecesBy(run, at)
    return count === 0 ? [] : count === run.count ? [run] : [{ ...run, count }]
  })
}

const isPieces = <M extends TimedMark>(entry: Entry<M>): entry is PieceRun => entry.kind === 'pieces'

/** The happenings of a course in order (see the module comment). */
export class Happenings<M extends TimedMark> {
  /** Happenings in all, pieces included. */
  readonly length: number
  readonly #entries: ReadonlyArray<Entry<M>>
  /** The index of each entry's first happening. */
  readonly #starts: readonly number[]

  constructor (entries: ReadonlyArray<Entry<M>>) {
    this.#entries = entries
    const starts: number[] = []
    let n = 0
    for (const entry of entries) {
      starts.push(n)
      n += isPieces(entry) ? entry.count : 1
    }
    this.#starts = starts
    this.length = n
  }

  /** The entry holding happening `i` (0 ≤ i < length). */
  #entryOf (i: number): number {
    const starts = this.#starts
    let lo = 0
    let hi = starts.length - 1
    while (lo < hi) {
      const mid = (lo + hi + 1) >>> 1
      if (starts[mid]! <= i) lo = mid
      else hi = mid - 1
    }
    return lo
  }

  /** Happening `i` (0 ≤ i < length). */
  happening (i: number): M | PieceHappening {
    const e = this.#entryOf(i)
    const entry = this.#entries[e]!
    if (!isPieces(entry)) return entry
    const j = i - this.#starts[e]!
    return { kind: 'piece', at: pieceTime(entry, j), owner: entry.owner, piece: j }
  }

  /** When happening `i` happens (epoch ms); undefined past the end. */
  timeOf (i: number): number | undefined {
    if (i >= this.length) return undefined
    const e = this.#entryOf(i)
    const entry = this.#entries[e]!
    return isPieces(entry) ? pieceTime(entry, i - this.#starts[e]!) : entry.at
  }

  /** Happenings `0`..`count − 1`, each made (the inspector and tests: not the request path). */
  list (count = this.length): Array<M | PieceHappening> {
    const out: Array<M | PieceHappening> = []
    for (let i = 0; i < count; i++) out.push(this.happening(i))
    return out
  }

  /**
   * How many happenings have happened at `now` (epoch ms). With `asOfEvent`, `now` is the instant of a request
   * that changed the course (create, tool outputs, cancel): the count stops at what that request did — the
   * status it set, as the service answers — even when zero-length timings would move on within the same
   * millisecond. A clock that reads before the creation (a system clock stepping back) still sees the first.
   */
  happenedBy (now: number, asOfEvent = false): number {
    const entries = this.#entries
    if (asOfEvent) {
      for (let e = entries.length - 1; e >= 0; e--) {
        const entry = entries[e]!
        if (!isPieces(entry) && entry.byRequest === true && entry.at <= now) return this.#starts[e]! + 1
      }
    }
    let count = 0
    for (const entry of entries) {
      if (isPieces(entry)) {
        const n = piecesBy(entry, now)
        count += n
        if (n < entry.count) break
      } else {
        if (entry.at > now) break
        count++
      }
    }
    return Math.max(1, count)
  }

  /**
   * Walks happenings `0`..`count − 1`: each mark with its index, and each run of pieces as how many of its
   * owner's pieces have happened.
   */
  walk (count: number, onMark: (mark: M, index: number) => void, onPieces: (owner: number, shown: number) => void): void {
    const entries = this.#entries
    for (let e = 0; e < entries.length; e++) {
      const start = this.#starts[e]!
      if (start >= count) return
      const entry = entries[e]!
      if (isPieces(entry)) onPieces(entry.owner, Math.min(entry.count, count - start))
      else onMark(entry, start)
    }
  }

  /** The first mark at index `count` or later: the next change a read can see (pieces only fill in text). */
  nextMark (count: number): M | undefined {
    const entries = this.#entries
    for (let e = 0; e < entries.length; e++) {
      const entry = entries[e]!
      if (!isPieces(entry) && this.#starts[e]! >= count) return entry
    }
    return undefined
  }

  /** The last happening's time (epoch ms). */
  endsAt (): number {
    return this.timeOf(this.length - 1)!
  }
}
