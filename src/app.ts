/**
 * Builds the emulator: a Fastify instance with its services, hooks, error rendering and routes.
 * It never listens; server.ts does that, and tests use app.inject() on a fresh app each.
 */
import Fastify, {
  LogController, type FastifyBaseLogger, type FastifyError, type FastifyInstance, type FastifyReply, type FastifyRequest
} from 'fastify'
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox'
import { systemClock, virtualClock, type Clock } from './clock.js'
import type { Config } from './config.js'
import { createRequestJournal, installControlHooks, CONTROL_PREFIX, type ControlPlane } from './control/index.js'
import { createFaultSet, streamCutFor } from './control/faults.js'
import { createQuotas } from './control/quotas.js'
import { seededRandom, systemRandom } from './control/random.js'
import { createTenants } from './control/tenants.js'
import { readStateFile, importState, exportState, writeStateFile, StateFileError } from './control/state.js'
import { ApiError, Errors } from './errors.js'
import { loadFixtures, type Fixtures } from './fixtures.js'
import { capConnections, clientErrorHandler, drainRefusedBody, serverLimitOptions } from './http-guards.js'
import { loggerOptions, type LogStream } from './logging.js'
import { installAzureGate, type Flavour } from './plugins/azure-gate.js'
import { installOpenAIGate } from './plugins/openai-gate.js'
import { AGENTS_PREFIX, installAgentsErrorEnvelope, installAgentsGate, isAgentsPath } from './plugins/agents-gate.js'
import agentsThreadRoutes from './routes/agents-threads.js'
import { describeGeneratedCertificate, prepareTls, type TlsMaterial } from './tls.js'
import assistantRoutes from './routes/assistants.js'
import emulatorRoutes from './routes/emulator.js'
import fileRoutes from './routes/files.js'
import messageRoutes from './routes/messages.js'
import runRoutes from './routes/runs.js'
import threadRoutes from './routes/threads.js'
import v1FileRoutes from './routes/v1-files.js'
import vectorStoreRoutes from './routes/vector-stores.js'
import { assistantRecord, createAssistantService } from './services/assistants.js'
import type { ServiceContext } from './services/context.js'
import { createFileService, createV1FileService } from './services/files.js'
import { createMessageService } from './services/messages.js'
import { createRunService } from './services/runs.js'
import { createThreadService } from './services/threads.js'
import { createVectorStoreService } from './services/vector-stores.js'
import { createMemoryStore } from './store/memory-store.js'
import { runInScope, type Scope } from './scope.js'
import { lazySerializer } from './serialization.js'
import type { Store } from './store/store.js'
import { checkBodyIds, checkPathIds, checkToolDefinitions } from './request-checks.js'
import { validate } from './validation.js'

export interface AppDeps {
  clock?: Clock
  store?: Store
  /** Already-loaded fixtures; when absent, `config.fixtures` is read from disk. */
  fixtures?: Fixtures
  /** Where log lines go instead of stdout (tests capture them here); always JSON lines. */
  logStream?: LogStream
  /**
   * Sees every response just before it is sent (the contract tests validate bodies against the official
   * specs with it). Test-only: when absent no hook is installed, so production pays nothing.
   */
  inspectResponse?: ResponseInspector
  /**
   * How many events a streamed answer to `request` may send before its connection is cut; undefined for
   * the whole stream. Absent: the fault rules decide (control/faults.ts).
   */
  streamCutFor?: (request: FastifyRequest) => number | undefined
  /**
   * HTTPS certificate and key to serve with. When absent, `config.tls` / `config.tlsCert` decide (tls.ts):
   * a given pair is read, `tls` alone uses the self-signed certificate kept in `config.tlsDir`.
   */
  tls?: TlsMaterial
}

/** Called with each response's request, reply and serialised payload; must not throw or change the reply. */
export type ResponseInspector = (request: FastifyRequest, reply: FastifyReply, payload: unknown) => void

/** Where each flavour of the API lives. */
export const API_PREFIXES: Readonly<Record<Flavour, string>> = Object.freeze({ azure: '/openai', openai: '/v1', agents: AGENTS_PREFIX })

/** The flavour a path belongs to; anything outside /v1 and /api/projects/{project} is answered the Azure way. */
export function flavourOfPath (path: string): Flavour {
  if (isAgentsPath(path)) return 'agents'
  return /^\/+v1(\/|$)/.test(path) ? 'openai' : 'azure'
}

/** The 404 for a request to `path` that no route matched, in the envelope of the flavour the path belongs to. */
function notFoundFor (method: string, path: string): ApiError {
  // The control plane answers in OpenAI's envelope (README "Test control plane"), unknown routes included.
  if (/^\/+_emulator(\/|$)/.test(path)) return Errors.invalidUrl(method, path)
  const flavour = flavourOfPath(path)
  if (flavour === 'agents') return Errors.agentsRouteNotFound(method, path)
  return flavour === 'openai' ? Errors.invalidUrl(method, path) : Errors.resourceNotFound()
}

