/**
 * What Azure checks before a request reaches the Assistants API under /openai: the api-version query
 * parameter, then the caller's credentials. Both answer in the gateway's own envelopes (errors.ts), not OpenAI's.
 */
import type { FastifyReply, FastifyRequest } from 'fastify'
import { resolveApiVersion, type ApiVersionCheck, type RequestApiVersion } from '../api-versions.js'
import { Errors } from '../errors.js'
import { apiKeyHeader, bearerToken, credentialsOpen, proveBearer, secretIn, type BearerConfig } from './credentials.js'
import type { Gate, GateDeps } from './gate.js'
import { WARNING_HEADER } from './gate.js'

/** A served api-version, and the warning to send when it is not the one requested. */
interface CheckedApiVersion extends RequestApiVersion {
  readonly warning?: string
}

/** The Assistants-carrying api-version of a request under a check mode, or the error Azure answers. */
function checkApiVersion (value: unknown, mode: ApiVersionCheck = 'strict'): CheckedApiVersion {
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

/** The audience of Azure OpenAI's Entra ID tokens. */
export const COGNITIVE_SERVICES_AUDIENCE = 'https://cognitiveservices.azure.com'

/**
 * Azure's credential rules: an `api-key` header wins over `Authorization` (the Python SDK sends both).
 * With no credential configured (credentials.ts `credentialsOpen`) any non-empty key is accepted; once any
 * `--api-key`, `--entra-token` or `--jwt-secret` is set, only a configured key (none, with tokens alone).
 * A Bearer token must pass `proveBearer` (credentials.ts): with nothing configured any opaque token, or a JWT
 * with the Cognitive Services audience that has not expired; otherwise only a configured Entra token or an
 * HS256 JWT signed with the configured secret.
 */
function checkAzureCredentials (request: FastifyRequest, config: BearerConfig, nowMs: number): void {
  const key = apiKeyHeader(request.headers)
  if (key !== undefined) {
    if (key === '' || (!credentialsOpen(config) && !secretIn(key, config.apiKeys))) throw Errors.accessDenied()
    return
  }
  const token = bearerToken(request.headers)
  if (token === undefined) throw Errors.accessDenied()
  if (!proveBearer(token, COGNITIVE_SERVICES_AUDIENCE, config, nowMs)) throw Errors.tokenRejected()
}

/** Most distinct substituted api-versions that get their own log line (bounds memory when the check is off). */
const MAX_WARNED_VERSIONS = 256

/** The Azure gate: api-version (with a warning header when another is served), then credentials. */
export function azureGate ({ config, clock }: GateDeps): Gate {
  const warned = new Set<string>()
  const warn = (request: FastifyRequest, reply: FastifyReply, requested: unknown, checked: CheckedApiVersion) => {
    reply.header(WARNING_HEADER, checked.warning)
    const key = typeof requested === 'string' ? requested : ''
    if (warned.has(key) || warned.size >= MAX_WARNED_VERSIONS) return
    warned.add(key)
    request.log.warn({ requestedApiVersion: requested ?? null, servedApiVersion: checked.version }, checked.warning)
  }
  return (request, reply) => {
    const requested = (request.query as Record<string, unknown>)['api-version']
    const checked = checkApiVersion(requested, config.apiVersionCheck)
    if (checked.warning !== undefined) warn(request, reply, requested, checked)
    // Without a warning the checked version is already the request's view of it.
    request.apiVersion = checked.warning === undefined ? checked : { flavour: checked.flavour, version: checked.version, generation: checked.generation }
    checkAzureCredentials(request, config, clock.now())
  }
}
