/**
 * Responses and conversations as the wire shows them (OpenAI `Response`, `ConversationResource`, …,
 * spec/openai-openapi.yaml): from the stored record and the state derived for one moment
 * (responses/course.ts). Stream events are built by these same functions (responses/events.ts), so a stream and
 * a read at the same point never disagree.
 */
import type { Flavour } from '../api-surface.js'
import { toUnixSeconds } from '../clock.js'
import type { ResponseState } from '../responses/course.js'
import type { ConversationRecord, ResponseRecord } from '../store/records.js'

/** A response as read at one moment: its record and the state derived from it (services/responses.ts). */
export interface ResponseView {
  readonly record: ResponseRecord
  readonly state: ResponseState
}

/**
 * The response object. Every field the service sends, in its order (OA-SPEC examples), the request's echo with
 * defaults filled; `usage` is null until the response has completed or ended incomplete, `completed_at` until it
 * completed (responses-wire.md §12.7). A Foundry project adds `agent_reference` (the agent version that answered,
 * or null; F-TSP `openai-responses/models.tsp`); a response made from an OpenAI prompt shows it as `prompt`.
 */
export function presentResponse ({ record, state }: ResponseView, flavour: Flavour) {
  const response = {
    id: record.id,
    object: 'response' as const,
    created_at: toUnixSeconds(record.createdAt),
    status: state.status,
    background: record.background,
    completed_at: state.completedAt === null ? null : toUnixSeconds(state.completedAt),
    conversation: record.conversationId === null ? null : { id: record.conversationId },
    error: state.error,
    incomplete_details: state.incompleteReason === null ? null : { reason: state.incompleteReason },
    instructions: record.instructions,
    max_output_tokens: record.maxOutputTokens,
    max_tool_calls: record.maxToolCalls,
    model: record.model,
    output: state.output,
    parallel_tool_calls: record.parallelToolCalls,
    previous_response_id: record.previousResponseId,
    prompt_cache_key: record.promptCacheKey,
    reasoning: record.reasoning,
    safety_identifier: record.safetyIdentifier,
    service_tier: record.serviceTier,
    store: record.store,
    temperature: record.temperature,
    text: record.text,
    tool_choice: record.toolChoice,
    tools: record.tools,
    top_logprobs: record.topLogprobs,
    top_p: record.topP,
    truncation: record.truncation,
    usage: state.usage,
    user: record.user,
    metadata: record.metadata
  }
  // Added in place, after `metadata` as before, rather than `{ ...response, prompt }`: a spread followed by more
  // keys is slow on Node 20 (issue 20).
  const wire: typeof response & {
    prompt?: { id: string, variables: Record<string, unknown>, version: string }
    agent_reference?: { type: 'agent_reference', name: string, version: string } | null
  } = response
  const prompt = record.promptReference ?? null
  if (prompt !== null) wire.prompt = { id: prompt.id, variables: prompt.variables, version: prompt.version }
  if (flavour !== 'foundry') return wire
  const agent = record.agentReference ?? null
  wire.agent_reference = agent === null ? null : { type: 'agent_reference', name: agent.name, version: agent.version }
  return wire
}

/** `DELETE /responses/{id}`: OA-SPEC's example body (and Foundry's `DeleteResponseResult`). */
export const presentDeletedResponse = (id: string) => ({ id, object: 'response' as const, deleted: true as const })

/** `POST /responses/input_tokens` (OpenAI `TokenCountsResource`). */
export const presentInputTokens = (inputTokens: number) => ({ object: 'response.input_tokens' as const, input_tokens: inputTokens })

/** A conversation (OpenAI `ConversationResource`). */
export function presentConversation (record: ConversationRecord) {
  return { id: record.id, object: 'conversation' as const, created_at: toUnixSeconds(record.createdAt), metadata: record.metadata }
}

/** `DELETE /conversations/{id}` (OpenAI `DeletedConversationResource`). */
export const presentDeletedConversation = (id: string) => ({ id, object: 'conversation.deleted' as const, deleted: true as const })
