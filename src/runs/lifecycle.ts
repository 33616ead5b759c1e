/**
 * Where a run is at a given moment. Pure: status is derived from the stored record (its script, the
 * segments started by creation and by tool-output submissions, a cancel request) and the clock on every
 * read, never moved by a timer — tests drive it with a manual clock and nothing leaks past close().
 */
import type { RunStatus, Usage } from '../schemas/run.js'
import { boundedMemo } from '../memo.js'
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

/**
 * One thing that happens in a run's course, in the order the service does it (an event stream shows them
 * in this order; several may share one millisecond). `step` indexes the timeline's steps; a `piece` is one
 * chunk of a reply's text, or one part of a tool call (its name, then its arguments in chunks).
 */
export type Happening =
  | { readonly kind: 'phase', readonly at: number, readonly status: RunStatus, readonly byRequest: boolean }
  | { readonly kind: 'step-created', readonly at: number, readonly step: number }
  | { readonly kind: 'piece', readonly at: number, readonly step: number, readonly piece: number }
  | { readonly kind: 'step-ended', readonly at: number, readonly step: number, readonly status: EndStatus }

/** A happening that is not a stream piece: the course keeps these as objects. */
export type Mark = Exclude<Happening, { readonly kind: 'piece' }>

/**
 * The consecutive pieces `from`..`from + count - 1` of one step, kept as arithmetic rather than an object per
 * piece: piece `j` of the step happens at `startedAt + ⌊(first + j − from)·span/total⌋` (runs/pacing.ts), the
 * `first`-th chunk of a pass that writes `total` chunks over `span` ms.
 */
interface PieceRun {
  readonly kind: 'pieces'
  readonly step: number
  /** The step's first piece in this run (0, unless a cancel or expiry cut an earlier run short: never). */
  readonly from: number
  readonly count: number
  readonly startedAt: number
  readonly span: number
  readonly total: number
  /** The pass's chunk number of this run's first piece. */
  readonly first: number
}

type Entry = Mark | PieceRun

function pieceTime (run: PieceRun, j: number): number {
  return run.startedAt + (run.total === 0 ? 0 : Math.floor((run.first + j) * run.span / run.total))
}

/** How many of the run's pieces happen at or before `at` (their times never decrease). */
function piecesBy (run: PieceRun, at: number): number {
  let lo = 0
  let hi = run.count
  while (lo < hi) {
    const mid = (lo + hi) >>> 1
    if (pieceTime(run, mid) <= at) lo = mid + 1
    else hi = mid
  }
  return lo
}

/**
 * The run's whole course as far as it is known now: the script played through its segments. Its happenings
 * are numbered 0..`length` − 1 in order (a stream's cursor, `happenedBy`'s count), stream pieces included,
 * but only the marks (phases, step starts and ends) are objects: a reply's pieces are one entry of
 * arithmetic, so a course costs the same for a 5-word reply and a 5,000-word one.
 */
export class Course {
  readonly steps: readonly StepInfo[]
  readonly ending: Extract<ScriptStep, { kind: 'fail' | 'incomplete' }> | null
  /** Happenings in all. */
  readonly length: number
  readonly #entries: readonly Entry[]
  /** The index of each entry's first happening. */
  readonly #starts: readonly number[]

  constructor (entries: readonly Entry[], steps: readonly StepInfo[], ending: Course['ending']) {
    this.steps = steps
    this.ending = ending
    this.#entries = entries
    const starts: number[] = []
    let n = 0
    for (const entry of entries) {
      starts.push(n)
      n += entry.kind === 'pieces' ? entry.count : 1
    }
    this.#starts = starts
    this.length = n
  }

