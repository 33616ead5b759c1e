/**
 * POST /_emulator/runs/{run_id}/advance: a run moved on at once, whatever the clock. Status stays derived
 * from the stored record (runs/lifecycle.ts): advancing shifts every stored time of the run (creation,
 * expiry, each pass's start, a cancel request) back by the time that would otherwise have to pass, as if
 * the run had been created that much earlier. Nothing else about the run changes.
 */
import { Errors } from '../errors.js'
import { isTerminal, runStateAt } from '../runs/lifecycle.js'
import type { RunStatus } from '../schemas/run.js'
import type { RunRecord } from '../store/records.js'

/** `run` as if everything about it had happened `ms` earlier. */
function shiftRun (run: RunRecord, ms: number): RunRecord {
  return {
    ...run,
    createdAt: run.createdAt - ms,
    expiresAt: run.expiresAt - ms,
    segments: run.segments.map(s => ({ ...s, startedAt: s.startedAt - ms })),
    cancelRequestedAt: run.cancelRequestedAt === null ? null : run.cancelRequestedAt - ms
  }
}

/** Most moves one advance makes: a run's course has a bounded number of phases and steps per pass. */
const MAX_MOVES = 10000

/**
 * The run moved to its next status at `now`, or until it is in status `to`; with the total shift in ms.
 * Throws a 409 when the run has no next status or `to` cannot be reached from where it is.
 */
export function advanceRun (run: RunRecord, now: number, to?: RunStatus): { run: RunRecord, shiftedMs: number } {
  const start = runStateAt(run, now).status
  if (to === start) return { run, shiftedMs: 0 }
  if (to === undefined && isTerminal(start)) {
    throw Errors.emulatorConflict(`Run ${run.id} is ${start}: a run that has ended has no next status.`)
  }
  let current = run
  let shiftedMs = 0
  for (let moves = 0; moves < MAX_MOVES; moves++) {
    const state = runStateAt(current, now)
    if (to === undefined ? state.status !== start : state.status === to) return { run: current, shiftedMs }
    if (to !== undefined && isTerminal(state.status)) break
    if (state.nextChangeAt === null) break
    const ms = state.nextChangeAt - now
    current = shiftRun(current, ms)
    shiftedMs += ms
  }
  const ended = runStateAt(current, now).status
  const why = start === 'requires_action'
    ? `it waits for tool outputs (submit them with submit_tool_outputs); left alone it becomes ${ended}`
    : `left alone it becomes ${ended}`
  throw Errors.emulatorConflict(`Run ${run.id} cannot reach status '${to}' from '${start}': ${why}.`)
}
