/**
 * Where a run is at a given moment. Pure: a run's status is derived from its stored plan and the clock on
 * every read, never moved by a timer, so tests drive it with a manual clock and nothing leaks past close().
 */
import type { RunRecord } from '../store/records.js'
import type { RunStatus } from '../schemas/run.js'

export interface RunState {
  readonly status: RunStatus
  readonly startedAt: number | null
  readonly completedAt: number | null
  /** When an unfinished run stops being able to finish; null once it has ended. */
  readonly expiresAt: number | null
  /** When the status will next change by itself; null for a terminal status. */
  readonly nextChangeAt: number | null
}

export const TERMINAL_STATUSES: ReadonlySet<RunStatus> =
  new Set(['cancelled', 'failed', 'completed', 'incomplete', 'expired'])

export function isTerminal (status: RunStatus): boolean {
  return TERMINAL_STATUSES.has(status)
}

/** The run's state at `now` (epoch ms). */
export function runStateAt (run: RunRecord, now: number): RunState {
  const { queuedMs, inProgressMs, expiresAfterMs } = run.plan
  const startedAt = run.createdAt + queuedMs
  const completedAt = startedAt + inProgressMs
  const expiresAt = run.createdAt + expiresAfterMs

  if (completedAt > expiresAt && now >= expiresAt) {
    // The service gives a run until expires_at; one planned to take longer expires instead.
    return { status: 'expired', startedAt: startedAt <= expiresAt ? startedAt : null, completedAt: null, expiresAt: null, nextChangeAt: null }
  }
  if (now < startedAt) return { status: 'queued', startedAt: null, completedAt: null, expiresAt, nextChangeAt: Math.min(startedAt, expiresAt) }
  if (now < completedAt) return { status: 'in_progress', startedAt, completedAt: null, expiresAt, nextChangeAt: Math.min(completedAt, expiresAt) }
  return { status: 'completed', startedAt, completedAt, expiresAt: null, nextChangeAt: null }
}
