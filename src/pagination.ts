/**
 * Cursor pagination for every list endpoint (assistants, messages, runs, run steps), as OpenAI pages:
 * `limit` 1–100 (default 20), `order` by creation `asc`/`desc` (default `desc`), and the `after` / `before`
 * cursors, which are ids of items in the list. The envelope is
 * `{"object":"list","data":[…],"first_id","last_id","has_more"}`; the SDKs walk a list by asking again with
 * `after=<last id>` while `has_more` is true, so a walk sees every item exactly once.
 *
 * Usage in a route: `schema: { querystring: ListQuerySchema, response: { 200: listSchema(RunSchema) } }`,
 * then `mapPage(paginate(records, request.query), record => present(record, generation))`.
 */
import { Type, type TSchema, type TProperties } from '@sinclair/typebox'
import { Nullable } from './schemas/common.js'

export const DEFAULT_LIST_LIMIT = 20
const MAX_LIST_LIMIT = 100

/**
 * The list query parameters. Query strings reach validation.ts with `convertStrings`, so `limit=7` is 7,
 * `limit=0` / `limit=101` answer "integer below minimum value" / "above maximum value", `limit=abc` an
 * invalid type and `order=up` an invalid value listing 'asc' and 'desc'. Other query parameters
 * (`api-version`, and anything unknown, which the real API ignores) pass through.
 */
const listQueryProperties = {
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: MAX_LIST_LIMIT, default: DEFAULT_LIST_LIMIT })),
  order: Type.Optional(Type.Union([Type.Literal('asc'), Type.Literal('desc')], { default: 'desc' })),
  after: Type.Optional(Type.String()),
  before: Type.Optional(Type.String()),
  'api-version': Type.Optional(Type.String())
}

export const ListQuerySchema = Type.Object(listQueryProperties)

/** The list query plus endpoint-specific filters (e.g. messages' `run_id`). */
export function listQuerySchema<P extends TProperties> (extra: P) {
  return Type.Object({ ...listQueryProperties, ...extra })
}

/** Response schema of a list of `item`. */
export function listSchema<T extends TSchema> (item: T) {
  return Type.Object({
    object: Type.Literal('list'),
    data: Type.Array(item),
    first_id: Nullable(Type.String()),
    last_id: Nullable(Type.String()),
    has_more: Type.Boolean()
  })
}

export interface ListPage<T> {
  object: 'list'
  data: T[]
  first_id: string | null
  last_id: string | null
  has_more: boolean
}

/** The cursor options `paginate` reads: a validated list query (anything else on it is ignored). */
export interface PageOptions {
  limit?: number | undefined
  order?: 'asc' | 'desc' | undefined
  after?: string | undefined
  before?: string | undefined
}

function envelope<T extends { id: string }> (data: T[], hasMore: boolean): ListPage<T> {
  return {
    object: 'list',
    data,
    first_id: data[0]?.id ?? null,
    last_id: data.at(-1)?.id ?? null,
    has_more: hasMore
  }
}

/**
 * One page of `itemsInCreationOrder` (oldest first, as the store lists them), in the requested order.
 *
 * `after=X` gives the items that follow X in that order, `before=X` the items that precede it (the
 * `limit` nearest to X, still in the requested order); with both, the items between them. `has_more` says
 * whether more items lie beyond the page in the direction of travel (away from the cursor), so walking
 * with `after=<last_id>`, or backwards with `before=<first_id>`, visits each item exactly once.
 *
 * An empty cursor counts as absent. A cursor that is no item of this list (a typo, an id of another list,
 * an item deleted since) gives an empty page with `has_more: false`: a walk ends rather than restarting
 * from the top, which is what a page-1 fallback would do, and no error is invented where none is recorded.
 */
export function paginate<T extends { id: string }> (itemsInCreationOrder: readonly T[], query: PageOptions): ListPage<T> {
  const limit = query.limit ?? DEFAULT_LIST_LIMIT
  const ordered = query.order === 'asc' ? itemsInCreationOrder : [...itemsInCreationOrder].reverse()
  const after = query.after === '' ? undefined : query.after
  const before = query.before === '' ? undefined : query.before

  let start = 0
  let end = ordered.length
  if (after !== undefined) {
    const index = ordered.findIndex(item => item.id === after)
    if (index < 0) return envelope([], false)
    start = index + 1
  }
  if (before !== undefined) {
    const index = ordered.findIndex(item => item.id === before)
    if (index < 0) return envelope([], false)
    end = index
  }
  const window = start < end ? ordered.slice(start, end) : []
  const hasMore = window.length > limit
  // Paging backwards (only `before`) keeps the items nearest the cursor.
  const data = after === undefined && before !== undefined ? window.slice(Math.max(0, window.length - limit)) : window.slice(0, limit)
  return envelope(data, hasMore)
}

/** The same page with its items turned into wire objects; the cursors stay those of the page. */
export function mapPage<T, U> (page: ListPage<T>, present: (item: T) => U): ListPage<U> {
  return { ...page, data: page.data.map(present) }
}
