/**
 * In-memory Store: Maps keep insertion order, which is creation order, which is what lists page over.
 *
 * Memory stays bounded however long the emulator runs: every stored record is weighed (its size in bytes,
 * at any depth), and when the total passes `maxBytes` the least recently used top-level objects — assistants,
 * threads with their messages and runs, files, vector stores with their files and batches — are evicted
 * until it fits again. Reading or writing an object (or its children) counts as use; the object being
 * written is never the one evicted.
 */
import type {
  AssistantRecord, FileRecord, MessageRecord, RunRecord, ThreadRecord, VectorStoreFileBatchRecord, VectorStoreFileRecord,
  VectorStoreRecord
} from './records.js'
import type { ChildTable, Store, Table } from './store.js'

export interface MemoryStoreOptions {
  /** Bytes of records to keep (as `weigh` counts them); older objects are evicted beyond it. Default: unbounded. */
  readonly maxBytes?: number
  /** Called once per evicted top-level object. */
  readonly onEvict?: (kind: RootKind, id: string) => void
}

export type RootKind = 'assistant' | 'thread' | 'file' | 'vector_store'

const weights = new WeakMap<object, number>()

/**
 * A record's size in bytes, at any depth: strings count twice their length, Buffers their length, and every
 * value, key and container a little more. The walk uses its own stack (no recursion limit, no depth cut-off)
 * and counts an object reached twice once, so the time is linear in the record's size. Records are
 * immutable values, so each one's weight is computed once.
 */
