/**
 * Who owns which objects. Without `--isolate-by-key` there is one tenant (owner `''`); with it, each api
 * key or bearer token gets its own store, made (and seeded with the fixtures) the first time the key is
 * seen, so another key's object is simply not there: the ordinary 404.
 *
 * Services are built once, on `routingStore`, which answers from the store of the scope the code runs in
 * (scope.ts): the request's tenant. Owners are SHA-256 digests of the credential: state documents and
 * logs never hold a key.
 */
import { createHash } from 'node:crypto'
import type { IncomingHttpHeaders } from 'node:http'
import { currentScope } from '../scope.js'
import type { Store } from '../store/store.js'

export type StoreFactory = () => Store

/** The owner of a request's objects: the digest of its api-key (or else bearer) credential, '' without one. */
export function ownerOf (headers: IncomingHttpHeaders): string {
  const apiKey = headers['api-key']
  const credential = (Array.isArray(apiKey) ? apiKey[0] : apiKey) ?? headers.authorization?.match(/^Bearer\s+(\S+)/i)?.[1]
  return credential === undefined || credential === '' ? '' : ownerDigest(credential)
}

/** The owner name of a credential as it appears in state documents. */
export const ownerDigest = (credential: string): string => `sha256:${createHash('sha256').update(credential).digest('hex')}`

const TABLES = ['assistants', 'threads', 'messages', 'runs', 'files', 'vectorStores', 'vectorStoreFiles', 'vectorStoreFileBatches'] as const

/** A Store whose every call goes to `current()`'s table of the same name. */
function routingStore (current: () => Store): Store {
  type AnyTable = Record<'get' | 'put' | 'delete' | 'list' | 'deleteParent', (a?: unknown, b?: unknown) => unknown>
  // Two fixed arguments (every table method takes one or two), not rest parameters: this is on every store call.
  const table = (name: typeof TABLES[number]) => {
    const of = () => current()[name] as unknown as AnyTable
    return {
      get: (a: unknown, b: unknown) => of().get(a, b),
      put: (a: unknown, b: unknown) => of().put(a, b),
      delete: (a: unknown, b: unknown) => of().delete(a, b),
      list: (a: unknown) => of().list(a),
      deleteParent: (a: unknown) => of().deleteParent(a)
    }
  }
  return Object.fromEntries(TABLES.map(name => [name, table(name)])) as unknown as Store
}

export interface Tenants {
  /** The store services are built on: the current scope's tenant, else the default tenant. */
  readonly store: Store
  readonly isolated: boolean
  /** The store of `owner` ('' when not isolating), made and seeded on first use. */
  storeFor (owner: string): Store
  /** The store a request's objects live in. */
  storeOf (headers: IncomingHttpHeaders): Store
  /** Every tenant and its store, the default tenant first. */
  entries (): Array<[string, Store]>
  /** Replaces every tenant at once (state import); the default tenant is made if absent. */
  replace (stores: ReadonlyMap<string, Store>): void
  /** Forgets every tenant; the default one is made again and seeded. */
  reset (): void
}

/**
 * @param seed fills a new tenant's store with the fixtures (it runs with that store in scope).
 * @param initial the default tenant's store (a test's own store), used until the first reset.
 */
export function createTenants (options: { isolate: boolean, makeStore: StoreFactory, seed: (store: Store) => void, initial?: Store }): Tenants {
  let stores = new Map<string, { store: Store, seeded: boolean }>()
  if (options.initial) stores.set('', { store: options.initial, seeded: false })
  const storeFor = (owner: string): Store => {
    const key = options.isolate ? owner : ''
    let entry = stores.get(key)
    if (entry === undefined) stores.set(key, entry = { store: options.makeStore(), seeded: false })
    if (!entry.seeded) {
      entry.seeded = true
      options.seed(entry.store)
    }
    return entry.store
  }
  return {
    store: routingStore(() => currentScope()?.store ?? storeFor('')),
    isolated: options.isolate,
    storeFor,
    storeOf: headers => storeFor(options.isolate ? ownerOf(headers) : ''),
    entries () {
      storeFor('')
      return [...stores.entries()].map(([owner, entry]): [string, Store] => [owner, entry.store])
    },
    replace (next) {
      stores = new Map([...next].map(([owner, store]) => [owner, { store, seeded: true }]))
      if (!stores.has('')) stores.set('', { store: options.makeStore(), seeded: true })
    },
    reset () {
      stores = new Map()
      storeFor('')
    }
  }
}
