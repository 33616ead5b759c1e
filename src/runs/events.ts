/**
 * A run's stream events, derived from the same course the reads show (runs/lifecycle.ts): the happenings of
 * the course in order, each described by the events the service sends for it, every snapshot built by the
 * presenters the GETs use from the run's state right after that happening. So a stream and a read at the
 * same point can never disagree, and after a stream the reads show what its events built.
 *
 * Event names and shapes: OpenAI's `AssistantStreamEvent` (spec/openai-openapi.yaml), Azure's "Stream a
 * run result" (docs/streaming.md). Every entry of a delta array carries its `index`, which the
 * SDKs' stream helpers need to merge deltas.
 */
import type { Generation } from '../api-versions.js'
import type { Clock } from '../clock.js'
import { Errors } from '../errors.js'
import type { EventSource, Pulled, StreamEvent } from '../http/sse.js'
import { presentMessage, presentMessageDelta } from '../presenters/message.js'
import { presentHostedToolDelta, presentRun, presentStep, type StepPresentation } from '../presenters/run.js'
import { presentThread } from '../presenters/thread.js'
import { isHostedToolStep, replyAt, type RunRecord, type ThreadRecord } from '../store/records.js'
import type { Store } from '../store/store.js'
import {
  courseOf, isTerminal, runStateAfter, stepPieces, type Happening, type RunState, type ToolCallPiece
} from './lifecycle.js'
import { replyChunks, type HostedToolPiece } from './pieces.js'
import { replyMessageRecord } from './reply-message.js'

/** Where a stream opened by the request that just changed the run starts: at what that request did. */
export function streamStart (run: RunRecord, now: number): number {
  return courseOf(run).happenedBy(now, true) - 1
}

/** Whether a stream ends after this happening: the run waits for tool outputs, or is over. */
function endsStream (happening: Happening): boolean {
  return happening.kind === 'phase' && (happening.status === 'requires_action' || isTerminal(happening.status))
}

/**
 * The events of happenings `from` (inclusive) to `to` (exclusive) of the run's course, in `generation`'s
 * shapes (steps with search result content when `includeSearchContent`). Pure. Happening 0 (the run's creation)
 * gives `thread.run.created` and `thread.run.queued`.
 */
function runEvents (run: RunRecord, from: number, to: number, generation: Generation, includeSearchContent: boolean): StreamEvent[] {
  const course = courseOf(run)
  const { steps } = course
  const how: StepPresentation = { generation, includeSearchContent }
  const events: StreamEvent[] = []
  for (let i = from; i < to; i++) {
    const happening = course.happening(i)
    const state = (): RunState => runStateAfter(run, i + 1)
    const stepView = (state: RunState, step: number) => state.steps.find(s => s.step.stepId === steps[step]!.step.stepId)!
    switch (happening.kind) {
      case 'phase': {
        const data = presentRun({ record: run, state: state() }, generation)
        if (i === 0) events.push({ event: 'thread.run.created', data })
        events.push({ event: `thread.run.${happening.status}`, data })
        break
      }
      case 'step-created': {
        const view = stepView(state(), happening.step)
        const step = presentStep(run, view, how)
        events.push({ event: 'thread.run.step.created', data: step }, { event: 'thread.run.step.in_progress', data: step })
        if (view.step.kind === 'message') {
          const message = presentMessage(replyMessageRecord(run, view), generation)
          events.push({ event: 'thread.message.created', data: message }, { event: 'thread.message.in_progress', data: message })
        }
        break
      }
      case 'piece': {
        const info = steps[happening.owner]!
        const piece = stepPieces(run, info)[happening.piece]!
        if (info.step.kind === 'message') {
          const reply = replyAt(run.segments[info.segment]!, info.index)
          events.push({ event: 'thread.message.delta', data: presentMessageDelta(info.step.messageId, reply, replyChunks(reply), happening.piece, generation) })
        } else if (isHostedToolStep(info.step)) {
          const delta = presentHostedToolDelta(info.step, piece as HostedToolPiece, how)
          events.push({ event: 'thread.run.step.delta', data: { id: info.step.stepId, object: 'thread.run.step.delta', delta: { step_details: delta } } })
        } else {
          const { call, arguments: args } = piece as ToolCallPiece
          const toolCall = info.step.calls[call]!
          events.push({
            event: 'thread.run.step.delta',
            data: {
              id: info.step.stepId,
              object: 'thread.run.step.delta',
              delta: {
                step_details: {
                  type: 'tool_calls',
                  tool_calls: [args === null
                    ? { index: call, id: toolCall.id, type: 'function', function: { name: toolCall.name, arguments: '', output: null } }
                    : { index: call, type: 'function', function: { arguments: args } }]
                }
              }
            }
          })
        }
        break
      }
      case 'step-ended': {
        const view = stepView(state(), happening.step)
        if (view.step.kind === 'message') {
          const message = presentMessage(replyMessageRecord(run, view), generation)
          events.push({ event: `thread.message.${message.status}`, data: message })
        }
        events.push({ event: `thread.run.step.${happening.status}`, data: presentStep(run, view, how) })
        break
      }
    }
  }
  return events
}

export interface RunStreamOptions {
  readonly store: Store
  readonly clock: Clock
  readonly run: RunRecord
  readonly generation: Generation
  /** The happening the stream starts at (`streamStart`). */
  readonly from: number
  /** Sent first: the thread a create-thread-and-run request made (`thread.created`). */
  readonly thread?: ThreadRecord
  /** Steps show their search results' text (`include[]` on create run). */
  readonly includeSearchContent?: boolean
}

/**
 * The event source of one streamed request: from `from` on, the run's events as they happen, up to the run
 * waiting for tool outputs or ending. Reads the run from the store on every pull, so a cancel or anything
 * else another request does shows at once; a run that has gone (its thread deleted) fails the stream.
 */
export function runEventSource ({ store, clock, run: started, generation, from, thread, includeSearchContent = false }: RunStreamOptions): EventSource {
  let cursor = from
  let opening: StreamEvent[] = thread ? [{ event: 'thread.created', data: presentThread(thread, generation) }] : []
  return {
    pull (max: number): Pulled {
      const run = store.runs.get(started.threadId, started.id)
      if (!run) throw Errors.notFound('run', started.id)
      const course = courseOf(run)
      const due = course.happenedBy(clock.now())
      let to = cursor
      let done = false
      let pieces = 0
      while (to < due && pieces < max && !done) {
        done = endsStream(course.happening(to))
        pieces++
        to++
      }
      const events = [...opening, ...runEvents(run, cursor, to, generation, includeSearchContent)]
      opening = []
      cursor = to
      return { events, done, nextAt: done ? null : course.timeOf(cursor) ?? null }
    }
  }
}
