/**
 * Where a run is at a given moment. Pure: status is derived from the stored record (its script, the
 * segments started by creation and by tool-output submissions, a cancel request) and the clock on every
 * read, never moved by a timer — tests drive it with a manual clock and nothing leaks past close().
 */
import type { RunStatus, Usage } from '../schemas/run.js'
import type { RunRecord, ScriptStep, ToolOutput } from '../store/records.js'

/** The one transition table. Every status change the timeline makes is checked against it. */
export const TRANSITIONS: Readonly<Record<RunStatus, readonly RunStatus[]>> = {
  queued: ['in_progress', 'cancelling', 'expired'],
  in_progress: ['requires_action', 'completed', 'failed', 'incomplete', 'cancelling', 'expired'],
  requires_action: ['queued', 'cancelling', 'expired'],
  cancelling: ['cancelled'],
  cancelled: [],
  failed: [],
  completed: [],
  incomplete: [],
  expired: []
}

export function canTransition (from: RunStatus, to: RunStatus): boolean {
  return TRANSITIONS[from].includes(to)
}

export class TransitionError extends Error {
  constructor (readonly from: RunStatus, readonly to: RunStatus) {
    super(`A run cannot go from ${from} to ${to}`)
    this.name = 'TransitionError'
  }
}

export function assertTransition (from: RunStatus, to: RunStatus): void {
  if (!canTransition(from, to)) throw new TransitionError(from, to)
}

export function isTerminal (status: RunStatus): boolean {
  return TRANSITIONS[status].length === 0
}

/** Statuses that stop at the expiry time if the run is still in them. */
const EXPIRABLE: ReadonlySet<RunStatus> = new Set(['queued', 'in_progress', 'requires_action'])

export type StepStatus = 'in_progress' | 'cancelled' | 'failed' | 'completed' | 'expired'

interface Phase {
  readonly status: RunStatus
  readonly at: number
  /** Started by a request (creation, tool outputs, cancel) rather than by time passing. */
  readonly byRequest: boolean
}

/** A script step as it happens in one segment. `end` is null while it waits on the client. */
interface StepEvent {
  readonly index: number
  readonly step: Exclude<ScriptStep, { kind: 'fail' | 'incomplete' }>
  readonly segment: number
  readonly createdAt: number
  readonly end: { readonly status: Exclude<StepStatus, 'in_progress'>, readonly at: number } | null
}

interface Timeline {
  readonly phases: readonly Phase[]
  readonly steps: readonly StepEvent[]
  readonly ending: Extract<ScriptStep, { kind: 'fail' | 'incomplete' }> | null
}

