/**
 * Foundry's new agents as the wire shows them (spec/foundry-tsp/agents/models.tsp `AgentObject`,
 * `AgentVersionObject`, `DeleteAgentResponse`, `DeleteAgentVersionResponse`; common/models.tsp
 * `AgentsPagedResult`), in the TypeSpec's field order. `created_at` is in unix seconds (@azure/ai-projects
 * multiplies it by 1000); `metadata` is `{}` when none was given; `description` only when one was.
 */
import { toUnixSeconds } from '../clock.js'
import type { ListPage } from '../pagination.js'
import type { AgentVersionView, AgentView } from '../services/agents.js'

/** An agent version (`AgentVersionObject`): id `name:version`. */
export function presentAgentVersion ({ id, name, version }: AgentVersionView) {
  return {
    metadata: version.metadata,
    object: 'agent.version' as const,
    id,
    name,
    version: version.version,
    ...(version.description === null ? {} : { description: version.description }),
    created_at: toUnixSeconds(version.createdAt),
    definition: version.definition
  }
}

/** An agent (`AgentObject`): its name as its id, and its latest version. */
export function presentAgent (agent: AgentView) {
  return { object: 'agent' as const, id: agent.id, name: agent.id, versions: { latest: presentAgentVersion(agent.latest) } }
}

/**
 * A page as `AgentsPagedResult`: `data`, `first_id` and `last_id` (left out of an empty page: they are optional,
 * not nullable), `has_more`. No `object: "list"`: the TypeSpec has none.
 */
export function presentAgentsPage<T, W> (page: ListPage<T>, present: (item: T) => W) {
  return {
    data: page.data.map(present),
    ...(page.first_id === null ? {} : { first_id: page.first_id }),
    ...(page.last_id === null ? {} : { last_id: page.last_id }),
    has_more: page.has_more
  }
}

/** `DELETE /agents/{name}` (`DeleteAgentResponse`). */
export const presentDeletedAgent = (name: string) => ({ object: 'agent.deleted' as const, name, deleted: true })

/** `DELETE /agents/{name}/versions/{version}` (`DeleteAgentVersionResponse`). */
export const presentDeletedAgentVersion = ({ name, version }: AgentVersionView) =>
  ({ object: 'agent.version.deleted' as const, name, version: version.version, deleted: true })
