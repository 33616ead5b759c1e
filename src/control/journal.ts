/**
 * The requests journal (GET /_emulator/requests): a bounded ring of the most recent requests. It keeps
 * what a test needs to assert on calls, and never keys, tokens or bodies: paths are masked by the log's own
 * `scrubUrl` (logging.ts), by what a value is called and by what it looks like.
 */
import { Type, type Static } from '@sinclair/typebox'
import type { FastifyRequest } from 'fastify'
import { classify, type FrontDoor } from '../api-surface.js'
import { scrubUrl } from '../logging.js'

export const JournalEntrySchema = Type.Object({
  method: Type.String(),
  path: Type.String({ description: 'Path and query; secrets (by name or by shape) are replaced by ***' }),
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

/** What replaces a secret in a journal path. */
const JOURNAL_MASK = '***'

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

/** What the journal keeps of a request: raw, so recording costs one small object; listed by `presentRequest`. */
export interface RecordedRequest {
  readonly method: string
  readonly url: string
  readonly door: FrontDoor
  readonly apiVersion: unknown
  readonly status: number
  readonly elapsedMs: number
  readonly requestId: string
  readonly fault: string | null
}

/** A request as the journal records it; `fault` is the type of the rule that answered or delayed it, if one did. */
export function recordOf (request: FastifyRequest, status: number, elapsedMs: number, fault: string | null): RecordedRequest {
  return {
    method: request.method,
    url: request.url,
    door: request.door ?? classify(request.url),
    apiVersion: (request.query as Record<string, unknown> | undefined)?.['api-version'],
    status,
    elapsedMs,
    requestId: request.id,
    fault
  }
}

function presentRequest (recorded: RecordedRequest, secrets: readonly string[]): JournalEntry {
  const flavour = recorded.door.name
  return {
    method: recorded.method,
    path: scrubUrl(recorded.url, { mask: JOURNAL_MASK, secrets }),
    api_version: flavour === 'azure' && typeof recorded.apiVersion === 'string' ? recorded.apiVersion : null,
    flavour,
    status: recorded.status,
    duration_ms: Math.round(recorded.elapsedMs * 100) / 100,
    request_id: recorded.requestId,
    fault: recorded.fault
  }
}

/** The requests journal of GET /_emulator/requests, fed by the pipeline's last step; `secrets` are the configured ones. */
export const createRequestJournal = (secrets: readonly string[] = []): Journal<RecordedRequest> =>
  createJournal(undefined, recorded => presentRequest(recorded, secrets))
