/**
 * The one scheduler of the process's open event streams (http/sse.ts): later pulls of every stream are served
 * round robin in turns, each stream at most once per turn, and a turn stops early once it has used its time
 * budget, so a burst of streams due all at once (zero timings) cannot hold back the requests waiting in the
 * socket buffers (issue #20: each new stream's first events go out with the request that created its run).
 * Turns run on `setImmediate`, after the event loop's I/O: between two turns every request that has
 * arrived is read and answered.
 *
 * A turn's length is also how fast new connections come in: libuv accepts one connection per event-loop
 * iteration (libuv#3696, libuv 1.45, Node 20), so 200 clients connecting at once take 200 iterations, each with
 * a turn. While streams are being opened (one opened since the last turn: a burst of requests is arriving), a
 * turn serves a single slice, enough that open streams still move; otherwise it may use its whole budget.
 */
import { performance } from 'node:perf_hooks'

/** How long (wall-clock ms) one turn may serve streams before it yields to I/O, when no stream was opened since the last. */
const TURN_BUDGET_MS = 2

/** What a stream asks to be served with: one slice of its events. */
type Serve = () => void

/** Streams waiting for their next slice, oldest first; a stream is in it at most once (the caller's flag). */
let waiting: Serve[] = []
let turnPending = false
/** Streams opened since the last turn began. */
let opened = 0

function turn (): void {
  turnPending = false
  // Only the streams waiting when the turn starts: one queued meanwhile (by a slice just served) waits for the next.
  const due = waiting
  waiting = []
  // At least one slice per turn, whatever the budget: open streams always move.
  const deadline = opened > 0 ? 0 : performance.now() + TURN_BUDGET_MS
  opened = 0
  let served = 0
  try {
    while (served < due.length) {
      due[served++]!()
      if (performance.now() >= deadline) break
    }
  } finally {
    // The streams the budget did not reach keep their place ahead of those queued during the turn.
    if (served < due.length) waiting = due.slice(served).concat(waiting)
    if (waiting.length > 0) scheduleTurn()
  }
}

function scheduleTurn (): void {
  if (turnPending) return
  turnPending = true
  setImmediate(turn)
}

/**
 * Queues `serve` for a coming turn (after the I/O that is pending). The caller queues each stream at most once
 * until it is served; a served stream that wants more queues itself again, behind the others.
 */
export function awaitTurn (serve: Serve): void {
  waiting.push(serve)
  scheduleTurn()
}

/** Tells the scheduler a stream has just been opened (and served its first slice): the next turn stays short. */
export function streamOpened (): void {
  opened++
}
