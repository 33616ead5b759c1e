/**
 * In-memory Store: Maps keep insertion order, which is creation order, which is what lists page over.
 *
 * Memory stays bounded however long the emulator runs: every stored record is weighed (what V8 holds for it,
 * in bytes, at any depth: `weigh`), and when the total of every store on one budget (`createStoreBudget`: the emulator has one
 * over all its tenants) passes its bytes the least recently used top-level objects of any of those stores — assistants,
 * threads with their messages and runs, files, vector stores with their files and batches, responses,
 * conversations with their items, Foundry agents with their versions — are evicted
 * until it fits again. Reading or writing an object (or its children) counts as use; the object being
 * written is never the one evicted.
 *
 * What it costs per object is kept small, since a long test run stores hundreds of thousands: a row's weight
 * is not stored beside it (records are immutable, so a replaced or deleted row is weighed again), use order
 * is a linked list through the roots (a read moves no Map entry), and a top-level object's row, children of
 * every kind, weight and place in that list are one object under one Map entry.
 */
import type {
  AgentRecord, AssistantRecord, ConversationItemRecord, ConversationRecord, FileRecord, MessageRecord, ResponseRecord, RunRecord, ThreadRecord,
  VectorStoreFileBatchRecord, VectorStoreFileRecord, VectorStoreRecord
} from './records.js'
import { RECORD_SCHEMAS } from './records.js'
import type { ChildTable, Store, Table } from './store.js'

export interface MemoryStoreOptions {
  /**
   * The budget the store's objects count against, shared with other stores (one per tenant: runtime.ts). Absent:
   * the store has a budget of its own, of `maxBytes`.
   */
  readonly budget?: StoreBudget
  /** Without `budget`: bytes of records to keep (as `weigh` counts them); older objects are evicted beyond it. Default: unbounded. */
  readonly maxBytes?: number
  /** Without `budget`: called once per evicted top-level object. */
  readonly onEvict?: (kind: RootKind, id: string) => void
}

/** The kinds of top-level objects, which are what is weighed and evicted (each with its children). */
export const ROOT_KINDS = ['assistant', 'thread', 'file', 'vector_store', 'response', 'conversation', 'agent'] as const
export type RootKind = typeof ROOT_KINDS[number]

/** An object the budget evicted, as `StoreBudget.recent` lists it. */
interface EvictedObject {
  readonly kind: RootKind
  readonly id: string
  /** What it weighed with its children, in bytes (as `weigh` counts them). */
  readonly bytes: number
}

/** What a budget has evicted since it was made: objects per kind, and their bytes. */
interface EvictionCounts {
  readonly objects: number
  readonly bytes: number
  readonly byKind: Readonly<Record<RootKind, number>>
}

/**
 * One budget of bytes over any number of stores (`--max-store-bytes` over every tenant's store): the least
 * recently used top-level object of any of them is evicted first, and what was evicted is counted.
 */
export interface StoreBudget {
  /** The budget in bytes (Infinity: unbounded). */
  readonly maxBytes: number
  /** What the objects of every store on this budget weigh now, in bytes. */
  readonly usedBytes: number
  /** Everything evicted so far (counts only grow; a reset of the emulator does not clear them). */
  readonly evicted: EvictionCounts
  /** The last evicted objects (at most RECENT_EVICTIONS), oldest first. */
  recent (): EvictedObject[]
  /**
   * Brings a store made by `createMemoryStore` (on its own budget) under this one: its objects count here from
   * now on, as the most recently used, and older objects of any store are evicted while over budget.
   */
  adopt (store: Store): void
  /** Takes a store's objects out of this budget (a tenant dropped by reset or state import); the store stays usable, unbounded. */
  release (store: Store): void
}

/** How many evicted objects `StoreBudget.recent` remembers. */
const RECENT_EVICTIONS = 32

