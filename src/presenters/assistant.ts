/** An assistant's wire form (OpenAI `AssistantObject`; Azure's `Assistant` per generation). */
import type { Generation } from '../api-versions.js'
import { toUnixSeconds } from '../clock.js'
import type { Assistant } from '../schemas/assistant.js'
import type { AssistantRecord } from '../store/records.js'

/** The fields every generation shows, in the wire's order. */
function head (record: AssistantRecord) {
  return {
    id: record.id,
    object: 'assistant' as const,
    created_at: toUnixSeconds(record.createdAt),
    name: record.name,
    description: record.description,
    model: record.model,
    instructions: record.instructions,
    tools: record.tools.slice()
  }
}

/**
 * v1 shows `file_ids`; v2 `tool_resources`, `temperature`, `top_p` and `response_format`. The generation's fields
 * are added with `Object.assign`, not `{ ...head, more }`: on Node 20 a spread followed by new keys costs
 * microseconds per call (a third of this route's handler time in the GET assistant profile, issue 20).
 */
export function presentAssistant (record: AssistantRecord, generation: Generation): Assistant {
  return generation === 'v1'
    ? Object.assign(head(record), { file_ids: record.fileIds.slice(), metadata: record.metadata })
    : Object.assign(head(record), {
      tool_resources: record.toolResources,
      temperature: record.temperature,
      top_p: record.topP,
      response_format: record.responseFormat,
      metadata: record.metadata
    })
}
