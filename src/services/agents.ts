/**
 * Foundry's new agents (`/api/projects/{project}/agents…`, api-version `v1`; spec/foundry-tsp/agents/,
 * responses-wire.md §11): named agents made of immutable, numbered versions (`name:1`, `name:2`, …), and what a
 * response made with one of them — or with an OpenAI prompt — uses (`resolveRequest`, the one place where a
 * response's model, instructions and tools come from an `agent_reference` or a `prompt`).
 *
 * Versions are numbered per agent from 1 and a number is never given twice while the agent exists (deleting
 * the newest version does not free its number); deleting an agent's last version deletes the agent. Kinds
 * other than `prompt` are preview features: creating one needs its opt-in header (`Foundry-Features:
 * HostedAgents=V1Preview`, …; the older `Foundry-Beta: HostedAgents=v1` form is accepted too), as the service
 * asks on `v1` (Azure/azure-dev#8442). Lists page as the service's (F-TSP `CommonPageQueryParameters`: limit
 * 1–100, default 20; `order` by creation, default `desc` as OpenAI's lists; `after`/`before` by id).
 */
import type { Flavour } from '../api-surface.js'
import { Errors } from '../errors.js'
import { paginate, type ListPage, type PageOptions } from '../pagination.js'
import type { CreateAgentVersionBody, PromptAgentDefinition } from '../schemas/agent.js'
import type { CreateResponseBody } from '../schemas/response.js'
import { NO_METADATA, type AgentRecord, type AgentVersion } from '../store/records.js'
import type { ServiceContext } from './context.js'

/** One version of an agent as reads show it: the version and the agent's name (its wire id is `name:version`). */
export interface AgentVersionView {
  readonly id: string
  readonly name: string
  readonly version: AgentVersion
}

/** An agent as reads show it: its name and its newest version. */
export interface AgentView {
  readonly id: string
  readonly latest: AgentVersionView
}

/** The preview kinds, each with how the service names it and the opt-in it asks for (F-TSP `FoundryPreviewOptInKeys`). */
const PREVIEW_KINDS: Readonly<Record<string, { feature: string, optIn: string, older: string }>> = {
  hosted: { feature: 'Hosted agents', optIn: 'HostedAgents=V1Preview', older: 'HostedAgents=v1' },
  workflow: { feature: 'Workflow agents', optIn: 'WorkflowAgents=V1Preview', older: 'WorkflowAgents=v1' },
  container_app: { feature: 'Container agents', optIn: 'ContainerAgents=V1Preview', older: 'ContainerAgents=v1' }
}

/** What a response is made with once its agent or prompt is applied (services/responses.ts). */
export interface ResolvedRequest {
  /** The body with the agent's or the prompt's model, instructions and tools in place; `model` is always set. */
  readonly body: CreateResponseBody & { readonly model: string }
  readonly agentReference: { readonly name: string, readonly version: string } | null
  readonly promptReference: { readonly id: string, readonly version: string, readonly variables: Readonly<Record<string, unknown>> } | null
}

/** What a request may not set when it names an agent: the agent defines them (microsoft/agent-framework#6657). */
const SET_BY_AGENT = ['instructions', 'tools', 'tool_choice', 'parallel_tool_calls', 'prompt'] as const

/** `{{name}}` placeholders filled from `values`; unknown ones stay as written (as scenario templates do). */
function fill (template: string, values: Readonly<Record<string, unknown>>): string {
  return template.replace(/\{\{\s*([A-Za-z0-9_.-]+)\s*\}\}/g, (whole, name: string) => {
    const value = values[name]
    if (value === undefined) return whole
    if (typeof value === 'string') return value
    if (typeof value === 'object' && value !== null && typeof (value as { text?: unknown }).text === 'string') return (value as { text: string }).text
    return JSON.stringify(value)
  })
}

/**
 * A prompt definition as kept: its function tools with `parameters` and `strict` present (null when not given), as
 * OpenAI's `FunctionTool`, which the definition's `tools` are (F-TSP `OpenAI.Tool[]`), requires them.
 */
