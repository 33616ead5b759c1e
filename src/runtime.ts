/**
 * The emulator's object graph, built in dependency order with no HTTP in it: clock, logger, random
 * sources, stores and tenants (each with its services), fixtures, the control plane, a state file, TLS
 * material. app.ts hands it to the request pipeline (http/pipeline.ts); startEmulator and tests reach it as
 * `app.runtime`.
 */
import type { FastifyBaseLogger, FastifyRequest } from 'fastify'
import { systemClock, virtualClock, type Clock } from './clock.js'
import type { Config } from './config.js'
import { createFaultSet, streamCutFor, type FaultRule, type FaultSet } from './control/faults.js'
import { createRequestJournal, type Journal, type RecordedRequest } from './control/journal.js'
import { createQuotas, type Quotas } from './control/quotas.js'
import { seededRandom, systemRandom, type Random } from './control/random.js'
import { importState, readStateFile, StateFileError } from './control/state.js'
import { createTenants, type Tenant, type Tenants } from './control/tenants.js'
import { loadFixtures, type Fixtures, type FixtureVectorStore } from './fixtures.js'
import { idSource, type Ids } from './ids.js'
import { configuredSecrets, createLogger, type LogStream } from './logging.js'
import { assistantRecord } from './services/assistants.js'
import { whenTokenizerReady } from './runs/tokenizer-worker.js'
import { createServices } from './services/index.js'
import { createMemoryStore, createStoreBudget, type StoreBudget } from './store/memory-store.js'
import type { Store } from './store/store.js'
import { prepareTls, type TlsMaterial } from './tls.js'

/** What a caller (a test, the in-process API) may supply instead of what the config says. */
export interface RuntimeDeps {
  clock?: Clock
  /** The shared tenant's store, used until the first reset (a test's own store). */
  store?: Store
  /** Already-loaded fixtures; when absent, `config.fixtures` is read from disk. */
  fixtures?: Fixtures
  /** Where log lines go instead of stdout (tests capture them here); always JSON lines. */
  logStream?: LogStream
  /**
   * HTTPS certificate and key to serve with. When absent, `config.tls` / `config.tlsCert` decide (tls.ts):
   * a given pair is read, `tls` alone generates a self-signed certificate.
   */
  tls?: TlsMaterial
  /**
   * How many events a streamed answer to `request` may send before its connection is cut; undefined for
   * the whole stream. Absent: the fault rules decide (control/faults.ts).
   */
  streamCutFor?: (request: FastifyRequest) => number | undefined
}

/** The test control plane's state beside the stores: fault rules, quotas, the requests journal. */
interface ControlPlane {
  readonly faults: FaultSet
  readonly quotas: Quotas
  readonly journal: Journal<RecordedRequest>
  /** Empties every tenant (seeding the fixtures again), the quota windows and the journal; faults back to the fixtures'. */
  reset (): void
}

export interface Runtime {
  readonly config: Config
  readonly clock: Clock
  readonly logger: FastifyBaseLogger
  /** Request ids (`x-request-id`): seeded with --seed, so a seeded flow repeats byte for byte. */
  readonly requestIds: Random
  readonly tenants: Tenants
  readonly control: ControlPlane
  /** A new empty store, on no budget until a tenant holds it (state import builds tenants on these). */
  readonly makeStore: () => Store
  /** The one `--max-store-bytes` budget over every tenant's store, and what it has evicted. */
  readonly budget: StoreBudget
  /** HTTPS material, or undefined for plain HTTP. */
  readonly tls: TlsMaterial | undefined
  /** See RuntimeDeps.streamCutFor. */
  readonly streamCutFor: (request: FastifyRequest) => number | undefined
}

/** Where a virtual clock starts when a seed is given: a fixed instant, so seeded runs repeat byte for byte. */
const SEEDED_VIRTUAL_EPOCH = Date.UTC(2025, 0, 1)

function clockOf (config: Config): Clock {
  if (config.clock === 'real') return systemClock
  return virtualClock(config.seed === null ? Date.now() : SEEDED_VIRTUAL_EPOCH)
}

/**
 * Seeds a vector store of the fixtures: its files uploaded (purpose `assistants`, new ids) and in the store,
 * processed already (`completed` from now), with the store's chunking strategy. The files get OpenAI's id form
 * (`file-…`), which every flavour takes (Azure's `assistant-…` is refused by `/v1`).
 */
