/**
 * A resource kind the inspector lists and shows (threads, assistants, files, vector stores, the Responses API's
 * responses and conversations, the requests journal): where its objects come from, how a list
 * row and an object's view look, and what it can be searched by. `listView` and `detailView` do the rest the
 * same way for every kind: search, filters, cursor pages over thousands of objects (only the page's rows are
 * built), tenants. The kinds are read-only but for what any read of a thread or of a conversation's items does:
 * settling its run (services/runs.ts), adding the items of the responses on it that have ended
 * (services/conversations.ts), so that the inspector shows what a client reading it now would see.
 */
import type { Clock } from '../clock.js'
import { isManualClock } from '../clock.js'
import type { Runtime } from '../runtime.js'
import type { Tenant } from '../control/tenants.js'
import { Errors } from '../errors.js'
import { paginate } from '../pagination.js'
import { earliest, type Column, type DetailBody, type DetailView, type Filter, type ListView, type Ref, type Row } from './view.js'

/** What a kind reads: every tenant, the control plane, and the time the view is read at. */
export interface InspectorContext {
  readonly runtime: Runtime
  readonly tenants: readonly Tenant[]
  /** The emulator's time for this view (epoch ms): every derived status is taken at it. */
  readonly now: number
}

/** One object of a kind: `key` is unique across tenants (the list's cursor), `tenant` null for the journal. */
export interface Item<T> {
  readonly key: string
  readonly id: string
  readonly createdAt: number
  readonly tenant: Tenant | null
  readonly value: T
}

/** A view's query string: the list's `q`, `after`, `before`, `limit`, `tenant`, filters and section pages. */
export type ViewQuery = Readonly<Record<string, string | number | undefined>>

export interface InspectorKind<T> {
  /** Its path segment (`threads`, `vector_stores`) and key. */
  readonly name: string
  /** Its name in the navigation and as the list's heading. */
  readonly title: string
  /** One object's name in messages (`No thread found with id …`). */
  readonly noun: string
  /** The search box's label: what `q` is matched against. */
  readonly searchLabel: string
  readonly filters?: readonly Filter[]
  readonly columns: readonly Column[]
  /** Every object, oldest first. Cheap per object: rows are built for one page only. */
  items (context: InspectorContext): readonly Item<T>[]
  /** How many objects there are (the navigation shows it with every view). */
  count (context: InspectorContext): number
  /** The strings `q` is looked for in (case-insensitive substring). */
  searchText (value: T, context: InspectorContext): readonly string[]
  /** Whether an object passes the filters (the values given, '' for all); absent: every object does. */
  passes? (value: T, filters: Readonly<Record<string, string>>): boolean
  row (item: Item<T>, context: InspectorContext): Row
  /** The object's view, or undefined when no tenant has it. */
  /** May be asynchronous: a vector store's search yields to other requests while it scores (services/vector-store-search.ts). */
  detail (context: InspectorContext, id: string, query: ViewQuery): DetailBody | undefined | Promise<DetailBody | undefined>
  /** Views of an object's children by path segment (a thread's `runs`). */
  readonly children?: Readonly<Record<string, ChildKind>>
  /**
   * What of this kind is in flight (runs, background responses: not in a terminal status), for the overview:
   * rows with the cells of IN_FLIGHT_COLUMNS, each with its creation time (the overview lists the newest).
   */
  inFlight? (context: InspectorContext): ReadonlyArray<{ readonly at: number, readonly row: Row }>
}

/** The overview's table of objects in flight, whatever their kind. */
export const IN_FLIGHT_COLUMNS: readonly Column[] = [
  { key: 'id', label: 'Object' },
  { key: 'parent', label: 'In' },
  { key: 'status', label: 'Status' },
  { key: 'created', label: 'Created' },
  { key: 'scenario', label: 'Scenario' }
]

/** An object's children of one kind (a thread's runs): their noun, and a child's view (undefined: no such child). */
export interface ChildKind {
  readonly noun: string
  detail (context: InspectorContext, parentId: string, id: string, query: ViewQuery): DetailBody | undefined
}

/** Any kind: the table of kinds holds several element types. */
export type AnyKind = InspectorKind<any>

const DEFAULT_PAGE = 50
const MAX_PAGE = 100

/** The common fields of every view at `context.now`. */
export function viewBase (clock: Clock, now: number, nextChangeAt: number | null) {
  return { now, clock: isManualClock(clock) ? 'virtual' as const : 'real' as const, next_change_at: nextChangeAt }
}

/**
 * The items of every tenant from `rows` (each tenant's rows oldest first), in creation order across tenants.
 * Keys and refs carry the owner when tenants are isolated (an id may then be in several: fixtures seed each).
 */
