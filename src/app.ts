/**
 * Builds the emulator: a Fastify instance with its services, hooks, error rendering and routes.
 * It never listens; server.ts does that, and tests use app.inject() on a fresh app each.
 */
import { randomUUID } from 'node:crypto'
import Fastify, { LogController, type FastifyError, type FastifyInstance } from 'fastify'
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox'
import { systemClock, type Clock } from './clock.js'
import type { Config } from './config.js'
import { ApiError, Errors } from './errors.js'
import { loadFixtures, type Fixtures } from './fixtures.js'
import { installAzureGate } from './plugins/azure-gate.js'
import assistantRoutes from './routes/assistants.js'
import messageRoutes from './routes/messages.js'
import runRoutes from './routes/runs.js'
import threadRoutes from './routes/threads.js'
import { assistantRecord, createAssistantService } from './services/assistants.js'
import type { ServiceContext } from './services/context.js'
import { createMessageService } from './services/messages.js'
import { createRunService } from './services/runs.js'
import { loadTokenizer } from './runs/reply.js'
import { createThreadService } from './services/threads.js'
import { createMemoryStore } from './store/memory-store.js'
import type { Store } from './store/store.js'
import { validate } from './validation.js'

export const BODY_LIMIT_BYTES = 1024 * 1024

export interface AppDeps {
  clock?: Clock
  store?: Store
  /** Already-loaded fixtures; when absent, `config.fixtures` is read from disk. */
  fixtures?: Fixtures
}

export function createServices (context: ServiceContext) {
  const runs = createRunService(context)
  return {
    assistants: createAssistantService(context),
    threads: createThreadService(context),
    messages: createMessageService(context, { settleThread: runs.settleThread }),
    runs
  }
}
export type Services = ReturnType<typeof createServices>

declare module 'fastify' {
  interface FastifyInstance {
    config: Config
    clock: Clock
    store: Store
    services: Services
  }
}

function seed (services: Services, store: Store, clock: Clock, fixtures: Fixtures): void {
  for (const assistant of fixtures.assistants) {
    const { id, ...body } = assistant
    store.assistants.put(assistantRecord(body, id, clock.now()))
  }
  for (const thread of fixtures.threads) {
    const { id, ...body } = thread
    services.threads.create(body, id)
  }
}

/** Maps anything thrown while handling a request to the ApiError the client receives. */
function toApiError (err: FastifyError): ApiError {
  if (err instanceof ApiError) return err
  switch (err.code) {
    case 'FST_ERR_CTP_BODY_TOO_LARGE': return Errors.bodyTooLarge(BODY_LIMIT_BYTES)
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE': return Errors.unsupportedContentType(String(err.message.split(': ').at(-1)))
    case 'FST_ERR_CTP_INVALID_CONTENT_LENGTH':
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
    case 'FST_ERR_CTP_INVALID_JSON_BODY': return Errors.invalidJson()
  }
  return Errors.internal()
}

function installErrorHandling (app: FastifyInstance): void {
  app.setErrorHandler<FastifyError>((err, request, reply) => {
    const apiError = toApiError(err)
    if (apiError.statusCode >= 500) request.log.error({ err }, 'unhandled error')
    return reply.code(apiError.statusCode).type('application/json').send(apiError.body)
  })
  app.setNotFoundHandler((_request, reply) => {
    const notFound = Errors.resourceNotFound()
    return reply.code(404).type('application/json').send(notFound.body)
  })
}

/** JSON bodies: an empty body is no body (SDKs post `cancel` with a JSON content type and nothing else). */
function installJsonParser (app: FastifyInstance): void {
  app.removeContentTypeParser(['application/json'])
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (_request, body, done) => {
    const text = body as string
    if (text.trim() === '') return done(null, undefined)
    try {
      done(null, JSON.parse(text))
    } catch {
      done(Errors.invalidJson(), undefined)
    }
  })
}

export async function buildApp (config: Config, deps: AppDeps = {}): Promise<FastifyInstance> {
  const clock = deps.clock ?? systemClock
  const store = deps.store ?? createMemoryStore()
  const fixtures = deps.fixtures ?? (config.fixtures === null ? undefined : loadFixtures(config.fixtures))

  loadTokenizer().catch(() => {}) // warm up off the startup path; the first run creation awaits it (and sees any failure)

  const app = Fastify({
    logger: { level: config.logLevel },
    // One line per request is written by the onResponse hook below, instead of Fastify's two.
    logController: new LogController({ disableRequestLogging: true }),
    bodyLimit: BODY_LIMIT_BYTES,
    // Some SDK versions send `//openai/...` when the endpoint ends with a slash.
    routerOptions: { ignoreDuplicateSlashes: true },
    genReqId: () => randomUUID()
  }).withTypeProvider<TypeBoxTypeProvider>()

  const services = createServices({ config, clock, store, scenarios: fixtures?.scenarios ?? [] })
  app.decorate('config', config)
  app.decorate('clock', clock)
  app.decorate('store', store)
  app.decorate('services', services)
  if (fixtures) seed(services, store, clock, fixtures)

  // Bodies are checked in the API's preHandler, where the api-version is known; params and query strings here.
  app.setValidatorCompiler(({ schema, httpPart }) => {
    if (httpPart === 'body') return (data: unknown) => ({ value: data })
    return (data: unknown) => {
      try {
        return { value: validate(schema, data, { generation: 'any', convertStrings: true }) }
      } catch (err) {
        return { error: err as Error }
      }
    }
  })

  installJsonParser(app)
  installErrorHandling(app)

  app.addHook('onRequest', async (request, reply) => {
    reply.header('x-request-id', request.id)
    reply.header('apim-request-id', request.id)
    const clientRequestId = request.headers['x-ms-client-request-id']
    if (typeof clientRequestId === 'string') reply.header('x-ms-client-request-id', clientRequestId)
  })
  app.addHook('onResponse', async (request, reply) => {
    request.log.info({
      method: request.method,
      path: request.url,
      status: reply.statusCode,
      ms: Math.round(reply.elapsedTime * 100) / 100
    }, 'request')
  })

  /** GET /_emulator/health — liveness for containers and test harnesses; no auth, no api-version. */
  app.get('/_emulator/health', {
    schema: { response: { 200: { type: 'object', properties: { status: { type: 'string' } }, required: ['status'] } } }
  }, async () => ({ status: 'ok' }))

  await app.register(async (api) => {
    installAzureGate(api, config.apiKeys, clock)
    api.addHook('preHandler', async (request) => {
      const bodySchema = request.routeOptions.schema?.body
      if (bodySchema) request.body = validate(bodySchema, request.body ?? {}, { generation: request.apiVersion.generation })
    })
    await api.register(assistantRoutes)
    await api.register(threadRoutes)
    await api.register(messageRoutes)
    await api.register(runRoutes)
  }, { prefix: '/openai' })

  await app.ready()
  return app
}
