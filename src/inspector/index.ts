/**
 * The inspector (GET /_emulator/ui and its data under /_emulator/inspector): what the emulator holds and how
 * each run went, for a person watching a test suite run. Built once per app on its runtime; every view is read
 * at the clock's current time from the tenants' stores, through the presenters, so it shows what a client
 * reading it now would see. routes/inspector.ts serves it; the page is ui/ (assets.ts).
 */
import type { Runtime } from '../runtime.js'
import { createChangeFeed, type ChangeFeed } from './changes.js'
import { detailView, listView, viewBase, type AnyKind, type InspectorContext, type ViewQuery } from './kind.js'
import { KINDS } from './kinds/index.js'
import { overview } from './overview.js'
import type { DetailView, ListView, Navigation } from './view.js'

export interface Inspector {
  /** The kind named `name` (a path segment), or undefined. */
  kind (name: string): AnyKind | undefined
  /** The kinds with their counts, for the navigation. */
  navigation (): Navigation
  overview (): DetailView
  list (kind: AnyKind, query: ViewQuery): ListView
  detail (kind: AnyKind, id: string, query: ViewQuery, child?: { readonly name: string, readonly id: string }): Promise<DetailView>
  readonly changes: ChangeFeed
}

export function createInspector (runtime: Runtime): Inspector {
  const context = (): InspectorContext => ({ runtime, tenants: runtime.tenants.list(), now: runtime.clock.now() })
  const byName = new Map(KINDS.map(kind => [kind.name, kind]))
  return {
    kind: name => byName.get(name),
    navigation () {
      const now = context()
      return KINDS.map(kind => ({ name: kind.name, title: kind.title, count: kind.count(now) }))
    },
    overview () {
      const now = context()
      const { next_change_at: nextChangeAt, ...body } = overview(now)
      return { object: 'inspector.detail', kind: 'overview', id: 'overview', ...body, ...viewBase(runtime.clock, now.now, nextChangeAt) }
    },
    list: (kind, query) => listView(kind, context(), query),
    detail: (kind, id, query, child) => detailView(kind, context(), id, query, child),
    changes: createChangeFeed(runtime)
  }
}
