/**
 * In-memory Store: Maps keep insertion order, which is creation order, which is what lists page over.
 *
 * Memory stays bounded however long the emulator runs: every stored record is weighed (its size in bytes,
 * at any depth), and when the total passes `maxBytes` the least recently used top-level objects — assistants,
 * threads with their messages and runs, files, vector stores with their files and batches, responses,
 * conversations with their items — are evicted
 * until it fits again. Reading or writing an object (or its children) counts as use; the object being
 * written is never the one evicted.
 *
 * What it costs per object is kept small, since a long test run stores hundreds of thousands: a row's weight
 * is not stored beside it (records are immutable, so a replaced or deleted row is weighed again), use order
 * is a linked list through the roots (a read moves no Map entry), and a parent's children of every kind
 * share one entry.
 */
import type {
  AssistantRecord, ConversationItemRecord, ConversationRecord, FileRecord, MessageRecord, ResponseRecord, RunRecord, ThreadRecord,
  VectorStoreFileBatchRecord, VectorStoreFileRecord, VectorStoreRecord
} from './records.js'
import type { ChildTable, Store, Table } from './store.js'

export interface MemoryStoreOptions {
  /** Bytes of records to keep (as `weigh` counts them); older objects are evicted beyond it. Default: unbounded. */
  readonly maxBytes?: number
  /** Called once per evicted top-level object. */
  readonly onEvict?: (kind: RootKind, id: string) => void
}

export type RootKind = 'assistant' | 'thread' | 'file' | 'vector_store' | 'response' | 'conversation'

/**
 * A record's size in bytes, at any depth: strings count twice their length, Buffers their length, and every
 * value, key and container a little more. The walk uses its own stack (no recursion limit, no depth cut-off)
 * and counts an object reached twice once, so the time is linear in the record's size. A pure function of
 * the value: a record weighed when stored weighs the same when it is replaced or deleted.
 */
export function weigh (value: unknown): number {
  if (typeof value !== 'object' || value === null) return weighOne(value, [], new Set())
  let total = 0
  const seen = new Set<object>()
  const stack: unknown[] = [value]
  while (stack.length > 0) total += weighOne(stack.pop(), stack, seen)
  return total
}

/** One value's own bytes; its members are pushed on `stack`. */
function weighOne (value: unknown, stack: unknown[], seen: Set<object>): number {
  if (typeof value === 'string') return 16 + value.length * 2
  if (value === null || typeof value !== 'object') return 8
  if (seen.has(value)) return 8
  seen.add(value)
  if (Buffer.isBuffer(value)) return 64 + value.length
  let total = 32
  if (Array.isArray(value)) {
    for (const item of value) {
      total += 8
      stack.push(item)
    }
  } else {
    for (const key of Object.keys(value)) {
      total += key.length * 2 + 8
      stack.push((value as Record<string, unknown>)[key])
    }
  }
  return total
}

/** A top-level object's entry: its weight with its children, and its place in the use order. */
interface Root {
  readonly kind: RootKind
  readonly id: string
  /** The root's own key string: re-inserting with the caller's string could keep a request's whole URL alive. */
  readonly key: string
  bytes: number
  /** Neighbours in the use order: `older` toward the next to be evicted. */
  older: Root | undefined
  newer: Root | undefined
}

/**
 * Tracks the weight of every root (with its children) and evicts the least recently used roots past the
 * budget. Roots are keyed by their id alone (ids carry their kind's prefix); only when two kinds share an id
 * (fixtures may choose any ids) does the later one get a `kind:id` key. `evict` deletes a root's rows.
 */
