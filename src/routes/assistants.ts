/** Assistants routes (under /openai). Thin: validate, call the service, present for the api-version. */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { AssistantParamsSchema, AssistantSchema, CreateAssistantBodySchema } from '../schemas/assistant.js'
import { presentAssistant } from '../services/assistants.js'

const assistantRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const { assistants } = app.services

  /** POST /assistants — create an assistant */
  app.post('/assistants', {
    schema: { body: CreateAssistantBodySchema, response: { 200: AssistantSchema } }
  }, async (request) => presentAssistant(assistants.create(request.body), request.apiVersion.generation))

  /** GET /assistants/:assistant_id — retrieve an assistant */
  app.get('/assistants/:assistant_id', {
    schema: { params: AssistantParamsSchema, response: { 200: AssistantSchema } }
  }, async (request) => presentAssistant(assistants.get(request.params.assistant_id), request.apiVersion.generation))
}

export default assistantRoutes
