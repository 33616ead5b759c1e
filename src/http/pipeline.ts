/**
 * The request pipeline: every step a request passes through, in order, in this one file. Registered on the
 * root app (fastify-plugin), so every route — the three API front doors and the control plane — gets it.
 *
 *  1. request ids          x-request-id / apim-request-id (seeded with --seed), x-ms-client-request-id echoed
 *  2. virtual date         with a virtual clock, the `date` header follows it (so a seeded flow repeats)
 *  3. classification       the request's front door (api-surface.ts `classify`), once
 *  4. faults               a matching fault rule answers, waits, or drops the connection (control/faults.ts)
 *  5. gate                 the route exists on this door; the door's checks (api-version, credentials; the
 *                          control plane's own, src/gates/); the route serves this api-version; then the caller
 *                          whose credential the gate accepted, and its tenant (control/tenants.ts)
 *  6. quotas               --rate-limit-rpm / --rate-limit-tpm per caller: Azure's 429 (control/quotas.ts)
 *  7. body                 JSON only (http/json-body.ts); the files route adds multipart in its own scope
 *  8. checks               params, query, ids, body, tool definitions, in the service's order (src/checks/)
 *  8b. tokenizer           loading in its worker: awaited (never blocking) by a request that may count tokens;
 *                          a body's long strings counted ahead (http/tokens-ready.ts)
 *     handler              the route (src/routes/), calling the tenant's services and the presenters
 *  9. errors               anything thrown, and unrouted requests, answered in the door's envelope (http/errors.ts)
 * 10. log and journal      one log line per request, and the requests journal (control/journal.ts) with the
 *                          first bytes of API bodies; the inspector's own requests (`config.quiet`) are logged
 *                          at debug level only and never journaled
 *
 * Faults and quotas never apply to the control plane. Unrouted requests pass steps 1–4 and get the door's
 * `notFound` from step 9, without the door's checks (as the real gateways answer unknown paths). Quotas count
 * only callers the gate accepted: a refused credential costs no memory (no tenant, no quota window).
 */
