/**
 * A run's timeline for the inspector: its course (runs/lifecycle.ts `courseOf`) as far as it has happened at
 * `now` — the statuses it went through, each step from creation to its end, tool outputs and cancel requests —
 * with the same times a client's reads show. Stream chunks are left out: a reply's step is one span.
 */
import { courseOf, isTerminal, type Happening } from '../runs/lifecycle.js'
import type { RunRecord } from '../store/records.js'
import type { Span, Timeline } from './view.js'

type Phase = Extract<Happening, { kind: 'phase' }>

type PlayedStep = ReturnType<typeof courseOf>['steps'][number]['step']

/**
 * What a step is, in a few words: `message msg_1`, `tool calls: get_weather, lookup`, `file_search: 3 results`,
 * `code_interpreter: logs, image` (the hosted tools the run calls by itself).
 */
function stepLabel (step: PlayedStep): string {
  switch (step.kind) {
    case 'message': return `message ${step.messageId}`
    case 'tool_calls': return `tool calls: ${step.calls.map(call => call.name).join(', ')}`
    case 'file_search': return `${step.tool}: ${step.search.results.length} result${step.search.results.length === 1 ? '' : 's'}`
    case 'code_interpreter': return `code_interpreter${step.outputs.length === 0 ? '' : `: ${step.outputs.map(output => output.type).join(', ')}`}`
  }
}

/** The run's timeline at `now` (epoch ms). */
export function runTimeline (run: RunRecord, now: number): Timeline {
  const course = courseOf(run)
  const happened = course.list(course.happenedBy(now))
  const phases = happened.filter((h): h is Phase => h.kind === 'phase')
  const last = phases.at(-1)!
  const live = !isTerminal(last.status)
  const statusSpans: Span[] = phases.map((phase, i) => ({
    status: phase.status,
    from: phase.at,
    to: phases[i + 1]?.at ?? (live ? null : phase.at)
  }))

  const opened = new Map<number, number>()
  const ended = new Map<number, Extract<Happening, { kind: 'step-ended' }>>()
  for (const h of happened) {
    if (h.kind === 'step-created') opened.set(h.step, h.at)
    else if (h.kind === 'step-ended') ended.set(h.step, h)
  }
  const stepLanes = [...opened].map(([index, from], n) => {
    const info = course.steps[index]!
    const end = ended.get(index)
    return {
      label: `step ${n + 1}: ${info.step.kind === 'message' ? 'message' : stepLabel(info.step)}`,
      spans: [{ status: end?.status ?? 'in_progress', from, to: end?.at ?? null }]
    }
  })

  const marks: Array<{ at: number, label: string }> = []
  run.segments.forEach((segment, k) => {
    if (k > 0 && segment.startedAt <= now) marks.push({ at: segment.startedAt, label: `tool outputs submitted (${segment.outputs.length})` })
  })
  if (run.cancelRequestedAt !== null && run.cancelRequestedAt <= now) marks.push({ at: run.cancelRequestedAt, label: 'cancel requested' })

  const events: Array<{ at: number, text: string }> = []
  let segment = 0
  for (const h of happened) {
    if (h.kind === 'phase') {
      // A pass after the first starts with the outputs that started it (its `queued` is that request's answer).
      if (h.status === 'queued' && h.byRequest && phases[0] !== h) {
        const outputs = run.segments[++segment]?.outputs ?? []
        events.push({ at: h.at, text: `tool outputs submitted: ${outputs.map(o => o.tool_call_id).join(', ')}` })
      }
      if (h.status === 'cancelling') events.push({ at: h.at, text: 'cancel requested' })
      events.push({ at: h.at, text: `status: ${h.status}` })
    } else if (h.kind === 'step-created') {
      const info = course.steps[h.step]!
      events.push({ at: h.at, text: `step ${info.step.stepId} created (${stepLabel(info.step)})` })
    } else if (h.kind === 'step-ended') {
      events.push({ at: h.at, text: `step ${course.steps[h.step]!.step.stepId} ${h.status}` })
    }
  }
  return {
    start: run.createdAt,
    end: live ? Math.max(now, last.at) : happened.at(-1)!.at,
    live,
    lanes: [{ label: 'status', spans: statusSpans }, ...stepLanes],
    marks,
    events
  }
}