function createLedger (options: MemoryStoreOptions, evict: (kind: RootKind, id: string) => void) {
  const roots = new Map<string, Root>()
  let shared = 0
  let total = 0
  let oldest: Root | undefined
  let newest: Root | undefined
  const keyOf = (kind: RootKind, id: string): string => {
    if (shared > 0 && roots.has(`${kind}:${id}`)) return `${kind}:${id}`
    const root = roots.get(id)
    return root === undefined || root.kind === kind ? id : `${kind}:${id}`
  }
  const unlink = (root: Root) => {
    if (root.older) root.older.newer = root.newer
    else oldest = root.newer
    if (root.newer) root.newer.older = root.older
    else newest = root.older
    root.older = root.newer = undefined
  }
  const linkNewest = (root: Root) => {
    root.older = newest
    root.newer = undefined
    if (newest) newest.newer = root
    else oldest = root
    newest = root
  }
  const forget = (root: Root) => {
    roots.delete(root.key)
    unlink(root)
    total -= root.bytes
    if (root.key !== root.id) shared--
  }
  return {
    /** Adds `delta` bytes to a root (creating its entry), marks it used, then evicts older roots while over budget. */
    add (kind: RootKind, id: string, delta: number) {
      const k = keyOf(kind, id)
      let root = roots.get(k)
      if (root === undefined) {
        root = { kind, id, key: k, bytes: 0, older: undefined, newer: undefined }
        if (k !== id) shared++
        roots.set(k, root)
        linkNewest(root)
      } else if (root !== newest) {
        unlink(root)
        linkNewest(root)
      }
      root.bytes += delta
      total += delta
      const max = options.maxBytes ?? Infinity
      for (;;) {
        const victim = oldest
        if (total <= max || victim === undefined || victim === root) break
        forget(victim)
        evict(victim.kind, victim.id)
        options.onEvict?.(victim.kind, victim.id)
      }
    },
    /** Marks a root as just used: it becomes the last to be evicted. */
    touch (kind: RootKind, id: string) {
      if (newest !== undefined && newest.id === id && newest.kind === kind) return
      const root = roots.get(keyOf(kind, id))
      if (!root) return
      unlink(root)
      linkNewest(root)
    },
    /** Forgets a root that was deleted through the API. */
    remove (kind: RootKind, id: string) {
      const root = roots.get(keyOf(kind, id))
      if (root) forget(root)
    },
    get totalBytes () { return total }
  }
}

type Ledger = ReturnType<typeof createLedger>

function createTable<T extends { readonly id: string }> (kind: RootKind, ledger: Ledger, cascade: (id: string) => void) {
  const rows = new Map<string, T>()
  const remove = (id: string) => {
    cascade(id)
    return rows.delete(id)
  }
  const table: Table<T> = {
    get (id) {
      ledger.touch(kind, id)
      return rows.get(id)
    },
    put (row) {
      const previous = rows.get(row.id)
      rows.set(row.id, row)
      ledger.add(kind, row.id, weigh(row) - (previous ? weigh(previous) : 0))
    },
    delete (id) {
      ledger.remove(kind, id)
      return remove(id)
    },
    list: () => [...rows.values()]
  }
  return { table, evict: remove }
}

/**
 * A parent's rows of one kind, in insertion order. Most parents have a handful (a thread: its messages, its
 * runs), so they are a plain array of exactly that length (copied on insert: a push would reserve 17 slots),
 * searched from the newest end (the rows that are read and replaced most). Past INDEX_FROM rows the array
 * grows by pushes and the table keeps an id index for that parent.
 */
const INDEX_FROM = 32

/** The children of every kind under one parent: one Map entry per parent, a slot per child table. */
type Family = Record<string, ReadonlyArray<{ readonly id: string }> | undefined>

