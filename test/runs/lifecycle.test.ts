/** runStateAt (src/runs/lifecycle.ts) as a pure function: the queued → in_progress → completed timeline at every boundary, and expiry. */
import t from 'tap'
import { runStateAt } from '../../src/runs/lifecycle.js'
import type { RunRecord, RunTimings, ScriptStep } from '../../src/store/records.js'
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
