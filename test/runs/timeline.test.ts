/** The run lifecycle as a pure function: the transition table and the timeline at its boundaries. */
import t from 'tap'
import { RUN_STATUSES, type RunStatus } from '../../src/schemas/run.js'
import {
  TRANSITIONS, TransitionError, assertTransition, canTransition, isTerminal, runStateAt
} from '../../src/runs/lifecycle.js'
import type { RunRecord, ScriptStep } from '../../src/store/records.js'
import { countPromptTokens, tokenizer } from '../../src/runs/tokens.js'
import { PROMPT_TOKENS, runRecord, segment } from '../support/records.js'

const T0 = 1_700_000_000_000

function run (script: ScriptStep[], overrides: Partial<RunRecord> = {}): RunRecord {
  return runRecord(T0, { timings: { queuedMs: 500, inProgressMs: 1500, cancellingMs: 300 }, script, ...overrides })
}

const reply: ScriptStep = { kind: 'message', stepId: 'step_m', messageId: 'msg_m', template: '' }
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

t.test('a plain reply: queued, in_progress, completed at the boundaries', async t => {
  const record = run([reply])
  t.match(runStateAt(record, T0), { status: 'queued', startedAt: null, nextChangeAt: T0 + 500, usage: null, expiresAt: T0 + 600_000 })
  t.match(runStateAt(record, T0 + 499), { status: 'queued' })
  t.match(runStateAt(record, T0 + 500), { status: 'in_progress', startedAt: T0 + 500, nextChangeAt: T0 + 2000 })
  t.equal(runStateAt(record, T0 + 500).steps[0]?.status, 'in_progress', 'the message step is open while in progress')
  t.match(runStateAt(record, T0 + 1999), { status: 'in_progress', completedAt: null })
  const done = runStateAt(record, T0 + 2000)
  t.match(done, { status: 'completed', completedAt: T0 + 2000, expiresAt: null, nextChangeAt: null })
  t.same(done.usage, { prompt_tokens: PROMPT_TOKENS, completion_tokens: 2, total_tokens: PROMPT_TOKENS + 2 })
  t.match(done.steps, [{ status: 'completed', completedAt: T0 + 2000, text: 'hi' }])
})

t.test('tool calls wait in requires_action, then a submission starts a new pass', async t => {
  const waiting = run([toolCall, reply], { segments: [segment(T0, 0)] })
  const at = runStateAt(waiting, T0 + 2000)
  t.equal(at.status, 'requires_action')
  t.same(at.pendingToolCalls, [{ id: 'call_1', name: 'f', arguments: '{}' }])
  t.equal(at.nextChangeAt, T0 + 600_000, 'nothing happens until the run expires')
  t.match(at.steps, [{ index: 0, status: 'in_progress', usage: null }])

  const submitted = run([toolCall, reply], {
    segments: [segment(T0, 0), segment(T0 + 3000, 1, { 1: { text: 'done', completionTokens: 1, truncated: false } }, [{ tool_call_id: 'call_1', output: '42' }])]
  })
  t.match(runStateAt(submitted, T0 + 3000), { status: 'queued', pendingToolCalls: null })
  t.equal(runStateAt(submitted, T0 + 3000).steps[0]?.status, 'in_progress', 'the tool step waits for the run to pick it up')
  t.equal(runStateAt(submitted, T0 + 3000).steps[0]?.outputs.get('call_1'), '42')
  t.match(runStateAt(submitted, T0 + 3500), { status: 'in_progress', startedAt: T0 + 500 })
  t.match(runStateAt(submitted, T0 + 3500).steps[0], { status: 'completed', completedAt: T0 + 3500 }, 'and completes as the run goes on')
  const done = runStateAt(submitted, T0 + 5000)
  t.match(done, { status: 'completed', completedAt: T0 + 5000 })
  // The second pass sees the first prompt, the call the model wrote, and the output.
  const secondPrompt = PROMPT_TOKENS + CALL_TOKENS + countPromptTokens(tokenizer().count, '', ['42'])
  const prompt = PROMPT_TOKENS + secondPrompt
  t.same(done.usage, { prompt_tokens: prompt, completion_tokens: CALL_TOKENS + 1, total_tokens: prompt + CALL_TOKENS + 1 }, 'usage adds up both passes')
})

t.test('an unanswered tool call expires at expires_at', async t => {
  const record = run([toolCall, reply], { segments: [segment(T0, 0)], expiresAt: T0 + 10_000 })
  t.equal(runStateAt(record, T0 + 9_999).status, 'requires_action')
  const expired = runStateAt(record, T0 + 10_000)
  t.match(expired, { status: 'expired', expiresAt: null, pendingToolCalls: null, nextChangeAt: null })
  t.match(expired.steps, [{ status: 'expired', expiredAt: T0 + 10_000 }])
})