function seedVectorStore (store: Store, fixture: FixtureVectorStore, ids: Ids, now: number): void {
  store.vectorStores.put({
    id: fixture.id,
    createdAt: now,
    name: fixture.name ?? '',
    expiresAfter: fixture.expires_after ?? null,
    lastActiveAt: now,
    metadata: fixture.metadata ?? {}
  })
  for (const { filename, content } of fixture.files) {
    const id = ids.file('openai')
    store.files.put({ id, createdAt: now, filename, purpose: 'assistants', bytes: content.length, content })
    store.vectorStoreFiles.put(fixture.id, {
      id,
      vectorStoreId: fixture.id,
      createdAt: now,
      readyAt: now,
      bytes: content.length,
      chunkingStrategy: fixture.chunking_strategy ?? { type: 'auto' },
      batchId: null,
      cancelledAt: null
    })
  }
}

/** Seeds a new tenant with the fixtures' vector stores, assistants and threads (their own ids) and agent versions. */
function seed (tenant: Tenant, fixtures: Fixtures, clock: Clock, ids: Ids): void {
  for (const vectorStore of fixtures.vectorStores ?? []) seedVectorStore(tenant.store, vectorStore, ids, clock.now())
  for (const { id, ...body } of fixtures.assistants) tenant.store.assistants.put(assistantRecord(body, id, clock.now()))
  for (const { id, ...body } of fixtures.threads) tenant.services.threads.create(body, id)
  for (const { name, ...body } of fixtures.agents ?? []) tenant.services.agents.createVersion(name, body, 'seeded')
}

/**
 * Builds the runtime for `config`. Rejects with StateFileError for a bad `--state-file`, FixturesError for bad
 * fixtures and TlsError for unusable certificate files (server.ts prints their one line).
 */
export async function createRuntime (config: Config, deps: RuntimeDeps = {}): Promise<Runtime> {
  const clock = deps.clock ?? clockOf(config)
  const logger = await createLogger(config, deps.logStream)
  // Each use of randomness has its own seeded stream, so drawing a fault probability never shifts the ids.
  const random = (stream: number): Random => config.seed === null ? systemRandom : seededRandom(config.seed, stream)
  const ids = idSource(config.seed === null ? null : seededRandom(config.seed, 0))
  // One budget over every tenant's store (issue 21 item 7): forty keys hold what one key may, not forty times it.
  const budget: StoreBudget = createStoreBudget({
    maxBytes: config.maxStoreBytes,
    onEvict (kind, id) {
      if (budget.evicted.objects === 1) {
        logger.warn({ maxStoreBytes: config.maxStoreBytes }, 'the store is full: evicting the least recently used objects from now on (GET /_emulator/store counts them)')
      }
      logger.debug({ kind, id }, 'evicted')
    }
  })
  // A store counts against the budget once a tenant holds it (tenants.ts adopts it), so a state import that
  // fails half-way evicts nothing.
  const makeStore = (): Store => createMemoryStore()
  const fixtures = deps.fixtures ?? (config.fixtures === null ? undefined : loadFixtures(config.fixtures))
  const tenants = createTenants({
    isolate: config.isolateByKey,
    makeStore,
    makeServices: store => createServices({ config, clock, store, ids, scenarios: fixtures?.scenarios ?? [], prompts: fixtures?.prompts ?? [], fixtureFiles: fixtures?.files ?? new Map() }),
    seed: tenant => { if (fixtures) seed(tenant, fixtures, clock, ids) },
    budget,
    ...(deps.store ? { initial: deps.store } : {})
  })

  const fixtureFaults: readonly FaultRule[] = fixtures?.faults ?? []
  const faults = createFaultSet(random(2))
  for (const rule of fixtureFaults) faults.add(rule)
  const quotas = createQuotas({ rpm: config.rateLimitRpm, tpm: config.rateLimitTpm })
  const journal = createRequestJournal(configuredSecrets(config))
  const control: ControlPlane = {
    faults,
    quotas,
    journal,
    reset () {
      tenants.reset()
      quotas.reset()
      journal.clear()
      faults.clear()
      for (const rule of fixtureFaults) faults.add(rule)
    }
  }

  if (config.stateFile !== null) {
    const document = readStateFile(config.stateFile)
    if (document !== undefined) {
      try {
        // Importing plays every run's course, which may count tokens: the tokenizer's worker first (start-up is not a request).
        await whenTokenizerReady()
        tenants.replace((await importState(document, makeStore)).stores)
      } catch (err) {
        throw new StateFileError(`Invalid state file ${config.stateFile}: ${(err as Error).message}`)
      }
    }
  }
  // The shared tenant exists (and holds the fixtures) from the start, after any state file was loaded.
  tenants.of('')

  const tls = deps.tls ?? await prepareTls(config)
  return { config, clock, logger, requestIds: random(1), tenants, control, makeStore, budget, tls, streamCutFor: deps.streamCutFor ?? streamCutFor }
}
