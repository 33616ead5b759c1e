/**
 * The contract of Foundry's new agents (`/api/projects/{project}/agents…`, api-version `v1`), derived by hand from
 * the TypeSpec copies in spec/foundry-tsp/ (no OpenAPI document of it is copied: spec/SOURCES.md), as OpenAPI 3.0
 * schemas added to OpenAI's current document, whose `Tool`, `Reasoning`, `ToolChoiceParam` and
 * `TextResponseFormatConfiguration` the TypeSpec reuses (`OpenAI.*`). Each schema names the model it comes from.
 *
 * - `agents/routes.tsp`: the operations (paths, methods, the 200 answer of each); the container, manifest and
 *   create/update-by-name operations are listed with the reason they are not served (AGENTS_NOT_SERVED).
 * - `agents/models.tsp`: `AgentObject`, `AgentVersionObject`, `PromptAgentDefinition` (closed, as every object
 *   here), `DeleteAgentResponse`, `DeleteAgentVersionResponse`. The preview kinds (`hosted`, `workflow`,
 *   `container_app`) are kept as sent by the emulator, so their definitions stay open (`kind` checked only).
 * - `common/models.tsp`: `AgentsPagedResult` (data, first_id?, last_id?, has_more) and `MetadataPropertyForResponse`
 *   (`metadata` required, a map or null).
 */
import type { DocumentPatch, RawSchema } from './exceptions.js'

const ref = (name: string): RawSchema => ({ $ref: `#/components/schemas/${name}` })
const nullable = (schema: RawSchema): RawSchema => ({ ...schema, nullable: true })

/** F-TSP models, as OpenAPI 3.0 schemas (names prefixed `Foundry` so none shadows one of OpenAI's). */
const SCHEMAS: Record<string, RawSchema> = {
  FoundryPromptAgentDefinition: {
    type: 'object',
    properties: {
      kind: { type: 'string', enum: ['prompt'] },
      rai_config: { type: 'object', properties: { rai_policy_name: { type: 'string' } }, required: ['rai_policy_name'] },
      model: { type: 'string' },
      instructions: nullable({ type: 'string' }),
      temperature: nullable({ type: 'number', minimum: 0, maximum: 2 }),
      top_p: nullable({ type: 'number', minimum: 0, maximum: 1 }),
      reasoning: nullable(ref('Reasoning')),
      tools: { type: 'array', items: ref('Tool') },
      tool_choice: { anyOf: [{ type: 'string' }, ref('ToolChoiceParam')] },
      text: { type: 'object', properties: { format: ref('TextResponseFormatConfiguration') } },
      structured_inputs: { type: 'object', additionalProperties: true }
    },
    required: ['kind', 'model']
  },
  /** `HostedAgentDefinition`, `WorkflowAgentDefinition`, `ContainerAppAgentDefinition`: kept as sent (open). */
  FoundryPreviewAgentDefinition: {
    type: 'object',
    properties: { kind: { type: 'string', enum: ['hosted', 'workflow', 'container_app'] } },
    required: ['kind'],
    additionalProperties: true
  },
  FoundryAgentDefinition: { anyOf: [ref('FoundryPromptAgentDefinition'), ref('FoundryPreviewAgentDefinition')] },
  FoundryAgentVersionObject: {
    type: 'object',
    properties: {
      metadata: nullable({ type: 'object', additionalProperties: { type: 'string' } }),
      object: { type: 'string', enum: ['agent.version'] },
      id: { type: 'string' },
      name: { type: 'string', maxLength: 256 },
      version: { type: 'string' },
      description: { type: 'string', maxLength: 512 },
      created_at: { type: 'integer' },
      definition: ref('FoundryAgentDefinition')
    },
    required: ['metadata', 'object', 'id', 'name', 'version', 'created_at', 'definition']
  },
  FoundryAgentObject: {
    type: 'object',
    properties: {
      object: { type: 'string', enum: ['agent'] },
      id: { type: 'string' },
      name: { type: 'string', maxLength: 63 },
      versions: { type: 'object', properties: { latest: ref('FoundryAgentVersionObject') }, required: ['latest'] }
    },
    required: ['object', 'id', 'name', 'versions']
  },
  FoundryDeleteAgentResponse: {
    type: 'object',
    properties: { object: { type: 'string', enum: ['agent.deleted'] }, name: { type: 'string' }, deleted: { type: 'boolean' } },
    required: ['object', 'name', 'deleted']
  },
  FoundryDeleteAgentVersionResponse: {
    type: 'object',
    properties: {
      object: { type: 'string', enum: ['agent.version.deleted'] },
      name: { type: 'string' },
      version: { type: 'string' },
      deleted: { type: 'boolean' }
    },
    required: ['object', 'name', 'version', 'deleted']
  }
}

