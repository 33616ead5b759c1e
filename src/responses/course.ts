/**
 * Where a response is at a given moment. Pure, like the run lifecycle (runs/lifecycle.ts), and on the same
 * terms: the status is derived from the stored record (creation time, timings, the items it writes, a cancel)
 * and the clock on every read, never moved by a timer.
 *
 * A response's course: `queued` (background only) → `in_progress` → its items, each added, written in chunks
 * (text and its citations, function-call arguments, a reasoning summary: `itemPieces`, at the pace of
 * runs/pacing.ts; a file search is one chunk, its search) and done →
 * `completed` | `incomplete` | `failed`. A function call ends the response `completed`, with the call in its
 * output (there is no `requires_action`: responses-wire.md §6). A cancel (background only) stops the course
 * where it is and ends it `cancelled` at once.
 */
import { boundedMemo } from '../memo.js'
import { entriesUpTo, Happenings, type Entry, type PieceHappening } from '../runs/happenings.js'
import { paceOf } from '../runs/pacing.js'
import { textPieces } from '../runs/pieces.js'
import { callTokens, countPromptTokens, hostedCallContextTokens, hostedCallTokens, replyTokens, tokenizer } from '../runs/tokens.js'
import type { PlannedItem, ResponseRecord } from '../store/records.js'
import { utf16Index, type ResponsesFileCitation } from '../tools/citations.js'
import { responsesFileSearchResults, type ResponsesFileSearchResult } from '../tools/file-search.js'

export const RESPONSE_STATUSES = ['queued', 'in_progress', 'completed', 'failed', 'cancelled', 'incomplete'] as const
export type ResponseStatus = typeof RESPONSE_STATUSES[number]

const TERMINAL: ReadonlySet<ResponseStatus> = new Set(['completed', 'failed', 'cancelled', 'incomplete'])

/** Whether a response in `status` has ended. */
export const isTerminalResponse = (status: ResponseStatus): boolean => TERMINAL.has(status)

/** A status change, or an output item added or done (`item` indexes the record's `output`). */
type ResponseMark =
  | { readonly kind: 'phase', readonly at: number, readonly status: ResponseStatus, readonly byRequest: boolean }
  | { readonly kind: 'item-added', readonly at: number, readonly item: number }
  | { readonly kind: 'item-done', readonly at: number, readonly item: number }

/**
 * One thing that happens in a response's course, in order (several may share a millisecond): a mark, or a
 * `piece`, one chunk of the text or arguments of the item `owner`.
 */
export type ResponseHappening = ResponseMark | PieceHappening

/**
 * One chunk an item is written in: text (a delta of a message, arguments or summary; a file search's one chunk
 * is its search, ''), or one of a message's citations, added where it stands in the text (`annotation` indexes
 * the item's annotations).
 */
type ItemPiece = string | { readonly annotation: number }

/** A response's course: its happenings (runs/happenings.ts, the pieces as arithmetic), and each item's chunks. */
export class ResponseCourse extends Happenings<ResponseMark> {
  /** Each output item's chunks, in order; their text pieces add up to the item's text (or arguments, or summary). */
  readonly pieces: ReadonlyArray<readonly ItemPiece[]>

  constructor (entries: ReadonlyArray<Entry<ResponseMark>>, pieces: ReadonlyArray<readonly ItemPiece[]>) {
    super(entries)
    this.pieces = pieces
  }
}

/** The text an item is written in: a message's text, a call's arguments, a reasoning summary (a file search has none). */
function writtenText (item: PlannedItem): string {
  switch (item.type) {
    case 'message': return item.text
    case 'function_call': return item.arguments
    case 'reasoning': return item.summary
    case 'file_search_call': return ''
  }
}

/**
 * An item's chunks: its text in word-sized pieces (runs/pieces.ts `textPieces`), and a message's citations each
 * right after the text before it (where the marker would stand), so the annotation is added once the text it
 * follows has been written.
 */
