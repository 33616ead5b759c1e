/**
 * What the Azure AI Foundry Agents service checks before a request under `/api/projects/{project}` reaches the
 * Assistants routes: the `api-version` query parameter and an Entra ID Bearer token for the audience
 * `https://ai.azure.com`. Unlike Azure OpenAI's gateway, every error here is in the `AgentV1Error` envelope
 * `{"error":{"message","type","param","code"}}`: `@azure/ai-agents` reads a failed response's body with that
 * deserializer and crashes with a TypeError on any other shape (Azure.AI.Agents stable/v1 `default` response).
 */
import type { FastifyRequest } from 'fastify'
import {
  AGENTS_API_VERSIONS, AGENTS_DEFAULT_API_VERSION, WELL_FORMED_API_VERSION, type ApiVersionCheck, type RequestApiVersion
} from '../api-versions.js'
import { Errors } from '../errors.js'
import { bearerToken, proveBearer, secretIn, type BearerConfig } from './credentials.js'
import { WARNING_HEADER, type Gate, type GateDeps } from './gate.js'

/** The token audience of the Agents service (scope `https://ai.azure.com/.default`, spec `security`). */
export const AGENTS_AUDIENCE = 'https://ai.azure.com'

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
  if (mode === 'lenient' && WELL_FORMED_API_VERSION.test(text)) {
    return substitute(`api-version ${text} is not known to the emulator; served as ${AGENTS_DEFAULT_API_VERSION}`)
  }
  throw Errors.agentsApiVersionNotSupported(text, AGENTS_API_VERSIONS)
}

/**
 * Whether a Bearer token is good for `audience`: the rules of credentials.ts `proveBearer` (with nothing
 * configured any well-formed token passes, a JWT needing the audience and a future `exp`; once keys, tokens
 * or a secret are configured only a configured `--entra-token` or an HS256 JWT signed with `--jwt-secret`),
 * plus one Agents rule: a configured api key sent as the Bearer token passes, because the Agents service
 * takes no `api-key` header and older azure-ai-agents sent an AzureKeyCredential that way. Constant-time.
 */
export function proveAgentsBearer (token: string, audience: string, config: BearerConfig, nowMs: number): boolean {
  return proveBearer(token, audience, config, nowMs) || (config.apiKeys.length > 0 && secretIn(token, config.apiKeys))
}

/** `Authorization: Bearer <token>` is the only credential the Agents service takes (no `api-key`). */
function checkAgentsCredentials (request: FastifyRequest, config: BearerConfig, nowMs: number): void {
  const token = bearerToken(request.headers)
  if (token === undefined || !proveAgentsBearer(token, AGENTS_AUDIENCE, config, nowMs)) throw Errors.agentsUnauthorized()
}

/** The Agents gate: api-version (a warning header when another is served), then the Bearer token. */
export function agentsGate ({ config, clock }: GateDeps): Gate {
  return (request, reply) => {
    const checked = checkAgentsApiVersion((request.query as Record<string, unknown>)['api-version'], config.apiVersionCheck)
    if (checked.warning !== undefined) reply.header(WARNING_HEADER, checked.warning)
    request.apiVersion = { flavour: 'agents', version: checked.version, generation: checked.generation }
    checkAgentsCredentials(request, config, clock.now())
  }
}