t.test('a run planned to take longer than its lifetime expires while in progress', async t => {
  const record = run([reply], { timings: { queuedMs: 500, inProgressMs: 20_000, cancellingMs: 0 }, expiresAt: T0 + 10_000 })
  t.equal(runStateAt(record, T0 + 9_999).status, 'in_progress')
  t.match(runStateAt(record, T0 + 10_000), { status: 'expired', completedAt: null })
  t.match(runStateAt(record, T0 + 30_000).steps, [{ status: 'expired' }])
})

t.test('cancel: cancelling for cancellingMs, then cancelled; open steps are cancelled', async t => {
  for (const [label, at] of [['queued', T0 + 100], ['in_progress', T0 + 800], ['requires_action', T0 + 2500]] as const) {
    const record = run([toolCall, reply], { segments: [segment(T0, 0)], cancelRequestedAt: at })
    t.equal(runStateAt(record, at - 1).status, label, `was ${label}`)
    t.match(runStateAt(record, at), { status: 'cancelling', nextChangeAt: at + 300 })
    const cancelled = runStateAt(record, at + 300)
    t.match(cancelled, { status: 'cancelled', cancelledAt: at + 300, expiresAt: null })
    t.ok(cancelled.steps.every(s => s.status === 'cancelled'), `${label}: no step completes after the cancel`)
    t.equal(runStateAt(record, T0 + 700_000).status, 'cancelled', 'cancelling is not overtaken by expiry')
  }
})

t.test('failure and incomplete endings', async t => {
  const failing = run([{ kind: 'fail', code: 'server_error', message: 'Sorry' }], { segments: [segment(T0, 0)] })
  t.match(runStateAt(failing, T0 + 2000), {
    status: 'failed', failedAt: T0 + 2000, lastError: { code: 'server_error', message: 'Sorry' }, steps: []
  })
  t.same(runStateAt(failing, T0 + 2000).usage, { prompt_tokens: 0, completion_tokens: 0, total_tokens: 0 })
  const incomplete = run([reply, { kind: 'incomplete', reason: 'max_completion_tokens' }])
  t.match(runStateAt(incomplete, T0 + 2000), { status: 'incomplete', incompleteReason: 'max_completion_tokens', lastError: null })
  t.match(runStateAt(incomplete, T0 + 2000).steps, [{ status: 'completed' }])
})

t.test('token limits cut a pass short: incomplete after a truncated reply, or before any step', async t => {
  const truncated = run([reply, toolCall], {
    segments: [segment(T0, 0, { 0: { text: 'partial', completionTokens: 256, truncated: true } }, [], { afterStep: 0, reason: 'max_completion_tokens' })]
  })
  const state = runStateAt(truncated, T0 + 2000)
  t.match(state, { status: 'incomplete', incompleteReason: 'max_completion_tokens', pendingToolCalls: null })
  t.match(state.steps, [{ status: 'completed', truncated: true, text: 'partial' }], 'the tool call after the cut never happens')
  const noRoom = run([reply], { segments: [segment(T0, 0, {}, [], { afterStep: null, reason: 'max_prompt_tokens' })] })
  t.match(runStateAt(noRoom, T0 + 1999), { status: 'in_progress' })
  t.match(runStateAt(noRoom, T0 + 2000), { status: 'incomplete', incompleteReason: 'max_prompt_tokens', steps: [] })
})

t.test('as of a request: the status the request put the run in, even with zero-length timings', async t => {
  const instant = { queuedMs: 0, inProgressMs: 0, cancellingMs: 0 }
  const created = run([reply], { timings: instant })
  t.match(runStateAt(created, T0, true), { status: 'queued', startedAt: null, steps: [], nextChangeAt: T0 })
  t.match(runStateAt(created, T0), { status: 'completed' }, 'a plain read at the same instant sees it done')

  const submitted = run([toolCall, reply], { segments: [segment(T0, 0), segment(T0 + 2000, 1, {}, [{ tool_call_id: 'call_1', output: 'x' }])] })
  t.match(runStateAt(submitted, T0 + 2000, true), { status: 'queued', pendingToolCalls: null })
  t.match(runStateAt(submitted, T0 + 2000).steps, [{ status: 'in_progress' }])
  t.match(runStateAt(submitted, T0 + 2500).steps, [{ status: 'completed' }])

  const cancelled = run([toolCall, reply], { timings: instant, segments: [segment(T0, 0)], cancelRequestedAt: T0 + 5 })
  const answer = runStateAt(cancelled, T0 + 5, true)
  t.match(answer, { status: 'cancelling' })
  t.equal(answer.steps.length, 1, 'the steps that were there when the cancel came are in the answer')
  t.match(runStateAt(cancelled, T0 + 5), { status: 'cancelled' })
})