function itemPieces (item: PlannedItem): readonly ItemPiece[] {
  const annotations = item.type === 'message' ? item.annotations ?? [] : []
  if (item.type !== 'message' || annotations.length === 0) return textPieces(writtenText(item))
  const { text } = item
  const pieces: ItemPiece[] = []
  let at = 0
  annotations.forEach((annotation, index) => {
    const end = Math.max(at, utf16Index(text, annotation.index))
    if (end > at) pieces.push(...textPieces(text.slice(at, end)))
    pieces.push({ annotation: index })
    at = end
  })
  if (at < text.length) pieces.push(...textPieces(text.slice(at)))
  return pieces
}

/** How much of an item its first pieces show: the text written, and how many of its annotations were added. */
export interface Written {
  readonly text: string
  readonly annotations: number
}

/** What the first `count` of `pieces` show. */
function writtenBy (pieces: readonly ItemPiece[], count: number): Written {
  let text = ''
  let annotations = 0
  for (const piece of pieces.slice(0, count)) {
    if (typeof piece === 'string') text += piece
    else annotations++
  }
  return { text, annotations }
}

/** An item written in full. */
export const writtenWhole = (item: PlannedItem): Written =>
  ({ text: writtenText(item), annotations: item.type === 'message' ? item.annotations?.length ?? 0 : 0 })

const courseMemo = boundedMemo<ResponseRecord, ResponseCourse>(1024)

/** The response's course (records are values: a cancel makes a new record, and a new course). */
export function responseCourseOf (record: ResponseRecord): ResponseCourse {
  return courseMemo.get(record, buildCourse)
}

function buildCourse (record: ResponseRecord): ResponseCourse {
  const { queuedMs, inProgressMs } = record.timings
  const chunkMs = record.timings.streamChunkMs ?? null
  let entries: Array<Entry<ResponseMark>> = []
  const phase = (status: ResponseStatus, at: number, byRequest = false) => entries.push({ kind: 'phase', at, status, byRequest })
  let startedAt = record.createdAt
  if (record.background) {
    phase('queued', record.createdAt, true)
    startedAt += queuedMs
    phase('in_progress', startedAt)
  } else {
    phase('in_progress', record.createdAt, true)
  }
  const pieces = record.output.map(itemPieces)
  const total = pieces.reduce((n, p) => n + p.length, 0)
  const pace = paceOf(startedAt, inProgressMs, chunkMs, total)
  let written = 0
  pieces.forEach((itemPieces, item) => {
    const first = written
    entries.push({ kind: 'item-added', at: pace.at(first), item })
    if (itemPieces.length > 0) entries.push({ kind: 'pieces', owner: item, count: itemPieces.length, startedAt, span: pace.span, total, first })
    written += itemPieces.length
    entries.push({ kind: 'item-done', at: item === pieces.length - 1 ? pace.endsAt : pace.at(written), item })
  })
  const ending = record.ending
  phase(ending === null ? 'completed' : ending.kind === 'fail' ? 'failed' : 'incomplete', pace.endsAt)

  if (record.cancelledAt !== null) {
    const cancelledAt = record.cancelledAt
    entries = entriesUpTo(entries, cancelledAt)
    phase('cancelled', cancelledAt, true)
  }
  return new ResponseCourse(entries, pieces)
}

/**
 * Token usage (OpenAI `ResponseUsage`), once a response has completed or ended incomplete. Exported for the
 * presenters' declared types only.
 * @public
 */
export interface ResponseUsage {
  readonly input_tokens: number
  readonly input_tokens_details: { readonly cached_tokens: number, readonly cache_write_tokens: number }
  readonly output_tokens: number
  readonly output_tokens_details: { readonly reasoning_tokens: number }
  readonly total_tokens: number
}

