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

/** Tracks the weight of every root (with its children) and evicts the oldest roots past the budget. */
function createLedger (options: MemoryStoreOptions) {
  const roots = new Map<string, { kind: RootKind, id: string, bytes: number, evict: () => void }>()
  const key = (kind: RootKind, id: string) => `${kind}:${id}`
  let total = 0
  return {
    /** Adds `delta` bytes to a root (creating its entry), then evicts older roots while over budget. */
    add (kind: RootKind, id: string, delta: number, evict: () => void) {
      const k = key(kind, id)
      const root = roots.get(k) ?? { kind, id, bytes: 0, evict }
      root.bytes += delta
      total += delta
      roots.delete(k)
      roots.set(k, root)
      const max = options.maxBytes ?? Infinity
      for (const [oldestKey, oldest] of roots) {
        if (total <= max) break
        if (oldestKey === k) continue
        roots.delete(oldestKey)
        total -= oldest.bytes
        oldest.evict()
        options.onEvict?.(oldest.kind, oldest.id)
      }
    },
    /** Marks a root as just used: it becomes the last to be evicted. */
    touch (kind: RootKind, id: string) {
      const k = key(kind, id)
      const root = roots.get(k)
      if (!root) return
      roots.delete(k)
      roots.set(k, root)
    },
    /** Forgets a root that was deleted through the API. */
    remove (kind: RootKind, id: string) {
      const root = roots.get(key(kind, id))
      if (!root) return
      total -= root.bytes
      roots.delete(key(kind, id))
    },
    get totalBytes () { return total }
  }
}

type Ledger = ReturnType<typeof createLedger>

function createTable<T extends { readonly id: string }> (kind: RootKind, ledger: Ledger, cascade: (id: string) => void): Table<T> {
  const rows = new Map<string, T>()
  const remove = (id: string) => {
    cascade(id)
    return rows.delete(id)
  }
  return {
    get (id) {
      ledger.touch(kind, id)
      return rows.get(id)
    },
    put (row) {
      const previous = rows.get(row.id)
      rows.set(row.id, row)
      ledger.add(kind, row.id, weigh(row) - (previous ? weigh(previous) : 0), () => remove(row.id))
    },
    delete (id) {
      ledger.remove(kind, id)
      return remove(id)
    },
    list: () => [...rows.values()]
  }
}

function createChildTable<T extends { readonly id: string }> (parentKind: RootKind, ledger: Ledger,
  evictParent: (parentId: string) => void): ChildTable<T> {
  const byParent = new Map<string, Map<string, T>>()
  return {
    get (parentId, id) {
      ledger.touch(parentKind, parentId)
      return byParent.get(parentId)?.get(id)
    },
    put (parentId, row) {
      let rows = byParent.get(parentId)
      if (!rows) byParent.set(parentId, rows = new Map())
      const previous = rows.get(row.id)
      rows.set(row.id, row)
      ledger.add(parentKind, parentId, weigh(row) - (previous ? weigh(previous) : 0), () => evictParent(parentId))
    },
    delete (parentId, id) {
      const row = byParent.get(parentId)?.get(id)
      if (!row) return false
      ledger.add(parentKind, parentId, -weigh(row), () => evictParent(parentId))
      return byParent.get(parentId)!.delete(id)
    },
    list (parentId) {
      ledger.touch(parentKind, parentId)
      return [...(byParent.get(parentId)?.values() ?? [])]
    },
    deleteParent (parentId) { byParent.delete(parentId) }
  }
}

export function createMemoryStore (options: MemoryStoreOptions = {}): Store {
  const ledger = createLedger(options)
  const messages = createChildTable<MessageRecord>('thread', ledger, id => threads.delete(id))
  const runs = createChildTable<RunRecord>('thread', ledger, id => threads.delete(id))
  const threads: Table<ThreadRecord> = createTable<ThreadRecord>('thread', ledger, id => {
    messages.deleteParent(id)
    runs.deleteParent(id)
  })
  const vectorStoreFiles = createChildTable<VectorStoreFileRecord>('vector_store', ledger, id => vectorStores.delete(id))
  const vectorStoreFileBatches = createChildTable<VectorStoreFileBatchRecord>('vector_store', ledger, id => vectorStores.delete(id))
  const vectorStores: Table<VectorStoreRecord> = createTable<VectorStoreRecord>('vector_store', ledger, id => {
    vectorStoreFiles.deleteParent(id)
    vectorStoreFileBatches.deleteParent(id)
  })
  return {
    assistants: createTable<AssistantRecord>('assistant', ledger, () => {}),
    threads,
    messages,
    runs,
    files: createTable<FileRecord>('file', ledger, () => {}),
    vectorStores,
    vectorStoreFiles,
    vectorStoreFileBatches
  }
}
