/** Assistants: creation, lookup, changes and deletion (their wire form: presenters/assistant.ts). */
import { assertReferencesExist } from '../checks/references.js'
import type { CreateAssistantBody, ModifyAssistantBody } from '../schemas/assistant.js'
import type { AssistantRecord } from '../store/records.js'
import { found, type ServiceContext } from './context.js'
import type { VectorStoreService } from './vector-stores.js'

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

/**
 * The assistant with the fields the body names replaced (metadata and tool lists replace, never merge);
 * `null` resets a field to what creation without it gives.
 */
function modifiedAssistant (record: AssistantRecord, body: ModifyAssistantBody): AssistantRecord {
  // A fresh record from the merged body applies create's defaults to the fields sent as null.
  const given = Object.fromEntries(Object.entries(body).filter(([, value]) => value !== undefined))
  const current: CreateAssistantBody = {
    model: record.model,
    name: record.name,
    description: record.description,
    instructions: record.instructions,
    tools: [...record.tools],
    file_ids: [...record.fileIds],
    tool_resources: record.toolResources as CreateAssistantBody['tool_resources'],
    temperature: record.temperature,
    top_p: record.topP,
    response_format: record.responseFormat as CreateAssistantBody['response_format'],
    metadata: record.metadata
  }
  const modified = assistantRecord({ ...current, ...given }, record.id, record.createdAt)
  return record.fileAttachedAt === undefined ? modified : { ...modified, fileAttachedAt: record.fileAttachedAt }
}

export function createAssistantService ({ store, clock, ids }: ServiceContext, { vectorStores }: { vectorStores: VectorStoreService }) {
  const get = (id: string): AssistantRecord => found(store.assistants.get(id), 'assistant', id)

  return {
    /** Creates an assistant; the files and vector stores it names must exist (`file_search.vector_stores` creates one). */
    create (body: CreateAssistantBody): AssistantRecord {
      assertReferencesExist(store, body)
      const resolved = { ...body, tool_resources: vectorStores.withInlineVectorStores(body.tool_resources) }
      const record = assistantRecord(resolved, ids.next('asst'), clock.now())
      store.assistants.put(record)
      return record
    },

    get,

    /** Every assistant, oldest first (the order lists page over). */
    list (): readonly AssistantRecord[] {
      return store.assistants.list()
    },

    modify (id: string, body: ModifyAssistantBody): AssistantRecord {
      const current = get(id)
      assertReferencesExist(store, body, { inlineVectorStores: false })
      const record = modifiedAssistant(current, body)
      store.assistants.put(record)
      return record
    },

    /** Removes the assistant. Its existing runs keep their copy of what they need and carry on. */
    delete (id: string): { id: string, object: 'assistant.deleted', deleted: true } {
      get(id)
      store.assistants.delete(id)
      return { id, object: 'assistant.deleted', deleted: true }
    }
  }
}
export type AssistantService = ReturnType<typeof createAssistantService>
