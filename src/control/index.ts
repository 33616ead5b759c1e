/**
 * The test control plane's per-request machinery, installed on the root app before the API routes:
 * the request's scope (tenant store, seeded random), fault rules, quotas, the requests journal and, with
 * a virtual clock, a `Date` header that follows it. The /_emulator routes live in routes/emulator.ts.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { isManualClock, type Clock } from '../clock.js'
import type { Config } from '../config.js'
import { ApiError, Errors } from '../errors.js'
import { isAgentsPath } from '../plugins/agents-gate.js'
import type { Scope } from '../scope.js'
import { credentialOf, type Fault, type FaultRule, type FaultSet, pathOf } from './faults.js'
import { createJournal, scrubUrl, type Journal, type JournalEntry } from './journal.js'
import { estimateTokens, type Quotas } from './quotas.js'
import type { Random } from './random.js'
import type { Tenants } from './tenants.js'

export const CONTROL_PREFIX = '/_emulator'

export interface ControlPlane {
  readonly tenants: Tenants
  readonly faults: FaultSet
  readonly quotas: Quotas
  readonly journal: Journal<RecordedRequest>
  /** The id stream of the seeded random source, or null. */
  readonly idRandom: Random | null
  /** Fault rules from the fixtures: in force at start and again after each reset. */
  readonly fixtureFaults: readonly FaultRule[]
  /**
   * Runs `fn` in `scope` (scope.ts), or just runs it when the emulator has one tenant and no seed: the
   * scope is then the same for every request, and AsyncLocalStorage (whose promise hooks cost every request
   * a few per cent) is never switched on.
   */
  inScope<T> (scope: Scope, fn: () => T): T
  /** Empties every store (seeding the fixtures again), the quota windows and the journal; faults back to the fixtures'. */
  reset (): void
}

declare module 'fastify' {
  interface FastifyInstance {
    control: ControlPlane
  }
  interface FastifyRequest {
    /** The scope the request runs in (scope.ts); set first thing. */
    emulatorScope: Scope
    /** The fault rule that answered this request, if one did (for the journal). */
    emulatorFault: Fault | null
  }
}

const isControlPath = (url: string) => url.startsWith(`${CONTROL_PREFIX}/`) || url === CONTROL_PREFIX || url.startsWith(`${CONTROL_PREFIX}?`)
const flavourOf = (path: string) => isControlPath(path) ? 'emulator' as const : /^\/v1(\/|$)/.test(path) ? 'openai' as const : 'azure' as const

/** The rate-limit answer of the request's flavour, with the headers the SDKs and Azure clients read. */
function rateLimited (reply: FastifyReply, flavour: 'azure' | 'openai', retryAfterMs: number, remaining?: { requests: number, tokens: number }): ApiError {
  const seconds = Math.max(1, Math.ceil(retryAfterMs / 1000))
  reply.header('retry-after', String(seconds))
  reply.header('retry-after-ms', String(retryAfterMs))
  // A quota that is not configured has no remaining count (Infinity): its header is left out.
  const requests = remaining?.requests ?? 0
  const tokens = remaining?.tokens ?? 0
  if (Number.isFinite(requests)) reply.header('x-ratelimit-remaining-requests', String(requests))
  if (Number.isFinite(tokens)) reply.header('x-ratelimit-remaining-tokens', String(tokens))
  return flavour === 'azure' ? Errors.rateLimitedAzure(seconds) : Errors.rateLimitedOpenAI(seconds)
}

/** A status fault as the service would send it. */
function statusFault (reply: FastifyReply, flavour: 'azure' | 'openai', fault: Extract<Fault, { type: 'status' }>): ApiError {
  switch (fault.status) {
    case 429: return rateLimited(reply, flavour, fault.retry_after_ms ?? 1000)
    case 500: return Errors.internal()
    case 503:
      if (fault.retry_after_ms !== undefined) {
        reply.header('retry-after', String(Math.ceil(fault.retry_after_ms / 1000)))
        reply.header('retry-after-ms', String(fault.retry_after_ms))
      }
      return Errors.serviceUnavailable(flavour)
    case 404: return flavour === 'azure' ? Errors.resourceNotFound() : Errors.injectedStatus(404)
    case 401: return flavour === 'azure' ? Errors.accessDenied() : Errors.injectedStatus(401)
    default: return Errors.injectedStatus(fault.status)
  }
}

