/** An assistant's wire form (OpenAI `AssistantObject`; Azure's `Assistant` per generation). */
import type { Generation } from '../api-versions.js'
import { toUnixSeconds } from '../clock.js'
import type { Assistant } from '../schemas/assistant.js'
import type { AssistantRecord } from '../store/records.js'

/** v1 shows `file_ids`; v2 `tool_resources`, `temperature`, `top_p` and `response_format`. */
export function presentAssistant (record: AssistantRecord, generation: Generation): Assistant {
  const common = {
    id: record.id,
    object: 'assistant' as const,
    created_at: toUnixSeconds(record.createdAt),
    name: record.name,
    description: record.description,
    model: record.model,
    instructions: record.instructions,
    tools: [...record.tools]
  }
  return generation === 'v1'
    ? { ...common, file_ids: [...record.fileIds], metadata: record.metadata }
    : {
        ...common,
        tool_resources: record.toolResources,
        temperature: record.temperature,
        top_p: record.topP,
        response_format: record.responseFormat,
        metadata: record.metadata
      }
}
