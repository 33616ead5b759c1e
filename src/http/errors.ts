/**
 * The pipeline's error step: anything thrown while handling a request becomes the ApiError its client
 * receives (errors.ts renders it byte for byte), and is sent from this one place.
 */
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify'
import { classify, type FrontDoor } from '../api-surface.js'
import { ApiError, Errors } from '../errors.js'

/** Maps anything thrown while handling a request to the ApiError the client receives. */
export function toApiError (err: FastifyError, request: FastifyRequest & { door?: FrontDoor | null }, maxBodyBytes: number): ApiError {
  // A refusal the flavours word differently is answered in the words of the request's door.
  if (err instanceof ApiError) return err.inEnvelope((request.door ?? classify(request.url)).envelope)
  switch (err.code) {
    case 'FST_ERR_CTP_BODY_TOO_LARGE': return Errors.bodyTooLarge(maxBodyBytes)
    // Fastify's message is just "Unsupported Media Type"; the real API names the header the client sent.
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE': return Errors.unsupportedContentType(request.headers['content-type'] ?? '')
    case 'FST_ERR_CTP_INVALID_CONTENT_LENGTH':
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
    case 'FST_ERR_CTP_INVALID_JSON_BODY': return Errors.invalidJson()
  }
  // Anything else Fastify refuses on the client's account keeps its status, in the OpenAI envelope.
  const status = err.statusCode ?? 500
  return status >= 400 && status < 500 ? Errors.requestRejected(status, err.message) : internalError(request)
}

/** The service's 500 for this request: in its door's words, with its request id (errors.ts `internal`). */
export function internalError (request: Pick<FastifyRequest, 'id' | 'url'> & { door?: FrontDoor | null }): ApiError {
  return Errors.internal((request.door ?? classify(request.url)).envelope, request.id)
}

/** The one place an error leaves: its status, its exact body and content type (a Buffer, so Fastify adds no charset). */
export function sendApiError (reply: FastifyReply, error: ApiError): FastifyReply {
  return reply.code(error.statusCode).header('content-type', error.contentType).send(Buffer.from(error.body))
}