/**
 * What V8 (64-bit Node, no pointer compression) spends on the parts of a record, in bytes: a tagged slot; a plain
 * object's header (map, properties, elements); an array's (the JSArray with its length, and its backing store's
 * map and length); a sequential string's (map, hash, length); a boxed number; a Buffer's objects besides its
 * bytes (the Uint8Array, its ArrayBuffer and the backing store's bookkeeping). Checked against the live heap by
 * test/store/calibration.test.ts.
 */
const SLOT = 8
const OBJECT_HEADER = 24
const ARRAY_HEADER = 48
const STRING_HEADER = 16
const HEAP_NUMBER = 16
const BUFFER_HEADER = 160
/** Past this many properties V8 keeps an object as a dictionary: about three slots a property instead of one. */
const DICTIONARY_FROM = 128
const DICTIONARY_SLOTS = 3

/**
 * The store's own bookkeeping, weighed with the objects it serves: a top-level object's `Root` (eight fields) and
 * its entry in its table's Map (three slots, its share of the buckets and of the room a Map keeps to grow); a
 * parent's first child of a kind adds an array, and every child a slot in it.
 */
const ROOT_BYTES = OBJECT_HEADER + 8 * SLOT + 6 * SLOT

/** Characters that make a string two-byte (UTF-16) in V8; a string without any is one byte per character. */
const TWO_BYTE = /[\u0100-\uffff]/

/** What a string holds in V8: its header and one or two bytes a character, rounded up to a slot. */
function stringBytes (text: string): number {
  return Math.ceil((STRING_HEADER + (isOneByte(text) ? 1 : 2) * text.length) / SLOT) * SLOT
}

/** Whether V8 can keep `text` one byte a character; short strings (ids, most values) are checked without the regex. */
function isOneByte (text: string): boolean {
  if (text.length > 64) return !TWO_BYTE.test(text)
  for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) > 0xff) return false
  return true
}

/**
 * Keys that name a record's field (every property name of the record schemas, at any depth): V8 interns them once
 * and every record shares them, so they cost their slot alone. Any other key (metadata, a tool's parameters) is
 * the client's data and is weighed as a string too.
 */
const FIELD_NAMES: ReadonlySet<string> = new Set(RECORD_SCHEMAS.flatMap(schema => namesIn(schema, 'keys')))

/**
 * The values the record schemas fix (`role: 'user'`, `type: 'text'`, `kind: 'message'`) and the API's `auto`: the
 * services write them from literals V8 interned once, so a field holding one costs its slot alone. They are short
 * (at most 32 characters here), so nothing large can hide here either.
 */
const LITERALS: ReadonlySet<string> = new Set([...RECORD_SCHEMAS.flatMap(schema => namesIn(schema, 'literals')), 'auto'].filter(text => text.length <= 32))

/** Property names (`keys`) or string constants (`literals`) of a schema, at any depth. */
function namesIn (schema: unknown, what: 'keys' | 'literals'): string[] {
  if (typeof schema !== 'object' || schema === null) return []
  const own = schema as { properties?: Record<string, unknown>, anyOf?: unknown[], items?: unknown, patternProperties?: Record<string, unknown>, const?: unknown }
  const members = [...Object.values(own.properties ?? {}), ...own.anyOf ?? [], own.items, ...Object.values(own.patternProperties ?? {})]
  const here = what === 'keys' ? Object.keys(own.properties ?? {}) : typeof own.const === 'string' ? [own.const] : []
  return [...here, ...members.flatMap(member => namesIn(member, what))]
}

/**
 * Fields that hold another record's id (the thread a message is on, the run that wrote it): the services store
 * that record's own string there, so the field costs its slot and the string is weighed with the record it names.
 * Ids are at most 256 characters (records.ts `Id`), so nothing large can hide here.
 */
const REFERENCE_FIELDS: ReadonlySet<string> = new Set(['threadId', 'runId', 'assistantId', 'messageId', 'vectorStoreId', 'conversationId', 'responseId'])