const routeNotFound = (request: FastifyRequest): ApiError => notFoundFor(request.method, request.url.split('?')[0] ?? '')

export function createServices (context: ServiceContext) {
  const runs = createRunService(context)
  const messages = createMessageService(context, { settleThread: runs.settleThread })
  return {
    assistants: createAssistantService(context),
    threads: createThreadService(context),
    messages,
    runs,
    files: createFileService(context),
    vectorStores: createVectorStoreService(context),
    v1Files: createV1FileService(context, { getMessage: messages.get })
  }
}
export type Services = ReturnType<typeof createServices>

declare module 'fastify' {
  interface FastifyInstance {
    config: Config
    clock: Clock
    store: Store
    services: Services
    /** See AppDeps.streamCutFor. */
    streamCutFor: (request: FastifyRequest) => number | undefined
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
function toApiError (err: FastifyError, request: FastifyRequest): ApiError {
  if (err instanceof ApiError) return err
  switch (err.code) {
    case 'FST_ERR_CTP_BODY_TOO_LARGE': return Errors.bodyTooLarge(request.server.config.maxBodyBytes)
    // Fastify's message is just "Unsupported Media Type"; the real API names the header the client sent.
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE': return Errors.unsupportedContentType(request.headers['content-type'] ?? '')
    case 'FST_ERR_CTP_INVALID_CONTENT_LENGTH':
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
    case 'FST_ERR_CTP_INVALID_JSON_BODY': return Errors.invalidJson()
  }
  // Anything else Fastify refuses on the client's account keeps its status, in the OpenAI envelope.
  const status = err.statusCode ?? 500
  return status >= 400 && status < 500 ? Errors.requestRejected(status, err.message) : Errors.internal()
}

/** The one place an error leaves: its status, its exact body and content type (a Buffer, so Fastify adds no charset). */
function sendApiError (reply: FastifyReply, error: ApiError): FastifyReply {
  return reply.code(error.statusCode).header('content-type', error.contentType).send(Buffer.from(error.body))
}

/** Deepest JSON nesting accepted: deeper bodies are refused before they reach code that recurses. */
export const MAX_JSON_DEPTH = 64

function jsonDepth (text: string): number {
  let depth = 0
  let deepest = 0
  let inString = false
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i)
    if (inString) {
      if (c === 92) i++ // backslash: skip the escaped character
      else if (c === 34) inString = false
    } else if (c === 34) {
      inString = true
    } else if (c === 123 || c === 91) {
      deepest = Math.max(deepest, ++depth)
    } else if (c === 125 || c === 93) {
      depth--
    }
  }
  return deepest
}

function installErrorHandling (app: FastifyInstance): void {
  app.setErrorHandler<FastifyError>((err, request, reply) => {
    const apiError = toApiError(err, request)
    if (apiError.statusCode >= 500) request.log.error({ err }, 'unhandled error')
    // A refused body still arriving (413, bad JSON early on): read the rest so the answer reaches the client.
    drainRefusedBody(request, reply)
    return sendApiError(reply, apiError)
  })
  app.setNotFoundHandler((request, reply) => {
    const notFound = routeNotFound(request)
    return sendApiError(reply, notFound)
  })
}

/** JSON bodies: an empty body is no body (SDKs post `cancel` with a JSON content type and nothing else). */
function installJsonParser (app: FastifyInstance): void {
  // Fastify also parses text/plain by default; the API accepts JSON only, anything else is a 400 naming the type.
  app.removeAllContentTypeParsers()
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (_request, body, done) => {
    const text = body as string
    if (text.trim() === '') return done(null, undefined)
    if (jsonDepth(text) > MAX_JSON_DEPTH) return done(Errors.bodyTooDeep(MAX_JSON_DEPTH), undefined)
    try {
      done(null, JSON.parse(text))
    } catch {
      done(Errors.invalidJson(), undefined)
    }
  })
}

/**
 * Registers the Assistants API under one flavour's prefix: that flavour's gate (which sets
 * `request.apiVersion`), body validation for the request's generation, then every route plugin.
 */
