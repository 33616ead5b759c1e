/**
 * The in-process API: `startEmulator()` runs the emulator inside a test's own process, on a free loopback
 * port, and hands back what a test needs to drive it — the URL and key for the SDKs, the virtual clock,
 * reset, state, faults and the requests journal — without a child process or HTTP calls to /_emulator.
 *
 * ```ts
 * import { startEmulator } from 'aoai-assistants-emulator'
 * const emulator = await startEmulator({ clock: 'virtual' })
 * const client = new AzureOpenAI({ endpoint: emulator.endpoint, apiKey: emulator.apiKey, apiVersion: '2024-05-01-preview' })
 * ```
 */
import type { FastifyInstance } from 'fastify'
import { buildApp, type AppDeps } from './app.js'
import { isManualClock } from './clock.js'
import { checkedConfig, type Config } from './config.js'
import type { FaultRule, StoredFaultRule } from './control/faults.js'
import type { JournalEntry } from './control/journal.js'
import { exportState, type StateDocument } from './control/state.js'
import { parseFixturesFile, readFixtureFiles, type Fixtures, type FixturesFile } from './fixtures.js'

/**
 * Every command-line option (see config.ts; same names as `Config`), plus fixtures given as an object.
 * Defaults differ from the command line only where a test wants them to: `port` 0 (any free port) and
 * `logLevel` 'silent'.
 */
export type EmulatorOptions = Partial<Omit<Config, 'fixtures'>> & {
  /** A fixtures file or folder path, several (later ones override earlier ones), or the fixtures themselves (the JSON file's shape). */
  readonly fixtures?: string | readonly string[] | FixturesFile | null
}

export interface RunningEmulator {
  /** The server's origin, e.g. `http://127.0.0.1:49152`; the OpenAI flavour is `${url}/v1`. */
  readonly url: string
  /** What `AzureOpenAI({ endpoint })` takes (the same origin). */
  readonly endpoint: string
  /** An api key the emulator accepts: the first of `apiKeys`, else `emulator-key` (any key is accepted then). */
  readonly apiKey: string
  readonly clock: {
    /** Moves a virtual clock forward by `ms` milliseconds; throws with a real clock. */
    advance (ms: number): void
    /** The emulator's time, in ms since the epoch. */
    now (): number
  }
  /** Empties every store and seeds the fixtures again; fault rules go back to the fixtures', the journal is cleared. */
  reset (): void
  /** Every stored object as the versioned document GET /_emulator/state answers. */
  state (): StateDocument
  readonly faults: {
    /** Adds a rule (see control/faults.ts); returns it with its id. */
    add (rule: FaultRule): StoredFaultRule
    clear (): void
  }
  /** The most recent requests, newest first (what GET /_emulator/requests answers). */
  requests (limit?: number): JournalEntry[]
  /** The Fastify instance, for anything else. */
  readonly app: FastifyInstance
  /** Stops the server (in-flight requests finish); writes --state-file if set. */
  close (): Promise<void>
}

/**
 * Starts an emulator in this process; the promise rejects on bad options or fixtures.
 * `hooks` is for the emulator's own tests (a response inspector, a log stream); applications leave it out.
 */
export async function startEmulator (options: EmulatorOptions = {}, hooks: Pick<AppDeps, 'inspectResponse' | 'logStream'> = {}): Promise<RunningEmulator> {
  const { fixtures, ...rest } = options
  const paths = typeof fixtures === 'string' || Array.isArray(fixtures) ? fixtures as string | readonly string[] : null
  const inline = paths === null && fixtures !== null && typeof fixtures === 'object' ? fixtures as FixturesFile : undefined
  const config = await checkedConfig({ port: 0, logLevel: 'silent', ...rest, fixtures: paths })
  const source = '(startEmulator fixtures)'
  const parsed = inline === undefined ? undefined : parseFixturesFile(source, JSON.stringify(inline))
  // Files the inline fixtures name are relative to the process's working folder.
  const deps: AppDeps = parsed === undefined
    ? { ...hooks }
    : {
        ...hooks,
        fixtures: {
          assistants: parsed.assistants ?? [], threads: parsed.threads ?? [], faults: parsed.faults ?? [], ...readFixtureFiles(parsed, process.cwd(), source)
        } satisfies Fixtures
      }
  const app = await buildApp(config, deps)
  let url: string
  try {
    url = await app.listen({ host: config.host, port: config.port })
  } catch (err) {
    await app.close()
    throw err
  }
  const { control, clock, tenants } = app.runtime
  return {
    url,
    endpoint: url,
    apiKey: config.apiKeys[0] ?? 'emulator-key',
    clock: {
      advance (ms) {
        if (!isManualClock(clock)) throw new Error('The clock is real: start the emulator with { clock: \'virtual\' } to advance it.')
        clock.advance(ms)
      },
      now: () => clock.now()
    },
    reset: () => control.reset(),
    state: () => exportState(tenants.list(), clock.now()),
    faults: { add: rule => control.faults.add(rule), clear: () => control.faults.clear() },
    requests: limit => control.journal.list(limit),
    app,
    close: () => app.close()
  }
}
