/** Thread routes. */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import {
  CreateThreadBodySchema, ModifyThreadBodySchema, ThreadDeletedSchema, ThreadParamsSchema, ThreadSchema
} from '../schemas/thread.js'
import { presentThread } from '../presenters/thread.js'

const threadRoutes: FastifyPluginAsyncTypebox = async (app) => {
  /** POST /threads — create a thread, optionally with its first messages */
  app.post('/threads', {
    schema: { body: CreateThreadBodySchema, response: { 200: ThreadSchema } }
  }, async (request) => presentThread(request.tenant.services.threads.create(request.body), request.apiVersion.generation))

  /** GET /threads/:thread_id — retrieve a thread */
  app.get('/threads/:thread_id', {
    schema: { params: ThreadParamsSchema, response: { 200: ThreadSchema } }
  }, async (request) => presentThread(request.tenant.services.runs.settleThread(request.params.thread_id), request.apiVersion.generation))

  /** POST /threads/:thread_id — change a thread's metadata and (v2) tool_resources */
  app.post('/threads/:thread_id', {
    schema: { params: ThreadParamsSchema, body: ModifyThreadBodySchema, response: { 200: ThreadSchema } }
  }, async (request) => presentThread(request.tenant.services.threads.modify(request.params.thread_id, request.body), request.apiVersion.generation))

  /** DELETE /threads/:thread_id — delete a thread with its messages and runs */
  app.delete('/threads/:thread_id', {
    schema: { params: ThreadParamsSchema, response: { 200: ThreadDeletedSchema } }
  }, async (request) => request.tenant.services.threads.delete(request.params.thread_id))
}

export default threadRoutes