async function registerApi (app: FastifyInstance, flavour: Flavour): Promise<void> {
  const { config, clock } = app
  await app.register(async (api) => {
    if (flavour === 'azure') {
      installAzureGate(api, {
        acceptedKeys: config.apiKeys, apiVersionCheck: config.apiVersionCheck, clock, entraTokens: config.entraTokens, jwtSecret: config.jwtSecret
      })
    } else if (flavour === 'agents') {
      installAgentsGate(api, { config, clock })
    } else {
      installOpenAIGate(api, { acceptedKeys: config.apiKeys })
    }
    api.addHook('preHandler', (request, _reply, done) => {
      // Ids are checked for their form before anything is looked up (request-checks.ts).
      checkPathIds(request.params, request.apiVersion)
      const bodySchema = request.routeOptions.schema?.body
      if (bodySchema) {
        const { flavour, version, generation } = request.apiVersion
        // No body (or a JSON null) is an empty object: SDKs post `cancel` and `create thread` without one.
        request.body = validate(bodySchema, request.body ?? {},
          { generation, apiVersion: flavour === 'azure' ? version : undefined })
        checkBodyIds(request.body, request.apiVersion)
        checkToolDefinitions(request.body, request.apiVersion)
      }
      done()
    })
    await api.register(assistantRoutes)
    await api.register(threadRoutes)
    await api.register(messageRoutes)
    await api.register(runRoutes)
    await api.register(fileRoutes)
    await api.register(vectorStoreRoutes)
    // Agents speak v2 only (no v1 file sub-resources) and alone can list threads.
    if (flavour === 'agents') await api.register(agentsThreadRoutes)
    else await api.register(v1FileRoutes)
  }, { prefix: API_PREFIXES[flavour] })
}

/** Where a virtual clock starts when a seed is given: a fixed instant, so seeded runs repeat byte for byte. */
export const SEEDED_VIRTUAL_EPOCH = Date.UTC(2025, 0, 1)

function clockOf (config: Config): Clock {
  if (config.clock === 'real') return systemClock
  return virtualClock(config.seed === null ? Date.now() : SEEDED_VIRTUAL_EPOCH)
}

