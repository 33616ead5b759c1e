/** Assistants routes. Thin: the tenant's assistant service, presented for the api-version. */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { ListQuerySchema, listSchema, mapPage, paginate } from '../pagination.js'
import {
  AssistantDeletedSchema, AssistantParamsSchema, AssistantSchema, CreateAssistantBodySchema, ModifyAssistantBodySchema
} from '../schemas/assistant.js'
import { presentAssistant } from '../presenters/assistant.js'

const assistantRoutes: FastifyPluginAsyncTypebox = async (app) => {
  /** POST /assistants — create an assistant */
  app.post('/assistants', {
    schema: { body: CreateAssistantBodySchema, response: { 200: AssistantSchema } }
  }, async (request) => presentAssistant(request.tenant.services.assistants.create(request.body), request.apiVersion.generation))

  /** GET /assistants — list assistants, newest first by default */
  app.get('/assistants', {
    schema: { querystring: ListQuerySchema, response: { 200: listSchema(AssistantSchema) } }
  }, async (request) => mapPage(paginate(request.tenant.services.assistants.list(), request.query),
    record => presentAssistant(record, request.apiVersion.generation)))

  /** GET /assistants/:assistant_id — retrieve an assistant */
  app.get('/assistants/:assistant_id', {
    schema: { params: AssistantParamsSchema, response: { 200: AssistantSchema } }
  }, async (request) => presentAssistant(request.tenant.services.assistants.get(request.params.assistant_id), request.apiVersion.generation))

  /** POST /assistants/:assistant_id — change an assistant; fields left out keep their values */
  app.post('/assistants/:assistant_id', {
    schema: { params: AssistantParamsSchema, body: ModifyAssistantBodySchema, response: { 200: AssistantSchema } }
  }, async (request) => presentAssistant(request.tenant.services.assistants.modify(request.params.assistant_id, request.body),
    request.apiVersion.generation))

  /** DELETE /assistants/:assistant_id — delete an assistant (its existing runs carry on) */
  app.delete('/assistants/:assistant_id', {
    schema: { params: AssistantParamsSchema, response: { 200: AssistantDeletedSchema } }
  }, async (request) => request.tenant.services.assistants.delete(request.params.assistant_id))
}

export default assistantRoutes
