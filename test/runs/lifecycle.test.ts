/**
 * The run lifecycle (src/runs/lifecycle.ts) as pure functions: the transition table, and runStateAt's timeline
 * at every boundary (queued → in_progress → completed, tool calls, cancel, failure, token limits, expiry).
 */
import t from 'tap'
import { RUN_STATUSES, type RunStatus } from '../../src/schemas/run.js'
import {
  TRANSITIONS, TransitionError, assertTransition, canTransition, isTerminal, runStateAt
} from '../../src/runs/lifecycle.js'
import type { RunRecord, RunTimings, ScriptStep } from '../../src/store/records.js'
import { countPromptTokens, tokenizer } from '../../src/runs/tokens.js'
import { PROMPT_TOKENS, runRecord, segment } from '../support/records.js'

const T0 = Date.UTC(2024, 0, 1)
const TEN_MINUTES = 600_000

const reply: ScriptStep = { kind: 'message', stepId: 'step_reply', messageId: 'msg_reply', template: 'Hi' }

function record (timings: Partial<RunTimings> = {}, overrides: Partial<RunRecord> = {}): RunRecord {
  return runRecord(T0, {
    timings: { queuedMs: 500, inProgressMs: 1500, cancellingMs: 500, ...timings },
    script: [reply],
    segments: [segment(T0, 0, { 0: { text: 'Hi', completionTokens: 3, truncated: false } })],
    ...overrides
  })
}

/** The fields of a state the timeline is about. */
function summary (run: RunRecord, now: number) {
  const s = runStateAt(run, now)
  return {
    status: s.status,
    startedAt: s.startedAt,
    completedAt: s.completedAt,
    failedAt: s.failedAt,
    cancelledAt: s.cancelledAt,
    expiresAt: s.expiresAt,
    nextChangeAt: s.nextChangeAt,
    usage: s.usage
  }
}

const open = { completedAt: null, failedAt: null, cancelledAt: null, usage: null }

t.test('default timings: every boundary', async t => {
  const run = record()
  const queued = { ...open, status: 'queued', startedAt: null, expiresAt: T0 + TEN_MINUTES, nextChangeAt: T0 + 500 }
  const inProgress = { ...open, status: 'in_progress', startedAt: T0 + 500, expiresAt: T0 + TEN_MINUTES, nextChangeAt: T0 + 2000 }
  const completed = {
    status: 'completed',
    startedAt: T0 + 500,
    completedAt: T0 + 2000,
    failedAt: null,
    cancelledAt: null,
    expiresAt: null,
    nextChangeAt: null,
    usage: { prompt_tokens: PROMPT_TOKENS, completion_tokens: 3, total_tokens: PROMPT_TOKENS + 3 }
  }
  t.same(summary(run, T0), queued, '0 ms')
  t.same(summary(run, T0 + 1), queued, '1 ms')
  t.same(summary(run, T0 + 499), queued, '499 ms')
  t.same(summary(run, T0 + 500), inProgress, '500 ms')
  t.same(summary(run, T0 + 501), inProgress, '501 ms')
  t.same(summary(run, T0 + 1999), inProgress, '1999 ms')
  t.same(summary(run, T0 + 2000), completed, '2000 ms')
  t.same(summary(run, T0 + 2001), completed, '2001 ms')
  t.same(summary(run, T0 + TEN_MINUTES), completed, 'at the expiry time a completed run stays completed')
  t.same(summary(run, T0 + 10 * TEN_MINUTES), completed, 'long after')
})

// A system clock stepped back by NTP makes `now` earlier than a fresh run's createdAt: the run is still queued.
t.test('a read before creation (clock skew) is still queued', async t => {
  t.match(runStateAt(record(), T0 - 1000), { status: 'queued', startedAt: null, nextChangeAt: T0 + 500 })
})

t.test('the message step exists from in_progress and completes with the run', async t => {
  const run = record()
  t.same(runStateAt(run, T0 + 499).steps, [], 'no step while queued')
  t.match(runStateAt(run, T0 + 500).steps, [{ status: 'in_progress', createdAt: T0 + 500, completedAt: null, usage: null }])
  t.match(runStateAt(run, T0 + 2000).steps, [{ status: 'completed', completedAt: T0 + 2000, text: 'Hi', usage: { total_tokens: 10 } }])
})

t.test('configured timings move every boundary', async t => {
  const run = record({ queuedMs: 1000, inProgressMs: 3000 })
  t.match(summary(run, T0 + 999), { status: 'queued', nextChangeAt: T0 + 1000 })
  t.match(summary(run, T0 + 1000), { status: 'in_progress', startedAt: T0 + 1000, nextChangeAt: T0 + 4000 })
  t.match(summary(run, T0 + 3999), { status: 'in_progress', completedAt: null })
  t.match(summary(run, T0 + 4000), { status: 'completed', startedAt: T0 + 1000, completedAt: T0 + 4000 })
})