export async function buildApp (config: Config, deps: AppDeps = {}): Promise<FastifyInstance> {
  const clock = deps.clock ?? clockOf(config)
  // The store is made before the logger exists; evictions are logged once the app is built.
  const eviction: { log?: FastifyBaseLogger, count: number } = { count: 0 }
  const makeStore = () => createMemoryStore({
    maxBytes: config.maxStoreBytes,
    onEvict (kind, id) {
      if (eviction.count++ === 0) eviction.log?.warn({ maxStoreBytes: config.maxStoreBytes }, 'the store is full: evicting the oldest objects from now on')
      eviction.log?.debug({ kind, id }, 'evicted')
    }
  })
  const fixtures = deps.fixtures ?? (config.fixtures === null ? undefined : loadFixtures(config.fixtures))
  const idRandom = config.seed === null ? null : seededRandom(config.seed, 0)
  const requestIds = config.seed === null ? systemRandom : seededRandom(config.seed, 1)
  // One tenant and no seed: every request's scope is the same, so none is entered (ControlPlane.inScope).
  const scoped = config.isolateByKey || idRandom !== null
  const inScope = <T>(scope: Scope, fn: () => T): T => scoped ? runInScope(scope, fn) : fn()
  // Services are built on the tenants' routing store; a tenant's store is seeded when first used.
  let seedStore = (_store: Store): void => {}
  const tenants = createTenants({
    isolate: config.isolateByKey,
    makeStore,
    seed: store => inScope({ store, random: idRandom }, () => seedStore(store)),
    ...(deps.store ? { initial: deps.store } : {})
  })
  const store = tenants.store

  // The tokenizer (about 65 MiB resident, the largest thing the emulator loads) is not warmed up here: an
  // emulator that never creates a run never loads it; the first run creation (or token count) awaits it.

  const tls = deps.tls ?? await prepareTls(config)
  const app = Fastify({
    // HTTPS when configured (tls.ts); Fastify then creates an https.Server instead of an http.Server.
    ...(tls ? { https: { cert: tls.cert, key: tls.key } } : {}),
    // Level, pretty output on a terminal, and api keys / Bearer tokens redacted from every line (logging.ts).
    logger: await loggerOptions(config, deps.logStream),
    // One line per request is written by the onResponse hook below, instead of Fastify's two.
    logController: new LogController({ disableRequestLogging: true }),
    bodyLimit: config.maxBodyBytes,
    // Some SDK versions send `//openai/...` when the endpoint ends with a slash.
    routerOptions: { ignoreDuplicateSlashes: true },
    genReqId: () => requestIds.uuid(),
    // A URL that cannot be decoded, or a path parameter over the router's length limit, matches no route: the
    // unrouted 404 of the path's flavour, not Fastify's own body.
    frameworkErrors: (_error, request, reply) => {
      sendApiError(reply as unknown as FastifyReply, routeNotFound(request as unknown as FastifyRequest))
    },
    // close(): idle keep-alive sockets are closed at once, in-flight requests finish (server.ts bounds the wait).
    forceCloseConnections: 'idle',
    // A request that arrives on an open connection while closing is answered like any other, not with
    // Fastify's own 503 body: everything the server reads gets a real answer.
    return503OnClosing: false,
    // Request, header and keep-alive timeouts (slow clients, idle sockets).
    ...serverLimitOptions(config),
    // Node's parser refusals (431, 408, unknown methods, garbage) in the API's envelope.
    clientErrorHandler: clientErrorHandler({
      flavourOfPath,
      unknownMethod: notFoundFor
    })
  }).withTypeProvider<TypeBoxTypeProvider>()
  capConnections(app.server, config.maxConnections)

  const services = createServices({ config, clock, store, scenarios: fixtures?.scenarios ?? [] })
  app.decorate('config', config)
  app.decorate('clock', clock)
  app.decorate('store', store)
  eviction.log = app.log
  app.decorate('services', services)
  app.decorate('streamCutFor', deps.streamCutFor ?? streamCutFor)
  if (fixtures) seedStore = () => seed(services, store, clock, fixtures)
  const faults = createFaultSet(config.seed === null ? systemRandom : seededRandom(config.seed, 2))
  const fixtureFaults = fixtures?.faults ?? []
  for (const rule of fixtureFaults) faults.add(rule)
  const quotas = createQuotas({ rpm: config.rateLimitRpm, tpm: config.rateLimitTpm })
  const journal = createRequestJournal()
  const control: ControlPlane = {
    tenants,
    faults,
    quotas,
    journal,
    idRandom,
    fixtureFaults,
    inScope,
    reset () {
      tenants.reset()
      quotas.reset()
      journal.clear()
      faults.clear()
      for (const rule of fixtureFaults) faults.add(rule)
    }
  }
  if (config.stateFile !== null) {
    const document = readStateFile(config.stateFile)
    if (document !== undefined) {
      try {
        tenants.replace((await importState(document, makeStore)).stores)
      } catch (err) {
        throw new StateFileError(`Invalid state file ${config.stateFile}: ${(err as Error).message}`)
      }
    }
  }
  tenants.storeFor('')

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
  const stateFile = config.stateFile
  if (stateFile !== null) {
    // Graceful shutdown (server.ts and startEmulator's close) closes the app: the state is written then.
    app.addHook('onClose', async () => { writeStateFile(stateFile, exportState(tenants.entries(), clock.now())) })
  }
  // Response serialisers are compiled on a route's first answer, not at start-up: three flavours of every
  // route make hundreds of schemas, most of which a test run never sends (serialization.ts).
  app.setSerializerCompiler(lazySerializer)

  // Callback hooks, not async ones: no promise per request for work that never waits.
  app.addHook('onRequest', (request, reply, done) => {
    reply.header('x-request-id', request.id)
    reply.header('apim-request-id', request.id)
    const clientRequestId = request.headers['x-ms-client-request-id']
    if (typeof clientRequestId === 'string') reply.header('x-ms-client-request-id', clientRequestId)
    done()
  })
  app.addHook('onResponse', (request, reply, done) => {
    request.log.info({
      method: request.method,
      url: request.url,
      statusCode: reply.statusCode,
      responseTime: Math.round(reply.elapsedTime * 100) / 100
    }, 'request completed')
    done()
  })

  // After the request-id hooks: a fault's answer carries x-request-id and apim-request-id too.
  installControlHooks(app, { config, clock, control })

  /** GET /_emulator/health — liveness for containers and test harnesses; no auth, no api-version. */
  app.get('/_emulator/health', {
    schema: { response: { 200: { type: 'object', properties: { status: { type: 'string' } }, required: ['status'] } } }
  }, async () => ({ status: 'ok' }))

  if (tls) {
    /** GET /_emulator/tls/certificate — the PEM certificate being served, for NODE_EXTRA_CA_CERTS; no auth. */
    app.get('/_emulator/tls/certificate', {
      schema: { response: { 200: { type: 'string' } } }
    }, async (_request, reply) => reply.type('application/x-pem-file')
      .header('x-aoai-emulator-certificate-path', tls.certificatePath).send(tls.cert))
    // Where the kept certificate is, at every start: the file NODE_EXTRA_CA_CERTS names stays the same.
    if (tls.generated) app.log.info({ certificatePath: tls.certificatePath, validTo: tls.validTo }, describeGeneratedCertificate(tls))
  }
  installAgentsErrorEnvelope(app)

  const inspect = deps.inspectResponse
  if (inspect) {
    app.addHook('onSend', async (request, reply, payload) => {
      inspect(request, reply, payload)
      return payload
    })
  }

  await app.register(emulatorRoutes, { prefix: CONTROL_PREFIX, makeStore, fixturesLoaded: () => true })

  // The same routes three times: Azure's flavour under /openai, OpenAI's under /v1, Foundry Agents' under /api/projects/{project}.
  await registerApi(app, 'azure')
  await registerApi(app, 'openai')
  await registerApi(app, 'agents')

  await app.ready()
  return app
}
