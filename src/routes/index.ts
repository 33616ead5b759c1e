/**
 * The API's routes, registered once under each front door's prefix (app.ts, api-surface.ts FRONT_DOORS). A
 * route that only some doors or api-versions have says so in its `config.available`, which the pipeline's
 * gate checks. Routes are thin: they call the request's tenant's services and present what they return.
 */
import type { FastifyPluginAsync } from 'fastify'
import agentsThreadRoutes from './agents-threads.js'
import assistantRoutes from './assistants.js'
import conversationRoutes from './conversations.js'
import fileRoutes from './files.js'
import messageRoutes from './messages.js'
import responseRoutes from './responses.js'
import runRoutes from './runs.js'
import threadRoutes from './threads.js'
import v1FileRoutes from './v1-files.js'
import vectorStoreRoutes from './vector-stores.js'

const apiRoutes: FastifyPluginAsync = async (api) => {
  await api.register(assistantRoutes)
  await api.register(threadRoutes)
  await api.register(messageRoutes)
  await api.register(runRoutes)
  await api.register(fileRoutes)
  await api.register(vectorStoreRoutes)
  await api.register(agentsThreadRoutes)
  await api.register(v1FileRoutes)
  await api.register(responseRoutes)
  await api.register(conversationRoutes)
}

export default apiRoutes
