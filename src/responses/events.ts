/**
 * A response's stream events, derived from the same course the reads show (course.ts): each happening described
 * by the events the service sends for it (responses-wire.md §7, OA-SPEC `ResponseStreamEvent`), every
 * `response` snapshot built by the presenter the GETs use from the state right after that happening. Every
 * event carries `sequence_number`, its place in the whole stream from 0, so a replay from `starting_after`
 * (GET /responses/{id}?stream=true) sends exactly the events that followed.
 *
 * Order per happening: the first phase gives `response.created` and `response.queued` (background; the status
 * inside both is `queued`) or `response.in_progress` (foreground: `in_progress`); an item's opening gives
 * `response.output_item.added` and its content part (message), summary part (reasoning) or
 * `response.file_search_call.in_progress` (file search); each chunk one delta (a citation:
 * `response.output_text.annotation.added`; a file search's one chunk: `response.file_search_call.searching`); its
 * end the `….done` events (`response.file_search_call.completed`) and `response.output_item.done` (§7.4); the last phase `response.completed`,
 * `response.incomplete` or `response.failed`. A cancel ends the stream without an event: the document has no
 * `response.cancelled`, and the SDKs refuse event types they do not know.
 */
import type { Flavour } from '../api-surface.js'
import type { Clock } from '../clock.js'
import { Errors } from '../errors.js'
import type { EventSource, Pulled, StreamEvent } from '../http/sse.js'
import { presentResponse } from '../presenters/response.js'
import type { ResponseRecord } from '../store/records.js'
import type { Store } from '../store/store.js'
import {
  fileCitation, includesResults, isTerminalResponse, outputItem, outputTextPart, responseCourseOf, responseStateAfter, writtenWhole,
  type ResponseHappening, type Written
} from './course.js'

/** Nothing written yet. */
const NOTHING: Written = { text: '', annotations: 0 }

type Fields = Record<string, unknown>

/** The events of a happening, without sequence numbers: [type, fields]. */
function describe (record: ResponseRecord, flavour: Flavour, happening: ResponseHappening, index: number): Array<[string, Fields]> {
  const { pieces } = responseCourseOf(record)
  switch (happening.kind) {
    case 'phase': {
      if (happening.status === 'cancelled') return []
      const response = presentResponse({ record, state: responseStateAfter(record, index + 1) }, flavour)
      const lifecycle: [string, Fields] = [`response.${happening.status}`, { response }]
      return index === 0 ? [['response.created', { response }], lifecycle] : [lifecycle]
    }
    case 'item-added': {
      const item = record.output[happening.item]!
      const at = { item_id: item.id, output_index: happening.item }
      const added: [string, Fields] = ['response.output_item.added', { output_index: happening.item, item: outputItem(item, NOTHING, 'in_progress', true) }]
      if (item.type === 'message') return [added, ['response.content_part.added', { ...at, content_index: 0, part: outputTextPart(item, NOTHING) }]]
      if (item.type === 'file_search_call') return [added, ['response.file_search_call.in_progress', at]]
      if (item.type === 'reasoning') return [added, ['response.reasoning_summary_part.added', { ...at, summary_index: 0, part: { type: 'summary_text', text: '' } }]]
      return [added]
    }
    case 'piece': {
      const item = record.output[happening.owner]!
      const delta = pieces[happening.owner]![happening.piece]!
      const at = { item_id: item.id, output_index: happening.owner }
      if (item.type === 'file_search_call') return [['response.file_search_call.searching', at]]
      if (typeof delta !== 'string') {
        if (item.type !== 'message') throw new Error('unreachable: only a message has annotations')
        const annotation = { annotation_index: delta.annotation, annotation: fileCitation(item, delta.annotation) }
        return [['response.output_text.annotation.added', { ...at, content_index: 0, ...annotation }]]
      }
      if (item.type === 'message') return [['response.output_text.delta', { ...at, content_index: 0, delta, logprobs: [] }]]
      if (item.type === 'reasoning') return [['response.reasoning_summary_text.delta', { ...at, summary_index: 0, delta }]]
      return [['response.function_call_arguments.delta', { ...at, delta }]]
    }
    case 'item-done': {
      const item = record.output[happening.item]!
      const whole = writtenWhole(item)
      const { text } = whole
      const at = { item_id: item.id, output_index: happening.item }
      const done: [string, Fields] = ['response.output_item.done', {
        output_index: happening.item,
        item: outputItem(item, whole, item.type === 'message' && item.truncated ? 'incomplete' : 'completed', false, includesResults(record))
      }]
      if (item.type === 'message') {
        return [
          ['response.output_text.done', { ...at, content_index: 0, text, logprobs: [] }],
          ['response.content_part.done', { ...at, content_index: 0, part: outputTextPart(item, whole) }],
          done
        ]
      }
      if (item.type === 'file_search_call') return [['response.file_search_call.completed', at], done]
      if (item.type === 'reasoning') {
        return [
          ['response.reasoning_summary_text.done', { ...at, summary_index: 0, text }],
          ['response.reasoning_summary_part.done', { ...at, summary_index: 0, part: { type: 'summary_text', text } }],
          done
        ]
      }
      return [['response.function_call_arguments.done', { ...at, name: item.name, arguments: text }], done]
    }
  }
}

export interface ResponseStreamOptions {
  readonly store: Store
  readonly clock: Clock
  readonly record: ResponseRecord
  readonly flavour: Flavour
  /** Send only events with a greater `sequence_number` (a resumed stream); absent: from the first. */
  readonly startingAfter?: number
}

/**
 * The event source of one streamed request: the response's events as they happen, up to its end. Reads the
 * record from the store on every pull, so a cancel shows at once; a response that has gone (deleted) fails the
 * stream.
 */
export function responseEventSource ({ store, clock, record: started, flavour, startingAfter = -1 }: ResponseStreamOptions): EventSource {
  /** The first event not sent yet (its `sequence_number`). */
  let next = startingAfter + 1
  /** The next happening to describe, and the sequence number of its first event. */
  let happening = 0
  let sequence = 0
  return {
    pull (max: number): Pulled {
      const record = store.responses.get(started.id)
      if (!record) throw Errors.responseNotFound(started.id)
      const course = responseCourseOf(record)
      const due = course.happenedBy(clock.now())
      // Each happening is described when it is due, and only then: a long reply's events are never all made at
      // once, nor kept (a resumed stream describes the happenings before `starting_after` and drops their events).
      const out: StreamEvent[] = []
      while (happening < due && out.length < max) {
        for (const [type, fields] of describe(record, flavour, course.happening(happening), happening)) {
          if (sequence >= next) out.push({ event: type, data: { type, sequence_number: sequence, ...fields } })
          sequence++
        }
        happening++
      }
      next = Math.max(next, sequence)
      const last = course.happening(due - 1)
      const ended = last.kind === 'phase' && isTerminalResponse(last.status) && due === course.length
      const done = ended && happening >= course.length
      return { events: out, done, nextAt: done ? null : course.timeOf(happening) ?? null }
    },
    /** OA-SPEC `ResponseErrorEvent`: flat, numbered like every event. */
    errorEvent ({ code, message, param }) {
      return { event: 'error', data: { type: 'error', sequence_number: next, code, message, param } }
    }
  }
}