t.test('zero timings', async t => {
  t.match(summary(record({ queuedMs: 0 }), T0), { status: 'in_progress', startedAt: T0, nextChangeAt: T0 + 1500 }, 'no queue')
  t.match(summary(record({ queuedMs: 0, inProgressMs: 0 }), T0), { status: 'completed', startedAt: T0, completedAt: T0, nextChangeAt: null }, 'done at once')
  t.match(summary(record({ inProgressMs: 0 }), T0 + 499), { status: 'queued', nextChangeAt: T0 + 500 })
  t.match(summary(record({ inProgressMs: 0 }), T0 + 500), { status: 'completed', startedAt: T0 + 500, completedAt: T0 + 500 })
})

t.test('a plan longer than the 10-minute lifetime expires at expires_at', async t => {
  const run = record({ queuedMs: 500, inProgressMs: 15 * 60_000 })
  t.match(summary(run, T0 + TEN_MINUTES - 1), { status: 'in_progress', startedAt: T0 + 500, expiresAt: T0 + TEN_MINUTES, nextChangeAt: T0 + TEN_MINUTES })
  const expired = runStateAt(run, T0 + TEN_MINUTES)
  t.match(expired, { status: 'expired', startedAt: T0 + 500, completedAt: null, failedAt: null, cancelledAt: null, expiresAt: null, nextChangeAt: null })
  t.match(expired.steps, [{ status: 'expired', expiredAt: T0 + TEN_MINUTES, completedAt: null }])
  t.equal(runStateAt(run, T0 + 15 * 60_000 + 500).status, 'expired', 'it never completes later')
  t.equal(runStateAt(run, T0 + 60 * 60_000).completedAt, null)
})

t.test('a queue longer than the lifetime expires queued, never started', async t => {
  const run = record({ queuedMs: 20 * 60_000 })
  t.match(summary(run, T0 + TEN_MINUTES - 1), { status: 'queued', nextChangeAt: T0 + TEN_MINUTES })
  t.match(summary(run, T0 + TEN_MINUTES), { status: 'expired', startedAt: null, completedAt: null, expiresAt: null })
  t.same(runStateAt(run, T0 + TEN_MINUTES).steps, [])
})

t.test('completion at exactly expires_at wins; one millisecond later expires', async t => {
  const exactly = record({ queuedMs: 500, inProgressMs: TEN_MINUTES - 500 })
  t.match(summary(exactly, T0 + TEN_MINUTES), { status: 'completed', completedAt: T0 + TEN_MINUTES })
  const late = record({ queuedMs: 500, inProgressMs: TEN_MINUTES - 499 })
  t.match(summary(late, T0 + TEN_MINUTES), { status: 'expired', completedAt: null })
})

t.test('expires_at is the record\'s, whatever the lifetime', async t => {
  const run = record({ inProgressMs: 10_000 }, { expiresAt: T0 + 5000 })
  t.match(summary(run, T0 + 4999), { status: 'in_progress', expiresAt: T0 + 5000 })
  t.match(summary(run, T0 + 5000), { status: 'expired' })
})

t.test('pure: the same answer every time, the record untouched', async t => {
  const run = record()
  const frozen = structuredClone(run)
  for (const now of [T0 + 2000, T0, T0 + 500, T0 + 2000]) runStateAt(run, now)
  t.same(run, frozen)
  t.same(runStateAt(run, T0 + 700), runStateAt(run, T0 + 700))
  t.same(summary(run, T0), summary(record(), T0), 'reading later first does not change an earlier answer')
})

// The transition table and scripted passes (tool calls, cancel, failure, token limits) from their own origin.
const T1 = 1_700_000_000_000

function scripted (script: ScriptStep[], overrides: Partial<RunRecord> = {}): RunRecord {
  return runRecord(T1, { timings: { queuedMs: 500, inProgressMs: 1500, cancellingMs: 300 }, script, ...overrides })
}

const blankReply: ScriptStep = { kind: 'message', stepId: 'step_m', messageId: 'msg_m', template: '' }
const toolCall: ScriptStep = { kind: 'tool_calls', stepId: 'step_t', calls: [{ id: 'call_1', name: 'f', arguments: '{}' }] }
/** What the tool call step writes: its function's name and arguments. */
const CALL_TOKENS = tokenizer().count('f') + tokenizer().count('{}')

