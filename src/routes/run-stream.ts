/**
 * Answering a run-changing request with the run's events (`"stream": true`): 200, `text/event-stream`, no
 * Content-Length (Fastify sends a stream chunked), the request id headers every response carries. Every
 * check happens before: a refused request is the ordinary JSON error.
 */
import type { FastifyReply, FastifyRequest } from 'fastify'
import type { Socket } from 'node:net'
import { internalError } from '../http/errors.js'
import { eventStream } from '../http/sse.js'
import type { RunView } from '../presenters/run.js'
import { runEventSource, streamStart } from '../runs/events.js'
import { includesSearchContent } from '../schemas/run.js'

export interface RunStreamRouteOptions {
  /** Open with `thread.created` (create thread and run). */
  readonly withThread?: boolean
}

/** The header the stream answers with (what OpenAI and Azure send). */
const EVENT_STREAM_CONTENT_TYPE = 'text/event-stream; charset=utf-8'

/**
 * Streams the run's events from what the request just did on. The stream reads the request's own tenant
 * (captured here), whenever it is pumped: by its timer, a clock jump, or another request changing the run.
 */
export function sendRunStream (request: FastifyRequest, reply: FastifyReply, view: RunView, options: RunStreamRouteOptions = {}): FastifyReply {
  const { clock } = request.server.runtime
  const { store, services } = request.tenant
  const { record } = view
  const thread = options.withThread === true ? store.threads.get(record.threadId) : undefined
  const events = runEventSource({
    store,
    clock,
    run: record,
    generation: request.apiVersion.generation,
    from: streamStart(record, clock.now()),
    thread,
    includeSearchContent: includesSearchContent(request.query)
  })
  const socket = request.raw.socket as Socket & { destroySoon?: () => void }
  const stream = eventStream(events, {
    clock,
    watch: wake => services.runs.watch(record.id, wake),
    cutAfterEvents: request.server.runtime.streamCutFor(request),
    // What was written is flushed first, then the connection is dropped without ending the response.
    cut: () => socket.destroySoon ? socket.destroySoon() : socket.destroy(),
    onError: err => request.log.warn({ err, runId: record.id }, 'run stream failed after it started'),
    internalError: internalError(request)
  })
  return reply.code(200).header('content-type', EVENT_STREAM_CONTENT_TYPE).header('cache-control', 'no-cache').send(stream)
}