function withToolDefaults (definition: CreateAgentVersionBody['definition']): CreateAgentVersionBody['definition'] {
  if (definition.kind !== 'prompt' || definition.tools === undefined) return definition
  const tools = definition.tools.map(tool => tool.type === 'function' ? { ...tool, parameters: tool.parameters ?? null, strict: tool.strict ?? null } : tool)
  return { ...definition, tools }
}

const versionView = (agent: AgentRecord, version: AgentVersion): AgentVersionView =>
  ({ id: `${agent.id}:${version.version}`, name: agent.id, version })

export function createAgentService ({ store, clock, prompts }: ServiceContext) {
  function requireAgent (name: string): AgentRecord {
    const agent = store.agents.get(name)
    if (agent === undefined || agent.versions.length === 0) throw Errors.agentNotFound(name)
    return agent
  }

  function requireVersion (name: string, version: string): AgentVersionView {
    const agent = requireAgent(name)
    const found = agent.versions.find(v => v.version === version)
    if (found === undefined) throw Errors.agentVersionNotFound(name, version)
    return versionView(agent, found)
  }

  const latestOf = (agent: AgentRecord): AgentView => ({ id: agent.id, latest: versionView(agent, agent.versions.at(-1)!) })

  /** The opt-in a preview kind needs, from `Foundry-Features` (or the older `Foundry-Beta`): comma-separated `Name=V1Preview`. */
  function checkPreview (kind: string, features: string | undefined): void {
    const preview = PREVIEW_KINDS[kind]
    if (preview === undefined) return
    const given = (features ?? '').split(',').map(value => value.trim().toLowerCase())
    if (!given.includes(preview.optIn.toLowerCase()) && !given.includes(preview.older.toLowerCase())) {
      throw Errors.previewFeatureRequired(preview.feature, preview.optIn)
    }
  }

  /**
   * Adds a version to `name` (making the agent when it has none); `features` is the request's opt-in header(s), or
   * `'seeded'` for a fixture's version (fixtures need no opt-in).
   */
  function addVersion (name: string, body: CreateAgentVersionBody, features: string | undefined): AgentVersionView {
    if (features !== 'seeded') checkPreview(body.definition.kind, features)
    const existing = store.agents.get(name)
    const number = (existing?.versionCount ?? 0) + 1
    const version: AgentVersion = {
      version: String(number),
      createdAt: clock.now(),
      description: body.description ?? null,
      metadata: body.metadata ?? NO_METADATA,
      definition: withToolDefaults(body.definition)
    }
    const agent: AgentRecord = { id: name, versionCount: number, versions: [...existing?.versions ?? [], version] }
    store.agents.put(agent)
    return versionView(agent, version)
  }

  /** The version an `agent_reference` names: the given one, or the agent's latest. */
  function resolve (reference: { name: string, version?: string | undefined }): AgentVersionView {
    if (reference.version !== undefined && reference.version !== '') return requireVersion(reference.name, reference.version)
    return latestOf(requireAgent(reference.name)).latest
  }

  /** The seeded prompt `id` at `version` (absent: its highest version). */
  function seededPrompt (id: string, version: string | null) {
    const versions = prompts.filter(prompt => prompt.id === id)
    const chosen = version === null
      ? versions.reduce<typeof versions[number] | undefined>((best, p) => best === undefined || Number(p.version ?? '1') > Number(best.version ?? '1') ? p : best, undefined)
      : versions.find(prompt => (prompt.version ?? '1') === version)
    if (chosen === undefined) throw Errors.promptNotFound(id, version)
    return chosen
  }

  return {
    createVersion: addVersion,

    get: (name: string): AgentView => latestOf(requireAgent(name)),

    getVersion: requireVersion,

    /** The project's agents, each with its latest version; `kind` filters by the latest version's kind. */
    list (query: PageOptions & { kind?: string | undefined }): ListPage<AgentView> {
      const agents = store.agents.list().filter(agent => agent.versions.length > 0 &&
        (query.kind === undefined || agent.versions.at(-1)!.definition.kind === query.kind))
      // Creation order of an agent is its first remaining version's.
      agents.sort((a, b) => a.versions[0]!.createdAt - b.versions[0]!.createdAt)
      return paginate(agents.map(latestOf), query)
    },

    listVersions (name: string, query: PageOptions): ListPage<AgentVersionView> {
      const agent = requireAgent(name)
      return paginate(agent.versions.map(version => versionView(agent, version)), query)
    },

    /** Deletes one version; the agent goes with its last one. */
    deleteVersion (name: string, version: string): AgentVersionView {
      const deleted = requireVersion(name, version)
      const agent = requireAgent(name)
      const versions = agent.versions.filter(v => v.version !== version)
      if (versions.length === 0) store.agents.delete(name)
      else store.agents.put({ ...agent, versions })
      return deleted
    },

    /** Deletes the agent and every version. */
    delete (name: string): string {
      requireAgent(name)
      store.agents.delete(name)
      return name
    },

    /**
     * The body a response is made from, its agent or prompt applied (the one place this happens):
     * - `agent_reference` (or the older `agent`; Foundry's door only, elsewhere `unknown_parameter` as for any field
     *   the API lacks): the version named, or the agent's latest; unknown → 404. A prompt agent's model,
     *   instructions (its `{{name}}` placeholders filled from `structured_inputs`, then the definition's defaults)
     *   and tools are the response's; its `temperature`, `top_p`, `reasoning` and `text` apply where the request
     *   leaves them out. The request may not set what the agent defines (`Not allowed when agent is specified.`).
     *   The other kinds run no model here: they answer through the scenarios alone, as the request's model (or
     *   their definition's, or else the agent's name).
     * - `prompt`: a seeded prompt (fixtures), its instructions' `{{variable}}` placeholders filled from
     *   `variables`, then its defaults; the request's own `instructions` and `model` win.
     * Then `model` is required, as the schema asks when there is neither.
     */
    resolveRequest (body: CreateResponseBody, flavour: Flavour): ResolvedRequest {
      if (flavour !== 'foundry') {
        for (const key of ['agent_reference', 'agent', 'structured_inputs'] as const) if (body[key] !== undefined) throw Errors.unknownParameter(key)
      }
      const reference = body.agent_reference ?? body.agent
      let effective: CreateResponseBody = body
      let agentReference: ResolvedRequest['agentReference'] = null
      let promptReference: ResolvedRequest['promptReference'] = null
      if (reference !== undefined) {
        for (const key of SET_BY_AGENT) if (body[key] !== undefined && body[key] !== null) throw Errors.notAllowedWithAgent(key)
        const { name, version } = resolve(reference)
        agentReference = { name, version: version.version }
        if (version.definition.kind === 'prompt') {
          const definition = version.definition as PromptAgentDefinition
          const defaults = Object.fromEntries(Object.entries(definition.structured_inputs ?? {}).flatMap(([key, input]) => {
            const value = (input as { default_value?: unknown } | null)?.default_value
            return value === undefined ? [] : [[key, value]]
          }))
          const inputs = { ...defaults, ...body.structured_inputs }
          effective = {
            ...body,
            model: definition.model,
            ...(definition.instructions === undefined || definition.instructions === null ? {} : { instructions: fill(definition.instructions, inputs) }),
            ...(definition.tools === undefined ? {} : { tools: definition.tools }),
            ...(definition.tool_choice === undefined ? {} : { tool_choice: definition.tool_choice }),
            temperature: body.temperature ?? definition.temperature ?? undefined,
            top_p: body.top_p ?? definition.top_p ?? undefined,
            reasoning: body.reasoning ?? definition.reasoning ?? undefined,
            text: body.text ?? definition.text
          }
        } else {
          const model = (version.definition as { model?: unknown }).model
          effective = { ...body, model: body.model ?? (typeof model === 'string' ? model : name) }
        }
      } else if (body.prompt !== undefined && body.prompt !== null) {
        const seeded = seededPrompt(body.prompt.id, body.prompt.version ?? null)
        const variables = body.prompt.variables ?? {}
        promptReference = { id: seeded.id, version: seeded.version ?? '1', variables }
        effective = {
          ...body,
          model: body.model ?? seeded.model,
          instructions: body.instructions ?? fill(seeded.instructions, { ...seeded.variables, ...variables })
        }
      }
      const { model } = effective
      if (model === undefined) throw Errors.missingParameter('model')
      return { body: { ...effective, model }, agentReference, promptReference }
    }
  }
}
export type AgentService = ReturnType<typeof createAgentService>
