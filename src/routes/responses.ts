/**
 * Response routes (the Responses API): on /v1, /openai/v1, a Foundry project's /openai/v1, and on /openai from
 * api-version 2025-03-01-preview (where `AzureOpenAI` with only an endpoint calls them). A background response
 * answers at once (`queued`) and tells pollers when it next changes; a foreground one answers when it has
 * finished, as the service does; with `"stream": true` either answers with its events (routes/response-stream.ts).
 */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import type { FastifyReply, FastifyRequest } from 'fastify'
import type { Availability } from '../api-surface.js'
import { AZURE_RESPONSES_SINCE } from '../api-versions.js'
import { withPollHint } from '../http/poll-hint.js'
import { waitUntil } from '../http/wait.js'
import { mapPage } from '../pagination.js'
import { presentDeletedResponse, presentInputTokens, presentResponse, type ResponseView } from '../presenters/response.js'
import {
  CreateResponseBodySchema, FoundryListQuerySchema, InputTokensBodySchema, ItemListQuerySchema, ResponseObjectSchema, ResponseParamsSchema,
  RetrieveResponseQuerySchema
} from '../schemas/response.js'
import { responsePollAfterMs } from '../services/responses.js'
import { sendResponseStream } from './response-stream.js'

const RESPONSES: Availability = { azureSince: AZURE_RESPONSES_SINCE }
/** Foundry-only operations (F-TSP `openai-responses/routes.tsp` `listResponses`). */
const FOUNDRY_ONLY: Availability = { doors: ['foundry'] }

const responseRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const { clock } = app.runtime
  /** The response as the request's door shows it, with when to poll it next. */
  const answer = (request: FastifyRequest, reply: FastifyReply, view: ResponseView) =>
    withPollHint(reply, responsePollAfterMs(view, clock.now()), presentResponse(view, request.apiVersion.flavour))

  /** POST /responses — create a response (background: at once; foreground: once it has finished; or streamed) */
  app.post('/responses', {
    config: { available: RESPONSES },
    schema: { body: CreateResponseBodySchema, response: { 200: ResponseObjectSchema } }
  }, async (request, reply) => {
    const { responses } = request.tenant.services
    await responses.warmSearch(request.body, request.apiVersion.flavour)
    const created = responses.create(request.body, request.apiVersion.flavour)
    const { record } = created
    if (request.body.stream === true) return sendResponseStream(request, reply, record)
    if (record.background) return answer(request, reply, created)
    const gone = new AbortController()
    reply.raw.once('close', () => gone.abort())
    const finished = await waitUntil(clock, responses.endsAt(record), gone.signal)
    const done = responses.current(record.id)
    if (!record.store) responses.forget(record.id)
    if (!finished) return reply
    return answer(request, reply, done)
  })

  /** GET /responses — list the project's responses (Foundry only) */
  app.get('/responses', {
    config: { available: FOUNDRY_ONLY },
    schema: { querystring: FoundryListQuerySchema, response: { 200: ResponseObjectSchema } }
  }, async (request) => mapPage(request.tenant.services.responses.list(request.query), view => presentResponse(view, request.apiVersion.flavour)))

  /** POST /responses/input_tokens — count the input tokens a response would have */
  app.post('/responses/input_tokens', {
    config: { available: RESPONSES },
    schema: { body: InputTokensBodySchema, response: { 200: ResponseObjectSchema } }
  }, async (request) => presentInputTokens(request.tenant.services.responses.inputTokens(request.body, request.apiVersion.flavour)))

  /** GET /responses/:response_id — retrieve a response, its status derived from the clock; `stream=true` replays its events */
  app.get('/responses/:response_id', {
    config: { available: RESPONSES },
    schema: { params: ResponseParamsSchema, querystring: RetrieveResponseQuerySchema, response: { 200: ResponseObjectSchema } }
  }, async (request, reply) => {
    const { responses } = request.tenant.services
    if (request.query.stream === 'true') {
      const record = responses.streamable(request.params.response_id)
      return sendResponseStream(request, reply, record, request.query.starting_after === undefined ? {} : { startingAfter: request.query.starting_after })
    }
    const { 'include[]': bracketed, include } = request.query
    return answer(request, reply, responses.get(request.params.response_id, [bracketed ?? [], include ?? []].flat()))
  })

  /** DELETE /responses/:response_id — delete a response */
  app.delete('/responses/:response_id', {
    config: { available: RESPONSES },
    schema: { params: ResponseParamsSchema, response: { 200: ResponseObjectSchema } }
  }, async (request) => presentDeletedResponse(request.tenant.services.responses.delete(request.params.response_id)))

  /** POST /responses/:response_id/cancel — cancel a background response (queued or in progress) */
  app.post('/responses/:response_id/cancel', {
    config: { available: RESPONSES },
    schema: { params: ResponseParamsSchema, response: { 200: ResponseObjectSchema } }
  }, async (request, reply) => answer(request, reply, request.tenant.services.responses.cancel(request.params.response_id)))

  /** GET /responses/:response_id/input_items — list a response's input items, newest first by default */
  app.get('/responses/:response_id/input_items', {
    config: { available: RESPONSES },
    schema: { params: ResponseParamsSchema, querystring: ItemListQuerySchema, response: { 200: ResponseObjectSchema } }
  }, async (request) => request.tenant.services.responses.inputItems(request.params.response_id, request.query))
}

export default responseRoutes
