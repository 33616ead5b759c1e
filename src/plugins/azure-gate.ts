/**
 * What Azure checks before a request reaches the Assistants API: the api-version query parameter and the
 * caller's credentials. Both answer in the gateway's own envelopes (see errors.ts), not OpenAI's.
 */
import { createHash, timingSafeEqual } from 'node:crypto'
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { resolveApiVersion, type ApiVersionCheck, type Generation } from '../api-versions.js'
import type { Clock } from '../clock.js'
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

const digest = (text: string) => createHash('sha256').update(text).digest()

/** Constant-time membership: every configured key is compared, whatever matches first. */
export function isAcceptedKey (key: string, acceptedKeys: readonly string[]): boolean {
  const candidate = digest(key)
  let accepted = false
  for (const known of acceptedKeys) accepted = timingSafeEqual(candidate, digest(known)) || accepted
  return accepted
}

const ENTRA_AUDIENCES = new Set(['https://cognitiveservices.azure.com', 'https://cognitiveservices.azure.com/'])

/** A JWT's claims, or null for an opaque token. Signatures are not checked: there is no tenant to trust. */
function jwtClaims (token: string): { aud?: unknown, exp?: unknown } | null {
  const parts = token.split('.')
  if (parts.length !== 3) return null
  try {
    const claims: unknown = JSON.parse(Buffer.from(parts[1]!, 'base64url').toString('utf8'))
    return typeof claims === 'object' && claims !== null ? claims : null
  } catch {
    return null
  }
}

function isAcceptedEntraToken (claims: { aud?: unknown, exp?: unknown }, nowMs: number): boolean {
  const audiences = Array.isArray(claims.aud) ? claims.aud : [claims.aud]
  const audienceOk = audiences.some(aud => typeof aud === 'string' && ENTRA_AUDIENCES.has(aud))
  const notExpired = typeof claims.exp === 'number' && claims.exp * 1000 > nowMs
  return audienceOk && notExpired
}

/**
 * Azure's credential rules: an `api-key` header wins over `Authorization` (the Python SDK sends both).
 * With no keys configured any non-empty key is accepted. A Bearer token that is a JWT must carry the
 * Cognitive Services audience and not be expired; an opaque one is accepted only when no keys are configured.
 */
export function checkAzureCredentials (request: FastifyRequest, acceptedKeys: readonly string[], nowMs: number): void {
  const apiKey = request.headers['api-key']
  if (apiKey !== undefined) {
    const key = Array.isArray(apiKey) ? apiKey[0] ?? '' : apiKey
    if (key === '' || (acceptedKeys.length > 0 && !isAcceptedKey(key, acceptedKeys))) throw Errors.accessDenied()
    return
  }
  const authorization = request.headers.authorization
  const token = authorization?.match(/^Bearer\s+(\S+)\s*$/i)?.[1]
  if (token === undefined) throw Errors.accessDenied()
  const claims = jwtClaims(token)
  if (claims !== null) {
    if (!isAcceptedEntraToken(claims, nowMs)) throw Errors.tokenRejected()
    return
  }
  if (acceptedKeys.length > 0) throw Errors.tokenRejected()
}

export interface AzureGateOptions {
  readonly acceptedKeys: readonly string[]
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
  app.addHook('onRequest', async (request, reply) => {
    const requested = (request.query as Record<string, unknown>)['api-version']
    const checked = checkApiVersion(requested, options.apiVersionCheck)
    if (checked.warning !== undefined) warn(request, reply, requested, checked)
    request.apiVersion = { flavour: checked.flavour, version: checked.version, generation: checked.generation }
    checkAzureCredentials(request, options.acceptedKeys, options.clock.now())
  })
}
