/**
 * Answering with a response's events (`POST /responses` with `"stream": true`, and the replay of
 * `GET /responses/{id}?stream=true`): 200, `text/event-stream`, chunked, each event written on its own, no
 * `[DONE]` after the last (responses-wire.md §7). Every check happens before: a refused request is the ordinary
 * JSON error.
 */
import type { FastifyReply, FastifyRequest } from 'fastify'
import type { Socket } from 'node:net'
import { internalError } from '../http/errors.js'
import { eventStream } from '../http/sse.js'
import { responseEventSource } from '../responses/events.js'
import type { ResponseRecord } from '../store/records.js'

/** The header the stream answers with (what OpenAI and Azure send). */
const EVENT_STREAM_CONTENT_TYPE = 'text/event-stream; charset=utf-8'

export interface ResponseStreamRouteOptions {
  /** Only events with a greater `sequence_number` (a replay's `starting_after`). */
  readonly startingAfter?: number
}

/**
 * Streams the response's events from its creation (or from after `startingAfter`). The stream reads the
 * request's own tenant whenever it is pumped: by its timer, a clock jump, or a cancel. A `store: false`
 * response is forgotten once its stream is over.
 */
export function sendResponseStream (request: FastifyRequest, reply: FastifyReply, record: ResponseRecord,
  options: ResponseStreamRouteOptions = {}): FastifyReply {
  const { clock } = request.server.runtime
  const { store, services } = request.tenant
  const source = responseEventSource({
    store, clock, record, flavour: request.apiVersion.flavour, ...(options.startingAfter === undefined ? {} : { startingAfter: options.startingAfter })
  })
  const socket = request.raw.socket as Socket & { destroySoon?: () => void }
  const stream = eventStream(source, {
    clock,
    watch: wake => services.responses.watch(record.id, wake),
    cutAfterEvents: request.server.runtime.streamCutFor(request),
    cut: () => socket.destroySoon ? socket.destroySoon() : socket.destroy(),
    onError: err => request.log.warn({ err, responseId: record.id }, 'response stream failed after it started'),
    endWith: null,
    onePerWrite: true,
    internalError: internalError(request)
  })
  if (!record.store) reply.raw.once('close', () => services.responses.forget(record.id))
  return reply.code(200).header('content-type', EVENT_STREAM_CONTENT_TYPE).header('cache-control', 'no-cache').send(stream)
}