/** The run's whole course as far as it is known now: the script played through its segments. */
function buildTimeline (run: RunRecord): Timeline {
  const { queuedMs, inProgressMs, cancellingMs } = run.timings
  let phases: Phase[] = []
  let steps: StepEvent[] = []
  let ending: Timeline['ending'] = null
  const push = (status: RunStatus, at: number, byRequest = false) => {
    const last = phases.at(-1)
    if (last) assertTransition(last.status, status)
    phases.push({ status, at, byRequest })
  }

  /** Plays one segment; returns whether the course goes on to the next one (outputs were submitted). */
  const play = (k: number): boolean => {
    const segment = run.segments[k]!
    const startedAt = segment.startedAt + queuedMs
    const actedAt = startedAt + inProgressMs
    const cutOff = (reason: string) => {
      ending = { kind: 'incomplete', reason }
      push('incomplete', actedAt)
      return false
    }
    push('queued', segment.startedAt, true)
    push('in_progress', startedAt)
    if (segment.cutOff?.afterStep === null) return cutOff(segment.cutOff.reason)
    for (let index = segment.fromStep; index < run.script.length; index++) {
      const step = run.script[index]!
      if (step.kind === 'message') {
        steps.push({ index, step, segment: k, createdAt: startedAt, end: { status: 'completed', at: actedAt } })
        if (segment.cutOff?.afterStep === index) return cutOff(segment.cutOff.reason)
        continue
      }
      if (step.kind === 'tool_calls') {
        const next = run.segments[k + 1]
        steps.push({ index, step, segment: k, createdAt: actedAt, end: next ? { status: 'completed', at: next.startedAt } : null })
        push('requires_action', actedAt)
        return next !== undefined
      }
      ending = step
      push(step.kind === 'fail' ? 'failed' : 'incomplete', actedAt)
      return false
    }
    push('completed', actedAt)
    return false
  }
  for (let k = 0; k < run.segments.length && play(k); k++);

  /** Stops the course at `at`: later phases and steps never happen; open steps end with `stepStatus`. */
  const cutAt = (at: number, status: RunStatus, stepStatus: 'cancelled' | 'expired', stepEndAt: number, byRequest: boolean) => {
    phases = phases.filter(p => p.at <= at)
    steps = steps.filter(s => s.createdAt <= at)
      .map(s => s.end === null || s.end.at > at ? { ...s, end: { status: stepStatus, at: stepEndAt } } : s)
    if (phases.at(-1)?.status !== 'failed' && phases.at(-1)?.status !== 'incomplete') ending = null
    push(status, at, byRequest)
  }

  if (run.cancelRequestedAt !== null) {
    const cancelledAt = run.cancelRequestedAt + cancellingMs
    cutAt(run.cancelRequestedAt, 'cancelling', 'cancelled', cancelledAt, true)
    push('cancelled', cancelledAt)
  }
  const statusAtExpiry = [...phases].reverse().find(p => p.at <= run.expiresAt)?.status
  const endsAfterExpiry = !isTerminal(phases.at(-1)!.status) || phases.at(-1)!.at > run.expiresAt
  if (statusAtExpiry !== undefined && EXPIRABLE.has(statusAtExpiry) && endsAfterExpiry) {
    cutAt(run.expiresAt, 'expired', 'expired', run.expiresAt, false)
  }
  return { phases, steps, ending }
}

export interface StepView {
  readonly index: number
  readonly step: StepEvent['step']
  readonly createdAt: number
  readonly status: StepStatus
  readonly completedAt: number | null
  readonly cancelledAt: number | null
  readonly expiredAt: number | null
  readonly usage: Usage | null
  /** Reply text (message steps). */
  readonly text: string | null
  /** The reply was cut at the completion token budget. */
  readonly truncated: boolean
  /** Submitted outputs, by tool call id (tool call steps, once submitted). */
  readonly outputs: ReadonlyMap<string, string>
}

export interface RunState {
  readonly status: RunStatus
  readonly startedAt: number | null
  readonly completedAt: number | null
  readonly failedAt: number | null
  readonly cancelledAt: number | null
  /** The expiry time while the run can still expire; null once it has ended. */
  readonly expiresAt: number | null
  /** When something about the run will next change by itself; null when nothing will. */
  readonly nextChangeAt: number | null
  readonly lastError: { readonly code: string, readonly message: string } | null
  readonly incompleteReason: string | null
  /** The tool calls waiting for outputs, while `requires_action`. */
  readonly pendingToolCalls: Extract<ScriptStep, { kind: 'tool_calls' }>['calls'] | null
  readonly usage: Usage | null
  /** Steps that exist at this moment, in creation order. */
  readonly steps: readonly StepView[]
}

function stepUsage (run: RunRecord, event: StepEvent): Usage {
  const segment = run.segments[event.segment]!
  const completion = event.step.kind === 'message'
    ? segment.replies[event.index]?.completionTokens ?? 0
    : event.step.completionTokens
  return { prompt_tokens: segment.promptTokens, completion_tokens: completion, total_tokens: segment.promptTokens + completion }
}

function outputsOf (run: RunRecord, event: StepEvent): ReadonlyMap<string, string> {
  const outputs: readonly ToolOutput[] = run.segments[event.segment + 1]?.outputs ?? []
  return new Map(outputs.map(o => [o.tool_call_id, o.output]))
}

