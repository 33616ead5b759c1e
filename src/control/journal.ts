/**
 * The requests journal (GET /_emulator/requests): a bounded ring of the most recent requests. It keeps
 * what a test needs to assert on calls, and never keys, tokens or bodies; query values whose names look
 * secret are masked.
 */
import { Type, type Static } from '@sinclair/typebox'

export const JournalEntrySchema = Type.Object({
  method: Type.String(),
  path: Type.String({ description: 'Path and query; secret-looking query values are replaced by ***' }),
  api_version: Type.Union([Type.String(), Type.Null()]),
  flavour: Type.Union([Type.Literal('azure'), Type.Literal('openai'), Type.Literal('agents'), Type.Literal('emulator')]),
  status: Type.Integer({ description: '0 when a fault dropped the connection' }),
  duration_ms: Type.Number(),
  request_id: Type.String(),
  /** The type of the fault rule that answered or delayed the request, if one did. */
  fault: Type.Union([Type.String(), Type.Null()])
})
export type JournalEntry = Static<typeof JournalEntrySchema>

export const JOURNAL_SIZE = 1000

const SECRET_NAME = /key|token|secret|sig|password|passwd|auth|credential|code/i

/** `url` with the values of secret-looking query parameters replaced by `***`. */
export function scrubUrl (url: string): string {
  const at = url.indexOf('?')
  if (at < 0) return url
  const query = url.slice(at + 1).split('&').map(pair => {
    const eq = pair.indexOf('=')
    const name = eq < 0 ? pair : pair.slice(0, eq)
    let decoded = name
    try { decoded = decodeURIComponent(name) } catch {}
    return eq >= 0 && SECRET_NAME.test(decoded) ? `${name}=***` : pair
  })
  return `${url.slice(0, at)}?${query.join('&')}`
}

export interface Journal<Raw = JournalEntry> {
  /** Keeps `entry` as given: it is turned into a JournalEntry only when listed, so recording stays cheap. */
  record (entry: Raw): void
  /** Newest first, at most `limit`. */
  list (limit?: number): JournalEntry[]
  clear (): void
}

/** @param present turns a recorded entry into what GET /_emulator/requests lists (called on read only). */
export function createJournal<Raw = JournalEntry> (size = JOURNAL_SIZE,
  present: (raw: Raw) => JournalEntry = raw => raw as unknown as JournalEntry): Journal<Raw> {
  let ring: Raw[] = []
  let next = 0
  return {
    record (entry) {
      if (ring.length < size) ring.push(entry)
      else ring[next] = entry
      next = (next + 1) % size
    },
    list (limit = size) {
      const ordered = ring.length < size ? [...ring] : [...ring.slice(next), ...ring.slice(0, next)]
      return ordered.reverse().slice(0, limit).map(present)
    },
    clear () {
      ring = []
      next = 0
    }
  }
}
