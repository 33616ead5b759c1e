/** What every service is built from: injected so tests can swap the clock and the store. */
import type { Clock } from '../clock.js'
import type { Config } from '../config.js'
import type { Scenario } from '../runs/scenarios.js'
import type { Store } from '../store/store.js'

export interface ServiceContext {
  readonly config: Config
  readonly clock: Clock
  readonly store: Store
  /** Run scripts from the fixtures, matched in order. */
  readonly scenarios: readonly Scenario[]
}
