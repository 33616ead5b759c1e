/** An assistant's wire form (OpenAI `AssistantObject`; Azure's `Assistant` per generation). */
import type { Generation } from '../api-versions.js'
import { toUnixSeconds } from '../clock.js'
import type { Assistant } from '../schemas/assistant.js'
import type { AssistantRecord } from '../store/records.js'

/**
 * v1 shows `file_ids`; v2 `tool_resources`, `temperature`, `top_p` and `response_format`.
 * One object literal per generation, no spread: on Node 20 `{ ...common, more }` costs microseconds per call
 * (a third of this route's handler time in the GET assistant profile, issue 20).
 */
export function presentAssistant (record: AssistantRecord, generation: Generation): Assistant {
  if (generation === 'v1') {
    return {
      id: record.id,
      object: 'assistant',
      created_at: toUnixSeconds(record.createdAt),
      name: record.name,
      description: record.description,
      model: record.model,
      instructions: record.instructions,
      tools: record.tools.slice(),
      file_ids: record.fileIds.slice(),
      metadata: record.metadata
    }
  }
  return {
    id: record.id,
    object: 'assistant',
    created_at: toUnixSeconds(record.createdAt),
    name: record.name,
    description: record.description,
    model: record.model,
    instructions: record.instructions,
    tools: record.tools.slice(),
    tool_resources: record.toolResources,
    temperature: record.temperature,
    top_p: record.topP,
    response_format: record.responseFormat,
    metadata: record.metadata
  }
}
