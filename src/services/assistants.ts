/** Assistants: creation, lookup and their wire form. */
import type { Generation } from '../api-versions.js'
import { toUnixSeconds } from '../clock.js'
import { Errors } from '../errors.js'
import { newId } from '../ids.js'
import type { Assistant, CreateAssistantBody } from '../schemas/assistant.js'
import type { AssistantRecord } from '../store/records.js'
import type { ServiceContext } from './context.js'

export function assistantRecord (body: CreateAssistantBody, id: string, createdAt: number): AssistantRecord {
  return {
    id,
    createdAt,
    name: body.name ?? null,
    description: body.description ?? null,
    model: body.model,
    instructions: body.instructions ?? null,
    tools: body.tools ?? [],
    fileIds: body.file_ids ?? [],
    toolResources: body.tool_resources ?? {},
    temperature: body.temperature ?? 1,
    topP: body.top_p ?? 1,
    responseFormat: body.response_format ?? 'auto',
    metadata: body.metadata ?? {}
  }
}

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

export function createAssistantService ({ store, clock }: ServiceContext) {
  return {
    create (body: CreateAssistantBody): AssistantRecord {
      const record = assistantRecord(body, newId('asst'), clock.now())
      store.assistants.put(record)
      return record
    },

    get (id: string): AssistantRecord {
      const record = store.assistants.get(id)
      if (!record) throw Errors.notFound('assistant', id)
      return record
    }
  }
}
export type AssistantService = ReturnType<typeof createAssistantService>