/**
 * The walk's own stack and the objects it has reached, reused by every call (a walk never calls out). A record
 * is a tree of a few dozen objects and a few KB, so the walk only starts noting the objects it reaches once it has
 * met `NOTE_FROM` of them or counted `NOTE_BYTES`: a value built to be reached many times (or a cycle) then counts
 * at most twice (once before the noting began), and a record of the usual size pays no Set.
 */
const pending: unknown[] = []
const reached = new Set<object>()
const NOTE_FROM = 256
const NOTE_BYTES = 16_384
let met = 0

/**
 * What a record holds in V8's heap, in bytes, at any depth: strings by `stringBytes`, numbers that are not small
 * integers as boxes, objects and arrays by their headers and slots (and client keys as strings), Buffers by their
 * length and headers. Shared values are weighed once or not at all: an object reached again in a large record counts at most twice (`NOTE_FROM`), a frozen
 * one (records.ts NO_ITEMS, the services' frozen defaults) is shared by every record and counts nothing, nor does
 * the string of a field naming another record (`REFERENCE_FIELDS`). The walk uses its own stack (no recursion
 * limit, no depth cut-off), so the time is linear in the record's size. A pure function of the value: a record
 * weighed when stored weighs the same when it is replaced or deleted.
 */
export function weigh (value: unknown): number {
  if (typeof value !== 'object' || value === null) return leafBytes(value)
  let total = 0
  pending.push(value)
  while (pending.length > 0) {
    total += weighOne(pending.pop())
    if (total > NOTE_BYTES && met <= NOTE_FROM) met = NOTE_FROM + 1
  }
  if (met > NOTE_FROM) reached.clear()
  met = 0
  return total
}

/** A string's, number's or other primitive's own bytes beyond the slot that holds it; -1 for an object. */
function leafBytes (value: unknown): number {
  switch (typeof value) {
    case 'string': return LITERALS.has(value) ? 0 : stringBytes(value)
    case 'number': return (value | 0) === value ? 0 : HEAP_NUMBER
    case 'object': return value === null ? 0 : -1
    default: return 0
  }
}

/**
 * One value's own bytes beyond the slot that holds it, with the strings and numbers it holds (leaves are counted
 * at once, so a large string counts toward `NOTE_BYTES` as soon as its holder is reached); the objects it holds
 * are pushed on `pending`.
 */
function weighOne (value: unknown): number {
  const leaf = leafBytes(value)
  if (leaf >= 0) return leaf
  const container = value as object
  if (Object.isFrozen(container)) return 0
  if (++met > NOTE_FROM) {
    if (reached.has(container)) return 0
    reached.add(container)
  }
  if (Array.isArray(container)) {
    let total = container.length === 0 ? ARRAY_HEADER - 16 : ARRAY_HEADER + container.length * SLOT
    for (let i = 0; i < container.length; i++) {
      const bytes = leafBytes(container[i])
      if (bytes >= 0) total += bytes
      else pending.push(container[i])
    }
    return total
  }
  if (Buffer.isBuffer(container)) return BUFFER_HEADER + container.length
  let total = OBJECT_HEADER
  let count = 0
  const object = container as Record<string, unknown>
  for (const key in object) {
    count++
    if (!FIELD_NAMES.has(key)) total += stringBytes(key)
    const member = object[key]
    if (typeof member === 'string' && member.length <= 256 && REFERENCE_FIELDS.has(key)) continue
    const bytes = leafBytes(member)
    if (bytes >= 0) total += bytes
    else pending.push(member)
  }
  return total + count * (count > DICTIONARY_FROM ? DICTIONARY_SLOTS * SLOT : SLOT)
}

/** A row as the store holds it: records carry their id. */
type Row = { readonly id: string }

/**
 * A top-level object's entry in its table: the row, its children (one slot per child table of its kind: a
 * thread's messages and runs, a vector store's files and batches, a conversation's items), its weight with them,
 * and its place in its budget's use order. One object and one Map entry per top-level object hold all of it.
 */
