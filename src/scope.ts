/**
 * What one request (or one start-up seeding) runs against: its tenant's store and the app's random source.
 * Carried by AsyncLocalStorage, so services keep their signatures: `ids.ts` draws from the scope's random,
 * and the tenant store (control/tenants.ts) answers from the scope's store. Outside any scope (unit tests
 * that call services directly) ids come from the system's random source.
 */
import { AsyncLocalStorage } from 'node:async_hooks'
import type { Random } from './control/random.js'
import type { Store } from './store/store.js'

export interface Scope {
  /** The seeded source, or null to draw from the system. */
  readonly random: Random | null
  readonly store: Store
}

const storage = new AsyncLocalStorage<Scope>()

/** The scope of the code running now, if any. */
export const currentScope = (): Scope | undefined => storage.getStore()

/** Runs `fn` (and everything it starts) in `scope`. */
export function runInScope<T> (scope: Scope, fn: () => T): T {
  return storage.run(scope, fn)
}