import type { FastifyError, FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify'
import fp from 'fastify-plugin'
import { classify, CONTROL_DOOR, FRONT_DOORS, hasRoute, resourceOf, serves, type Flavour, type FrontDoor } from '../api-surface.js'
import { checkRequest } from '../checks/index.js'
import { isManualClock } from '../clock.js'
import { statusFault, rateLimited } from '../control/answers.js'
import type { Fault } from '../control/faults.js'
import { keepBody, recordOf, type KeptBodies } from '../control/journal.js'
import { estimateTokens } from '../control/quotas.js'
import { ownerOf, type Tenant } from '../control/tenants.js'
import type { Gate } from '../gates/gate.js'
import type { Runtime } from '../runtime.js'
import { sendApiError, toApiError } from './errors.js'
import { drainRefusedBody } from './guards.js'
import { tokensBefore } from './tokens-ready.js'
import { installJsonBodyParser } from './json-body.js'
import { lazySerializer } from './serialization.js'
import { writesAt } from '../logging.js'

declare module 'fastify' {
  interface FastifyInstance {
    /** The emulator's object graph (runtime.ts). */
    runtime: Runtime
  }
  interface FastifyRequest {
    /** The front door the request came through (step 3). */
    door: FrontDoor
    /** The tenant whose objects an API request works on (step 5); null on the control plane. */
    tenant: Tenant
    /** The fault rule that answered or delayed this request, if one did (for the journal). */
    emulatorFault: Fault | null
    /** The JSON body's text as received (step 7), null without one: the journal keeps its first bytes. */
    bodyText: string | null
    /** What the journal keeps of the request's and response's bodies (step 10), null until the answer is sent. */
    journalBodies: KeptBodies | null
    /**
     * The route's `config`, read once in step 1: Fastify's `routeOptions` builds a new object on every read
     * (issue 20). Null only before step 1.
     */
    routeConfig: FastifyRequest['routeOptions']['config'] | null
  }
}

/** Response inspection for the emulator's own tests: sees every response just before it is sent; must not throw. */
export type ResponseInspector = (request: FastifyRequest, reply: FastifyReply, payload: unknown) => void

interface PipelineOptions {
  readonly runtime: Runtime
  /** Test-only (the contract tests): when absent no hook is installed, so production pays nothing. */
  readonly inspectResponse?: ResponseInspector
}

// Callback hooks, not async ones, throughout: a request pays no promise for steps that never wait.
const pipeline: FastifyPluginAsync<PipelineOptions> = async (app, { runtime, inspectResponse }) => {
  const { config, clock, control, tenants } = runtime
  const gates = new Map<FrontDoor, Gate>([CONTROL_DOOR, ...FRONT_DOORS].map(door => [door, door.makeGate(runtime)]))
  app.decorate('runtime', runtime)
  // Set by steps 3 and 5 before any route reads them; null until then (and for the control plane's tenant).
  app.decorateRequest<FrontDoor | null>('door', null)
  app.decorateRequest<FastifyRequest['apiVersion'] | null>('apiVersion', null)
  app.decorateRequest<Tenant | null>('tenant', null)
  app.decorateRequest('emulatorFault', null)
  app.decorateRequest('bodyText', null)
  app.decorateRequest('journalBodies', null)
  app.decorateRequest('routeConfig', null)
  // Each route's resource, from its path below the prefix it is registered under (step 6 reads it).
  app.addHook('onRoute', route => {
    route.config = { ...route.config, resource: resourceOf(route.routePath) }
  })

  // Steps 1–6 are one onRequest hook, 8 and 8b one preHandler hook, 10 one onSend and one onResponse hook: each
  // hook Fastify runs costs a step of its hook runner per request (issue 20).

  // 5. gate, then 6. quotas
  /** Step 6: undefined with the remaining-quota headers set, or the 429. */
  const admitOrRefuse = (request: FastifyRequest, reply: FastifyReply, owner: string): Error | undefined => {
    const tokens = estimateTokens(Number(request.headers['content-length'] ?? 0) || 0)
    const verdict = control.quotas.admit(owner, tokens, clock.now())
    if (verdict.retryAfterMs !== null) {
      return rateLimited(reply, request.door.envelope, verdict.retryAfterMs,
        { requests: verdict.remainingRequests, tokens: verdict.remainingTokens })
    }
    if (config.rateLimitRpm > 0) reply.header('x-ratelimit-remaining-requests', String(verdict.remainingRequests))
    if (config.rateLimitTpm > 0) reply.header('x-ratelimit-remaining-tokens', String(verdict.remainingTokens))
    return undefined
  }
  // Only callers need a name: with neither isolation nor quotas every request is the shared tenant's.
  const named = tenants.isolated || control.quotas.enabled
  /** Steps 5 and 6: undefined to go on, or the error that answers (a refusal is thrown or returned). */
  const gateAndQuotas = (request: FastifyRequest, reply: FastifyReply): Error | undefined => {
    // Unrouted: step 9's not-found handler answers, without the door's checks.
    if (request.is404) return undefined
    const { door } = request
    const { available, resource } = request.routeConfig!
    if (door !== CONTROL_DOOR && !hasRoute(available, resource, door)) return notFound(request)
    gates.get(door)!(request, reply)
    if (door === CONTROL_DOOR) return undefined
    if (!serves(available, request.apiVersion)) return notFound(request)
    const owner = named ? ownerOf(door.name as Flavour, request.headers) : ''
    request.tenant = tenants.of(owner)
    return control.quotas.enabled ? admitOrRefuse(request, reply, owner) : undefined
  }
  /** Steps 5 and 6, then `done` (outside the `try`: what `done` runs next is Fastify's to catch). */
  const admit = (request: FastifyRequest, reply: FastifyReply, done: (err?: Error) => void): void => {
    let refusal: Error | undefined
    try {
      refusal = gateAndQuotas(request, reply)
    } catch (err) {
      refusal = err as Error
    }
    done(refusal)
  }
  const virtualDate = isManualClock(clock)
  app.addHook('onRequest', (request, reply, done) => {
    request.routeConfig = request.routeOptions.config
    // 1. request ids
    reply.header('x-request-id', request.id)
    reply.header('apim-request-id', request.id)
    const clientRequestId = request.headers['x-ms-client-request-id']
    if (typeof clientRequestId === 'string') reply.header('x-ms-client-request-id', clientRequestId)
    // 2. virtual date: right after the ids, so that a fault's or a quota's answer carries it too.
    if (virtualDate) reply.header('date', new Date(clock.now()).toUTCString())
    // 3–4. classification, faults
    const door = request.door = classify(request.url)
    if (door === CONTROL_DOOR || control.faults.size === 0) return admit(request, reply, done)
    const fault = control.faults.take(request, 'request')
    if (fault === undefined) return admit(request, reply, done)
    request.emulatorFault = fault
    switch (fault.type) {
      case 'latency':
        setTimeout(() => admit(request, reply, done), fault.ms)
        return
      case 'drop':
        // The socket is destroyed before any byte of the response; the journal says status 0.
        reply.hijack()
        control.journal.record(recordOf(request, 0, 0, fault.type, clock.now()))
        request.raw.socket?.destroy()
        reply.raw.destroy()
        return
      case 'status':
        return done(statusFault(reply, door.envelope, fault))
      default:
        return admit(request, reply, done)
    }
  })

  // 7. body
  installJsonBodyParser(app)
  // Every input check happens in step 8, in the service's order; Fastify's own validation does nothing.
  app.setValidatorCompiler(() => data => ({ value: data }))

  // 8. checks, then 8b. the tokenizer, loading in its worker, ready before a handler that may count (http/tokens-ready.ts)
  app.addHook('preHandler', (request, _reply, done) => {
    checkRequest(request)
    const waiting = tokensBefore(request)
    if (waiting === undefined) return done()
    waiting.then(() => done(), done)
  })

  // Response serialisers are compiled on a route's first answer, not at start-up: every route on every door
  // makes hundreds of schemas, most of which a test run never sends (serialization.ts).
  app.setSerializerCompiler(lazySerializer)

  // 9. errors
  app.setErrorHandler<FastifyError>(async (err, request, reply) => {
    const apiError = toApiError(err, request, config.maxBodyBytes)
    if (apiError.statusCode >= 500) request.log.error({ err }, 'unhandled error')
    // A refused body still arriving (413, bad JSON early on): read the rest first, so the answer reaches a
    // client that is done sending.
    await drainRefusedBody(request, reply)
    return sendApiError(reply, apiError)
  })
  app.setNotFoundHandler((request, reply) => sendApiError(reply, notFound(request)))

  if (inspectResponse) {
    app.addHook('onSend', (request, reply, payload, done) => {
      inspectResponse(request, reply, payload)
      done(null, payload)
    })
  }

  // 10. log and journal
  const keepBytes = config.journalBodyBytes
  if (keepBytes > 0) {
    // The bodies of API requests only: the control plane's (fault rules, state documents) may hold keys.
    app.addHook('onSend', (request, reply, payload, done) => {
      if (request.door !== CONTROL_DOOR) {
        const length = Number(request.headers['content-length'] ?? 0) || 0
        request.journalBodies = {
          request: keepBody(request.bodyText, request.headers['content-type'], keepBytes, length),
          response: keepBody(payload, reply.getHeader('content-type') as string | undefined, keepBytes)
        }
      }
      done(null, payload)
    })
  }
  app.addHook('onResponse', (request, reply, done) => {
    // The inspector page asks again whenever something changes: its requests would bury the user's own.
    const quiet = request.routeConfig?.quiet === true
    const level = quiet ? 'debug' : 'info'
    // The line is built only when it will be written (at --log-level warn it never is).
    if (writesAt(request.log, level)) {
      request.log[level]({
        method: request.method,
        url: request.url,
        statusCode: reply.statusCode,
        responseTime: Math.round(reply.elapsedTime * 100) / 100
      }, 'request completed')
    }
    if (quiet) return done()
    control.journal.record(recordOf(request, reply.statusCode, reply.elapsedTime, request.emulatorFault?.type ?? null, clock.now(),
      request.journalBodies))
    done()
  })
}

/** The request's door's answer to a route it does not have (the path as sent, without the query). */
export function notFound (request: Pick<FastifyRequest, 'method' | 'url'> & { door?: FrontDoor | null }) {
  return (request.door ?? classify(request.url)).notFound(request.method, request.url.split('?')[0] ?? '')
}

export default fp(pipeline, { name: 'aoai-emulator-pipeline', fastify: '5.x' })