interface Root {
  readonly table: TableState
  /** The stored row's own id string: re-inserting with the caller's string could keep a request's whole URL alive. */
  readonly id: string
  /** The row; undefined while only children were stored under this id (a child table used without its parent row). */
  row: Row | undefined
  first: Row[] | undefined
  second: Row[] | undefined
  bytes: number
  /** Neighbours in the use order: `older` toward the next to be evicted. */
  older: Root | undefined
  newer: Root | undefined
}

/** One table of top-level objects: its kind, its roots by id (in insertion order), and the book it counts in. */
interface TableState {
  readonly kind: RootKind
  readonly roots: Map<string, Root>
  readonly book: Book
  /** Drops what the child tables keep beside a root (their id indexes) when it is evicted or deleted. */
  readonly dropped: Array<(id: string) => void>
}

/** A budget's state: the use order of every root of every store on it, and their total. */
interface Ledger {
  readonly max: number
  readonly onEvict: ((kind: RootKind, id: string) => void) | undefined
  total: number
  oldest: Root | undefined
  newest: Root | undefined
  objects: number
  bytes: number
  readonly byKind: Record<RootKind, number>
  /** A ring of the last evictions; `next` is where the next one goes. */
  readonly recent: EvictedObject[]
  next: number
}

function newLedger (max: number, onEvict?: (kind: RootKind, id: string) => void): Ledger {
  const byKind = Object.fromEntries(ROOT_KINDS.map(kind => [kind, 0])) as Record<RootKind, number>
  return { max, onEvict, total: 0, oldest: undefined, newest: undefined, objects: 0, bytes: 0, byKind, recent: [], next: 0 }
}

function unlink (ledger: Ledger, root: Root): void {
  if (root.older) root.older.newer = root.newer
  else ledger.oldest = root.newer
  if (root.newer) root.newer.older = root.older
  else ledger.newest = root.older
  root.older = root.newer = undefined
}

function linkNewest (ledger: Ledger, root: Root): void {
  root.older = ledger.newest
  root.newer = undefined
  if (ledger.newest) ledger.newest.newer = root
  else ledger.oldest = root
  ledger.newest = root
}

/** Evicts the least recently used roots (of any store on the ledger) while over budget, never `keep`. */
function evictOver (ledger: Ledger, keep: Root | undefined): void {
  for (;;) {
    const victim = ledger.oldest
    if (ledger.total <= ledger.max || victim === undefined || victim === keep) return
    const kind = victim.table.kind
    victim.table.book.forget(victim)
    ledger.objects++
    ledger.bytes += victim.bytes
    ledger.byKind[kind]++
    const entry: EvictedObject = { kind, id: victim.id, bytes: victim.bytes }
    if (ledger.recent.length < RECENT_EVICTIONS) ledger.recent.push(entry)
    else ledger.recent[ledger.next] = entry
    ledger.next = (ledger.next + 1) % RECENT_EVICTIONS
    ledger.onEvict?.(kind, victim.id)
  }
}

/**
 * One store's part of a ledger: what its roots weigh, and the ledger (budget) they count in, which may be shared
 * with other stores' books. Roots of different kinds may share an id (fixtures may choose any ids): each table
 * has its own Map.
 */
class Book {
  /** What this store's roots weigh (its part of the ledger's total). */
  bytes = 0
  ledger: Ledger
  constructor (ledger: Ledger) {
    this.ledger = ledger
  }

  /** Drops a root, with its row and children, from its table and its ledger. */
  forget (root: Root): void {
    root.table.roots.delete(root.id)
    for (const drop of root.table.dropped) drop(root.id)
    unlink(this.ledger, root)
    this.ledger.total -= root.bytes
    this.bytes -= root.bytes
  }

