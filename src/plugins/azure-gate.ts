/**
 * What Azure checks before a request reaches the Assistants API: the api-version query parameter and the
 * caller's credentials. Both answer in the gateway's own envelopes (see errors.ts), not OpenAI's.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { resolveApiVersion, type ApiVersionCheck, type Generation } from '../api-versions.js'
import type { Clock } from '../clock.js'
import { proveBearer, secretIn, type BearerConfig } from '../auth.js'
import { Errors } from '../errors.js'

/** Which API a request speaks: Azure's under /openai, OpenAI's own under /v1, or Foundry Agents' under /api/projects/{project}. */
export type Flavour = 'azure' | 'openai' | 'agents'

export interface RequestApiVersion {
  readonly flavour: Flavour
  /** The api-version whose shapes are served (`openai` for the OpenAI flavour, which has none). */
  readonly version: string
  readonly generation: Generation
}

declare module 'fastify' {
  interface FastifyRequest {
    /** The request's flavour and api-version, set by the gate before any Assistants route runs. */
    apiVersion: RequestApiVersion
  }
}

/** Response header saying which api-version was served in place of the one requested (lenient and off modes). */
export const WARNING_HEADER = 'x-aoai-emulator-warning'

/** A served api-version, and the warning to send when it is not the one requested. */
export interface CheckedApiVersion extends RequestApiVersion {
  readonly warning?: string
}

/** The Assistants-carrying api-version of a request under a check mode, or the error Azure answers. */
export function checkApiVersion (value: unknown, mode: ApiVersionCheck = 'strict'): CheckedApiVersion {
  const resolved = resolveApiVersion(value, mode)
  if (resolved.outcome === 'not-found') throw Errors.resourceNotFound()
  if (resolved.outcome === 'not-supported') throw Errors.apiVersionNotSupported()
  const { version, generation, substitutedFrom } = resolved
  if (substitutedFrom === undefined) return { flavour: 'azure', version, generation }
  // `off` accepts any text, which is never echoed into a header; lenient values are well-formed dates.
  const warning = mode === 'lenient'
    ? `api-version ${substitutedFrom} is not known to the emulator; served as ${version}`
    : `api-version check is off; served as ${version}`
  return { flavour: 'azure', version, generation, warning }
}

/** Constant-time membership: every configured key is compared, whatever matches first. */
export function isAcceptedKey (key: string, acceptedKeys: readonly string[]): boolean {
  return secretIn(key, acceptedKeys)
}

/** The audience of Azure OpenAI's Entra ID tokens. */
export const COGNITIVE_SERVICES_AUDIENCE = 'https://cognitiveservices.azure.com'

/**
 * Azure's credential rules: an `api-key` header wins over `Authorization` (the Python SDK sends both).
 * With no keys configured any non-empty key is accepted. A Bearer token must pass `proveBearer` (auth.ts):
 * with nothing configured any opaque token, or a JWT with the Cognitive Services audience that has not
 * expired; otherwise only a configured Entra token or an HS256 JWT signed with the configured secret.
 */
export function checkAzureCredentials (request: FastifyRequest, acceptedKeys: readonly string[], nowMs: number,
  bearer: Omit<BearerConfig, 'apiKeys'> = { entraTokens: [], jwtSecret: null }): void {
  const apiKey = request.headers['api-key']
  if (apiKey !== undefined) {
    const key = Array.isArray(apiKey) ? apiKey[0] ?? '' : apiKey
    if (key === '' || (acceptedKeys.length > 0 && !isAcceptedKey(key, acceptedKeys))) throw Errors.accessDenied()
    return
  }
  const authorization = request.headers.authorization
  const token = authorization?.match(/^Bearer\s+(\S+)\s*$/i)?.[1]
  if (token === undefined) throw Errors.accessDenied()
  if (!proveBearer(token, COGNITIVE_SERVICES_AUDIENCE, { apiKeys: acceptedKeys, ...bearer }, nowMs)) throw Errors.tokenRejected()
}

export interface AzureGateOptions {
  readonly acceptedKeys: readonly string[]
  /** Bearer tokens the operator configured (`--entra-token`), and the HS256 secret (`--jwt-secret`). */
  readonly entraTokens?: readonly string[]
  readonly jwtSecret?: string | null
  readonly apiVersionCheck: ApiVersionCheck
  readonly clock: Clock
}

/** Most distinct substituted api-versions that get their own log line (bounds memory when the check is off). */
const MAX_WARNED_VERSIONS = 256

/** Installs the gate on every route of `app` (an encapsulated plugin scope: the Azure API routes). */
export function installAzureGate (app: FastifyInstance, options: AzureGateOptions): void {
  const warned = new Set<string>()
  const warn = (request: FastifyRequest, reply: FastifyReply, requested: unknown, checked: CheckedApiVersion) => {
    reply.header(WARNING_HEADER, checked.warning)
    const key = typeof requested === 'string' ? requested : ''
    if (warned.has(key) || warned.size >= MAX_WARNED_VERSIONS) return
    warned.add(key)
    request.log.warn({ requestedApiVersion: requested ?? null, servedApiVersion: checked.version }, checked.warning)
  }
  app.decorateRequest('apiVersion', null as unknown as RequestApiVersion)
  const bearer = { entraTokens: options.entraTokens ?? [], jwtSecret: options.jwtSecret ?? null }
  app.addHook('onRequest', (request, reply, done) => {
    const requested = (request.query as Record<string, unknown>)['api-version']
    const checked = checkApiVersion(requested, options.apiVersionCheck)
    if (checked.warning !== undefined) warn(request, reply, requested, checked)
    // Without a warning the checked version is already the request's view of it.
    request.apiVersion = checked.warning === undefined ? checked : { flavour: checked.flavour, version: checked.version, generation: checked.generation }
    checkAzureCredentials(request, options.acceptedKeys, options.clock.now(), bearer)
    done()
  })
}