t.test('the transition table', async t => {
  t.same(Object.keys(TRANSITIONS).sort(), [...RUN_STATUSES].sort(), 'covers every status')
  const allowed: Array<[RunStatus, RunStatus]> = [
    ['queued', 'in_progress'], ['queued', 'cancelling'], ['queued', 'expired'],
    ['in_progress', 'requires_action'], ['in_progress', 'completed'], ['in_progress', 'failed'],
    ['in_progress', 'incomplete'], ['in_progress', 'cancelling'], ['in_progress', 'expired'],
    ['requires_action', 'queued'], ['requires_action', 'cancelling'], ['requires_action', 'expired'],
    ['cancelling', 'cancelled']
  ]
  for (const from of RUN_STATUSES) {
    for (const to of RUN_STATUSES) {
      const expected = allowed.some(([f, x]) => f === from && x === to)
      t.equal(canTransition(from, to), expected, `${from} → ${to} is ${expected ? 'allowed' : 'forbidden'}`)
      if (expected) t.doesNotThrow(() => assertTransition(from, to))
      else t.throws(() => assertTransition(from, to), TransitionError)
    }
  }
  t.same(RUN_STATUSES.filter(isTerminal), ['cancelled', 'failed', 'completed', 'incomplete', 'expired'])
})

t.test('a plain blankReply: queued, in_progress, completed at the boundaries', async t => {
  const record = scripted([blankReply])
  t.match(runStateAt(record, T1), { status: 'queued', startedAt: null, nextChangeAt: T1 + 500, usage: null, expiresAt: T1 + 600_000 })
  t.match(runStateAt(record, T1 + 499), { status: 'queued' })
  t.match(runStateAt(record, T1 + 500), { status: 'in_progress', startedAt: T1 + 500, nextChangeAt: T1 + 2000 })
  t.equal(runStateAt(record, T1 + 500).steps[0]?.status, 'in_progress', 'the message step is open while in progress')
  t.match(runStateAt(record, T1 + 1999), { status: 'in_progress', completedAt: null })
  const done = runStateAt(record, T1 + 2000)
  t.match(done, { status: 'completed', completedAt: T1 + 2000, expiresAt: null, nextChangeAt: null })
  t.same(done.usage, { prompt_tokens: PROMPT_TOKENS, completion_tokens: 2, total_tokens: PROMPT_TOKENS + 2 })
  t.match(done.steps, [{ status: 'completed', completedAt: T1 + 2000, text: 'hi' }])
})

t.test('tool calls wait in requires_action, then a submission starts a new pass', async t => {
  const waiting = scripted([toolCall, blankReply], { segments: [segment(T1, 0)] })
  const at = runStateAt(waiting, T1 + 2000)
  t.equal(at.status, 'requires_action')
  t.same(at.pendingToolCalls, [{ id: 'call_1', name: 'f', arguments: '{}' }])
  t.equal(at.nextChangeAt, T1 + 600_000, 'nothing happens until the run expires')
  t.match(at.steps, [{ index: 0, status: 'in_progress', usage: null }])

  const submitted = scripted([toolCall, blankReply], {
    segments: [segment(T1, 0), segment(T1 + 3000, 1, { 1: { text: 'done', completionTokens: 1, truncated: false } }, [{ tool_call_id: 'call_1', output: '42' }])]
  })
  t.match(runStateAt(submitted, T1 + 3000), { status: 'queued', pendingToolCalls: null })
  t.equal(runStateAt(submitted, T1 + 3000).steps[0]?.status, 'in_progress', 'the tool step waits for the run to pick it up')
  t.equal(runStateAt(submitted, T1 + 3000).steps[0]?.outputs.get('call_1'), '42')
  t.match(runStateAt(submitted, T1 + 3500), { status: 'in_progress', startedAt: T1 + 500 })
  t.match(runStateAt(submitted, T1 + 3500).steps[0], { status: 'completed', completedAt: T1 + 3500 }, 'and completes as the run goes on')
  const done = runStateAt(submitted, T1 + 5000)
  t.match(done, { status: 'completed', completedAt: T1 + 5000 })
  // The second pass sees the first prompt, the call the model wrote, and the output.
  const secondPrompt = PROMPT_TOKENS + CALL_TOKENS + countPromptTokens(tokenizer().count, '', ['42'])
  const prompt = PROMPT_TOKENS + secondPrompt
  t.same(done.usage, { prompt_tokens: prompt, completion_tokens: CALL_TOKENS + 1, total_tokens: prompt + CALL_TOKENS + 1 }, 'usage adds up both passes')
})

t.test('an unanswered tool call expires at expires_at', async t => {
  const record = scripted([toolCall, blankReply], { segments: [segment(T1, 0)], expiresAt: T1 + 10_000 })
  t.equal(runStateAt(record, T1 + 9_999).status, 'requires_action')
  const expired = runStateAt(record, T1 + 10_000)
  t.match(expired, { status: 'expired', expiresAt: null, pendingToolCalls: null, nextChangeAt: null })
  t.match(expired.steps, [{ status: 'expired', expiredAt: T1 + 10_000 }])
})

