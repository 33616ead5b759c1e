/**
 * Where a run is at a given moment. Pure: status is derived from the stored record (its script, the
 * segments started by creation and by tool-output submissions, a cancel request) and the clock on every
 * read, never moved by a timer — tests drive it with a manual clock and nothing leaks past close().
 */
import type { RunStatus, Usage } from '../schemas/run.js'
import { boundedMemo } from '../memo.js'
import { entriesUpTo, Happenings, type Entry, type PieceHappening } from './happenings.js'
import { paceOf } from './pacing.js'
import { callTokens, hostedCallTokens, hostedContextTokens, promptTokensOf, replyTokens } from './tokens.js'
import { hostedToolPieces, replyChunks, textPieces, textShown, type HostedToolPiece, type ReplyPiece } from './pieces.js'
import { isHostedToolStep, replyAt, type Reply, type RunRecord, type ScriptStep, type ToolOutput } from '../store/records.js'

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
  readonly from: RunStatus
  readonly to: RunStatus

  constructor (from: RunStatus, to: RunStatus) {
    super(`A run cannot go from ${from} to ${to}`)
    this.from = from
    this.to = to
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

type StepStatus = 'in_progress' | 'cancelled' | 'failed' | 'completed' | 'expired'
type EndStatus = Exclude<StepStatus, 'in_progress' | 'failed'>

type ToolCall = Extract<ScriptStep, { kind: 'tool_calls' }>['calls'][number]
type PlayedStep = Exclude<ScriptStep, { kind: 'fail' | 'incomplete' }>

/** A script step as it happens in one segment (its times are in the course's happenings). */
interface StepInfo {
  readonly index: number
  readonly step: PlayedStep
  readonly segment: number
  /** The reply a scripted `incomplete` (max_completion_tokens) cut short: it was being written when the run ended. */
  readonly cutShort?: true
}

/** A status change, or a step opening or ending, in a run's course (runs/happenings.ts keeps them in order). */
export type Mark =
  | { readonly kind: 'phase', readonly at: number, readonly status: RunStatus, readonly byRequest: boolean }
  | { readonly kind: 'step-created', readonly at: number, readonly step: number }
  | { readonly kind: 'step-ended', readonly at: number, readonly step: number, readonly status: EndStatus }

/**
 * One thing that happens in a run's course, in the order the service does it (an event stream shows them
 * in this order; several may share one millisecond): a mark, or a `piece`, one chunk of a reply's text or
 * one part of a tool call (its name, then its arguments in chunks) of the step `owner` (the course's `steps`).
 */
export type Happening = Mark | PieceHappening

/**
 * The run's whole course as far as it is known now: the script played through its segments, as happenings
 * (runs/happenings.ts: a step's stream pieces are one entry of arithmetic, not an object per chunk).
 */
export class Course extends Happenings<Mark> {
  readonly steps: readonly StepInfo[]
  readonly ending: Extract<ScriptStep, { kind: 'fail' | 'incomplete' }> | null

  constructor (entries: ReadonlyArray<Entry<Mark>>, steps: readonly StepInfo[], ending: Course['ending']) {
    super(entries)
    this.steps = steps
    this.ending = ending
  }
}

/** Stream chunks of recent tool call steps (immutable values), by the step object (replies': runs/pieces.ts). */
const callPiecesMemo = boundedMemo<object, readonly ToolCallPiece[]>(1024)

/** One part of a tool call step as streamed: a call's header (id and name), or a chunk of its arguments. */
export interface ToolCallPiece {
  readonly call: number
  /** null for the header. */
  readonly arguments: string | null
}

function toolCallPieces (calls: readonly ToolCall[]): readonly ToolCallPiece[] {
  return calls.flatMap((call, i) => [
    { call: i, arguments: null },
    ...(call.arguments === '' ? [] : textPieces(call.arguments).map(a => ({ call: i, arguments: a })))
  ])
}

/** A reply's chunks (runs/pieces.ts: images, then text with each citation marker whole). */
function replyPieces (run: RunRecord, info: StepInfo): readonly ReplyPiece[] {
  return replyChunks(replyAt(run.segments[info.segment]!, info.index)).pieces
}

/**
 * The pieces a step streams: reply chunks, function call headers and argument chunks, or a hosted tool call's
 * header, code input chunks and outputs.
 */
export function stepPieces (run: RunRecord, info: StepInfo): readonly ReplyPiece[] | readonly ToolCallPiece[] | readonly HostedToolPiece[] {
  if (info.step.kind === 'message') return replyPieces(run, info)
  if (isHostedToolStep(info.step)) return hostedToolPieces(info.step)
  const step = info.step
  return callPiecesMemo.get(step, () => toolCallPieces(step.calls))
}

/**
 * Courses of the runs read most recently. A course holds an object per streamed chunk: kept beside every
 * stored run it would cost more than the run itself; an older run's course is simply built again.
 */
const courseMemo = boundedMemo<RunRecord, Course>(1024)

/** The run's course (records are values: a change is a new record, and a new course). */
export function courseOf (run: RunRecord): Course {
  return courseMemo.get(run, buildCourse)
}

function buildCourse (run: RunRecord): Course {
  const { queuedMs, inProgressMs, cancellingMs } = run.timings
  const chunkMs = run.timings.streamChunkMs ?? null
  let entries: Array<Entry<Mark>> = []
  const steps: StepInfo[] = []
  let ending: Course['ending'] = null
  let lastStatus: RunStatus | null = null
  /** The tool step waiting for outputs: it completes when the next pass picks the run up again. */
  let waiting: number | null = null
  const phase = (status: RunStatus, at: number, byRequest = false) => {
    if (lastStatus !== null) assertTransition(lastStatus, status)
    lastStatus = status
    entries.push({ kind: 'phase', at, status, byRequest })
  }
  /** Opens a step whose `count` pieces are chunks `first`.. of a pass paced by `pace` (`null`: all at `at`). */
  const openStep = (info: StepInfo, at: number, count: number, pace: { startedAt: number, span: number, total: number, first: number } | null) => {
    const step = steps.push(info) - 1
    entries.push({ kind: 'step-created', at, step })
    if (count > 0) {
      entries.push({ kind: 'pieces', owner: step, count, ...(pace ?? { startedAt: at, span: 0, total: 0, first: 0 }) })
    }
    return step
  }

  /** Plays one segment; returns whether the course goes on to the next one (outputs were submitted). */
  const play = (k: number): boolean => {
    const segment = run.segments[k]!
    const startedAt = segment.startedAt + queuedMs
    phase('queued', segment.startedAt, true)
    phase('in_progress', startedAt)
    if (waiting !== null) entries.push({ kind: 'step-ended', at: startedAt, step: waiting, status: 'completed' })
    waiting = null
    const cutAfter = segment.cutOff?.afterStep
    // The replies this pass writes and the hosted tools it calls on the way, one after another: their chunks are
    // spread over the in-progress phase (or come every `streamChunkMs`, which then lengthens the phase as needed).
    const writes: StepInfo[] = []
    if (cutAfter !== null) {
      for (let index = segment.fromStep; index < run.script.length; index++) {
        const step = run.script[index]!
        if (step.kind !== 'message' && !isHostedToolStep(step)) break
        writes.push({ index, step, segment: k })
        if (cutAfter === index) break
      }
    }
    const next = run.script[segment.fromStep + writes.length]
    // A scripted end for the completion budget cuts the reply it follows, as the budget itself does.
    const cutShort = !segment.cutOff && next?.kind === 'incomplete' && next.reason === 'max_completion_tokens'
    const counts = writes.map(info => stepPieces(run, info).length)
    const total = counts.reduce((n, c) => n + c, 0)
    const pace = paceOf(startedAt, inProgressMs, chunkMs, total)
    const actedAt = pace.endsAt
    let written = 0
    writes.forEach((info, w) => {
      const first = written
      const step = openStep(cutShort && w === writes.length - 1 ? { ...info, cutShort: true } : info, pace.at(first), counts[w]!,
        { startedAt, span: pace.span, total, first })
      written += counts[w]!
      entries.push({ kind: 'step-ended', at: w === writes.length - 1 ? actedAt : pace.at(written), step, status: 'completed' })
    })
    if (segment.cutOff) {
      ending = { kind: 'incomplete', reason: segment.cutOff.reason }
      phase('incomplete', actedAt)
      return false
    }
    if (next === undefined) {
      phase('completed', actedAt)
      return false
    }
    if (next.kind === 'tool_calls') {
      const info: StepInfo = { index: segment.fromStep + writes.length, step: next, segment: k }
      waiting = openStep(info, actedAt, stepPieces(run, info).length, null)
      phase('requires_action', actedAt)
      return k + 1 < run.segments.length
    }
    if (next.kind === 'message' || isHostedToolStep(next)) throw new Error('unreachable: replies and hosted tools are all played above')
    ending = next
    phase(next.kind === 'fail' ? 'failed' : 'incomplete', actedAt)
    return false
  }
  for (let k = 0; k < run.segments.length && play(k); k++);

  const phases = () => entries.filter((h): h is Extract<Mark, { kind: 'phase' }> => h.kind === 'phase')
  /** Stops the course at `at`: later happenings never happen. Returns the steps left open. */
  const cutAt = (at: number): number[] => {
    entries = entriesUpTo(entries, at)
    lastStatus = phases().at(-1)!.status
    if (lastStatus !== 'failed' && lastStatus !== 'incomplete') ending = null
    const ended = new Set(entries.flatMap(h => h.kind === 'step-ended' ? [h.step] : []))
    return entries.flatMap(h => h.kind === 'step-created' && !ended.has(h.step) ? [h.step] : [])
  }
  const endSteps = (open: readonly number[], status: 'cancelled' | 'expired', at: number) => {
    for (const step of open) entries.push({ kind: 'step-ended', at, step, status })
  }

  if (run.cancelRequestedAt !== null) {
    const cancelledAt = run.cancelRequestedAt + cancellingMs
    const open = cutAt(run.cancelRequestedAt)
    phase('cancelling', run.cancelRequestedAt, true)
    endSteps(open, 'cancelled', cancelledAt)
    phase('cancelled', cancelledAt)
  }
  const all = phases()
  const statusAtExpiry = all.findLast(p => p.at <= run.expiresAt)?.status
  const endsAfterExpiry = !isTerminal(all.at(-1)!.status) || all.at(-1)!.at > run.expiresAt
  if (statusAtExpiry !== undefined && EXPIRABLE.has(statusAtExpiry) && endsAfterExpiry) {
    endSteps(cutAt(run.expiresAt), 'expired', run.expiresAt)
    phase('expired', run.expiresAt)
  }
  return new Course(entries, steps, ending)
}

export interface StepView {
  readonly index: number
  readonly step: PlayedStep
  readonly createdAt: number
  readonly status: StepStatus
  readonly completedAt: number | null
  readonly cancelledAt: number | null
  readonly expiredAt: number | null
  readonly usage: Usage | null
  /** Reply text (message steps): the whole reply, even while it is still being written. */
  readonly text: string | null
  /** The rendered reply (message steps): its text, annotations and images; null for other steps. */
  readonly reply: Reply | null
  /** What has been written of the reply so far (message steps): `text` once the step has completed. */
  readonly shownText: string | null
  /** The tool calls as far as they have been streamed (tool call steps; all of them once it waits for outputs). */
  readonly shownCalls: readonly ToolCall[]
  /** How many of the step's stream pieces (see `stepPieces`) have happened. */
  readonly piecesShown: number
  /** The reply was cut at the completion token budget (or by a scripted `incomplete` for it). */
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
  readonly pendingToolCalls: readonly ToolCall[] | null
  readonly usage: Usage | null
  /** Steps that exist at this moment, in creation order. */
  readonly steps: readonly StepView[]
}

function stepUsage (run: RunRecord, info: StepInfo): Usage {
  const segment = run.segments[info.segment]!
  const reply = info.step.kind === 'message' ? replyAt(segment, info.index) : undefined
  const completion = info.step.kind === 'message'
    ? reply === undefined ? 0 : replyTokens(reply)
    : isHostedToolStep(info.step) ? hostedCallTokens(info.step) : callTokens(info.step)
  // Each model call of a pass also sees the hosted tools called before it in that pass, and what they returned.
  const prompt = promptTokensOf(run, info.segment) + hostedContextTokens(run, info.segment, info.index)
  return { prompt_tokens: prompt, completion_tokens: completion, total_tokens: prompt + completion }
}

function outputsOf (run: RunRecord, info: StepInfo): ReadonlyMap<string, string> {
  const outputs: readonly ToolOutput[] = run.segments[info.segment + 1]?.outputs ?? []
  return new Map(outputs.map(o => [o.tool_call_id, o.output]))
}

/** The tool calls as the first `count` pieces show them. */
function callsShown (calls: readonly ToolCall[], pieces: readonly ToolCallPiece[], count: number): ToolCall[] {
  const shown: ToolCall[] = []
  for (const piece of pieces.slice(0, count)) {
    if (piece.arguments === null) shown.push({ ...calls[piece.call]!, arguments: '' })
    else shown[piece.call] = { ...shown[piece.call]!, arguments: shown[piece.call]!.arguments + piece.arguments }
  }
  return shown
}

/**
 * The run's state at `now` (epoch ms); `asOfEvent` as in `Happenings.happenedBy` (runs/happenings.ts): the answer to the request that just
 * changed the run. The next read shows where it went.
 */
export function runStateAt (run: RunRecord, now: number, asOfEvent = false): RunState {
  const course = courseOf(run)
  const count = course.happenedBy(now, asOfEvent)
  // Every course ends in a terminal phase (expiry at the latest): once all of it has happened the state never
  // changes again, and an ended run that is polled or listed is not derived again for each read.
  return count === course.length ? endStateMemo.get(run, () => runStateAfter(run, count)) : runStateAfter(run, count)
}

/** The final states of recently read runs that have ended. */
const endStateMemo = boundedMemo<RunRecord, RunState>(1024)

/**
 * The run's state once the first `count` happenings of its course have happened: what a read shows at
 * that point (an event stream describes each happening with it).
 */
export function runStateAfter (run: RunRecord, count: number): RunState {
  const course = courseOf(run)
  const { steps, ending } = course
  let current: Extract<Happening, { kind: 'phase' }> | undefined
  const reachedAt = new Map<RunStatus, number>()
  const created = new Map<number, number>()
  const ended = new Map<number, { status: EndStatus, at: number }>()
  const shown = new Map<number, number>()
  course.walk(count, h => {
    if (h.kind === 'phase') {
      current = h
      if (!reachedAt.has(h.status)) reachedAt.set(h.status, h.at)
    } else if (h.kind === 'step-created') created.set(h.step, h.at)
    else ended.set(h.step, h)
  }, (step, piecesShown) => shown.set(step, piecesShown))
  const status = current!.status
  const terminal = isTerminal(status)

  const stepViews = [...created].map(([step, createdAt]): StepView => {
    const info = steps[step]!
    const end = ended.get(step)
    const stepStatus: StepStatus = end?.status ?? 'in_progress'
    const piecesShown = shown.get(step) ?? 0
    const reply = info.step.kind === 'message' ? replyAt(run.segments[info.segment]!, info.index) : undefined
    return {
      index: info.index,
      step: info.step,
      createdAt,
      status: stepStatus,
      completedAt: stepStatus === 'completed' ? end!.at : null,
      cancelledAt: stepStatus === 'cancelled' ? end!.at : null,
      expiredAt: stepStatus === 'expired' ? end!.at : null,
      usage: stepStatus === 'in_progress' ? null : stepUsage(run, info),
      text: info.step.kind === 'message' ? reply?.text ?? '' : null,
      reply: reply ?? null,
      shownText: info.step.kind === 'message' ? textShown(stepPieces(run, info) as readonly ReplyPiece[], piecesShown) : null,
      shownCalls: info.step.kind === 'tool_calls' ? callsShown(info.step.calls, stepPieces(run, info) as readonly ToolCallPiece[], piecesShown) : [],
      piecesShown,
      truncated: (reply?.truncated ?? false) || info.cutShort === true,
      outputs: outputsOf(run, info)
    }
  })

  const upcoming = course.nextMark(count)
  const pending = status === 'requires_action'
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
    status,
    startedAt: reachedAt.get('in_progress') ?? null,
    // A run that ends incomplete has ended too: `completed_at` says when (openai/openai-python#1407).
    completedAt: reachedAt.get('completed') ?? reachedAt.get('incomplete') ?? null,
    failedAt: reachedAt.get('failed') ?? null,
    cancelledAt: reachedAt.get('cancelled') ?? null,
    expiresAt: terminal ? null : run.expiresAt,
    nextChangeAt: upcoming?.at ?? null,
    lastError: status === 'failed' && ending?.kind === 'fail' ? { code: ending.code, message: ending.message } : null,
    incompleteReason: status === 'incomplete' && ending?.kind === 'incomplete' ? ending.reason : null,
    pendingToolCalls: pending?.step.kind === 'tool_calls' ? pending.step.calls : null,
    usage,
    steps: stepViews
  }
}
