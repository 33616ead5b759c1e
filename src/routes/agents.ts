/**
 * Foundry's new agents under a project (`/api/projects/{project}/agents…`, api-version `v1` only; F-TSP
 * `agents/routes.tsp`): agent versions made, read, listed and deleted, and the agent with its latest version.
 * Responses use them through `agent_reference` on the project's OpenAI v1 door (services/agents.ts
 * `resolveRequest`). Every answer is 200, as @azure/ai-projects 2.x expects.
 */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import type { FastifyRequest } from 'fastify'
import type { Availability } from '../api-surface.js'
import {
  presentAgent, presentAgentsPage, presentAgentVersion, presentDeletedAgent, presentDeletedAgentVersion
} from '../presenters/agent.js'
import {
  AgentDeleteQuerySchema, AgentListQuerySchema, AgentLookupParamsSchema, AgentParamsSchema, AgentVersionParamsSchema,
  CreateAgentVersionBodySchema
} from '../schemas/agent.js'
import { ResponseObjectSchema } from '../schemas/response.js'

/** The new agents are a Foundry project's, on api-version `v1` (the classic Agents' dated versions do not have them). */
const NEW_AGENTS: Availability = { doors: ['agents'], versions: ['v1'] }

/** The preview opt-ins a request sends: `Foundry-Features` (the SDK's `foundryFeatures`) and the older `Foundry-Beta`. */
function optIns (request: FastifyRequest): string | undefined {
  const values = [request.headers['foundry-features'], request.headers['foundry-beta']].flat().filter(v => typeof v === 'string')
  return values.length === 0 ? undefined : values.join(',')
}

const agentRoutes: FastifyPluginAsyncTypebox = async (app) => {
  /** POST /agents/:agent_name/versions — create a version of an agent (the agent too, with version 1) */
  app.post('/agents/:agent_name/versions', {
    config: { available: NEW_AGENTS },
    schema: { params: AgentParamsSchema, body: CreateAgentVersionBodySchema, response: { 200: ResponseObjectSchema } }
  }, async (request) => presentAgentVersion(request.tenant.services.agents.createVersion(request.params.agent_name, request.body, optIns(request))))

  /** GET /agents — list the project's agents, each with its latest version */
  app.get('/agents', {
    config: { available: NEW_AGENTS },
    schema: { querystring: AgentListQuerySchema, response: { 200: ResponseObjectSchema } }
  }, async (request) => presentAgentsPage(request.tenant.services.agents.list(request.query), presentAgent))

  /** GET /agents/:agent_name — retrieve an agent (its latest version) */
  app.get('/agents/:agent_name', {
    config: { available: NEW_AGENTS },
    schema: { params: AgentLookupParamsSchema, response: { 200: ResponseObjectSchema } }
  }, async (request) => presentAgent(request.tenant.services.agents.get(request.params.agent_name)))

  /** DELETE /agents/:agent_name — delete an agent and every version */
  app.delete('/agents/:agent_name', {
    config: { available: NEW_AGENTS },
    schema: { params: AgentLookupParamsSchema, querystring: AgentDeleteQuerySchema, response: { 200: ResponseObjectSchema } }
  }, async (request) => presentDeletedAgent(request.tenant.services.agents.delete(request.params.agent_name)))

  /** GET /agents/:agent_name/versions — list an agent's versions */
  app.get('/agents/:agent_name/versions', {
    config: { available: NEW_AGENTS },
    schema: { params: AgentLookupParamsSchema, querystring: AgentListQuerySchema, response: { 200: ResponseObjectSchema } }
  }, async (request) => presentAgentsPage(request.tenant.services.agents.listVersions(request.params.agent_name, request.query), presentAgentVersion))

  /** GET /agents/:agent_name/versions/:agent_version — retrieve one version of an agent */
  app.get('/agents/:agent_name/versions/:agent_version', {
    config: { available: NEW_AGENTS },
    schema: { params: AgentVersionParamsSchema, response: { 200: ResponseObjectSchema } }
  }, async (request) => presentAgentVersion(request.tenant.services.agents.getVersion(request.params.agent_name, request.params.agent_version)))

  /** DELETE /agents/:agent_name/versions/:agent_version — delete one version (the agent goes with its last) */
  app.delete('/agents/:agent_name/versions/:agent_version', {
    config: { available: NEW_AGENTS },
    schema: { params: AgentVersionParamsSchema, querystring: AgentDeleteQuerySchema, response: { 200: ResponseObjectSchema } }
  }, async (request) => presentDeletedAgentVersion(request.tenant.services.agents.deleteVersion(request.params.agent_name, request.params.agent_version)))
}

export default agentRoutes
