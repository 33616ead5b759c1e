/**
 * What Azure OpenAI checks before a request reaches its v1 API under /openai/v1 (Responses, Conversations, files,
 * vector stores): the `api-version`, which the v1 API does not need — absent, `v1` or `preview` — then the
 * caller's credentials, as on /openai, and also an api key sent as `Authorization: Bearer <key>` (what the plain
 * `OpenAI` client sends; responses-wire.md §1). Errors in the gateway's envelope (errors.ts).
 */
import { AZURE_V1_API_VERSIONS, type ApiVersionCheck, type RequestApiVersion } from '../api-versions.js'
import { Errors } from '../errors.js'
import { checkAzureCredentials } from './azure.js'
import { WARNING_HEADER, type Gate, type GateDeps } from './gate.js'

const AZURE_V1: RequestApiVersion = Object.freeze({ flavour: 'azure-v1', version: 'v1', generation: 'v2' })

/**
 * The served version for an `api-version` value under a check mode, with the warning to send when another was
 * asked for; throws Azure's 400 for a dated version in strict mode ("api-version query parameter is not allowed
 * when using /v1 path", captured in pydantic/pydantic-ai#5066, 2026-04). `lenient` and `off` serve any value.
 */
function checkV1ApiVersion (value: unknown, mode: ApiVersionCheck): { served: RequestApiVersion, warning?: string } {
  if (value === undefined) return { served: AZURE_V1 }
  const text = typeof value === 'string' ? value : ''
  if (AZURE_V1_API_VERSIONS.includes(text)) return { served: text === 'v1' ? AZURE_V1 : { ...AZURE_V1, version: text } }
  if (mode === 'strict') throw Errors.v1ApiVersionNotAllowed()
  return { served: AZURE_V1, warning: mode === 'lenient' ? 'api-version is not used on the /openai/v1 path; served as v1' : 'api-version check is off; served as v1' }
}

/** The Azure v1 gate: the api-version rule, then credentials (an `api-key`, or a Bearer token or key). */
export function azureV1Gate ({ config, clock }: GateDeps): Gate {
  return (request, reply) => {
    const { served, warning } = checkV1ApiVersion((request.query as Record<string, unknown>)['api-version'], config.apiVersionCheck)
    if (warning !== undefined) reply.header(WARNING_HEADER, warning)
    request.apiVersion = served
    checkAzureCredentials(request, config, clock.now(), true)
  }
}
