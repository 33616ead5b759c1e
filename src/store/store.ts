/**
 * The storage seam. Services talk to this interface only; `createMemoryStore` is the one implementation
 * today, and a persistent one can replace it without touching routes or services.
 * Lookups return undefined for a missing id: the caller decides which "No … found" error that is.
 */
import type {
  AgentRecord, AssistantRecord, ConversationItemRecord, ConversationRecord, FileRecord, MessageRecord, ResponseRecord, RunRecord, ThreadRecord,
  VectorStoreFileBatchRecord, VectorStoreFileRecord, VectorStoreRecord
} from './records.js'

export interface Table<T extends { readonly id: string }> {
  get (id: string): T | undefined
  put (row: T): void
  delete (id: string): boolean
  /** Rows in insertion order. */
  list (): T[]
}

/** Rows that live under a parent (messages and runs under a thread), in insertion order per parent. */
export interface ChildTable<T extends { readonly id: string }> {
  get (parentId: string, id: string): T | undefined
  put (parentId: string, row: T): void
  delete (parentId: string, id: string): boolean
  list (parentId: string): T[]
}

/**
 * Deleting a thread also deletes its messages and runs; deleting a vector store, its files and batches; deleting
 * a conversation, its items (the API's delete keeps both: services/conversations.ts).
 */
export interface Store {
  readonly assistants: Table<AssistantRecord>
  readonly threads: Table<ThreadRecord>
  readonly messages: ChildTable<MessageRecord>
  readonly runs: ChildTable<RunRecord>
  readonly files: Table<FileRecord>
  readonly vectorStores: Table<VectorStoreRecord>
  /** Files of a vector store, under the vector store's id. */
  readonly vectorStoreFiles: ChildTable<VectorStoreFileRecord>
  /** File batches of a vector store, under the vector store's id. */
  readonly vectorStoreFileBatches: ChildTable<VectorStoreFileBatchRecord>
  /** Responses (Responses API), per tenant like every other object. */
  readonly responses: Table<ResponseRecord>
  readonly conversations: Table<ConversationRecord>
  /** Items of a conversation, under the conversation's id, in the order they were added. */
  readonly conversationItems: ChildTable<ConversationItemRecord>
  /** Foundry agents (the new, versioned ones), by name, each with its versions. */
  readonly agents: Table<AgentRecord>
  /** What the stored records weigh, in bytes (what `--max-store-bytes` bounds; the inspector shows it). */
  readonly usedBytes: number
}
