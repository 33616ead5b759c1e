/**
 * Answering a run-changing request with the run's events (`"stream": true`): 200, `text/event-stream`, no
 * Content-Length (Fastify sends a stream chunked), the request id headers every response carries. Every
 * check happens before: a refused request is the ordinary JSON error.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import type { Socket } from 'node:net'
import { runEventSource, streamStart } from '../services/run-events.js'
import type { RunView } from '../services/runs.js'
import { eventStream, type EventSource } from '../streaming/event-stream.js'

export interface RunStreamRouteOptions {
  /** Open with `thread.created` (create thread and run). */
  readonly withThread?: boolean
}

/** The header the stream answers with (what OpenAI and Azure send). */
export const EVENT_STREAM_CONTENT_TYPE = 'text/event-stream; charset=utf-8'

export function sendRunStream (app: FastifyInstance, request: FastifyRequest, reply: FastifyReply, view: RunView,
  options: RunStreamRouteOptions = {}): FastifyReply {
  const { store, clock, services } = app
  const { record } = view
  const thread = options.withThread === true ? store.threads.get(record.threadId) : undefined
  const events = runEventSource({
    store, clock, run: record, generation: request.apiVersion.generation, from: streamStart(record, clock.now()), thread
  })
  // The stream is pumped from timers and from other requests' clock advances: each pull runs in this
  // request's scope, so the tenant store it reads is this caller's (--isolate-by-key).
  const scope = request.emulatorScope
  const source: EventSource = scope === null ? events : { pull: max => app.control.inScope(scope, () => events.pull(max)) }
  const socket = request.raw.socket as Socket & { destroySoon?: () => void }
  const stream = eventStream(source, {
    clock,
    watch: wake => services.runs.watch(record.id, wake),
    cutAfterEvents: app.streamCutFor(request),
    // What was written is flushed first, then the connection is dropped without ending the response.
    cut: () => socket.destroySoon ? socket.destroySoon() : socket.destroy(),
    onError: err => request.log.warn({ err, runId: record.id }, 'run stream failed after it started')
  })
  return reply.code(200).header('content-type', EVENT_STREAM_CONTENT_TYPE).header('cache-control', 'no-cache').send(stream)
}