  /** The root of `id` in `table`, created (as the most recently used, weighing its bookkeeping) if absent. */
  rootOf (table: TableState, id: string): Root {
    let root = table.roots.get(id)
    if (root === undefined) {
      root = { table, id, row: undefined, first: undefined, second: undefined, bytes: 0, older: undefined, newer: undefined }
      table.roots.set(id, root)
      linkNewest(this.ledger, root)
      this.add(root, ROOT_BYTES)
    }
    return root
  }

  /** Adds `delta` bytes to a root, marks it used, then evicts older roots while over budget. */
  add (root: Root, delta: number): void {
    const ledger = this.ledger
    this.touch(root)
    root.bytes += delta
    this.bytes += delta
    ledger.total += delta
    if (ledger.total > ledger.max) evictOver(ledger, root)
  }

  /** Marks a root as just used: it becomes the last to be evicted. */
  touch (root: Root): void {
    const ledger = this.ledger
    if (root === ledger.newest) return
    unlink(ledger, root)
    linkNewest(ledger, root)
  }

  /** Moves every root, in its use order, onto `ledger` as its most recently used. */
  moveTo (ledger: Ledger): void {
    if (ledger === this.ledger) return
    const from = this.ledger
    for (let root = from.oldest; root !== undefined;) {
      const next = root.newer
      if (root.table.book === this) {
        unlink(from, root)
        from.total -= root.bytes
        linkNewest(ledger, root)
        ledger.total += root.bytes
      }
      root = next
    }
    this.ledger = ledger
  }
}

/** Each memory store's book, for `StoreBudget.adopt` and `release`. */
const books = new WeakMap<Store, Book>()

function bookOf (store: Store): Book {
  const book = books.get(store)
  if (book === undefined) throw new Error('not a store made by createMemoryStore')
  return book
}

/** A budget of `maxBytes` (default unbounded) for the stores it adopts; `onEvict` hears of each evicted object. */
export function createStoreBudget (options: { readonly maxBytes?: number, readonly onEvict?: (kind: RootKind, id: string) => void } = {}): StoreBudget {
  const ledger = newLedger(options.maxBytes ?? Infinity, options.onEvict)
  return {
    maxBytes: ledger.max,
    get usedBytes () { return ledger.total },
    get evicted () { return { objects: ledger.objects, bytes: ledger.bytes, byKind: { ...ledger.byKind } } },
    recent: () => [...ledger.recent.slice(ledger.next), ...ledger.recent.slice(0, ledger.next)],
    adopt (store) {
      const book = bookOf(store)
      book.moveTo(ledger)
      evictOver(ledger, undefined)
    },
    release (store) {
      const book = bookOf(store)
      if (book.ledger === ledger) book.moveTo(newLedger(Infinity))
    }
  }
}

function createTable<T extends Row> (kind: RootKind, book: Book): { table: Table<T>, state: TableState } {
  const state: TableState = { kind, roots: new Map(), book, dropped: [] }
  const { roots } = state
  const table: Table<T> = {
    get (id) {
      const root = roots.get(id)
      if (root === undefined) return undefined
      book.touch(root)
      return root.row as T | undefined
    },
    put (row) {
      const root = book.rootOf(state, row.id)
      const previous = root.row
      root.row = row
      book.add(root, weigh(row) - (previous === undefined ? 0 : weigh(previous)))
    },
    delete (id) {
      const root = roots.get(id)
      if (root === undefined) return false
      book.forget(root)
      return root.row !== undefined
    },
    list () {
      const rows: T[] = []
      for (const root of roots.values()) if (root.row !== undefined) rows.push(root.row as T)
      return rows
    }
  }
  return { table, state }
}

/**
 * A parent's rows of one kind, in insertion order, in its root's slot. Most parents have a handful (a thread: its
 * messages, its runs), so they are a plain array of exactly that length (copied on insert: a push would reserve 17
 * slots), searched from the newest end (the rows that are read and replaced most). Past INDEX_FROM rows the array
 * grows by pushes and the table keeps an id index for that parent.
 */
const INDEX_FROM = 32

