/**
 * Who owns which objects. Without `--isolate-by-key` there is one tenant (owner `''`); with it, each api
 * key or bearer token gets its own tenant, made (and seeded with the fixtures) the first time the key is
 * seen, so another key's object is simply not there: the ordinary 404.
 *
 * A tenant is its store and the services built on it (services/index.ts): the pipeline sets
 * `request.tenant` once the request's credentials have passed its door's gate, and routes call
 * `request.tenant.services`. Owners are SHA-256 digests of the credential: state documents and logs never
 * hold a key.
 */
import { createHash } from 'node:crypto'
import type { IncomingHttpHeaders } from 'node:http'
import { credentialOf } from '../gates/credentials.js'
import type { Services } from '../services/index.js'
import type { StoreBudget } from '../store/memory-store.js'
import type { Store } from '../store/store.js'

type StoreFactory = () => Store

export interface Tenant {
  /** '' for the shared tenant; `sha256:<hex>` of the credential with --isolate-by-key. */
  readonly owner: string
  readonly store: Store
  readonly services: Services
}

/** The owner of a request's objects: the digest of its api-key (or else bearer) credential, '' without one. */
function ownerOf (headers: IncomingHttpHeaders): string {
  const credential = credentialOf(headers)
  return credential === undefined || credential === '' ? '' : ownerDigest(credential)
}

/** The owner name of a credential as it appears in state documents (and in the inspector). */
export const ownerDigest = (credential: string): string => `sha256:${createHash('sha256').update(credential).digest('hex')}`

export interface Tenants {
  readonly isolated: boolean
  /** The tenant every request shares without --isolate-by-key (owner ''); the control plane's own. */
  readonly shared: Tenant
  /** The tenant of `owner` (the shared one when not isolating), made and seeded on first use. */
  of (owner: string): Tenant
  /** The tenant a request's objects live in. */
  ofRequest (headers: IncomingHttpHeaders): Tenant
  /** Every tenant, in the order they were made (or imported). */
  list (): Tenant[]
  /** Replaces every tenant at once (state import), keyed by owner; the shared tenant is made if absent. */
  replace (stores: ReadonlyMap<string, Store>): void
  /** Forgets every tenant; the shared one is made again and seeded. */
  reset (): void
}

export interface TenantsOptions {
  readonly isolate: boolean
  readonly makeStore: StoreFactory
  /** Builds a tenant's services on its store. */
  readonly makeServices: (store: Store) => Services
  /** Fills a new tenant with the fixtures. */
  readonly seed: (tenant: Tenant) => void
  /** The shared tenant's store (a test's own store), used until the first reset. */
  readonly initial?: Store
  /**
   * The one budget every tenant's store counts against (`--max-store-bytes`): a tenant's store joins it when
   * the tenant is made or imported and leaves it when the tenant is dropped (reset, state import).
   */
  readonly budget?: StoreBudget
}

export function createTenants (options: TenantsOptions): Tenants {
  const tenant = (owner: string, store: Store): Tenant => {
    options.budget?.adopt(store)
    return { owner, store, services: options.makeServices(store) }
  }
  const drop = (old: Iterable<Tenant>) => {
    for (const { store } of old) options.budget?.release(store)
  }
  let tenants = new Map<string, Tenant>()
  const of = (owner: string): Tenant => {
    const key = options.isolate ? owner : ''
    let found = tenants.get(key)
    if (found === undefined) {
      const store = key === '' && tenants.size === 0 && options.initial !== undefined ? options.initial : options.makeStore()
      tenants.set(key, found = tenant(key, store))
      options.seed(found)
    }
    return found
  }
  return {
    isolated: options.isolate,
    get shared () { return of('') },
    of,
    ofRequest: headers => of(options.isolate ? ownerOf(headers) : ''),
    list: () => [...tenants.values()],
    replace (stores) {
      // The old tenants leave the budget first, so the new ones never evict each other for their sake.
      drop(tenants.values())
      tenants = new Map([...stores].map(([owner, store]) => [owner, tenant(owner, store)]))
      if (!tenants.has('')) tenants.set('', tenant('', options.makeStore()))
    },
    reset () {
      drop(tenants.values())
      tenants = new Map()
      of('')
    }
  }
}
