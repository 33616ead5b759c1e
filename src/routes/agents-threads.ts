/**
 * The one route only the Foundry Agents flavour has: GET /threads lists the project's threads
 * (Azure.AI.Agents stable/v1 `Threads_ListThreads`; OpenAI and Azure OpenAI have no such list).
 */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { ListQuerySchema, listSchema, mapPage, paginate } from '../pagination.js'
import { ThreadSchema } from '../schemas/thread.js'
import { presentThread } from '../presenters/thread.js'

const agentsThreadRoutes: FastifyPluginAsyncTypebox = async (app) => {
  /** GET /threads — the project's threads, newest first by default, with the usual cursors */
  app.get('/threads', {
    config: { available: { doors: ['agents'] } },
    schema: { querystring: ListQuerySchema, response: { 200: listSchema(ThreadSchema) } }
  }, async (request) => mapPage(paginate(request.tenant.services.threads.list(), request.query),
    record => presentThread(record, request.apiVersion.generation)))
}

export default agentsThreadRoutes