export function weigh (value: unknown): number {
  if (typeof value !== 'object' || value === null) return weighOne(value, [], new Set())
  let total = weights.get(value)
  if (total !== undefined) return total
  total = 0
  const seen = new Set<object>()
  const stack: unknown[] = [value]
  while (stack.length > 0) total += weighOne(stack.pop(), stack, seen)
  weights.set(value, total)
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

interface Root {
  readonly kind: RootKind
  readonly id: string
  /** The root's own key string: re-inserting with the caller's string could keep a request's whole URL alive. */
  readonly key: string
  bytes: number
}

/**
 * Tracks the weight of every root (with its children) and evicts the oldest roots past the budget.
 * Roots are keyed by their id alone (ids carry their kind's prefix); only when two kinds share an id
 * (fixtures may choose any ids) does the later one get a `kind:id` key. `evict` deletes a root's rows.
 */
function createLedger (options: MemoryStoreOptions, evict: (kind: RootKind, id: string) => void) {
  const roots = new Map<string, Root>()
  let shared = 0
  const keyOf = (kind: RootKind, id: string): string => {
    if (shared > 0 && roots.has(`${kind}:${id}`)) return `${kind}:${id}`
    const root = roots.get(id)
    return root === undefined || root.kind === kind ? id : `${kind}:${id}`
  }
  let total = 0
  /** The most recently used root: using it again changes no order (one request uses its thread many times). */
  let newest: Root | undefined
  const forget = (key: string, root: Root) => {
    roots.delete(key)
    total -= root.bytes
    if (key !== root.id) shared--
    if (root === newest) newest = undefined
  }
  return {
    /** Adds `delta` bytes to a root (creating its entry), then evicts older roots while over budget. */
    add (kind: RootKind, id: string, delta: number) {
      const k = keyOf(kind, id)
      let root = roots.get(k)
      if (root === undefined) {
        root = { kind, id, key: k, bytes: 0 }
        if (k !== id) shared++
      } else {
        roots.delete(k)
      }
      root.bytes += delta
      total += delta
      roots.set(root.key, root)
      newest = root
      const max = options.maxBytes ?? Infinity
      for (const [oldestKey, oldest] of roots) {
        if (total <= max) break
        if (oldestKey === k) continue
        forget(oldestKey, oldest)
        evict(oldest.kind, oldest.id)
        options.onEvict?.(oldest.kind, oldest.id)
      }
    },
    /** Marks a root as just used: it becomes the last to be evicted. */
    touch (kind: RootKind, id: string) {
      if (newest !== undefined && newest.id === id && newest.kind === kind) return
      const k = keyOf(kind, id)
      const root = roots.get(k)
      if (!root) return
      // An id taken from a route parameter is a slice of the request's URL: the map keeps the root's own key.
      roots.delete(k)
      roots.set(root.key, root)
      newest = root
    },
    /** Forgets a root that was deleted through the API. */
    remove (kind: RootKind, id: string) {
      const k = keyOf(kind, id)
      const root = roots.get(k)
      if (root) forget(k, root)
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
 * A parent's rows, in insertion order. Most parents have a handful (a thread: its messages, its runs), so
 * they are a plain array, searched from the newest end (the rows that are read and replaced most); past
 * INDEX_FROM rows an id index is added. An array of one row costs about 40 bytes, a Map about 250.
 */
const INDEX_FROM = 32
interface Rows<T> {
  readonly list: T[]
  index?: Map<string, T>
}

function findIn<T extends { readonly id: string }> (rows: Rows<T>, id: string): T | undefined {
  if (rows.index !== undefined) return rows.index.get(id)
  for (let i = rows.list.length - 1; i >= 0; i--) if (rows.list[i]!.id === id) return rows.list[i]
  return undefined
}

function createChildTable<T extends { readonly id: string }> (parentKind: RootKind, ledger: Ledger): ChildTable<T> {
  const byParent = new Map<string, Rows<T>>()
  return {
    get (parentId, id) {
      ledger.touch(parentKind, parentId)
      const rows = byParent.get(parentId)
      return rows === undefined ? undefined : findIn(rows, id)
    },
    put (parentId, row) {
      let rows = byParent.get(parentId)
      if (!rows) byParent.set(parentId, rows = { list: [] })
      const previous = findIn(rows, row.id)
      if (previous === undefined) {
        rows.list.push(row)
        if (rows.index !== undefined) rows.index.set(row.id, row)
        else if (rows.list.length > INDEX_FROM) rows.index = new Map(rows.list.map(r => [r.id, r]))
      } else {
        rows.list[rows.list.lastIndexOf(previous)] = row
        rows.index?.set(row.id, row)
      }
      ledger.add(parentKind, parentId, weigh(row) - (previous ? weigh(previous) : 0))
    },
    delete (parentId, id) {
      const rows = byParent.get(parentId)
      const row = rows === undefined ? undefined : findIn(rows, id)
      if (!row) return false
      ledger.add(parentKind, parentId, -weigh(row))
      rows!.list.splice(rows!.list.lastIndexOf(row), 1)
      rows!.index?.delete(id)
      return true
    },
    list (parentId) {
      ledger.touch(parentKind, parentId)
      return [...(byParent.get(parentId)?.list ?? [])]
    },
    deleteParent (parentId) { byParent.delete(parentId) }
  }
}

export function createMemoryStore (options: MemoryStoreOptions = {}): Store {
  const evictors: Record<RootKind, (id: string) => void> = {
    assistant: id => assistants.evict(id),
    thread: id => threads.evict(id),
    file: id => files.evict(id),
    vector_store: id => vectorStores.evict(id)
  }
  const ledger = createLedger(options, (kind, id) => evictors[kind](id))
  const messages = createChildTable<MessageRecord>('thread', ledger)
  const runs = createChildTable<RunRecord>('thread', ledger)
  const threads = createTable<ThreadRecord>('thread', ledger, id => {
    messages.deleteParent(id)
    runs.deleteParent(id)
  })
  const vectorStoreFiles = createChildTable<VectorStoreFileRecord>('vector_store', ledger)
  const vectorStoreFileBatches = createChildTable<VectorStoreFileBatchRecord>('vector_store', ledger)
  const vectorStores = createTable<VectorStoreRecord>('vector_store', ledger, id => {
    vectorStoreFiles.deleteParent(id)
    vectorStoreFileBatches.deleteParent(id)
  })
  const assistants = createTable<AssistantRecord>('assistant', ledger, () => {})
  const files = createTable<FileRecord>('file', ledger, () => {})
  return {
    assistants: assistants.table,
    threads: threads.table,
    messages,
    runs,
    files: files.table,
    vectorStores: vectorStores.table,
    vectorStoreFiles,
    vectorStoreFileBatches
  }
}
