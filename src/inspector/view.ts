/**
 * What the inspector's data endpoints answer (GET /_emulator/inspector/…): documents that say what to show,
 * never how. The page (ui/app.js) draws every view from them with the same code — a list of rows, an object
 * with its fields and sections, a timeline — so a new resource kind is one more InspectorKind (kinds/), with no
 * change to the page. Times are epoch ms on the emulator's clock (virtual or real), like the records'.
 */

/**
 * A view, as its path below /_emulator/inspector/ (its data) and below /_emulator/ui/ (its page), query
 * included: `threads`, `threads/thread_1/runs/run_2`, `requests?status=errors`.
 */
export type Ref = string

/** One value in a table cell or a field. Plain values are shown as text; the others say what they are. */
export type Cell =
  | string | number | boolean | null
  | { readonly type: 'time', readonly ms: number }
  | { readonly type: 'duration', readonly ms: number }
  | { readonly type: 'bytes', readonly bytes: number }
  | { readonly type: 'status', readonly status: string }
  /** Ids, names and other literal strings (monospace). */
  | { readonly type: 'code', readonly text: string }
  | { readonly type: 'link', readonly text: string, readonly ref: Ref }
  | { readonly type: 'json', readonly value: unknown }
  | { readonly type: 'list', readonly items: readonly Cell[] }
  /** A quantity against its limit (store use against the budget). */
  | { readonly type: 'meter', readonly value: number, readonly max: number, readonly text: string }

export const time = (ms: number | null): Cell => ms === null ? null : { type: 'time', ms }
export const duration = (ms: number): Cell => ({ type: 'duration', ms })
export const bytes = (count: number): Cell => ({ type: 'bytes', bytes: count })
export const status = (value: string): Cell => ({ type: 'status', status: value })
export const code = (text: string): Cell => ({ type: 'code', text })
export const link = (text: string, ref: Ref): Cell => ({ type: 'link', text, ref })
export const list = (items: readonly Cell[]): Cell => ({ type: 'list', items })
/** A JSON value; an empty object or array, or null, is shown as nothing. */
export function json (value: unknown): Cell {
  if (value === null || value === undefined) return null
  if (typeof value === 'object' && Object.keys(value).length === 0) return null
  return { type: 'json', value }
}

export interface Column {
  readonly key: string
  readonly label: string
}

/** A row of a list; `ref` is the view it opens, if any. */
export interface Row {
  readonly id: string
  readonly ref: Ref | null
  readonly cells: Readonly<Record<string, Cell>>
  /** When what the row shows next changes by itself (a run moving on), if it will. */
  readonly next_change_at?: number | null
}

export interface Field {
  readonly label: string
  readonly value: Cell
}

/** A block of text: a message's content, instructions, a body, tool call arguments. */
export interface Block {
  readonly label: string
  readonly text: string
  /** `json`: pretty-printed JSON, shown as code. */
  readonly format: 'text' | 'json'
  /** Said beside the label (`the first 4096 of 10000 bytes`). */
  readonly note?: string
}

/** One item of a sequence: a message, a run step, a search result. */
export interface Entry {
  readonly id: string
  readonly title: string
  readonly status?: string
  /** When it was made. */
  readonly at?: number
  readonly fields: readonly Field[]
  readonly blocks: readonly Block[]
}

/** A time span of one kind on a timeline lane (a status the object was in, a step while it was open). */
export interface Span {
  readonly status: string
  readonly from: number
  /** null: still going on. A terminal status has `to` equal to `from`. */
  readonly to: number | null
}

/**
 * An object's course in time, drawn on a time axis: its statuses on the first lane, then one lane per step,
 * instants (outputs submitted, a cancel request) as marks, and every change in order as `events`.
 */
export interface Timeline {
  /** The object's creation: times are shown relative to it. */
  readonly start: number
  /** Where the axis ends: the last change, or `now` while the object is live. */
  readonly end: number
  /** Still changing (not in a terminal status). */
  readonly live: boolean
  readonly lanes: ReadonlyArray<{ readonly label: string, readonly spans: readonly Span[] }>
  readonly marks: ReadonlyArray<{ readonly at: number, readonly label: string }>
  readonly events: ReadonlyArray<{ readonly at: number, readonly text: string }>
}

/** A section's page over a long sequence: `?<param>=<offset>` asks for another. */
interface SectionPage {
  readonly param: string
  readonly offset: number
  readonly limit: number
  readonly total: number
}

export type Section =
  | { readonly type: 'fields', readonly title: string, readonly fields: readonly Field[] }
  | { readonly type: 'blocks', readonly title: string, readonly blocks: readonly Block[] }
  | { readonly type: 'table', readonly title: string, readonly columns: readonly Column[], readonly rows: readonly Row[], readonly page?: SectionPage }
  | { readonly type: 'entries', readonly title: string, readonly entries: readonly Entry[], readonly page?: SectionPage, readonly empty?: string }
  | { readonly type: 'timeline', readonly title: string, readonly timeline: Timeline }
  /** A search form over the object: it sets `?<param>=` on the view, whose answer then holds the results. */
  | { readonly type: 'search', readonly title: string, readonly param: string, readonly label: string, readonly value: string }

/** A button: a control-plane request the page sends (then it refreshes the view). */
interface Action {
  readonly label: string
  readonly method: 'POST'
  /** An absolute path under /_emulator. */
  readonly path: string
  readonly body: unknown
}

/** A list filter besides the text search: one query parameter with a choice of values ('' for all). */
export interface Filter {
  readonly name: string
  readonly label: string
  readonly options: ReadonlyArray<{ readonly value: string, readonly label: string }>
}

/** What every view carries: the clock it was read at, and when it next changes by itself (if it will). */
interface ViewBase {
  readonly now: number
  readonly clock: 'real' | 'virtual'
  readonly next_change_at: number | null
}

/** GET /_emulator/inspector/{kind}: one page of a kind's objects, newest first. */
export interface ListView extends ViewBase {
  readonly object: 'inspector.list'
  readonly kind: string
  readonly title: string
  readonly search: { readonly label: string, readonly q: string }
  readonly filters: ReadonlyArray<Filter & { readonly value: string }>
  readonly columns: readonly Column[]
  readonly data: readonly Row[]
  /** Objects that match the search and filters. */
  readonly total: number
  /** The cursors of the neighbouring pages (`?after=` older, `?before=` newer), null at either end. */
  readonly older: string | null
  readonly newer: string | null
}

/** GET /_emulator/inspector/{kind}/{id}[/{child}/{child_id}]: one object. */
export interface DetailView extends ViewBase {
  readonly object: 'inspector.detail'
  readonly kind: string
  readonly id: string
  readonly title: string
  readonly status: string | null
  /** The views above this one, outermost first (the breadcrumb). */
  readonly trail: ReadonlyArray<{ readonly text: string, readonly ref: Ref }>
  readonly fields: readonly Field[]
  readonly sections: readonly Section[]
  readonly actions: readonly Action[]
}

/** What a kind's detail gives; the route adds the view's common fields. */
export type DetailBody = Omit<DetailView, 'object' | 'kind' | 'id' | keyof ViewBase> & { readonly next_change_at: number | null }

/** The kinds in the navigation, with how many objects each has now. */
export type Navigation = ReadonlyArray<{ readonly name: string, readonly title: string, readonly count: number }>

/** The earliest of some times, null when there is none. */
export function earliest (times: ReadonlyArray<number | null | undefined>): number | null {
  let first: number | null = null
  for (const at of times) if (at !== null && at !== undefined && (first === null || at < first)) first = at
  return first
}