  /** The entry holding happening `i` (0 ≤ i < length). */
  #entryOf (i: number): number {
    const starts = this.#starts
    let lo = 0
    let hi = starts.length - 1
    while (lo < hi) {
      const mid = (lo + hi + 1) >>> 1
      if (starts[mid]! <= i) lo = mid
      else hi = mid - 1
    }
    return lo
  }

  /** Happening `i` (0 ≤ i < length). */
  happening (i: number): Happening {
    const e = this.#entryOf(i)
    const entry = this.#entries[e]!
    if (entry.kind !== 'pieces') return entry
    const j = i - this.#starts[e]!
    return { kind: 'piece', at: pieceTime(entry, j), step: entry.step, piece: entry.from + j }
  }

  /** When happening `i` happens (epoch ms); undefined past the end. */
  timeOf (i: number): number | undefined {
    if (i >= this.length) return undefined
    const e = this.#entryOf(i)
    const entry = this.#entries[e]!
    return entry.kind === 'pieces' ? pieceTime(entry, i - this.#starts[e]!) : entry.at
  }

  /** Happenings `0`..`count − 1`, materialised (the inspector, tests: not the request path). */
  list (count = this.length): Happening[] {
    const out: Happening[] = []
    for (let i = 0; i < count; i++) out.push(this.happening(i))
    return out
  }

  /** See `happenedBy`. */
  happenedBy (now: number, asOfEvent = false): number {
    const entries = this.#entries
    if (asOfEvent) {
      for (let e = entries.length - 1; e >= 0; e--) {
        const entry = entries[e]!
        if (entry.kind === 'phase' && entry.byRequest && entry.at <= now) return this.#starts[e]! + 1
      }
    }
    let count = 0
    for (const entry of entries) {
      if (entry.kind === 'pieces') {
        const n = piecesBy(entry, now)
        count += n
        if (n < entry.count) break
      } else {
        if (entry.at > now) break
        count++
      }
    }
    return Math.max(1, count)
  }

  /**
   * Walks happenings `0`..`count − 1`: each mark with its index, each step's pieces as how many of them have
   * happened (the last call for a step wins).
   */
  walk (count: number, onMark: (mark: Mark, index: number) => void, onPieces: (step: number, shown: number) => void): void {
    const entries = this.#entries
    for (let e = 0; e < entries.length; e++) {
      const start = this.#starts[e]!
      if (start >= count) return
      const entry = entries[e]!
      if (entry.kind === 'pieces') onPieces(entry.step, entry.from + Math.min(entry.count, count - start))
      else onMark(entry, start)
    }
  }

  /** The first mark at index `count` or later (the next change a read can see): pieces are not changes of state. */
  nextMark (count: number): Mark | undefined {
    const entries = this.#entries
    for (let e = 0; e < entries.length; e++) {
      const entry = entries[e]!
      if (entry.kind !== 'pieces' && this.#starts[e]! >= count) return entry
    }
    return undefined
  }

  /** The last phase mark. */
  lastPhase (): Extract<Happening, { kind: 'phase' }> {
    const entries = this.#entries
    for (let e = entries.length - 1; e >= 0; e--) {
      const entry = entries[e]!
      if (entry.kind === 'phase') return entry
    }
    throw new Error('unreachable: every course starts queued')
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
  let entries: Entry[] = []
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
      entries.push({ kind: 'pieces', step, from: 0, count, ...(pace ?? { startedAt: at, span: 0, total: 0, first: 0 }) })
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
    const span = chunkMs === null ? inProgressMs : total * chunkMs
    let written = 0
    writes.forEach((info, w) => {
      const first = written
      const step = openStep(cutShort && w === writes.length - 1 ? { ...info, cutShort: true } : info, pace.at(first), counts[w]!,
        { startedAt, span, total, first })
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

  const phases = () => entries.filter((h): h is Extract<Happening, { kind: 'phase' }> => h.kind === 'phase')
  /** Stops the course at `at`: later happenings never happen. Returns the steps left open. */
  const cutAt = (at: number): number[] => {
    entries = entries.flatMap((entry): Entry[] => {
      if (entry.kind !== 'pieces') return entry.at <= at ? [entry] : []
      const count = piecesBy(entry, at)
      return count === 0 ? [] : count === entry.count ? [entry] : [{ ...entry, count }]
    })
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

/** What `happenedBy` reads of a happening: its time, and whether it is a phase a request started. */
export interface TimedHappening {
  readonly kind: string
  readonly at: number
  readonly byRequest?: boolean
}

/**
 * How many of the course's happenings have happened at `now` (epoch ms). With `asOfEvent`, `now` is the
 * instant of a request that changed the run (create, tool outputs, cancel): the count stops at what that
 * request did — `queued`, `queued`, `cancelling`, as the service answers — even when zero-length timings
 * would move the run on within the same millisecond. A clock that reads before the run's creation (a
 * system clock stepping back) still sees the first happening.
 */
export function happenedBy (course: { readonly happenings: readonly TimedHappening[] }, now: number, asOfEvent = false): number {
  const { happenings } = course
  if (asOfEvent) {
    const requested = happenings.findLastIndex(h => h.kind === 'phase' && h.byRequest === true && h.at <= now)
    if (requested >= 0) return requested + 1
  }
  let count = 0
  while (count < happenings.length && happenings[count]!.at <= now) count++
  return Math.max(1, count)
}

/**
 * The run's state at `now` (epoch ms); `asOfEvent` as in `happenedBy`: the answer to the request that just
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