/** Installs the hooks on the root app. */
export function installControlHooks (app: FastifyInstance, deps: { config: Config, clock: Clock, control: ControlPlane }): void {
  const { clock, control } = deps
  app.decorate('control', control)
  app.decorate('faults', control.faults)
  app.decorateRequest('emulatorScope', null as unknown as Scope)
  app.decorateRequest('emulatorFault', null)

  if (isManualClock(clock)) {
    // Responses carry the virtual time, so a seeded flow is byte-identical from run to run; first, so that a
    // fault's or a quota's answer carries it too.
    app.addHook('onRequest', (_request, reply, done) => {
      reply.header('date', new Date(clock.now()).toUTCString())
      done()
    })
  }

  /** The quotas' verdict: `done()` with the remaining-quota headers, or `done(429)`. */
  const admitOrRefuse = (request: FastifyRequest, reply: FastifyReply, flavour: 'azure' | 'openai', done: (err?: Error) => void): void => {
    if (!control.quotas.enabled) return done()
    const owner = credentialOf(request) ?? ''
    const tokens = estimateTokens(Number(request.headers['content-length'] ?? 0) || 0)
    const verdict = control.quotas.admit(owner, tokens, clock.now())
    if (verdict.retryAfterMs !== null) {
      return done(rateLimited(reply, flavour, verdict.retryAfterMs, { requests: verdict.remainingRequests, tokens: verdict.remainingTokens }))
    }
    if (deps.config.rateLimitRpm > 0) reply.header('x-ratelimit-remaining-requests', String(verdict.remainingRequests))
    if (deps.config.rateLimitTpm > 0) reply.header('x-ratelimit-remaining-tokens', String(verdict.remainingTokens))
    done()
  }

  // Callback hooks, not async ones: a request that meets no fault rule and no quota pays no promise, and the
  // rest of the request (including after the body is read) runs in the scope.
  app.addHook('onRequest', (request, reply, done) => {
    const store = isControlPath(request.url) ? control.tenants.storeFor('') : control.tenants.storeOf(request.headers)
    request.emulatorScope = { store, random: control.idRandom }
    if (control.faults.size === 0 && !control.quotas.enabled) return control.inScope(request.emulatorScope, done)
    let flavour: 'azure' | 'openai'
    try {
      const pathFlavour = flavourOf(pathOf(request.url))
      if (pathFlavour === 'emulator') return control.inScope(request.emulatorScope, done)
      flavour = pathFlavour
      const fault = control.faults.take(request, 'request')
      if (fault !== undefined) {
        request.emulatorFault = fault
        if (fault.type === 'latency') {
          setTimeout(() => control.inScope(request.emulatorScope, () => admitOrRefuse(request, reply, flavour, done)), fault.ms)
          return
        }
        if (fault.type === 'drop') {
          dropConnection(request, reply, control.journal)
          return
        }
        if (fault.type === 'status') return done(statusFault(reply, flavour, fault))
      }
    } catch (err) {
      return done(err as Error)
    }
    control.inScope(request.emulatorScope, () => admitOrRefuse(request, reply, flavour, done))
  })
  app.addHook('preHandler', (request, _reply, done) => { control.inScope(request.emulatorScope, done) })

  app.addHook('onResponse', (request, reply, done) => {
    control.journal.record(recordOf(request, reply.statusCode, reply.elapsedTime))
    done()
  })
}

/** What the journal keeps of a request: raw, so recording costs one small object; listed by `presentRequest`. */
export interface RecordedRequest {
  readonly method: string
  readonly url: string
  readonly apiVersion: unknown
  readonly status: number
  readonly elapsedMs: number
  readonly requestId: string
  readonly fault: string | null
}

function recordOf (request: FastifyRequest, status: number, elapsedMs: number): RecordedRequest {
  return {
    method: request.method,
    url: request.url,
    apiVersion: (request.query as Record<string, unknown> | undefined)?.['api-version'],
    status,
    elapsedMs,
    requestId: request.id,
    fault: request.emulatorFault?.type ?? null
  }
}

function presentRequest (recorded: RecordedRequest): JournalEntry {
  const path = pathOf(recorded.url)
  const flavour = isAgentsPath(path) ? 'agents' : flavourOf(path)
  return {
    method: recorded.method,
    path: scrubUrl(recorded.url),
    api_version: flavour === 'azure' && typeof recorded.apiVersion === 'string' ? recorded.apiVersion : null,
    flavour,
    status: recorded.status,
    duration_ms: Math.round(recorded.elapsedMs * 100) / 100,
    request_id: recorded.requestId,
    fault: recorded.fault
  }
}

/** The requests journal of GET /_emulator/requests (journal.ts), fed by the hooks above. */
export const createRequestJournal = (): Journal<RecordedRequest> => createJournal(undefined, presentRequest)

/** The `drop` fault: the socket is destroyed before any byte of the response; the journal says status 0. */
function dropConnection (request: FastifyRequest, reply: FastifyReply, journal: Journal<RecordedRequest>): void {
  reply.hijack()
  journal.record(recordOf(request, 0, 0))
  request.raw.socket?.destroy()
  reply.raw.destroy()
}
