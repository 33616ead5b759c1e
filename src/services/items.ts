/**
 * The tenant's stored items as one index, for what a request's input may refer to (`item_reference`, a reasoning
 * item echoed back): the input and output items of stored responses, and every conversation's items. It also
 * remembers the ids a `store: false` response wrote, which are never stored, so that a later reference to one
 * gets the service's own words for it (errors.ts `itemNotFound`).
 */
import type { ItemContext } from '../responses/items.js'
import { responseStateAt } from '../responses/course.js'
import type { StoredItem } from '../store/records.js'
import type { ServiceContext } from './context.js'

/** Ids of `store: false` responses and their items remembered (the oldest are forgotten first). */
const MAX_UNSTORED_IDS = 10_000

export function createItemService ({ store, clock, ids }: ServiceContext) {
  const unstored = new Set<string>()

  /** A stored item anywhere in the tenant, or undefined. */
  function find (id: string): StoredItem | undefined {
    const now = clock.now()
    for (const record of store.responses.list()) {
      if (!record.store) continue
      const found = record.input.find(item => item.id === id) ?? responseStateAt(record, now).output.find(item => item.id === id)
      if (found !== undefined) return found
    }
    for (const conversation of store.conversations.list()) {
      const row = store.conversationItems.get(conversation.id, id)
      if (row !== undefined) return row.item
    }
    return undefined
  }

  const context: ItemContext = { ids, lookup: find, unstored: id => unstored.has(id) }

  return {
    /** What storing a request's input needs (responses/items.ts `storeInput`). */
    context,

    /** Remembers ids a `store: false` response wrote. */
    rememberUnstored (written: readonly string[]): void {
      for (const id of written) {
        unstored.add(id)
        if (unstored.size > MAX_UNSTORED_IDS) unstored.delete(unstored.values().next().value!)
      }
    }
  }
}
export type ItemService = ReturnType<typeof createItemService>