t.test('a run planned to take longer than its lifetime expires while in progress', async t => {
  const record = scripted([blankReply], { timings: { queuedMs: 500, inProgressMs: 20_000, cancellingMs: 0 }, expiresAt: T1 + 10_000 })
  t.equal(runStateAt(record, T1 + 9_999).status, 'in_progress')
  t.match(runStateAt(record, T1 + 10_000), { status: 'expired', completedAt: null })
  t.match(runStateAt(record, T1 + 30_000).steps, [{ status: 'expired' }])
})

t.test('cancel: cancelling for cancellingMs, then cancelled; open steps are cancelled', async t => {
  for (const [label, at] of [['queued', T1 + 100], ['in_progress', T1 + 800], ['requires_action', T1 + 2500]] as const) {
    const record = scripted([toolCall, blankReply], { segments: [segment(T1, 0)], cancelRequestedAt: at })
    t.equal(runStateAt(record, at - 1).status, label, `was ${label}`)
    t.match(runStateAt(record, at), { status: 'cancelling', nextChangeAt: at + 300 })
    const cancelled = runStateAt(record, at + 300)
    t.match(cancelled, { status: 'cancelled', cancelledAt: at + 300, expiresAt: null })
    t.ok(cancelled.steps.every(s => s.status === 'cancelled'), `${label}: no step completes after the cancel`)
    t.equal(runStateAt(record, T1 + 700_000).status, 'cancelled', 'cancelling is not overtaken by expiry')
  }
})

t.test('failure and incomplete endings', async t => {
  const failing = scripted([{ kind: 'fail', code: 'server_error', message: 'Sorry' }], { segments: [segment(T1, 0)] })
  t.match(runStateAt(failing, T1 + 2000), {
    status: 'failed', failedAt: T1 + 2000, lastError: { code: 'server_error', message: 'Sorry' }, steps: []
  })
  t.same(runStateAt(failing, T1 + 2000).usage, { prompt_tokens: 0, completion_tokens: 0, total_tokens: 0 })
  const incomplete = scripted([blankReply, { kind: 'incomplete', reason: 'max_completion_tokens' }])
  t.match(runStateAt(incomplete, T1 + 2000), { status: 'incomplete', incompleteReason: 'max_completion_tokens', lastError: null })
  t.match(runStateAt(incomplete, T1 + 2000).steps, [{ status: 'completed' }])
})

t.test('token limits cut a pass short: incomplete after a truncated blankReply, or before any step', async t => {
  const truncated = scripted([blankReply, toolCall], {
    segments: [segment(T1, 0, { 0: { text: 'partial', completionTokens: 256, truncated: true } }, [], { afterStep: 0, reason: 'max_completion_tokens' })]
  })
  const state = runStateAt(truncated, T1 + 2000)
  t.match(state, { status: 'incomplete', incompleteReason: 'max_completion_tokens', pendingToolCalls: null })
  t.match(state.steps, [{ status: 'completed', truncated: true, text: 'partial' }], 'the tool call after the cut never happens')
  const noRoom = scripted([blankReply], { segments: [segment(T1, 0, {}, [], { afterStep: null, reason: 'max_prompt_tokens' })] })
  t.match(runStateAt(noRoom, T1 + 1999), { status: 'in_progress' })
  t.match(runStateAt(noRoom, T1 + 2000), { status: 'incomplete', incompleteReason: 'max_prompt_tokens', steps: [] })
})

t.test('as of a request: the status the request put the run in, even with zero-length timings', async t => {
  const instant = { queuedMs: 0, inProgressMs: 0, cancellingMs: 0 }
  const created = scripted([blankReply], { timings: instant })
  t.match(runStateAt(created, T1, true), { status: 'queued', startedAt: null, steps: [], nextChangeAt: T1 })
  t.match(runStateAt(created, T1), { status: 'completed' }, 'a plain read at the same instant sees it done')

  const submitted = scripted([toolCall, blankReply], { segments: [segment(T1, 0), segment(T1 + 2000, 1, {}, [{ tool_call_id: 'call_1', output: 'x' }])] })
  t.match(runStateAt(submitted, T1 + 2000, true), { status: 'queued', pendingToolCalls: null })
  t.match(runStateAt(submitted, T1 + 2000).steps, [{ status: 'in_progress' }])
  t.match(runStateAt(submitted, T1 + 2500).steps, [{ status: 'completed' }])

  const cancelled = scripted([toolCall, blankReply], { timings: instant, segments: [segment(T1, 0)], cancelRequestedAt: T1 + 5 })
  const answer = runStateAt(cancelled, T1 + 5, true)
  t.match(answer, { status: 'cancelling' })
  t.equal(answer.steps.length, 1, 'the steps that were there when the cancel came are in the answer')
  t.match(runStateAt(cancelled, T1 + 5), { status: 'cancelled' })
})
