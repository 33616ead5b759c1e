/**
 * The server-sent events writer: a Readable that Fastify pipes to the response. It asks its source for the
 * events that have happened by now, and when there are none yet it waits — on one timer for its
 * connection, on the clock's jumps (a manual or virtual clock) and on a wake-up from whoever changes what
 * the source describes (another request cancelling the run) — whichever comes first. When the client goes
 * away, Fastify destroys the stream and the timer and both subscriptions go with it.
 *
 * Fairness (issue #20): a stream pulls a slice of at most 16 events at a time. Its first slice is pulled and
 * written at once, in the request that opened it; every later one waits for its turn in the one scheduler of all
 * open streams (http/stream-turns.ts), which serves them round robin after the event loop's I/O. The Readable has
 * no high-water mark, so it asks for more only once its consumer (the response) has taken everything and is
 * flowing: a client that does not read is not pulled for until its connection drains (backpressure).
 *
 * Framing (OpenAI's and Azure's Assistants streams; docs/streaming.md): `event: <name>\n`,
 * `data: <one line of JSON>\n`, a blank line; the last message is `event: done` / `data: [DONE]`. A failure
 * after the stream has started is `event: error` with `data: {"error": {message, type, param, code}}`,
 * which both official SDKs raise as an API error, and then the end of the response (no `done`); so is a
 * stream the server ends early as it shuts down (`interruptEventStream`, http/drain.ts).
 * The Responses API's streams (`endWith: null`, `onePerWrite`) end after their last event with no `done`, write
 * each event in a write of its own (Open Responses' parser loses an event split across reads: responses-wire.md
 * §7.5), and give their own failure event (`EventSource.errorEvent`).
 */
import { Readable } from 'node:stream'
import type { Clock } from '../clock.js'
import { ApiError, type OpenAIErrorFields } from '../errors.js'
import { awaitTurn, streamOpened } from './stream-turns.js'

export interface StreamEvent {
  readonly event: string
  readonly data: unknown
}

/** What a source has for the stream now. */
export interface Pulled {
  readonly events: readonly StreamEvent[]
  /** Nothing follows these events: the stream ends with `done`. */
  readonly done: boolean
  /** When (epoch ms, on the stream's clock) the next events are due; null when only a wake-up can bring them. */
  readonly nextAt: number | null
}

export interface EventSource {
  /** The events due by now that were not pulled yet, at most about `max` of them. Throws to fail the stream. */
  pull (max: number): Pulled
  /** The event a failure after the start is told with; absent: `error` with `{"error": {…}}`. */
  errorEvent? (fields: OpenAIErrorFields): StreamEvent
}

export interface EventStreamOptions {
  readonly clock: Clock
  /** Subscribes to changes that may bring events before `nextAt`; returns the unsubscribe function. */
  readonly watch?: (wake: () => void) => () => void
  /**
   * End the response abruptly after this many events: no `done`, and `cut` is called (the route destroys
   * the socket once what was written has been flushed). For fault injection.
   */
  readonly cutAfterEvents?: number
  readonly cut?: () => void
  /** Told about failures after the stream started (they reach the client as an `error` event). */
  readonly onError?: (err: unknown) => void
  /** The message after the last event; absent: `event: done` / `data: [DONE]`; null: none. */
  readonly endWith?: string | null
  /** Write every event on its own (never two in one chunk); absent: the events due together in one write. */
  readonly onePerWrite?: boolean
  /** What an unexpected failure is told as (the request's 500, errors.ts `internal`). */
  readonly internalError: ApiError
}

/**
 * Events pulled per slice: a stream's first slice goes out with the request that opened it, later ones one per
 * turn (http/stream-turns.ts); also bounds what waits in memory when a client reads slowly.
 */
const SLICE = 16
/** setTimeout's largest delay. */
const MAX_DELAY_MS = 2 ** 31 - 1

/** One SSE message. `data` must serialise to one line, which JSON.stringify guarantees. */
export function formatEvent (event: string, data: unknown): string {
  return `event: ${event}\ndata: ${typeof data === 'string' ? data : JSON.stringify(data)}\n\n`
}

const DONE_MESSAGE = formatEvent('done', '[DONE]')

function errorFields (err: unknown, internal: ApiError): OpenAIErrorFields {
  return (err instanceof ApiError && err.fields ? err.fields : internal.fields)!
}

/** How each live event stream is ended early with an error event (`interruptEventStream`). */
const interrupters = new WeakMap<Readable, (err: unknown) => void>()

/** Whether `payload` is a stream made by `eventStream`. */
export function isEventStream (payload: unknown): payload is Readable {
  return payload instanceof Readable && interrupters.has(payload)
}

