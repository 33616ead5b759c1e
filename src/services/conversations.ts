/**
 * Conversations and their items (OpenAI Conversations API; responses-wire.md §8): create (with up to 20 items),
 * read, update metadata, delete (the record and its items stay, no longer served), and items added, listed,
 * read and deleted. A response created `conversation: …` adds its input and output items once it has ended:
 * `settle`, which every read of a conversation's items and every new response on it calls first, appends the
 * items of the responses that have ended since (in creation order). Idempotent, so no timer is needed.
 */
import { Errors } from '../errors.js'
import { paginate, type ListPage, type PageOptions } from '../pagination.js'
import { isTerminalResponse, responseEndsAt, responseStateAt } from '../responses/course.js'
import { storeInput } from '../responses/items.js'
import type { Metadata } from '../schemas/common.js'
import type { CreateConversationBody, InputItem } from '../schemas/response.js'
import { NO_ITEMS, NO_METADATA, type ConversationItemRecord, type ConversationRecord, type StoredItem } from '../store/records.js'
import type { ServiceContext } from './context.js'
import type { ItemService } from './items.js'

export function createConversationService ({ store, clock, ids }: ServiceContext, { items: itemIndex }: { items: ItemService }) {
  /** A conversation that is served: stored and not deleted. */
  function requireConversation (id: string): ConversationRecord {
    const record = store.conversations.get(id)
    if (record === undefined || record.deleted) throw Errors.conversationNotFound(id)
    return record
  }

  function put (record: ConversationRecord): ConversationRecord {
    store.conversations.put(record)
    return record
  }

  const itemRecord = (conversationId: string, item: StoredItem, responseId: string | null, createdAt: number): ConversationItemRecord =>
    ({ id: item.id, conversationId, createdAt, responseId, item })

  /** Appends the items of the conversation's pending responses that have ended, in creation order. Idempotent. */
  function settle (record: ConversationRecord): ConversationRecord {
    if (record.pendingResponseIds.length === 0) return record
    const now = clock.now()
    const pending = [...record.pendingResponseIds]
    while (pending.length > 0) {
      const response = store.responses.get(pending[0]!)
      if (response !== undefined) {
        const state = responseStateAt(response, now)
        if (!isTerminalResponse(state.status)) break
        const endedAt = responseEndsAt(response)
        const present = new Set(store.conversationItems.list(record.id).map(item => item.id))
        for (const item of [...response.input, ...state.output]) {
          if (!present.has(item.id)) store.conversationItems.put(record.id, itemRecord(record.id, item, response.id, endedAt))
        }
      }
      pending.shift()
    }
    return put({ ...record, pendingResponseIds: pending })
  }

  return {
    /** Settles the conversation with this id, deleted or not, if it exists (a response on it has ended). */
    settleById (id: string): void {
      const record = store.conversations.get(id)
      if (record !== undefined) settle(record)
    },

    create (body: CreateConversationBody): ConversationRecord {
      const items = storeInput(body.items ?? undefined, itemIndex.context, NO_ITEMS, 'items')
      const now = clock.now()
      const record = put({ id: ids.next('conv'), createdAt: now, metadata: body.metadata ?? NO_METADATA, deleted: false, pendingResponseIds: NO_ITEMS })
      for (const item of items) store.conversationItems.put(record.id, itemRecord(record.id, item, null, now))
      return record
    },

    get: requireConversation,

    update (id: string, metadata: Metadata | null): ConversationRecord {
      return put({ ...requireConversation(id), metadata: metadata ?? NO_METADATA })
    },

    /** Deletes the conversation as the API sees it; its record and items stay (responses-wire.md §8). */
    delete (id: string): string {
      const record = requireConversation(id)
      put({ ...record, deleted: true })
      return record.id
    },

    /** The conversation's items, settled, oldest first. */
    items (id: string): StoredItem[] {
      const record = settle(requireConversation(id))
      return store.conversationItems.list(record.id).map(row => row.item)
    },

    /** The responses that added the conversation's items (oldest first), for a new response's context. */
    responseIdsOf (id: string): string[] {
      return [...new Set(store.conversationItems.list(id).flatMap(row => row.responseId === null ? [] : [row.responseId]))]
    },

    addItems (id: string, items: readonly InputItem[]): StoredItem[] {
      const record = settle(requireConversation(id))
      const existing = store.conversationItems.list(record.id).map(row => row.item)
      const added = storeInput(items, itemIndex.context, existing, 'items')
      const now = clock.now()
      for (const item of added) store.conversationItems.put(record.id, itemRecord(record.id, item, null, now))
      return added
    },

    listItems (id: string, query: PageOptions): ListPage<StoredItem> {
      const record = settle(requireConversation(id))
      const page = paginate(store.conversationItems.list(record.id), query)
      return { ...page, data: page.data.map(row => row.item) }
    },

    getItem (id: string, itemId: string): StoredItem {
      const record = settle(requireConversation(id))
      const row = store.conversationItems.get(record.id, itemId)
      if (row === undefined) throw Errors.itemNotFound(itemId)
      return row.item
    },

    /** Deletes one item; answers the conversation (OA-SPEC `deleteConversationItem`). */
    deleteItem (id: string, itemId: string): ConversationRecord {
      const record = settle(requireConversation(id))
      if (!store.conversationItems.delete(record.id, itemId)) throw Errors.itemNotFound(itemId)
      return record
    },

    /** Registers a response whose items the conversation gains when it ends. */
    addPending (id: string, responseId: string): void {
      const record = store.conversations.get(id)
      if (record !== undefined) put({ ...record, pendingResponseIds: [...record.pendingResponseIds, responseId] })
    },

    /** Foundry's list of conversations (F-TSP `listConversations`); no agents yet, so an agent filter matches none. */
    list (query: { agent_name?: string, agent_id?: string }): ConversationRecord[] {
      if (query.agent_name !== undefined || query.agent_id !== undefined) return []
      return store.conversations.list().filter(record => !record.deleted)
    }
  }
}
export type ConversationService = ReturnType<typeof createConversationService>
