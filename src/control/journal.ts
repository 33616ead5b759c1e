/**
 * The requests journal (GET /_emulator/requests): a bounded ring of the most recent requests. It keeps
 * what a test needs to assert on calls, and never keys, tokens or bodies; query values whose names look
 * secret are masked.
 */
import { Type, type Static } from '@sinclair/typebox'
import type { FastifyRequest } from 'fastify'
import { classify, type FrontDoor } from '../api-surface.js'

export const JournalEntrySchema = Type.Object({
  method: Type.String(),
  path: Type.String({ description: 'Path and query; secret-looking query values are replaced by ***' }),
  api_version: Type.Union([Type.String(), Type.Null()]),
  /** The front door (api-surface.ts): `azure`, `openai`, `agents`, `azure-v1`, `foundry`, or `emulator` (the control plane). */
  flavour: Type.Union([
    Type.Literal('azure'), Type.Literal('openai'), Type.Literal('agents'), Type.Literal('azure-v1'), Type.Literal('foundry'), Type.Literal('emulator')
  ]),
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

function presentRequest (recorded: RecordedRequest): JournalEntry {
  const flavour = recorded.door.name
  return {
    method: recorded.method,
    path: scrubUrl(recorded.url),
    api_version: (flavour === 'azure' || flavour === 'azure-v1') && typeof recorded.apiVersion === 'string' ? recorded.apiVersion : null,
    flavour,
    status: recorded.status,
    duration_ms: Math.round(recorded.elapsedMs * 100) / 100,
    request_id: recorded.requestId,
    fault: recorded.fault
  }
}

/** The requests journal of GET /_emulator/requests, fed by the pipeline's last step. */
export const createRequestJournal = (): Journal<RecordedRequest> => createJournal(undefined, presentRequest)