/**
 * Ends an event stream now with `event: error` carrying `err` (as a failure after the stream started: no
 * `done`), e.g. when the server shuts down. Nothing happens to a stream that has already ended.
 */
export function interruptEventStream (stream: Readable, err: unknown): void {
  interrupters.get(stream)?.(err)
}

/** A Readable of SSE text for `source`; see the module comment for its life cycle. */
export function eventStream (source: EventSource, options: EventStreamOptions): Readable {
  const { clock } = options
  let timer: NodeJS.Timeout | undefined
  let finished = false
  let started = false
  /** The Readable asked for more (its buffer is empty and its consumer flowing) and nothing was pushed since. */
  let wanted = false
  /** Waiting for a turn (http/stream-turns.ts). */
  let queued = false
  let sent = 0
  let cutPending = false
  const unsubscribes: Array<() => void> = []

  const release = () => {
    clearTimeout(timer)
    timer = undefined
    for (const unsubscribe of unsubscribes.splice(0)) unsubscribe()
  }
  const finish = (last: string) => {
    finished = true
    release()
    if (last !== '') stream.push(last)
    stream.push(null)
  }

  /** Asks for a turn; nothing while the stream is over, queued already, or not asked for more (backpressure). */
  const wake = () => {
    if (finished || queued || !wanted || stream.destroyed) return
    queued = true
    awaitTurn(serveInTurn)
  }

  /** Pulls one slice and pushes it; with nothing due, waits for its due time or a wake-up. */
  const serve = () => {
    queued = false
    if (finished || stream.destroyed) return
    if (cutPending) {
      // Readable may ask for more before what was pushed has gone out: cut only once it has.
      if (stream.readableLength > 0) {
        queued = true
        awaitTurn(serveInTurn)
        return
      }
      finished = true
      release()
      options.cut?.()
      return
    }
    if (!wanted) return
    clearTimeout(timer)
    timer = undefined
    let pulled: Pulled
    try {
      pulled = source.pull(SLICE)
    } catch (err) {
      options.onError?.(err)
      const fields = errorFields(err, options.internalError)
      const failure = source.errorEvent?.(fields) ?? { event: 'error', data: { error: fields } }
      finish(formatEvent(failure.event, failure.data))
      return
    }
    if (pulled.events.length === 0 && !pulled.done) {
      if (pulled.nextAt !== null) {
        timer = setTimeout(wake, Math.min(MAX_DELAY_MS, Math.max(1, pulled.nextAt - clock.now())))
      }
      return
    }
    // Whatever is pushed now answers the Readable's read: it asks again once its consumer has taken it.
    wanted = false
    let text = ''
    for (const { event, data } of pulled.events) {
      text += formatEvent(event, data)
      if (++sent === options.cutAfterEvents) {
        cutPending = true
        stream.push(text)
        return
      }
      if (options.onePerWrite === true) {
        stream.push(text)
        text = ''
      }
    }
    if (pulled.done) {
      finish(text + (options.endWith === undefined ? DONE_MESSAGE : options.endWith ?? ''))
      return
    }
    if (text !== '') stream.push(text)
  }

  // A throw while serving destroys the stream with it, as Readable does with a throw from `read` (e.g. a `cut` on a
  // connection that cannot be destroyed: inject()'s, which tells it as a reset).
  const serveInTurn = () => {
    try {
      serve()
    } catch (err) {
      stream.destroy(err instanceof Error ? err : new Error(String(err)))
    }
  }

  // One write per event: an object-mode stream hands each pushed event to the response on its own (a byte stream
  // would join what is buffered into one chunk). No high-water mark: the Readable asks for more only when its
  // consumer is flowing and has taken everything, so a client that does not read is not pulled for (backpressure).
  const stream = new Readable({
    ...(options.onePerWrite === true ? { objectMode: true } : { encoding: 'utf8' }),
    highWaterMark: 0,
    read () {
      wanted = true
      if (started) {
        wake()
        return
      }
      // The first slice goes out at once, with the request that opened the stream; later ones wait their turn.
      started = true
      streamOpened()
      serve()
    },
    destroy (err, callback) {
      finished = true
      release()
      callback(err)
    }
  })
  interrupters.set(stream, err => {
    if (finished || stream.destroyed) return
    finish(formatEvent('error', { error: errorFields(err, options.internalError) }))
  })
  unsubscribes.push(clock.onJump(wake))
  if (options.watch) unsubscribes.push(options.watch(wake))
  if (options.cutAfterEvents === 0) cutPending = true
  return stream
}
