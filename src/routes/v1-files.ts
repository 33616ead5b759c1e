/**
 * The v1 file sub-resources (2024-02-15-preview up to 2024-05-01-preview): files attached to an assistant,
 * and the files of a message. 2024-05-01-preview and later dropped them: Azure answers 404 "Resource not
 * found" there, and OpenAI (/v1, always v2) its "Invalid URL" 404. Foundry Agents (v2 only) never had them.
 */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import type { Availability } from '../api-surface.js'
import { ListQuerySchema, listSchema, mapPage, paginate } from '../pagination.js'
import { presentAssistantFile, presentMessageFile } from '../presenters/file.js'
import {
  AssistantFileDeletedSchema, AssistantFileParamsSchema, AssistantFileSchema, CreateAssistantFileBodySchema,
  MessageFileParamsSchema, MessageFileSchema
} from '../schemas/file.js'
import { AssistantParamsSchema } from '../schemas/assistant.js'
import { MessageParamsSchema } from '../schemas/message.js'

const V1_ONLY: Availability = { doors: ['azure', 'openai'], generations: ['v1'] }

const v1FileRoutes: FastifyPluginAsyncTypebox = async (app) => {
  /** POST /assistants/:assistant_id/files — attach an uploaded file to an assistant */
  app.post('/assistants/:assistant_id/files', {
    config: { available: V1_ONLY },
    schema: { params: AssistantParamsSchema, body: CreateAssistantFileBodySchema, response: { 200: AssistantFileSchema } }
  }, async (request) => presentAssistantFile(request.tenant.services.v1Files.attach(request.params.assistant_id, request.body.file_id)))

  /** GET /assistants/:assistant_id/files — list an assistant's files, newest first by default */
  app.get('/assistants/:assistant_id/files', {
    config: { available: V1_ONLY },
    schema: { params: AssistantParamsSchema, querystring: ListQuerySchema, response: { 200: listSchema(AssistantFileSchema) } }
  }, async (request) => mapPage(paginate(request.tenant.services.v1Files.listAssistantFiles(request.params.assistant_id), request.query),
    presentAssistantFile))

  /** GET /assistants/:assistant_id/files/:file_id — retrieve one of an assistant's files */
  app.get('/assistants/:assistant_id/files/:file_id', {
    config: { available: V1_ONLY },
    schema: { params: AssistantFileParamsSchema, response: { 200: AssistantFileSchema } }
  }, async (request) => presentAssistantFile(request.tenant.services.v1Files.getAssistantFile(request.params.assistant_id, request.params.file_id)))

  /** DELETE /assistants/:assistant_id/files/:file_id — detach a file from an assistant (the file stays) */
  app.delete('/assistants/:assistant_id/files/:file_id', {
    config: { available: V1_ONLY },
    schema: { params: AssistantFileParamsSchema, response: { 200: AssistantFileDeletedSchema } }
  }, async (request) => request.tenant.services.v1Files.detach(request.params.assistant_id, request.params.file_id))

  /** GET /threads/:thread_id/messages/:message_id/files — list a message's files */
  app.get('/threads/:thread_id/messages/:message_id/files', {
    config: { available: V1_ONLY },
    schema: { params: MessageParamsSchema, querystring: ListQuerySchema, response: { 200: listSchema(MessageFileSchema) } }
  }, async (request) => mapPage(paginate(request.tenant.services.v1Files.listMessageFiles(request.params.thread_id, request.params.message_id),
    request.query), presentMessageFile))

  /** GET /threads/:thread_id/messages/:message_id/files/:file_id — retrieve one of a message's files */
  app.get('/threads/:thread_id/messages/:message_id/files/:file_id', {
    config: { available: V1_ONLY },
    schema: { params: MessageFileParamsSchema, response: { 200: MessageFileSchema } }
  }, async (request) => presentMessageFile(
    request.tenant.services.v1Files.getMessageFile(request.params.thread_id, request.params.message_id, request.params.file_id)))
}

export default v1FileRoutes
