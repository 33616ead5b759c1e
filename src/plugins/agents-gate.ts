/**
 * What the Azure AI Foundry Agents service checks before a request under `/api/projects/{project}` reaches the
 * Assistants routes: the `api-version` query parameter and an Entra ID Bearer token for the audience
 * `https://ai.azure.com`. Unlike Azure OpenAI's gateway, every error here is in the `AgentV1Error` envelope
 * `{"error":{"message","type","param","code"}}`: `@azure/ai-agents` reads a failed response's body with that
 * deserializer and crashes with a TypeError on any other shape (Azure.AI.Agents stable/v1 `default` response).
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import type { ApiVersionCheck } from '../api-versions.js'
import { proveBearer, secretIn, type BearerConfig } from '../auth.js'
import type { Clock } from '../clock.js'
import type { Config } from '../config.js'
import { Errors } from '../errors.js'
import { WARNING_HEADER, type RequestApiVersion } from './azure-gate.js'

/** Where the Agents flavour lives: the path of a Foundry project endpoint. */
export const AGENTS_PREFIX = '/api/projects/:project'
const AGENTS_PATH = /^\/+api\/+projects\/+[^/?]+(\/|\?|$)/

/** True for a path (or URL) of the Agents flavour. */
export function isAgentsPath (url: string): boolean {
  return AGENTS_PATH.test(url)
}

/**
 * api-versions the Agents SDKs send: `v1` (default of @azure/ai-agents 1.1.0 and azure-ai-agents 1.2),
 * `2025-05-01` (the JS `KnownVersions`), `2025-05-15-preview` (older azure-ai-agents default). All serve the
 * same stable/v1 shapes.
 */
export const AGENTS_API_VERSIONS: readonly string[] = Object.freeze(['v1', '2025-05-01', '2025-05-15-preview'])
/** The version an unknown value is served as, in the lenient and off modes. */
export const AGENTS_DEFAULT_API_VERSION = 'v1'

/** The token audience of the Agents service (scope `https://ai.azure.com/.default`, spec `security`). */
export const AGENTS_AUDIENCE = 'https://ai.azure.com'

const WELL_FORMED = /^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])(-preview)?$/

export interface CheckedAgentsApiVersion extends RequestApiVersion {
  readonly warning?: string
}

/**
 * The request's api-version under a check mode, or the 400 it gets:
 * - `strict`: only AGENTS_API_VERSIONS;
 * - `lenient`: also any well-formed `YYYY-MM-DD[-preview]`, served as `v1` with a warning header;
 * - `off`: anything, or nothing, served as `v1`.
 */
export function checkAgentsApiVersion (value: unknown, mode: ApiVersionCheck): CheckedAgentsApiVersion {
  const text = typeof value === 'string' ? value : undefined
  if (text !== undefined && AGENTS_API_VERSIONS.includes(text)) return { flavour: 'agents', version: text, generation: 'v2' }
  const substitute = (warning: string): CheckedAgentsApiVersion =>
    ({ flavour: 'agents', version: AGENTS_DEFAULT_API_VERSION, generation: 'v2', warning })
  if (mode === 'off') return substitute(`api-version check is off; served as ${AGENTS_DEFAULT_API_VERSION}`)
  if (text === undefined || text === '') throw Errors.agentsMissingApiVersion(AGENTS_API_VERSIONS)
  if (mode === 'lenient' && WELL_FORMED.test(text)) {
    return substitute(`api-version ${text} is not known to the emulator; served as ${AGENTS_DEFAULT_API_VERSION}`)
  }
  throw Errors.agentsApiVersionNotSupported(text, AGENTS_API_VERSIONS)
}

/**
 * Whether a Bearer token is good for `audience`: the rules of src/auth.ts `proveBearer` (with nothing
 * configured any well-formed token passes, a JWT needing the audience and a future `exp`; once keys, tokens
 * or a secret are configured only a configured `--entra-token` or an HS256 JWT signed with `--jwt-secret`),
 * plus one Agents rule: a configured api key sent as the Bearer token passes, because the Agents service
 * takes no `api-key` header and older azure-ai-agents sent an AzureKeyCredential that way. Constant-time.
 */
