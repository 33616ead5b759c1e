/**
 * The HTTP shell: the runtime (runtime.ts), a Fastify server for it, the request pipeline (http/pipeline.ts),
 * the control plane's routes and the API's routes on every front door (api-surface.ts). It never listens;
 * server.ts does that, and tests use app.inject() on a fresh app each.
 */
import Fastify, { LogController, type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify'
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox'
import { CONTROL_PREFIX, FRONT_DOORS } from './api-surface.js'
import type { Config } from './config.js'
import { stateDocumentText, writeStateFile } from './control/state.js'
import { capConnections, clientErrorHandler, serverLimitOptions } from './http/guards.js'
import { installDrain } from './http/drain.js'
import { sendApiError } from './http/errors.js'
import pipeline, { notFound, type ResponseInspector } from './http/pipeline.js'
import apiRoutes from './routes/index.js'
import emulatorRoutes from './routes/emulator.js'
import { lazyChildLogger } from './logging.js'
import { createRuntime, type RuntimeDeps } from './runtime.js'
import { describeGeneratedCertificate } from './tls.js'

export type { ResponseInspector } from './http/pipeline.js'

export interface AppDeps extends RuntimeDeps {
  /**
   * Sees every response just before it is sent (the contract tests validate bodies against the official
   * specs with it). Test-only: when absent no hook is installed, so production pays nothing.
   */
  inspectResponse?: ResponseInspector
}

export async function buildApp (config: Config, deps: AppDeps = {}): Promise<FastifyInstance> {
  const runtime = await createRuntime(config, deps)
  const { tls } = runtime
  const app = Fastify({
    loggerInstance: runtime.logger,
    // One line per request is written by the pipeline's last step, instead of Fastify's two.
    logController: new LogController({ disableRequestLogging: true }),
    bodyLimit: config.maxBodyBytes,
    // Some SDK versions send `//openai/...` when the endpoint ends with a slash.
    routerOptions: { ignoreDuplicateSlashes: true },
    genReqId: () => runtime.requestIds.uuid(),
    // Each request's child logger is made only when one of its lines is written (logging.ts).
    childLoggerFactory: lazyChildLogger,
    // A URL that cannot be decoded, or a path parameter over the router's length limit, matches no route: the
    // unrouted 404 of the path's door, not Fastify's own body.
    frameworkErrors: (_error, request, reply) => {
      sendApiError(reply as unknown as FastifyReply, notFound(request as unknown as FastifyRequest))
    },
    // close(): idle keep-alive sockets are closed at once, in-flight requests finish (server.ts bounds the wait).
    forceCloseConnections: 'idle',
    // A request that arrives on an open connection while closing is answered like any other, not with
    // Fastify's own 503 body: everything the server reads gets a real answer.
    return503OnClosing: false,
    // Request, header and keep-alive timeouts (slow clients, idle sockets); HTTPS when configured (tls.ts), with
    // the same timeouts and a handshake timeout: Fastify then creates an https.Server instead of an http.Server.
    ...serverLimitOptions(config, tls),
    // Node's parser refusals (431, 408, unknown methods, garbage) in the envelope of the path's door.
    clientErrorHandler: clientErrorHandler()
  }).withTypeProvider<TypeBoxTypeProvider>()
  capConnections(app.server, config.maxConnections)
  // Answers in flight say `Connection: close` once closing begins; streams end with an error event when cut.
  installDrain(app, { tls: tls !== undefined })

  await app.register(pipeline, { runtime, ...(deps.inspectResponse ? { inspectResponse: deps.inspectResponse } : {}) })
  await app.register(emulatorRoutes, { prefix: CONTROL_PREFIX })
  for (const prefix of new Set(FRONT_DOORS.flatMap(door => door.prefixes))) await app.register(apiRoutes, { prefix })

  const { stateFile } = config
  if (stateFile !== null) {
    // Graceful shutdown (server.ts and startEmulator's close) closes the app: the state is written then.
    app.addHook('onClose', async () => { await writeStateFile(stateFile, stateDocumentText(runtime.tenants.list(), runtime.clock.now())) })
  }
  // Where the kept certificate is, at every start: the file NODE_EXTRA_CA_CERTS names stays the same.
  if (tls?.generated === true) app.log.info({ certificatePath: tls.certificatePath, validTo: tls.validTo }, describeGeneratedCertificate(tls))
  await app.ready()
  return app
}