/** An output item as the wire shows it at one moment (OpenAI `OutputItem`: message, function_call, reasoning). */
export type OutputItem =
  | {
    readonly id: string
    readonly type: 'message'
    readonly status: 'in_progress' | 'completed' | 'incomplete'
    readonly role: 'assistant'
    readonly content: ReadonlyArray<{ readonly type: 'output_text', readonly annotations: readonly unknown[], readonly logprobs: readonly unknown[], readonly text: string }>
  }
  | {
    readonly id: string
    readonly type: 'function_call'
    readonly status: 'in_progress' | 'completed' | 'incomplete'
    readonly arguments: string
    readonly call_id: string
    readonly name: string
  }
  | { readonly id: string, readonly type: 'reasoning', readonly summary: ReadonlyArray<{ readonly type: 'summary_text', readonly text: string }> }
  | {
    readonly id: string
    readonly type: 'file_search_call'
    readonly status: 'in_progress' | 'searching' | 'completed' | 'incomplete'
    readonly queries: readonly string[]
    readonly results: readonly ResponsesFileSearchResult[] | null
  }

/** A message's citation `index` as the wire shows it (OpenAI `FileCitationBody`). */
export function fileCitation (item: Extract<PlannedItem, { type: 'message' }>, index: number): ResponsesFileCitation {
  const annotation = item.annotations![index]!
  return { type: 'file_citation', file_id: annotation.fileId, filename: annotation.fileName, index: annotation.index }
}

/** An output part of a message with `written` of it so far (its text and the annotations added). */
export function outputTextPart (item: PlannedItem, written: Written) {
  const annotations = item.type === 'message' && written.annotations > 0
    ? Array.from({ length: written.annotations }, (_, i) => fileCitation(item, i))
    : []
  return { type: 'output_text' as const, annotations, logprobs: [], text: written.text }
}

/** What an item shows: in the making, searching (a file search that has started), done, or cut. */
type ItemStatus = 'in_progress' | 'searching' | 'completed' | 'incomplete'

/**
 * An output item with `written` of it so far. `opening` is the item as `response.output_item.added` shows it:
 * before its content part (or summary part) is added, a file search before its queries. A file search shows its
 * `results` only when done and when the request's `include` asks for `file_search_call.results` (`withResults`).
 */
export function outputItem (item: PlannedItem, written: Written, status: ItemStatus, opening = false, withResults = false): OutputItem {
  const plain = status === 'searching' ? 'in_progress' : status
  switch (item.type) {
    case 'message':
      return { id: item.id, type: 'message', status: plain, role: 'assistant', content: opening ? [] : [outputTextPart(item, written)] }
    case 'function_call':
      return { id: item.id, type: 'function_call', status: plain, arguments: written.text, call_id: item.callId, name: item.name }
    case 'reasoning':
      return { id: item.id, type: 'reasoning', summary: opening ? [] : [{ type: 'summary_text', text: written.text }] }
    case 'file_search_call':
      return {
        id: item.id,
        type: 'file_search_call',
        status,
        queries: opening ? [] : item.search.queries,
        results: withResults && status === 'completed' ? responsesFileSearchResults(item.search) : null
      }
  }
}

/** Whether a response's request asked for its file searches' results (`include[]=file_search_call.results`). */
export const includesResults = (record: ResponseRecord): boolean => record.include.includes('file_search_call.results')

export interface ResponseState {
  readonly status: ResponseStatus
  /** When it completed (epoch ms); null in any other status. */
  readonly completedAt: number | null
  readonly error: { readonly code: string, readonly message: string } | null
  readonly incompleteReason: string | null
  /** The output items that exist at this moment, as the wire shows them. */
  readonly output: readonly OutputItem[]
  /** Null until the response has completed or ended incomplete. */
  readonly usage: ResponseUsage | null
  /** When something about the response will next change by itself; null when nothing will. */
  readonly nextChangeAt: number | null
}

/** The status an item ends with: a message cut by the token budget is `incomplete`. */
function doneStatus (item: PlannedItem): 'completed' | 'incomplete' {
  return item.type === 'message' && item.truncated ? 'incomplete' : 'completed'
}