export function tenantItems<T extends { readonly id: string, readonly createdAt: number }> (context: InspectorContext,
  rows: (tenant: Tenant) => readonly T[]): Item<T>[] {
  const items = context.tenants.flatMap(tenant => rows(tenant).map(value => ({
    key: tenant.owner === '' ? value.id : `${value.id}@${tenant.owner}`, id: value.id, createdAt: value.createdAt, tenant, value
  })))
  // One tenant's rows are in creation order already; several are merged by time (a stable sort).
  return context.tenants.length > 1 ? items.sort((a, b) => a.createdAt - b.createdAt) : items
}

/** `ref` for an object of `tenant`: the owner is named when it is not the shared tenant. */
export function tenantRef (ref: Ref, tenant: Tenant | null): Ref {
  return tenant === null || tenant.owner === '' ? ref : `${ref}${ref.includes('?') ? '&' : '?'}tenant=${encodeURIComponent(tenant.owner)}`
}

/** The tenant `query.tenant` names, else the first (the shared one first) for which `has` is true. */
export function findTenant (context: InspectorContext, query: ViewQuery, has: (tenant: Tenant) => boolean): Tenant | undefined {
  const owner = query.tenant
  if (typeof owner === 'string') return context.tenants.find(tenant => tenant.owner === owner && has(tenant))
  return context.tenants.find(has)
}

const text = (value: string | number | undefined): string => value === undefined ? '' : String(value)

/** A section's page offset from `?<param>=`: the last page when absent (the newest of a sequence shown oldest first). */
export function sectionOffset (query: ViewQuery, param: string, total: number, limit: number, fromEnd: boolean): number {
  const asked = Number(query[param])
  const last = Math.max(0, Math.ceil(total / limit) - 1) * limit
  if (query[param] === undefined || !Number.isInteger(asked) || asked < 0) return fromEnd ? last : 0
  return Math.min(asked, last)
}

/** One page of `kind`'s objects, newest first, after the search (`q`) and the kind's filters. */
export function listView<T> (kind: InspectorKind<T>, context: InspectorContext, query: ViewQuery): ListView {
  const q = text(query.q).trim().toLowerCase()
  const filters = Object.fromEntries((kind.filters ?? []).map(filter => [filter.name, text(query[filter.name])]))
  let items = kind.items(context)
  if (q !== '') items = items.filter(item => kind.searchText(item.value, context).some(s => s.toLowerCase().includes(q)))
  if (kind.passes && Object.values(filters).some(value => value !== '')) items = items.filter(item => kind.passes!(item.value, filters))
  const limit = Math.min(MAX_PAGE, Math.max(1, Number(query.limit) || DEFAULT_PAGE))
  const after = text(query.after)
  const before = text(query.before)
  const page = paginate(items.map(item => ({ id: item.key, item })), { limit, order: 'desc', after, before })
  const rows = page.data.map(({ item }) => kind.row(item, context))
  // Walking older (`after`) or from the top, `has_more` says whether older ones follow; walking newer
  // (`before`), whether newer ones do, and older ones always do (the walk came from there).
  const goingNewer = before !== '' && after === ''
  const older = page.last_id !== null && (goingNewer || page.has_more) ? page.last_id : null
  const newer = page.first_id !== null && (after !== '' || (goingNewer && page.has_more)) ? page.first_id : null
  return {
    object: 'inspector.list',
    kind: kind.name,
    title: kind.title,
    search: { label: kind.searchLabel, q: text(query.q) },
    filters: (kind.filters ?? []).map(filter => ({ ...filter, value: filters[filter.name]! })),
    columns: kind.columns,
    data: rows,
    total: items.length,
    older,
    newer,
    ...viewBase(context.runtime.clock, context.now, earliest(rows.map(row => row.next_change_at)))
  }
}

/** The view of one object (or of one of its children), or the control plane's 404 naming it. */
export async function detailView<T> (kind: InspectorKind<T>, context: InspectorContext, id: string, query: ViewQuery,
  child?: { readonly name: string, readonly id: string }): Promise<DetailView> {
  const childKind = child === undefined ? undefined : kind.children?.[child.name]
  const body = child === undefined ? await kind.detail(context, id, query) : childKind?.detail(context, id, child.id, query)
  if (body === undefined) throw Errors.inspectorObjectNotFound(childKind?.noun ?? kind.noun, child?.id ?? id)
  const { next_change_at: nextChangeAt, ...rest } = body
  return {
    object: 'inspector.detail',
    kind: kind.name,
    id: child?.id ?? id,
    ...rest,
    ...viewBase(context.runtime.clock, context.now, nextChangeAt)
  }
}