export function proveAgentsBearer (token: string, audience: string, config: BearerConfig, nowMs: number): boolean {
  return proveBearer(token, audience, config, nowMs) || (config.apiKeys.length > 0 && secretIn(token, config.apiKeys))
}

/** `Authorization: Bearer <token>` is the only credential the Agents service takes (no `api-key`). */
export function checkAgentsCredentials (request: FastifyRequest, config: BearerConfig, nowMs: number): void {
  const token = request.headers.authorization?.match(/^Bearer\s+(\S+)\s*$/i)?.[1]
  if (token === undefined || !proveAgentsBearer(token, AGENTS_AUDIENCE, config, nowMs)) throw Errors.agentsUnauthorized()
}

export interface AgentsGateOptions {
  readonly config: BearerConfig & Pick<Config, 'apiVersionCheck'>
  readonly clock: Clock
}

/** Installs the gate on every route of `app` (the encapsulated scope of the Agents routes). */
export function installAgentsGate (app: FastifyInstance, options: AgentsGateOptions): void {
  const { config, clock } = options
  app.decorateRequest('apiVersion', null as unknown as RequestApiVersion)
  app.addHook('onRequest', (request, reply, done) => {
    const checked = checkAgentsApiVersion((request.query as Record<string, unknown>)['api-version'], config.apiVersionCheck)
    if (checked.warning !== undefined) reply.header(WARNING_HEADER, checked.warning)
    request.apiVersion = { flavour: 'agents', version: checked.version, generation: checked.generation }
    checkAgentsCredentials(request, config, clock.now())
    done()
  })
}

/** Seconds a throttled or unavailable Agents response asks the client to wait when nothing else said. */
export const DEFAULT_RETRY_AFTER_S = 1

function hasAgentsEnvelope (payload: unknown): boolean {
  if (typeof payload !== 'string' && !Buffer.isBuffer(payload)) return false
  try {
    const body = JSON.parse(payload.toString()) as { error?: { message?: unknown, type?: unknown } }
    const error = body.error
    return typeof error === 'object' && error !== null && typeof error.message === 'string' && typeof error.type === 'string' &&
      'param' in error && 'code' in error
  } catch {
    return false
  }
}

/**
 * Whatever produced an error under the Agents prefix (a route, the 404 handler, a fault, the body parser),
 * it leaves in the `AgentV1Error` envelope, and a 429 or 503 carries `Retry-After` so the SDK's throttling
 * retry policy (@typespec/ts-http-runtime throttlingRetryStrategy) waits as told instead of backing off blind.
 * Installed on the root app, so it also sees responses that no Agents route handled.
 */
export function installAgentsErrorEnvelope (app: FastifyInstance): void {
  // A callback hook: the successes and other flavours' errors it lets through pay no promise.
  app.addHook('onSend', (request, reply: FastifyReply, payload, done) => {
    if (reply.statusCode < 400 || !isAgentsPath(request.url)) return done(null, payload)
    if ((reply.statusCode === 429 || reply.statusCode === 503) && reply.getHeader('retry-after') === undefined) {
      reply.header('retry-after', String(DEFAULT_RETRY_AFTER_S))
    }
    if (hasAgentsEnvelope(payload)) return done(null, payload)
    const error = Errors.agentsEnvelope(reply.statusCode, messageOf(payload))
    reply.header('content-type', error.contentType)
    done(null, error.body)
  })
}

/** The message of a non-Agents error body (the gateway's `{error:{code,message}}` or the token validator's `{message}`). */
function messageOf (payload: unknown): string | undefined {
  if (typeof payload !== 'string' && !Buffer.isBuffer(payload)) return undefined
  try {
    const body = JSON.parse(payload.toString()) as { message?: unknown, error?: { message?: unknown } }
    const message = body.error?.message ?? body.message
    return typeof message === 'string' ? message : undefined
  } catch {
    return undefined
  }
}