/**
 * Input and output tokens of the whole response (the same tokenizer and framing as runs: runs/tokens.ts). A
 * response is one model call, plus one more after each file search, which reads the prompt and every search so
 * far (its queries and results), as a run's steps count them.
 */
function usageOf (record: ResponseRecord): ResponseUsage {
  const { count } = tokenizer()
  const prompt = countPromptTokens(count, record.prompt.instructions, record.prompt.messages)
  let input = prompt
  let output = 0
  let reasoning = 0
  /** What the searches so far added to the prompt of the model calls after them. */
  let searched = 0
  for (const item of record.output) {
    if (item.type === 'message') output += replyTokens(item)
    else if (item.type === 'function_call') output += callTokens({ calls: [item] })
    else if (item.type === 'file_search_call') {
      // As a run counts it (runs/tokens.ts): the model wrote the search, and a new model call reads what it found.
      const call = { kind: 'file_search' as const, search: item.search }
      output += hostedCallTokens(call)
      searched += hostedCallContextTokens(call)
      input += prompt + searched
    } else {
      const tokens = count(item.summary)
      reasoning += tokens
      output += tokens
    }
  }
  return {
    input_tokens: input,
    input_tokens_details: { cached_tokens: 0, cache_write_tokens: 0 },
    output_tokens: output,
    output_tokens_details: { reasoning_tokens: reasoning },
    total_tokens: input + output
  }
}

/**
 * The response's state once the first `count` happenings of its course have happened: what a read shows then
 * (a stream describes each happening with it).
 */
export function responseStateAfter (record: ResponseRecord, count: number): ResponseState {
  const course = responseCourseOf(record)
  const { pieces } = course
  // Set in the walk's callbacks (a plain initialiser would narrow it to 'queued' for the checker).
  let status = 'queued' as ResponseStatus
  let completedAt: number | null = null
  const shown = new Map<number, number>()
  const done = new Set<number>()
  course.walk(count, h => {
    if (h.kind === 'phase') {
      status = h.status
      if (h.status === 'completed') completedAt = h.at
    } else if (h.kind === 'item-added') shown.set(h.item, 0)
    else done.add(h.item)
  }, (item, piecesShown) => shown.set(item, piecesShown))
  const withResults = includesResults(record)
  const output = [...shown].map(([index, piecesShown]) => {
    const item = record.output[index]!
    if (done.has(index)) return outputItem(item, writtenWhole(item), doneStatus(item), false, withResults)
    const making = item.type === 'file_search_call' && piecesShown > 0 ? 'searching' : 'in_progress'
    return outputItem(item, writtenBy(pieces[index]!, piecesShown), status === 'cancelled' ? 'incomplete' : making)
  })
  const ending = record.ending
  const upcoming = course.nextMark(count)
  return {
    status,
    completedAt,
    error: status === 'failed' && ending?.kind === 'fail' ? { code: ending.code, message: ending.message } : null,
    incompleteReason: status === 'incomplete' && ending?.kind === 'incomplete' ? ending.reason : null,
    output,
    usage: status === 'completed' || status === 'incomplete' ? usageOf(record) : null,
    nextChangeAt: upcoming?.at ?? null
  }
}

const endStateMemo = boundedMemo<ResponseRecord, ResponseState>(1024)

/**
 * The response's state at `now` (epoch ms); `asOfEvent` for the answer to the request that just changed it
 * (create in the background: `queued`; cancel: `cancelled`), as runs/happenings.ts `happenedBy` counts.
 */
export function responseStateAt (record: ResponseRecord, now: number, asOfEvent = false): ResponseState {
  const course = responseCourseOf(record)
  const count = course.happenedBy(now, asOfEvent)
  return count === course.length ? endStateMemo.get(record, () => responseStateAfter(record, count)) : responseStateAfter(record, count)
}

/** When the response's course ends (epoch ms): the time of its last happening. */
export function responseEndsAt (record: ResponseRecord): number {
  return responseCourseOf(record).endsAt()
}