/** `AgentsPagedResult<T>` (common/models.tsp). */
const paged = (item: string): RawSchema => ({
  type: 'object',
  properties: { data: { type: 'array', items: ref(item) }, first_id: { type: 'string' }, last_id: { type: 'string' }, has_more: { type: 'boolean' } },
  required: ['data', 'has_more']
})

const ok = (schema: RawSchema) => ({ responses: { 200: { description: 'OK', content: { 'application/json': { schema } } } } })
/** An operation the emulator does not serve: declared, with no answer to check. */
const declared = { responses: {} }

/** The operations of `agents/routes.tsp`, by path and method. */
const PATHS: Record<string, Record<string, unknown>> = {
  '/agents': { get: ok(paged('FoundryAgentObject')), post: declared },
  '/agents:import': { post: declared },
  '/agents/{agent_name}': { get: ok(ref('FoundryAgentObject')), post: declared, delete: ok(ref('FoundryDeleteAgentResponse')) },
  '/agents/{agent_name}/import': { post: declared },
  '/agents/{agent_name}/versions': { get: ok(paged('FoundryAgentVersionObject')), post: ok(ref('FoundryAgentVersionObject')) },
  '/agents/{agent_name}/versions:import': { post: declared },
  '/agents/{agent_name}/versions/{agent_version}': {
    get: ok(ref('FoundryAgentVersionObject')),
    delete: ok(ref('FoundryDeleteAgentVersionResponse'))
  },
  '/agents/{agent_name}/versions/{agent_version}/containers/default': { get: declared },
  '/agents/{agent_name}/versions/{agent_version}/containers/default:start': { post: declared },
  '/agents/{agent_name}/versions/{agent_version}/containers/default:update': { post: declared },
  '/agents/{agent_name}/versions/{agent_version}/containers/default:stop': { post: declared },
  '/agents/{agent_name}/versions/{agent_version}/containers/default:delete': { post: declared },
  '/agents/{agent_name}/versions/{agent_version}/containers/default:logstream': { post: declared },
  '/agents/{agent_name}/versions/{agent_version}/containers/default/operations': { get: declared },
  '/agents/{agent_name}/operations': { get: declared },
  '/agents/{agent_name}/operations/{operation_id}': { get: declared }
}

/** Operations of agents/routes.tsp the emulator does not serve, and why (the endpoint matrix shows them). */
export const AGENTS_NOT_SERVED: ReadonlyArray<{ method: string, path: string, reason: string }> = [
  { method: 'POST', path: '/agents', reason: 'an agent is made by its first version (`POST /agents/{agent_name}/versions`, what the SDKs call)' },
  { method: 'POST', path: '/agents/{agent_name}', reason: 'update-by-definition: use a new version' },
  ...['/agents:import', '/agents/{agent_name}/import', '/agents/{agent_name}/versions:import']
    .map(path => ({ method: 'POST', path, reason: 'manifests are not emulated' })),
  ...Object.keys(PATHS).filter(path => path.includes('/containers/') || path.includes('/operations'))
    .flatMap(path => Object.keys(PATHS[path]!).map(method => ({ method: method.toUpperCase(), path, reason: 'hosted agents\' containers are not emulated' })))
]

/** Adds the agents' operations and models to the document `foundry-agents-v1` (OpenAI's current document). */
export const FOUNDRY_AGENTS_PATCH: DocumentPatch = {
  name: 'foundry-agents-operations',
  docs: ['foundry-agents-v1'],
  reason: 'No OpenAPI document of Foundry\'s agents is copied (spec/SOURCES.md); its operations and models are ' +
    'derived from spec/foundry-tsp/agents/routes.tsp and models.tsp (common/models.tsp for the paged result) onto ' +
    'OpenAI\'s current document, whose Tool, Reasoning, ToolChoiceParam and TextResponseFormatConfiguration they reuse.',
  apply: (defs, doc) => {
    for (const [name, schema] of Object.entries(SCHEMAS)) {
      if (defs[name] !== undefined) throw new Error(`spec exception: ${name} already exists; rename it`)
      defs[name] = schema
    }
    const paths = (doc.raw as { paths: Record<string, unknown> }).paths
    for (const [path, item] of Object.entries(PATHS)) {
      if (paths[path] !== undefined) throw new Error(`spec exception: ${path} already exists`)
      paths[path] = item
    }
  }
}