function createChildTable<T extends Row> (parent: TableState, slot: 'first' | 'second'): ChildTable<T> {
  const { roots, book } = parent
  const indexes = new Map<string, Map<string, T>>()
  parent.dropped.push(id => { if (indexes.size > 0) indexes.delete(id) })
  const find = (parentId: string, rows: readonly T[], id: string): T | undefined => {
    if (indexes.size > 0) {
      const index = indexes.get(parentId)
      if (index !== undefined) return index.get(id)
    }
    for (let i = rows.length - 1; i >= 0; i--) if (rows[i]!.id === id) return rows[i]
    return undefined
  }
  return {
    get (parentId, id) {
      const root = roots.get(parentId)
      if (root === undefined) return undefined
      book.touch(root)
      const rows = root[slot] as T[] | undefined
      return rows === undefined ? undefined : find(parentId, rows, id)
    },
    put (parentId, row) {
      const root = book.rootOf(parent, parentId)
      const rows = root[slot] as T[] | undefined
      const previous = rows === undefined ? undefined : find(parentId, rows, row.id)
      let bookkeeping = 0
      if (rows === undefined) {
        root[slot] = [row]
        bookkeeping = ARRAY_HEADER + SLOT
      } else if (previous === undefined) {
        bookkeeping = SLOT
        // Once indexed, a parent stays indexed (deletes may take it back under INDEX_FROM): every insert is indexed.
        let index = indexes.size > 0 ? indexes.get(parentId) : undefined
        if (index === undefined && rows.length < INDEX_FROM) {
          root[slot] = rows.concat([row])
        } else {
          rows.push(row)
          if (index === undefined) indexes.set(parentId, index = new Map(rows.map(r => [r.id, r])))
          index.set(row.id, row)
        }
      } else {
        rows[rows.lastIndexOf(previous)] = row
        indexes.get(parentId)?.set(row.id, row)
      }
      book.add(root, weigh(row) - (previous === undefined ? 0 : weigh(previous)) + bookkeeping)
    },
    delete (parentId, id) {
      const root = roots.get(parentId)
      const rows = root?.[slot] as T[] | undefined
      const row = rows === undefined ? undefined : find(parentId, rows, id)
      if (row === undefined) return false
      rows!.splice(rows!.lastIndexOf(row), 1)
      indexes.get(parentId)?.delete(id)
      book.add(root!, -weigh(row) - SLOT)
      return true
    },
    list (parentId) {
      const root = roots.get(parentId)
      if (root === undefined) return []
      book.touch(root)
      return [...(root[slot] ?? []) as T[]]
    }
  }
}

export function createMemoryStore (options: MemoryStoreOptions = {}): Store {
  const book = new Book(newLedger(options.maxBytes ?? Infinity, options.onEvict))
  const threads = createTable<ThreadRecord>('thread', book)
  const vectorStores = createTable<VectorStoreRecord>('vector_store', book)
  const conversations = createTable<ConversationRecord>('conversation', book)
  const store: Store = {
    assistants: createTable<AssistantRecord>('assistant', book).table,
    threads: threads.table,
    messages: createChildTable<MessageRecord>(threads.state, 'first'),
    runs: createChildTable<RunRecord>(threads.state, 'second'),
    files: createTable<FileRecord>('file', book).table,
    vectorStores: vectorStores.table,
    vectorStoreFiles: createChildTable<VectorStoreFileRecord>(vectorStores.state, 'first'),
    vectorStoreFileBatches: createChildTable<VectorStoreFileBatchRecord>(vectorStores.state, 'second'),
    responses: createTable<ResponseRecord>('response', book).table,
    conversations: conversations.table,
    conversationItems: createChildTable<ConversationItemRecord>(conversations.state, 'first'),
    agents: createTable<AgentRecord>('agent', book).table,
    get usedBytes () { return book.bytes }
  }
  books.set(store, book)
  options.budget?.adopt(store)
  return store
}