/**
 * The run's state at `now` (epoch ms). With `asOfEvent`, `now` is the instant of a request that changed the
 * run (create, tool outputs, cancel): the answer shows the status that request put it in — `queued`,
 * `queued`, `cancelling`, as the service answers — even when zero-length timings would move it on within
 * the same millisecond; the next read shows where it went.
 */
export function runStateAt (run: RunRecord, now: number, asOfEvent = false): RunState {
  const { phases, steps, ending } = buildTimeline(run)
  // Phases are in time order, so what has been reached is a prefix. A clock that reads before the run's
  // creation (a system clock stepping back) still sees the first phase.
  const lastRequested = phases.findLastIndex(p => p.byRequest && p.at <= now)
  const reachedCount = asOfEvent && lastRequested >= 0
    ? lastRequested + 1
    : Math.max(1, phases.filter(p => p.at <= now).length)
  const reached = phases.slice(0, reachedCount)
  const current = reached.at(-1)!
  const reachedAt = (status: RunStatus) => reached.find(p => p.status === status)?.at ?? null
  const terminal = isTerminal(current.status)
  // A pass that a request starts has no steps yet in the answer to that request; a cancel finds them there.
  const passJustStarted = asOfEvent && current.status === 'queued'
  const exists = (createdAt: number) => passJustStarted ? createdAt < now : createdAt <= now

  const stepViews = steps.filter(s => exists(s.createdAt)).map((event): StepView => {
    const ended = event.end !== null && event.end.at <= now ? event.end : null
    const status: StepStatus = ended?.status ?? 'in_progress'
    return {
      index: event.index,
      step: event.step,
      createdAt: event.createdAt,
      status,
      completedAt: status === 'completed' ? ended!.at : null,
      cancelledAt: status === 'cancelled' ? ended!.at : null,
      expiredAt: status === 'expired' ? ended!.at : null,
      usage: status === 'in_progress' ? null : stepUsage(run, event),
      text: event.step.kind === 'message' ? run.segments[event.segment]!.replies[event.index]?.text ?? '' : null,
      truncated: run.segments[event.segment]!.replies[event.index]?.truncated ?? false,
      outputs: outputsOf(run, event)
    }
  })

  const upcoming = [
    ...phases.slice(reachedCount).map(p => p.at),
    ...steps.flatMap(s => exists(s.createdAt) ? [s.end?.at ?? Infinity] : [s.createdAt, s.end?.at ?? Infinity])
  ].filter(at => at >= now && (at > now || asOfEvent))
  const pending = current.status === 'requires_action'
    ? stepViews.findLast(s => s.step.kind === 'tool_calls' && s.status === 'in_progress')
    : undefined
  const usage = terminal
    ? stepViews.reduce<Usage>((sum, s) => s.usage === null
      ? sum
      : {
          prompt_tokens: sum.prompt_tokens + s.usage.prompt_tokens,
          completion_tokens: sum.completion_tokens + s.usage.completion_tokens,
          total_tokens: sum.total_tokens + s.usage.total_tokens
        }, { prompt_tokens: 0, completion_tokens: 0, total_tokens: 0 })
    : null

  return {
    status: current.status,
    startedAt: reachedAt('in_progress'),
    completedAt: reachedAt('completed'),
    failedAt: reachedAt('failed'),
    cancelledAt: reachedAt('cancelled'),
    expiresAt: terminal ? null : run.expiresAt,
    nextChangeAt: upcoming.length === 0 ? null : Math.min(...upcoming),
    lastError: current.status === 'failed' && ending?.kind === 'fail' ? { code: ending.code, message: ending.message } : null,
    incompleteReason: current.status === 'incomplete' && ending?.kind === 'incomplete' ? ending.reason : null,
    pendingToolCalls: pending?.step.kind === 'tool_calls' ? pending.step.calls : null,
    usage,
    steps: stepViews
  }
}
