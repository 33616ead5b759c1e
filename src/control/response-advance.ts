/**
 * POST /_emulator/responses/{response_id}/advance: a background response moved on at once, whatever the clock,
 * as runs are (run-advance.ts). Status stays derived from the stored record (responses/course.ts): advancing
 * shifts its stored times (creation, a cancel) back by the time that would otherwise have to pass.
 */
import { Errors } from '../errors.js'
import { isTerminalResponse, responseStateAt, type ResponseStatus } from '../responses/course.js'
import type { ResponseRecord } from '../store/records.js'

function shiftResponse (record: ResponseRecord, ms: number): ResponseRecord {
  return { ...record, createdAt: record.createdAt - ms, cancelledAt: record.cancelledAt === null ? null : record.cancelledAt - ms }
}

/** Most moves one advance makes: a response's course has a bounded number of happenings. */
const MAX_MOVES = 100_000

/**
 * The response moved to its next status at `now`, or on until it is in status `to`. Throws a 409 when it has no
 * next status or cannot reach `to`.
 */
export function advanceResponse (record: ResponseRecord, now: number, to?: ResponseStatus): ResponseRecord {
  const start = responseStateAt(record, now).status
  if (to === start) return record
  if (to === undefined && isTerminalResponse(start)) {
    throw Errors.emulatorConflict(`Response ${record.id} is ${start}: a response that has ended has no next status.`)
  }
  let current = record
  for (let moves = 0; moves < MAX_MOVES; moves++) {
    const state = responseStateAt(current, now)
    if (to === undefined ? state.status !== start : state.status === to) return current
    if (state.nextChangeAt === null) break
    current = shiftResponse(current, state.nextChangeAt - now)
  }
  const ended = responseStateAt(current, now).status
  throw Errors.emulatorConflict(`Response ${record.id} cannot reach status '${to}' from '${start}': left alone it becomes ${ended}.`)
}
