/**
 * Who owns which objects. Without `--isolate-by-key` there is one tenant (owner `''`); with it, each caller
 * gets its own tenant, made (and seeded with the fixtures) the first time it is seen, so another caller's
 * object is simply not there: the ordinary 404.
 *
 * A caller is the credential its door checks (gates/credentials.ts `credentialOf`: the `api-key` header or
 * else the Bearer token on Azure, only the Bearer token on `/v1` and Foundry Agents), named by
 * `credentialIdentity` (a JWT by its subject, anything else by itself). The same key is the same tenant on
 * every door. The pipeline resolves the tenant only once the door's gate has accepted the credential, so a
 * refused request never makes one.
 *
 * A tenant is its store and the services built on it (services/index.ts): the pipeline sets
 * `request.tenant`, and routes call `request.tenant.services`. Owners are SHA-256 digests of the identity:
 * state documents and logs never hold a key.
 */
import { createHash } from 'node:crypto'
import type { IncomingHttpHeaders } from 'node:http'
import { credentialIdentity, credentialOf, type CredentialDoor } from '../gates/credentials.js'
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

/**
 * The caller of an accepted request on `door`, as owners are named (`sha256:<hex>` of its credential's
 * identity), or '' without a credential. Isolated tenants and quota windows are kept by this name: 71
 * characters whatever the credential's length.
 */
export function ownerOf (door: CredentialDoor, headers: IncomingHttpHeaders): string {
  const credential = credentialOf(door, headers)
  return credential === undefined || credential === '' ? '' : ownerDigest(credentialIdentity(credential))
}

/** The owner name of a credential's identity as it appears in state documents (and in the inspector). */
export const ownerDigest = (identity: string): string => `sha256:${createHash('sha256').update(identity).digest('hex')}`

export interface Tenants {
  readonly isolated: boolean
  /** The tenant every request shares without --isolate-by-key (owner ''); the control plane's own. */
  readonly shared: Tenant
  /** The tenant of `owner` (the shared one when not isolating), made and seeded on first use. */
  of (owner: string): Tenant
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
