/** Message routes: post, list, retrieve, modify and (2024-05-01-preview on) delete. */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { Type } from '@sinclair/typebox'
import { listQuerySchema, listSchema, mapPage, paginate } from '../pagination.js'
import {
  MessageDeletedSchema, MessageInputSchema, MessageParamsSchema, MessageSchema, ModifyMessageBodySchema
} from '../schemas/message.js'
import { ThreadParamsSchema } from '../schemas/thread.js'
import { presentMessage } from '../presenters/message.js'

/** `run_id` filters from 2024-05-01-preview on; older versions ignore it, like any unknown query parameter. */
const ListMessagesQuerySchema = listQuerySchema({ run_id: Type.Optional(Type.String()) })

const messageRoutes: FastifyPluginAsyncTypebox = async (app) => {
  /** POST /threads/:thread_id/messages — add a message to a thread that has no active run */
  app.post('/threads/:thread_id/messages', {
    schema: { params: ThreadParamsSchema, body: MessageInputSchema, response: { 200: MessageSchema } }
  }, async (request) => presentMessage(request.tenant.services.messages.create(request.params.thread_id, request.body), request.apiVersion.generation))

  /** GET /threads/:thread_id/messages — list a thread's messages, newest first by default */
  app.get('/threads/:thread_id/messages', {
    schema: { params: ThreadParamsSchema, querystring: ListMessagesQuerySchema, response: { 200: listSchema(MessageSchema) } }
  }, async (request) => {
    const { generation } = request.apiVersion
    const runId = generation === 'v2' ? request.query.run_id : undefined
    const page = paginate(request.tenant.services.messages.list(request.params.thread_id, runId), request.query)
    return mapPage(page, record => presentMessage(record, generation))
  })

  /** GET /threads/:thread_id/messages/:message_id — retrieve a message */
  app.get('/threads/:thread_id/messages/:message_id', {
    schema: { params: MessageParamsSchema, response: { 200: MessageSchema } }
  }, async (request) => presentMessage(request.tenant.services.messages.get(request.params.thread_id, request.params.message_id),
    request.apiVersion.generation))

  /** POST /threads/:thread_id/messages/:message_id — change a message's metadata */
  app.post('/threads/:thread_id/messages/:message_id', {
    schema: { params: MessageParamsSchema, body: ModifyMessageBodySchema, response: { 200: MessageSchema } }
  }, async (request) => presentMessage(request.tenant.services.messages.modify(request.params.thread_id, request.params.message_id, request.body),
    request.apiVersion.generation))

  /** DELETE /threads/:thread_id/messages/:message_id — delete a message (no such route before 2024-05-01-preview) */
  app.delete('/threads/:thread_id/messages/:message_id', {
    // Before any check of the request (ids included): the route does not exist on v1 api-versions.
    config: { available: { generations: ['v2'] } },
    schema: { params: MessageParamsSchema, response: { 200: MessageDeletedSchema } }
  }, async (request) => request.tenant.services.messages.delete(request.params.thread_id, request.params.message_id))
}

export default messageRoutes
