/** Threads: creation (with their first messages), lookup, changes and deletion (wire form: presenters/thread.ts). */
import { assertReferencesExist } from '../checks/references.js'
import type { MessageInput } from '../schemas/message.js'
import type { CreateThreadBody, ModifyThreadBody } from '../schemas/thread.js'
import { NO_ITEMS, NO_METADATA, NO_TOOL_RESOURCES, type MessageContentPart, type MessageRecord, type ThreadRecord } from '../store/records.js'
import { found, type ServiceContext } from './context.js'
import type { VectorStoreService } from './vector-stores.js'

function contentParts (content: MessageInput['content']): MessageContentPart[] {
  if (typeof content === 'string') return [{ type: 'text', text: { value: content, annotations: NO_ITEMS } }]
  return content.map((part): MessageContentPart => part.type === 'text'
    ? { type: 'text', text: { value: part.text, annotations: NO_ITEMS } }
    : part.type === 'image_file'
      ? { type: 'image_file', image_file: part.image_file }
      : { type: 'image_url', image_url: part.image_url })
}

/** A message a client posted (on thread creation, as a run's additional message, or directly). */
export function userMessageRecord (input: MessageInput, id: string, threadId: string, createdAt: number): MessageRecord {
  const content = contentParts(input.content)
  return {
    id,
    threadId,
    createdAt,
    role: input.role,
    content,
    assistantId: null,
    runId: null,
    fileIds: input.file_ids ?? NO_ITEMS,
    attachments: input.attachments ?? null,
    metadata: input.metadata ?? NO_METADATA,
    incompleteReason: undefined,
    inProgress: undefined,
    endedAt: undefined
  }
}

function threadRecord (id: string, createdAt: number, body: CreateThreadBody): ThreadRecord {
  return { id, createdAt, activeRunId: null, toolResources: body.tool_resources ?? NO_TOOL_RESOURCES, metadata: body.metadata ?? NO_METADATA }
}

export function createThreadService ({ store, clock, ids }: ServiceContext, { vectorStores }: { vectorStores: VectorStoreService }) {
  const get = (id: string): ThreadRecord => found(store.threads.get(id), 'thread', id)

  return {
    /**
     * Creates a thread with its initial messages, in the order given. The files and vector stores it names
     * must exist; `tool_resources.file_search.vector_stores` creates a vector store. `id` is a fixture's own.
     */
    create (body: CreateThreadBody, id = ids.next('thread')): ThreadRecord {
      assertReferencesExist(store, body)
      const now = clock.now()
      const record = threadRecord(id, now, { ...body, tool_resources: vectorStores.withInlineVectorStores(body.tool_resources) })
      store.threads.put(record)
      for (const input of body.messages ?? []) store.messages.put(id, userMessageRecord(input, ids.next('msg'), id, now))
      return record
    },

    get,

    /** Every thread, oldest first (the Agents flavour lists them). */
    list (): readonly ThreadRecord[] {
      return store.threads.list()
    },

    /** Replaces the metadata and (v2) tool_resources the body names; `null` resets them to `{}`. */
    modify (id: string, body: ModifyThreadBody): ThreadRecord {
      const record = get(id)
      assertReferencesExist(store, body, { inlineVectorStores: false })
      const modified: ThreadRecord = {
        ...record,
        toolResources: body.tool_resources === undefined ? record.toolResources : body.tool_resources ?? {},
        metadata: body.metadata === undefined ? record.metadata : body.metadata ?? {}
      }
      store.threads.put(modified)
      return modified
    },

    /** Removes the thread with everything under it: its messages and its runs (with their steps). */
    delete (id: string): { id: string, object: 'thread.deleted', deleted: true } {
      get(id)
      store.threads.delete(id) // the store removes its messages and runs with it
      return { id, object: 'thread.deleted', deleted: true }
    }
  }
}
export type ThreadService = ReturnType<typeof createThreadService>
