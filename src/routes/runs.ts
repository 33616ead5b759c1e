/** Run routes (under /openai). Run responses tell polling SDKs when the status will next change. */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { CreateRunBodySchema, RunParamsSchema, RunSchema } from '../schemas/run.js'
import { ThreadParamsSchema } from '../schemas/thread.js'
import { pollAfterMs, presentRun } from '../services/runs.js'

const POLL_AFTER_HEADER = 'openai-poll-after-ms'

const runRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const { runs } = app.services

  /** POST /threads/:thread_id/runs — start a run of an assistant on a thread */
  app.post('/threads/:thread_id/runs', {
    schema: { params: ThreadParamsSchema, body: CreateRunBodySchema, response: { 200: RunSchema } }
  }, async (request, reply) => {
    const view = await runs.create(request.params.thread_id, request.body)
    reply.header(POLL_AFTER_HEADER, pollAfterMs(view.state, app.clock.now()))
    return presentRun(view, request.apiVersion.generation)
  })

  /** GET /threads/:thread_id/runs/:run_id — retrieve a run, its status derived from the clock */
  app.get('/threads/:thread_id/runs/:run_id', {
    schema: { params: RunParamsSchema, response: { 200: RunSchema } }
  }, async (request, reply) => {
    const view = runs.get(request.params.thread_id, request.params.run_id)
    reply.header(POLL_AFTER_HEADER, pollAfterMs(view.state, app.clock.now()))
    return presentRun(view, request.apiVersion.generation)
  })
}

export default runRoutes
