/**
 * The inspector's live updates: GET /_emulator/inspector/events is a server-sent event stream that sends
 * `change` whenever what the page shows may have changed — a request was journaled (any API call, a reset, a
 * state import), the journal was cleared, fault rules were added or removed, a virtual clock moved (over HTTP
 * or in-process) — at most once per tick. The page then asks again for the view it shows.
 *
 * A real clock's passing time sends nothing: every view says when it next changes by itself
 * (`next_change_at`, a run moving on), and the page asks again at that time. One timer serves every open
 * stream, and only while one is open; closing the app ends them all, so `close()` is never held up by a page.
 */
import { Readable } from 'node:stream'
import { isManualClock } from '../clock.js'
import { formatEvent } from '../http/sse.js'
import type { Runtime } from '../runtime.js'

/** How often the feed looks for changes, in ms (real time): the page refreshes at most this often. */
const TICK_MS = 250
/** A comment line this often keeps proxies and idle timeouts from closing a quiet stream. */
const KEEP_ALIVE_MS = 15_000
/** A client that reads nothing is sent nothing more past this much unread text (it asks again when it reads). */
const MAX_UNREAD = 64 * 1024

export interface ChangeFeed {
  /** A new event stream (a Readable of SSE text); it ends when the client goes away or the feed closes. */
  open (): Readable
  /** How many streams are open. */
  readonly size: number
  /** Ends every stream. */
  close (): void
}

export function createChangeFeed ({ clock, control, tenants }: Pick<Runtime, 'clock' | 'control' | 'tenants'>): ChangeFeed {
  const streams = new Set<Readable>()
  let timer: NodeJS.Timeout | undefined
  let revision = 0
  let quietTicks = 0
  const signature = () => `${control.journal.revision}:${control.faults.size}:${tenants.list().length}:${isManualClock(clock) ? clock.now() : ''}`
  let last = signature()

  const send = (text: string) => {
    for (const stream of streams) if (stream.readableLength < MAX_UNREAD) stream.push(text)
  }
  const tick = () => {
    const now = signature()
    if (now !== last) {
      last = now
      quietTicks = 0
      send(formatEvent('change', { revision: ++revision, now: clock.now() }))
    } else if (++quietTicks * TICK_MS >= KEEP_ALIVE_MS) {
      quietTicks = 0
      send(': keep-alive\n\n')
    }
  }
  const stop = () => {
    if (streams.size > 0 || timer === undefined) return
    clearInterval(timer)
    timer = undefined
  }

  return {
    open () {
      const stream: Readable = new Readable({
        encoding: 'utf8',
        read () {},
        destroy (err, callback) {
          streams.delete(stream)
          stop()
          callback(err)
        }
      })
      stream.on('end', () => {
        streams.delete(stream)
        stop()
      })
      streams.add(stream)
      if (timer === undefined) {
        last = signature()
        timer = setInterval(tick, TICK_MS).unref()
      }
      // How long the browser waits before reconnecting, then one event: the page knows it is connected.
      stream.push(`retry: 2000\n\n${formatEvent('ready', { revision, now: clock.now() })}`)
      return stream
    },
    get size () { return streams.size },
    close () {
      for (const stream of [...streams]) {
        streams.delete(stream)
        stream.push(null)
      }
      stop()
    }
  }
}
