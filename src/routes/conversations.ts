/**
 * Conversation routes (the Conversations API): on the same doors as the responses (routes/responses.ts).
 * Deleting a conversation keeps its items; deleting an item answers the conversation (OA-SPEC).
 */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import type { Availability } from '../api-surface.js'
import { AZURE_RESPONSES_SINCE } from '../api-versions.js'
import { paginate } from '../pagination.js'
import { presentConversation, presentDeletedConversation } from '../presenters/response.js'
import {
  ConversationItemParamsSchema, ConversationParamsSchema, CreateConversationBodySchema, CreateConversationItemsBodySchema,
  FoundryListQuerySchema, IncludeOnlyQuerySchema, ItemListQuerySchema, ResponseObjectSchema, UpdateConversationBodySchema
} from '../schemas/response.js'

const CONVERSATIONS: Availability = { azureSince: AZURE_RESPONSES_SINCE }
/** Foundry-only (F-TSP `openai-conversations/routes.tsp` `listConversations`). */
const FOUNDRY_ONLY: Availability = { doors: ['foundry'] }

const conversationRoutes: FastifyPluginAsyncTypebox = async (app) => {
  /** POST /conversations — create a conversation, with up to 20 items */
  app.post('/conversations', {
    config: { available: CONVERSATIONS },
    schema: { body: CreateConversationBodySchema, response: { 200: ResponseObjectSchema } }
  }, async (request) => {
    return presentConversation(request.tenant.services.conversations.create(request.body))
  })

  /** GET /conversations — list the project's conversations (Foundry only) */
  app.get('/conversations', {
    config: { available: FOUNDRY_ONLY },
    schema: { querystring: FoundryListQuerySchema, response: { 200: ResponseObjectSchema } }
  }, async (request) => {
    const page = paginate(request.tenant.services.conversations.list(request.query), request.query)
    return { ...page, data: page.data.map(presentConversation) }
  })

  /** GET /conversations/:conversation_id — retrieve a conversation */
  app.get('/conversations/:conversation_id', {
    config: { available: CONVERSATIONS },
    schema: { params: ConversationParamsSchema, response: { 200: ResponseObjectSchema } }
  }, async (request) => presentConversation(request.tenant.services.conversations.get(request.params.conversation_id)))

  /** POST /conversations/:conversation_id — update a conversation's metadata */
  app.post('/conversations/:conversation_id', {
    config: { available: CONVERSATIONS },
    schema: { params: ConversationParamsSchema, body: UpdateConversationBodySchema, response: { 200: ResponseObjectSchema } }
  }, async (request) => presentConversation(request.tenant.services.conversations.update(request.params.conversation_id, request.body.metadata)))

  /** DELETE /conversations/:conversation_id — delete a conversation (its items stay, no longer served) */
  app.delete('/conversations/:conversation_id', {
    config: { available: CONVERSATIONS },
    schema: { params: ConversationParamsSchema, response: { 200: ResponseObjectSchema } }
  }, async (request) => presentDeletedConversation(request.tenant.services.conversations.delete(request.params.conversation_id)))

  /** POST /conversations/:conversation_id/items — add up to 20 items; answers them as a list */
  app.post('/conversations/:conversation_id/items', {
    config: { available: CONVERSATIONS },
    schema: { params: ConversationParamsSchema, querystring: IncludeOnlyQuerySchema, body: CreateConversationItemsBodySchema, response: { 200: ResponseObjectSchema } }
  }, async (request) => {
    const added = request.tenant.services.conversations.addItems(request.params.conversation_id, request.body.items)
    return { object: 'list' as const, data: added, first_id: added[0]?.id ?? null, last_id: added.at(-1)?.id ?? null, has_more: false }
  })

  /** GET /conversations/:conversation_id/items — list a conversation's items, newest first by default */
  app.get('/conversations/:conversation_id/items', {
    config: { available: CONVERSATIONS },
    schema: { params: ConversationParamsSchema, querystring: ItemListQuerySchema, response: { 200: ResponseObjectSchema } }
  }, async (request) => request.tenant.services.conversations.listItems(request.params.conversation_id, request.query))

  /** GET /conversations/:conversation_id/items/:item_id — retrieve one item */
  app.get('/conversations/:conversation_id/items/:item_id', {
    config: { available: CONVERSATIONS },
    schema: { params: ConversationItemParamsSchema, querystring: IncludeOnlyQuerySchema, response: { 200: ResponseObjectSchema } }
  }, async (request) => request.tenant.services.conversations.getItem(request.params.conversation_id, request.params.item_id))

  /** DELETE /conversations/:conversation_id/items/:item_id — delete one item; answers the conversation */
  app.delete('/conversations/:conversation_id/items/:item_id', {
    config: { available: CONVERSATIONS },
    schema: { params: ConversationItemParamsSchema, response: { 200: ResponseObjectSchema } }
  }, async (request) =>
    presentConversation(request.tenant.services.conversations.deleteItem(request.params.conversation_id, request.params.item_id)))
}

export default conversationRoutes