function createChildTable<T extends { readonly id: string }> (parentKind: RootKind, ledger: Ledger,
  families: Map<string, Family>, newFamily: () => Family, slot: string): ChildTable<T> {
  const indexes = new Map<string, Map<string, T>>()
  const rowsOf = (parentId: string) => families.get(parentId)?.[slot] as T[] | undefined
  const find = (parentId: string, rows: readonly T[], id: string): T | undefined => {
    const index = indexes.get(parentId)
    if (index !== undefined) return index.get(id)
    for (let i = rows.length - 1; i >= 0; i--) if (rows[i]!.id === id) return rows[i]
    return undefined
  }
  return {
    get (parentId, id) {
      ledger.touch(parentKind, parentId)
      const rows = rowsOf(parentId)
      return rows === undefined ? undefined : find(parentId, rows, id)
    },
    put (parentId, row) {
      let family = families.get(parentId)
      if (!family) families.set(parentId, family = newFamily())
      const rows = family[slot] as T[] | undefined
      const previous = rows === undefined ? undefined : find(parentId, rows, row.id)
      if (rows === undefined) {
        family[slot] = [row]
      } else if (previous === undefined) {
        // Once indexed, a parent stays indexed (deletes may take it back under INDEX_FROM): every insert is indexed.
        let index = indexes.get(parentId)
        if (index === undefined && rows.length < INDEX_FROM) {
          family[slot] = rows.concat([row])
        } else {
          rows.push(row)
          if (index === undefined) indexes.set(parentId, index = new Map(rows.map(r => [r.id, r])))
          index.set(row.id, row)
        }
      } else {
        rows[rows.lastIndexOf(previous)] = row
        indexes.get(parentId)?.set(row.id, row)
      }
      ledger.add(parentKind, parentId, weigh(row) - (previous ? weigh(previous) : 0))
    },
    delete (parentId, id) {
      const rows = rowsOf(parentId)
      const row = rows === undefined ? undefined : find(parentId, rows, id)
      if (!row) return false
      ledger.add(parentKind, parentId, -weigh(row))
      rows!.splice(rows!.lastIndexOf(row), 1)
      indexes.get(parentId)?.delete(id)
      return true
    },
    list (parentId) {
      ledger.touch(parentKind, parentId)
      return [...(rowsOf(parentId) ?? [])]
    },
    deleteParent (parentId) {
      indexes.delete(parentId)
      const family = families.get(parentId)
      if (family === undefined) return
      family[slot] = undefined
      if (Object.values(family).every(rows => rows === undefined)) families.delete(parentId)
    }
  }
}

export function createMemoryStore (options: MemoryStoreOptions = {}): Store {
  const evictors: Record<RootKind, (id: string) => void> = {
    assistant: id => assistants.evict(id),
    thread: id => threads.evict(id),
    file: id => files.evict(id),
    vector_store: id => vectorStores.evict(id),
    response: id => responses.evict(id),
    conversation: id => conversations.evict(id)
  }
  const ledger = createLedger(options, (kind, id) => evictors[kind](id))
  // One literal per parent kind: every family of that kind has the same shape.
  const threadFamilies = new Map<string, Family>()
  const threadFamily = (): Family => ({ messages: undefined, runs: undefined })
  const messages = createChildTable<MessageRecord>('thread', ledger, threadFamilies, threadFamily, 'messages')
  const runs = createChildTable<RunRecord>('thread', ledger, threadFamilies, threadFamily, 'runs')
  const threads = createTable<ThreadRecord>('thread', ledger, id => {
    messages.deleteParent(id)
    runs.deleteParent(id)
  })
  const vectorStoreFamilies = new Map<string, Family>()
  const vectorStoreFamily = (): Family => ({ files: undefined, batches: undefined })
  const vectorStoreFiles = createChildTable<VectorStoreFileRecord>('vector_store', ledger, vectorStoreFamilies, vectorStoreFamily, 'files')
  const vectorStoreFileBatches = createChildTable<VectorStoreFileBatchRecord>('vector_store', ledger, vectorStoreFamilies, vectorStoreFamily, 'batches')
  const vectorStores = createTable<VectorStoreRecord>('vector_store', ledger, id => {
    vectorStoreFiles.deleteParent(id)
    vectorStoreFileBatches.deleteParent(id)
  })
  const assistants = createTable<AssistantRecord>('assistant', ledger, () => {})
  const files = createTable<FileRecord>('file', ledger, () => {})
  const responses = createTable<ResponseRecord>('response', ledger, () => {})
  const conversationFamilies = new Map<string, Family>()
  const conversationFamily = (): Family => ({ items: undefined })
  const conversationItems = createChildTable<ConversationItemRecord>('conversation', ledger, conversationFamilies, conversationFamily, 'items')
  const conversations = createTable<ConversationRecord>('conversation', ledger, id => conversationItems.deleteParent(id))
  return {
    assistants: assistants.table,
    threads: threads.table,
    messages,
    runs,
    files: files.table,
    vectorStores: vectorStores.table,
    vectorStoreFiles,
    vectorStoreFileBatches,
    get usedBytes () { return ledger.totalBytes },
    responses: responses.table,
    conversations: conversations.table,
    conversationItems
  }
}
