/**
 * Foundry's new agents (`/api/projects/{project}/agents…`, api-version `v1`): what a client may send
 * (spec/foundry-tsp/agents/models.tsp `CreateAgentVersionRequest`,
 * `PromptAgentDefinition`; routes.tsp for the path and query parameters; responses-wire.md §11). A prompt
 * agent's definition is checked field by field, its tools as a response's are (schemas/response.ts); the other
 * kinds (`hosted`, `workflow`, `container_app`) are kept as sent, behind their preview opt-in
 * (services/agents.ts). The wire objects are made by presenters/agent.ts.
 */
import { Type, type Static } from '@sinclair/typebox'
import { MetadataSchema, Nullable } from './common.js'
import { LIMITS } from './limits.js'
import { ReasoningConfigSchema, ResponseToolSchema, TextFormatSchema, ToolChoiceSchema } from './response.js'

const Closed = <T extends Parameters<typeof Type.Object>[0]>(properties: T) => Type.Object(properties, { additionalProperties: false })

/**
 * An agent's name: 1–63 characters, letters, digits and hyphens, starting and ending with a letter or digit
 * (F-TSP `CreateAgentRequest.name`: "Must start and end with alphanumeric characters, can contain hyphens in
 * the middle, must not exceed 63 characters").
 */
const AgentNameSchema = Type.String({ maxLength: 63, pattern: '^[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?$' })

/** A prompt agent (F-TSP `PromptAgentDefinition`): a model, and what a response made with it uses. */
const PromptAgentDefinitionSchema = Closed({
  kind: Type.Literal('prompt'),
  model: Type.String({ minLength: 1, maxLength: LIMITS.model }),
  instructions: Type.Optional(Nullable(Type.String({ maxLength: LIMITS.responseInputText }))),
  temperature: Type.Optional(Nullable(Type.Number({ minimum: 0, maximum: LIMITS.temperatureMax }))),
  top_p: Type.Optional(Nullable(Type.Number({ minimum: 0, maximum: LIMITS.topPMax }))),
  reasoning: Type.Optional(Nullable(ReasoningConfigSchema)),
  tools: Type.Optional(Type.Array(ResponseToolSchema, { maxItems: LIMITS.assistantTools })),
  tool_choice: Type.Optional(ToolChoiceSchema),
  text: Type.Optional(Closed({ format: Type.Optional(TextFormatSchema) })),
  structured_inputs: Type.Optional(Type.Record(Type.String(), Type.Unknown())),
  rai_config: Type.Optional(Closed({ rai_policy_name: Type.String() }))
})
export type PromptAgentDefinition = Static<typeof PromptAgentDefinitionSchema>

/** The preview kinds (F-TSP `HostedAgentDefinition`, `WorkflowAgentDefinition`, `ContainerAppAgentDefinition`): kept as sent. */
const PreviewAgentDefinitionSchema = Type.Object({
  kind: Type.Union([Type.Literal('hosted'), Type.Literal('workflow'), Type.Literal('container_app')])
}, { additionalProperties: true })

const AgentDefinitionSchema = Type.Union([PromptAgentDefinitionSchema, PreviewAgentDefinitionSchema])

const versionFields = {
  metadata: Type.Optional(MetadataSchema),
  description: Type.Optional(Type.String({ maxLength: 512 })),
  definition: AgentDefinitionSchema
}

/** `POST /agents/{agent_name}/versions` (F-TSP `CreateAgentVersionRequest`). */
export const CreateAgentVersionBodySchema = Closed(versionFields)
export type CreateAgentVersionBody = Static<typeof CreateAgentVersionBodySchema>

export const AgentParamsSchema = Type.Object({ agent_name: AgentNameSchema })
export const AgentVersionParamsSchema = Type.Object({ agent_name: Type.String(), agent_version: Type.String() })
/** Reading or deleting by name: any name (one that cannot exist is simply not found). */
export const AgentLookupParamsSchema = Type.Object({ agent_name: Type.String() })

/** The paging of both lists (F-TSP `CommonPageQueryParameters`), and `kind` on the list of agents. */
export const AgentListQuerySchema = Type.Object({
  kind: Type.Optional(Type.Union([Type.Literal('prompt'), Type.Literal('hosted'), Type.Literal('container_app'), Type.Literal('workflow')])),
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 100 })),
  order: Type.Optional(Type.Union([Type.Literal('asc'), Type.Literal('desc')])),
  after: Type.Optional(Type.String()),
  before: Type.Optional(Type.String()),
  'api-version': Type.Optional(Type.String())
})

/** `DELETE` with `?force=true` (@azure/ai-projects sends it for an agent that still has sessions): accepted, nothing to force. */
export const AgentDeleteQuerySchema = Type.Object({
  force: Type.Optional(Type.Union([Type.Literal('true'), Type.Literal('false')])),
  'api-version': Type.Optional(Type.String())
})

/** A fixture's agent version (`agents` in a fixtures file): the agent's name and the create body; entries of one name make versions 1, 2, … in order. */
export const FixtureAgentVersionSchema = Type.Object({ name: AgentNameSchema, ...versionFields }, { additionalProperties: false })
export type FixtureAgentVersion = Static<typeof FixtureAgentVersionSchema>

/**
 * An OpenAI prompt as a fixture seeds it (`prompts` in a fixtures file; OpenAI's prompts are made in its dashboard and
 * have no create API): `id` (`pmpt_…`), `version` (a string, "1" by default; without one a response gets the highest),
 * and what a response made from it uses: `instructions` with `{{variable}}` placeholders, `variables` (their defaults),
 * and optionally `model`.
 */
export const SeededPromptSchema = Type.Object({
  id: Type.String({ pattern: '^pmpt_[A-Za-z0-9_-]+$' }),
  version: Type.Optional(Type.String({ pattern: '^[0-9]+$' })),
  instructions: Type.String({ maxLength: LIMITS.responseInputText }),
  variables: Type.Optional(Type.Record(Type.String(), Type.String())),
  model: Type.Optional(Type.String({ minLength: 1, maxLength: LIMITS.model }))
}, { additionalProperties: false })
export type SeededPrompt = Static<typeof SeededPromptSchema>
