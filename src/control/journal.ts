/**
 * The requests journal (GET /_emulator/requests): a bounded ring of the most recent requests. It keeps
 * what a test needs to assert on calls, and never keys or tokens: paths are masked by the log's own `scrubUrl`
 * (logging.ts), by what a value is called and by what it looks like. GET /_emulator/requests lists no bodies;
 * the inspector (/_emulator/ui) shows the first `--journal-body-bytes` of each API request's and response's
 * body, which the ring keeps beside the entry (never those of /_emulator requests: fault rules and state
 * documents may hold keys).
 */
import { Type, type Static } from '@sinclair/typebox'
import type { FastifyRequest } from 'fastify'
import { classify, type FrontDoor } from '../api-surface.js'
import { scrubUrl } from '../logging.js'

export const JournalEntrySchema = Type.Object({
  method: Type.String(),
  path: Type.String({ description: 'Path and query; secrets (by name or by shape) are replaced by ***' }),
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

/** What replaces a secret in a journal path. */
const JOURNAL_MASK = '***'

export interface Journal<Raw = JournalEntry> {
  /** Keeps `entry` as given: it is turned into a JournalEntry only when listed, so recording stays cheap. */
  record (entry: Raw): void
  /** Newest first, at most `limit`. */
  list (limit?: number): JournalEntry[]
  /** The entries as recorded, newest first (the inspector's requests view). */
  recorded (): Raw[]
  /** One recorded entry as `list` gives it (the inspector shows entries as listed, secrets masked). */
  present (raw: Raw): JournalEntry
  /** Counts every record and clear: a reader can tell whether anything changed since it last looked. */
  readonly revision: number
  clear (): void
}

/** @param present turns a recorded entry into what GET /_emulator/requests lists (called on read only). */
export function createJournal<Raw = JournalEntry> (size = JOURNAL_SIZE,
  present: (raw: Raw) => JournalEntry = raw => raw as unknown as JournalEntry): Journal<Raw> {
  let ring: Raw[] = []
  let next = 0
  let revision = 0
  const newestFirst = () => (ring.length < size ? [...ring] : [...ring.slice(next), ...ring.slice(0, next)]).reverse()
  return {
    record (entry) {
      if (ring.length < size) ring.push(entry)
      else ring[next] = entry
      next = (next + 1) % size
      revision++
    },
    list (limit = size) {
      return newestFirst().slice(0, limit).map(present)
    },
    recorded: newestFirst,
    present,
    get revision () { return revision },
    clear () {
      ring = []
      next = 0
      revision++
    }
  }
}

/**
 * What the journal keeps of one body: its first bytes as UTF-8 text, or only its size and why no text is kept
 * (`note`: a multipart upload, binary content, an event stream).
 */
export interface KeptBody {
  /** The body's first `--journal-body-bytes` bytes as text; null when none is kept. */
  readonly text: string | null
  /** The whole body's size in bytes; null when unknown (an event stream). */
  readonly bytes: number | null
  /** `text` is only the beginning of the body. */
  readonly truncated: boolean
  readonly contentType: string | null
  readonly note: string | null
}

/** A request's and its response's bodies as the journal keeps them (null: the message had no body). */
export interface KeptBodies {
  readonly request: KeptBody | null
  readonly response: KeptBody | null
}

const TEXTUAL = /^(application\/(json|x-ndjson|problem\+json)|text\/)/i

/** The first at most `max` bytes of UTF-8 `bytes` as text, cut between two characters (never inside one). */
function utf8Head (bytes: Buffer, max: number): string {
  let end = Math.min(max, bytes.length)
  // A continuation byte (10xxxxxx) at the cut belongs to a character that would be split: cut before it.
  if (end < bytes.length) while (end > 0 && (bytes[end]! & 0xc0) === 0x80) end--
  return bytes.toString('utf8', 0, end)
}

/**
 * The first `max` bytes of `text`, as a string of its own: a slice of a large string would keep all of it
 * alive in the journal.
 */
function headOf (text: string, max: number): { text: string, bytes: number, truncated: boolean } {
  const bytes = Buffer.byteLength(text)
  if (bytes <= max) return { text, bytes, truncated: false }
  return { text: utf8Head(Buffer.from(text.slice(0, max)), max), bytes, truncated: true }
}

/**
 * A text body kept whole: one that cannot exceed the kept bytes (at most 3 UTF-8 bytes per UTF-16 unit). Its
 * byte count is taken when the journal is read, not on every request (issue 20).
 */
class WholeText implements KeptBody {
  readonly truncated = false
  readonly note = null
  readonly text: string
  readonly contentType: string | null
  #bytes: number | undefined
  constructor (text: string, contentType: string | null) {
    this.text = text
    this.contentType = contentType
  }

  get bytes (): number {
    this.#bytes ??= Buffer.byteLength(this.text)
    return this.#bytes
  }
}

/**
 * What the journal keeps of a body that is `payload` (a string, a Buffer, a stream, or nothing) with
 * `contentType`: text for JSON and text bodies, a note for the rest. `size` is its length when known
 * otherwise (a request's `content-length`).
 */
export function keepBody (payload: unknown, contentType: string | undefined, max: number, size?: number): KeptBody | null {
  const type = contentType ?? null
  if (payload === undefined || payload === null || payload === '') {
    return size === undefined || size === 0 ? null : { text: null, bytes: size, truncated: false, contentType: type, note: `${type ?? 'a body'}: not kept` }
  }
  if (typeof payload === 'string') {
    if (payload.length * 3 <= max) return new WholeText(payload, type)
    const head = headOf(payload, max)
    return { text: head.text, bytes: head.bytes, truncated: head.truncated, contentType: type, note: null }
  }
  if (Buffer.isBuffer(payload)) {
    if (type !== null && TEXTUAL.test(type)) {
      return { text: utf8Head(payload, max), bytes: payload.length, truncated: payload.length > max, contentType: type, note: null }
    }
    return { text: null, bytes: payload.length, truncated: false, contentType: type, note: 'binary content: not kept' }
  }
  return { text: null, bytes: null, truncated: false, contentType: type, note: type?.startsWith('text/event-stream') === true ? 'an event stream: not kept' : 'a stream: not kept' }
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
  /** The emulator's clock (epoch ms) when the answer was sent (or the connection dropped). */
  readonly at: number
  /** What the journal keeps of the bodies (the inspector shows them); null when it keeps none. */
  readonly bodies: KeptBodies | null
}

/** A request as the journal records it; `fault` is the type of the rule that answered or delayed it, if one did. */
export function recordOf (request: FastifyRequest, status: number, elapsedMs: number, fault: string | null, at: number,
  bodies: KeptBodies | null = null): RecordedRequest {
  return {
    method: request.method,
    url: request.url,
    door: request.door ?? classify(request.url),
    apiVersion: (request.query as Record<string, unknown> | undefined)?.['api-version'],
    status,
    elapsedMs,
    requestId: request.id,
    fault,
    at,
    bodies
  }
}

/** A recorded request as GET /_emulator/requests lists it (no time, no bodies), configured `secrets` masked. */
function presentRequest (recorded: RecordedRequest, secrets: readonly string[]): JournalEntry {
  const flavour = recorded.door.name
  return {
    method: recorded.method,
    path: scrubUrl(recorded.url, { mask: JOURNAL_MASK, secrets }),
    api_version: (flavour === 'azure' || flavour === 'azure-v1') && typeof recorded.apiVersion === 'string' ? recorded.apiVersion : null,
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
