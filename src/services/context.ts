/** What every service is built from (services/index.ts), once per tenant: injected so tests can swap any of it. */
import type { Clock } from '../clock.js'
import type { Config } from '../config.js'
import { Errors, type ResourceKind } from '../errors.js'
import type { Ids } from '../ids.js'
import type { Scenario } from '../runs/scenarios.js'
import type { Store } from '../store/store.js'

export interface ServiceContext {
  readonly config: Config
  readonly clock: Clock
  /** The tenant's store. */
  readonly store: Store
  /** Where new object ids come from (seeded with --seed). */
  readonly ids: Ids
  /** Run scripts from the fixtures, matched in order. */
  readonly scenarios: readonly Scenario[]
  /** Files the fixtures' scenarios name (code_interpreter images), by the path the scenarios give (fixtures.ts). */
  readonly fixtureFiles?: ReadonlyMap<string, Buffer>
}

/** `row`, or the service's 404 "No <kind> found with id '<id>'." when a lookup found nothing. */
export function found<T> (row: T | undefined, kind: ResourceKind, id: string): T {
  if (row === undefined) throw Errors.notFound(kind, id)
  return row
}

/** Smallest poll interval suggested to SDKs (`openai-poll-after-ms`), so an object about to change is not polled in a tight loop. */
export const MIN_POLL_AFTER_MS = 10
