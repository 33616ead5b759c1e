/** Threads and the messages they hold: creation, lookup, changes, deletion and their wire forms. */
import type { Generation } from '../api-versions.js'
import { toUnixSeconds } from '../clock.js'
import { Errors } from '../errors.js'
import { newId } from '../ids.js'
import type { Message, MessageInput } from '../schemas/message.js'
import type { CreateThreadBody, ModifyThreadBody, Thread } from '../schemas/thread.js'
import { NO_ITEMS, NO_METADATA, NO_TOOL_RESOURCES, type MessageContentPart, type MessageRecord, type ThreadRecord } from '../store/records.js'
import { knownTokens } from '../runs/reply.js'
import type { ServiceContext } from './context.js'
import { assertReferencesExist } from './files.js'
import { withInlineVectorStores } from './vector-stores.js'

function contentParts (content: MessageInput['content']): MessageContentPart[] {
  if (typeof content === 'string') return [{ type: 'text', text: { value: content, annotations: NO_ITEMS } }]
  return content.map((part): MessageContentPart => part.type === 'text'
    ? { type: 'text', text: { value: part.text, annotations: NO_ITEMS } }
    : part.type === 'image_file'
      ? { type: 'image_file', image_file: part.image_file }
      : { type: 'image_url', image_url: part.image_url })
}

/** A message a client posted (on thread creation, as a run's additional message, or directly). */
export function userMessageRecord (input: MessageInput, threadId: string, createdAt: number, id = newId('msg')): MessageRecord {
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
    endedAt: undefined,
    tokens: knownTokens(content)
  }
}

export function threadRecord (id: string, createdAt: number, body: CreateThreadBody): ThreadRecord {
  return { id, createdAt, activeRunId: null, toolResources: body.tool_resources ?? NO_TOOL_RESOURCES, metadata: body.metadata ?? NO_METADATA }
}

export function presentThread (record: ThreadRecord, generation: Generation): Thread {
  return generation === 'v1'
    ? { id: record.id, object: 'thread', created_at: toUnixSeconds(record.createdAt), metadata: record.metadata }
    : { id: record.id, object: 'thread', created_at: toUnixSeconds(record.createdAt), tool_resources: record.toolResources, metadata: record.metadata }
}

export function presentMessage (record: MessageRecord, generation: Generation): Message {
  const status = record.inProgress === true ? 'in_progress' : record.incompleteReason === undefined ? 'completed' : 'incomplete'
  const endedAt = record.endedAt ?? record.createdAt
  // Whole literals, no spreads: this runs for every message of every list page.
  const message: Message = {
    id: record.id,
    object: 'thread.message',
    created_at: toUnixSeconds(record.createdAt),
    thread_id: record.threadId,
    status,
    incomplete_details: record.incompleteReason === undefined ? null : { reason: record.incompleteReason },
    completed_at: status === 'completed' ? toUnixSeconds(endedAt) : null,
    incomplete_at: status === 'incomplete' ? toUnixSeconds(endedAt) : null,
    role: record.role,
    content: record.content as Message['content'],
    assistant_id: record.assistantId,
    run_id: record.runId,
    file_ids: undefined,
    attachments: undefined,
    metadata: record.metadata
  }
  if (generation === 'v1') message.file_ids = record.fileIds as string[]
  else message.attachments = (record.attachments ?? NO_ITEMS) as Message['attachments']
  return message
}

export function createThreadService (context: ServiceContext) {
  const { store, clock } = context

  function get (id: string): ThreadRecord {
    const record = store.threads.get(id)
    if (!record) throw Errors.notFound('thread', id)
    return record
  }

  return {
    /**
     * Creates a thread with its initial messages, in the order given. The files and vector stores it names
     * must exist; `tool_resources.file_search.vector_stores` creates a vector store.
     */
    create (body: CreateThreadBody, id = newId('thread')): ThreadRecord {
      assertReferencesExist(store, body)
      const now = clock.now()
      const record = threadRecord(id, now, { ...body, tool_resources: withInlineVectorStores(context, body.tool_resources) })
      store.threads.put(record)
      for (const input of body.messages ?? []) store.messages.put(id, userMessageRecord(input, id, now))
      return record
    },

    get,

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
