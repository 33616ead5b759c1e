/**
 * What a Foundry project checks before a request reaches its OpenAI v1 API under
 * /api/projects/{project}/openai/v1: an Entra ID Bearer token for the audience `https://ai.azure.com`
 * (@azure/ai-projects `getOpenAIClient()`: scope `https://ai.azure.com/.default`), with the Agents door's rules
 * (agents.ts `proveAgentsBearer`). The OpenAI operations of Foundry's TypeSpec take no api-version (F-TSP
 * `common/models.tsp` `OpenAIOperation`): any value is ignored, so the pre-v1 sample's
 * `{project}/openai/responses?api-version=2025-11-15-preview` is served too. Every error is in the same
 * OpenAI-style envelope as the Agents door's (F-TSP `ApiErrorResponse`).
 */
import type { RequestApiVersion } from '../api-versions.js'
import { Errors } from '../errors.js'
import { proveAgentsBearer } from './agents.js'
import { bearerToken } from './credentials.js'
import type { Gate, GateDeps } from './gate.js'

const FOUNDRY: RequestApiVersion = Object.freeze({ flavour: 'foundry', version: 'v1', generation: 'v2' })
const FOUNDRY_AUDIENCE = 'https://ai.azure.com'

/** The Foundry gate: the Bearer token only. */
export function foundryGate ({ config, clock }: GateDeps): Gate {
  return request => {
    request.apiVersion = FOUNDRY
    const token = bearerToken(request.headers)
    if (token === undefined || !proveAgentsBearer(token, FOUNDRY_AUDIENCE, config, clock.now())) throw Errors.agentsUnauthorized()
  }
}
