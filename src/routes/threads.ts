/** Thread routes (under /openai). */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { CreateThreadBodySchema, ThreadParamsSchema, ThreadSchema } from '../schemas/thread.js'
import { presentThread } from '../services/threads.js'

const threadRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const { threads, runs } = app.services

  /** POST /threads — create a thread, optionally with its first messages */
  app.post('/threads', {
    schema: { body: CreateThreadBodySchema, response: { 200: ThreadSchema } }
  }, async (request) => presentThread(threads.create(request.body), request.apiVersion.generation))

  /** GET /threads/:thread_id — retrieve a thread */
  app.get('/threads/:thread_id', {
    schema: { params: ThreadParamsSchema, response: { 200: ThreadSchema } }
  }, async (request) => presentThread(runs.settleThread(request.params.thread_id), request.apiVersion.generation))
}

export default threadRoutes
