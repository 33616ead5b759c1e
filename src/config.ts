/**
 * The only reader of command-line flags and environment variables.
 *
 * Every option is declared once in OPTIONS (flag, environment twin, default, help text); parsing, validation,
 * `--help` and the README's table all come from that list. Precedence: flag > environment > default.
 * The result is frozen: nothing else in the emulator looks at process.argv or process.env.
 */
import { homedir, tmpdir } from 'node:os'
import { isAbsolute, join } from 'node:path'
import { parseArgs } from 'node:util'
import { Type, type TSchema } from '@sinclair/typebox'
import { API_VERSION_CHECKS, type ApiVersionCheck } from './api-versions.js'

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const
type LogLevel = typeof LOG_LEVELS[number]
/** `auto` is pretty when stdout is a terminal and JSON lines otherwise. */
export const LOG_FORMATS = ['auto', 'json', 'pretty'] as const
type LogFormat = typeof LOG_FORMATS[number]
/** `real` follows the system clock; `virtual` starts at the real time and moves only through /_emulator/clock/advance. */
const CLOCK_MODES = ['real', 'virtual'] as const
export type ClockMode = typeof CLOCK_MODES[number]

export interface Config {
  readonly host: string
  readonly port: number
  /** Accepted api keys; empty means any non-empty key is accepted. */
  readonly apiKeys: readonly string[]
  /**
   * A fixtures file or a folder of them, several such paths (a later one overrides an earlier one by id:
   * fixtures.ts), or null. The command line always gives a list.
   */
  readonly fixtures: string | readonly string[] | null
  /** How long a new run (or background response) stays `queued`, in milliseconds. */
  readonly queuedMs: number
  /** How long a run (or background response) stays `in_progress` before it completes, in milliseconds. */
  readonly inProgressMs: number
  /** How long a cancelled run stays `cancelling`, in milliseconds. */
  readonly cancellingMs: number
  /** How long after creation an unfinished run expires, in milliseconds. */
  readonly runExpiryMs: number
  readonly logLevel: LogLevel
  readonly logFormat: LogFormat
  /** How `api-version` values outside Azure's list are treated (see api-versions.ts). */
  readonly apiVersionCheck: ApiVersionCheck
  /** Largest file `POST /files` accepts, in bytes; bigger uploads get a 413. */
  readonly maxUploadBytes: number
  /** Bytes of stored objects kept, weighed as V8 holds them (store/memory-store.ts `weigh`); the least recently used are evicted beyond it. */
  readonly maxStoreBytes: number
  /** How long a vector store file (and a file batch) stays `in_progress` before it is `completed`, in milliseconds. */
  readonly vectorStoreProcessingMs: number
  /** Bearer tokens accepted on the Azure API as they are (compared in constant time). */
  readonly entraTokens: readonly string[]
  /** Secret whose HS256 signature proves a JWT Bearer token; null: none. */
  readonly jwtSecret: string | null
  /** Longest a request may take to arrive in full (headers and body), in milliseconds; 0: no limit. */
  readonly requestTimeoutMs: number
  /** Longest the request headers may take to arrive, in milliseconds. */
  readonly headersTimeoutMs: number
  /** How long an idle keep-alive connection is kept open, in milliseconds. */
  readonly keepAliveTimeoutMs: number
  /** Most connections open at once; more are refused. */
  readonly maxConnections: number
  /** On SIGTERM/SIGINT, how long in-flight requests are waited for before their connections are cut, in milliseconds. */
  readonly shutdownGraceMs: number
  /**
   * Milliseconds between the chunks of a streamed reply; null spreads them over the in-progress phase.
   * A pace slower than that phase lengthens it (runs/lifecycle.ts).
   */
  readonly streamChunkMs: number | null
  /** Largest JSON request body read, in bytes; bigger bodies get a 413 before validation. */
  readonly maxBodyBytes: number
  /** `virtual`: time moves only when told (POST /_emulator/clock/advance, or the in-process API). */
  readonly clock: ClockMode
  /** A JSON state document loaded at start (when the file exists) and written on graceful shutdown, or null. */
  readonly stateFile: string | null
  /** Seed for ids and every generated value; null draws them from the system's random source. */
  readonly seed: number | null
  /** Each caller (the credential its door checks; gates/credentials.ts) sees only the objects it created. */
  readonly isolateByKey: boolean
  /** Requests per minute allowed per caller; 0 means no limit. */
  readonly rateLimitRpm: number
  /** Tokens per minute allowed per caller (estimated from the request body, as Azure does); 0 means no limit. */
  readonly rateLimitTpm: number
  /** Turns off every /_emulator/ endpoint except health and ready. */
  readonly noAdmin: boolean
  /** When set, /_emulator/ endpoints other than health and ready require `x-emulator-admin-key` with this value. */
  readonly adminKey: string | null
  /** Bytes of each API request's and response's body the requests journal keeps for the inspector; 0: none. */
  readonly journalBodyBytes: number
  /** Serve over HTTPS; with no certificate given, a self-signed one for localhost and 127.0.0.1 is generated (tls.ts). */
  readonly tls: boolean
  /** PEM certificate (chain) file to serve HTTPS with; needs `tlsKey`, implies `tls`. */
  readonly tlsCert: string | null
  /** PEM private key file of `tlsCert`. */
  readonly tlsKey: string | null
  /**
   * Folder where `tls` alone keeps its generated certificate and key, reused at every start until near expiry
   * (tls.ts); null: the user's cache folder (defaultTlsDir).
   */
  readonly tlsDir: string | null
}

type Kind = 'string' | 'list' | 'paths' | 'port' | 'duration' | 'log-level' | 'log-format' | 'api-version-check' | 'bytes' |
  'count' | 'duration-or-auto' | 'clock' | 'seed' | 'boolean' | 'limit'

interface OptionSpec {
  readonly key: keyof Config
  readonly flag: string
  readonly env: string
  readonly kind: Kind
  readonly placeholder: string
  readonly describe: string
  /** Default as shown in --help and the README. */
  readonly shownDefault: string
}

export const OPTIONS: readonly OptionSpec[] = [
  { key: 'host', flag: 'host', env: 'AOAI_EMULATOR_HOST', kind: 'string', placeholder: 'ADDRESS', shownDefault: '127.0.0.1', describe: 'Address to listen on (0.0.0.0 for all interfaces).' },
  { key: 'port', flag: 'port', env: 'AOAI_EMULATOR_PORT', kind: 'port', placeholder: 'PORT', shownDefault: '8080', describe: 'Port to listen on; 0 picks any free port.' },
  { key: 'apiKeys', flag: 'api-key', env: 'AOAI_EMULATOR_API_KEYS', kind: 'list', placeholder: 'KEY', shownDefault: 'none: any non-empty key is accepted', describe: 'An accepted api key. Repeat the flag for several; the variable takes a comma-separated list. Once any key, token or secret is set, every door accepts only configured credentials (docs/security.md).' },
  { key: 'fixtures', flag: 'fixtures', env: 'AOAI_EMULATOR_FIXTURES', kind: 'paths', placeholder: 'PATH', shownDefault: 'none', describe: 'A fixtures JSON file, or a folder of them: assistants and threads to seed, scenarios that script runs. Repeat the flag for several (the variable takes a comma-separated list): a later path overrides an earlier one\'s assistants and threads by id and its scenarios by name, and its scenarios are tried first.' },
  { key: 'queuedMs', flag: 'queued-ms', env: 'AOAI_EMULATOR_QUEUED_MS', kind: 'duration', placeholder: 'MS', shownDefault: '500', describe: 'How long a new run (or background response) stays queued.' },
  { key: 'inProgressMs', flag: 'in-progress-ms', env: 'AOAI_EMULATOR_IN_PROGRESS_MS', kind: 'duration', placeholder: 'MS', shownDefault: '1500', describe: 'How long a run (or background response) stays in_progress before it completes.' },
  { key: 'cancellingMs', flag: 'cancelling-ms', env: 'AOAI_EMULATOR_CANCELLING_MS', kind: 'duration', placeholder: 'MS', shownDefault: '500', describe: 'How long a cancelled run stays cancelling.' },
  { key: 'runExpiryMs', flag: 'run-expiry-ms', env: 'AOAI_EMULATOR_RUN_EXPIRY_MS', kind: 'duration', placeholder: 'MS', shownDefault: '600000', describe: 'How long after creation an unfinished run expires (expires_at).' },
  { key: 'logLevel', flag: 'log-level', env: 'AOAI_EMULATOR_LOG_LEVEL', kind: 'log-level', placeholder: 'LEVEL', shownDefault: 'info', describe: `One of ${LOG_LEVELS.join(', ')}.` },
  { key: 'logFormat', flag: 'log-format', env: 'AOAI_EMULATOR_LOG_FORMAT', kind: 'log-format', placeholder: 'FORMAT', shownDefault: 'auto', describe: `One of ${LOG_FORMATS.join(', ')}; auto is pretty on a terminal and JSON lines otherwise.` },
  { key: 'apiVersionCheck', flag: 'api-version-check', env: 'AOAI_EMULATOR_API_VERSION_CHECK', kind: 'api-version-check', placeholder: 'MODE', shownDefault: 'strict', describe: 'strict: only Azure\'s api-versions; lenient: an unknown YYYY-MM-DD[-preview] is served as the nearest older Assistants version, with a warning header; off: any or no api-version is served.' },
  { key: 'maxStoreBytes', flag: 'max-store-bytes', env: 'AOAI_EMULATOR_MAX_STORE_BYTES', kind: 'bytes', placeholder: 'BYTES', shownDefault: '134217728 (128 MiB)', describe: 'Memory that all stored objects may hold, every tenant together (one budget, not one per key), weighed as V8 holds them (within 0.8–1.5× of the live heap: docs/control-plane.md); beyond it the least recently used assistants, threads (with their messages and runs), files, vector stores, responses, conversations and agents of any tenant are evicted. `GET /_emulator/store` counts what was evicted.' },
  { key: 'maxUploadBytes', flag: 'max-upload-bytes', env: 'AOAI_EMULATOR_MAX_UPLOAD_BYTES', kind: 'bytes', placeholder: 'BYTES', shownDefault: '20971520 (20 MiB)', describe: 'Largest file POST /files accepts; files are kept in memory, bigger uploads get a 413.' },
  { key: 'vectorStoreProcessingMs', flag: 'vector-store-processing-ms', env: 'AOAI_EMULATOR_VECTOR_STORE_PROCESSING_MS', kind: 'duration', placeholder: 'MS', shownDefault: '500', describe: 'How long a vector store file or file batch stays in_progress before it is completed.' },
  { key: 'entraTokens', flag: 'entra-token', env: 'AOAI_EMULATOR_ENTRA_TOKENS', kind: 'list', placeholder: 'TOKEN', shownDefault: 'none', describe: 'A Bearer token accepted on /openai and Foundry as it is. Repeat the flag for several; the variable takes a comma-separated list. Once any key, token or secret is set, only proven tokens pass.' },
  { key: 'jwtSecret', flag: 'jwt-secret', env: 'AOAI_EMULATOR_JWT_SECRET', kind: 'string', placeholder: 'SECRET', shownDefault: 'none', describe: 'Shared secret: a Bearer JWT signed with it (HS256) whose aud is https://cognitiveservices.azure.com and whose exp is in the future is accepted on /openai (aud https://ai.azure.com on Foundry).' },
  { key: 'requestTimeoutMs', flag: 'request-timeout-ms', env: 'AOAI_EMULATOR_REQUEST_TIMEOUT_MS', kind: 'duration', placeholder: 'MS', shownDefault: '30000', describe: 'Longest a request may take to arrive in full, headers and body; a slower one gets a 408 and its connection is closed. 0: no limit.' },
  { key: 'headersTimeoutMs', flag: 'headers-timeout-ms', env: 'AOAI_EMULATOR_HEADERS_TIMEOUT_MS', kind: 'duration', placeholder: 'MS', shownDefault: '10000', describe: 'Longest the request headers may take to arrive.' },
  { key: 'keepAliveTimeoutMs', flag: 'keep-alive-timeout-ms', env: 'AOAI_EMULATOR_KEEP_ALIVE_TIMEOUT_MS', kind: 'duration', placeholder: 'MS', shownDefault: '5000', describe: 'How long an idle keep-alive connection stays open.' },
  { key: 'maxConnections', flag: 'max-connections', env: 'AOAI_EMULATOR_MAX_CONNECTIONS', kind: 'count', placeholder: 'N', shownDefault: '1024', describe: 'Most connections open at once; further ones are closed as they arrive.' },
  { key: 'shutdownGraceMs', flag: 'shutdown-grace-ms', env: 'AOAI_EMULATOR_SHUTDOWN_GRACE_MS', kind: 'duration', placeholder: 'MS', shownDefault: '3000', describe: 'On SIGTERM or SIGINT, how long requests already received are waited for before their connections are cut.' },
  { key: 'streamChunkMs', flag: 'stream-chunk-ms', env: 'AOAI_EMULATOR_STREAM_CHUNK_MS', kind: 'duration-or-auto', placeholder: 'MS', shownDefault: 'auto', describe: 'Milliseconds (or auto) between the chunks of a reply (streamed as thread.message.delta events, and shown by reads of the message in progress); auto spreads them over the in-progress phase, a slower pace makes that phase last as long as writing takes.' },
  { key: 'maxBodyBytes', flag: 'max-body-bytes', env: 'AOAI_EMULATOR_MAX_BODY_BYTES', kind: 'bytes', placeholder: 'BYTES', shownDefault: '4194304 (4 MiB)', describe: 'Largest JSON request body read; bigger bodies get a 413. Bodies under it reach validation, so a too-long field gets the API\'s own 400.' },
  { key: 'clock', flag: 'clock', env: 'AOAI_EMULATOR_CLOCK', kind: 'clock', placeholder: 'MODE', shownDefault: 'real', describe: 'real, or virtual: time starts at the real time (at a fixed instant, 2025-01-01T00:00:00Z, when --seed is given) and moves only through POST /_emulator/clock/advance.' },
  { key: 'stateFile', flag: 'state-file', env: 'AOAI_EMULATOR_STATE_FILE', kind: 'string', placeholder: 'PATH', shownDefault: 'none', describe: 'A state document (as GET /_emulator/state answers) loaded at start when the file exists, and written there atomically on graceful shutdown.' },
  { key: 'seed', flag: 'seed', env: 'AOAI_EMULATOR_SEED', kind: 'seed', placeholder: 'N', shownDefault: 'none: random', describe: 'Makes ids, request ids and every generated value deterministic: the same requests give the same bytes (with --clock virtual).' },
  { key: 'isolateByKey', flag: 'isolate-by-key', env: 'AOAI_EMULATOR_ISOLATE_BY_KEY', kind: 'boolean', placeholder: '', shownDefault: 'off', describe: 'Each caller (the credential its door checks: api-key, else Bearer, on /openai; Bearer on /v1 and Foundry; a JWT by its subject) sees only its own objects; another caller\'s object is the ordinary 404. The variable takes true or false (also 1/0, yes/no, on/off).' },
  { key: 'rateLimitRpm', flag: 'rate-limit-rpm', env: 'AOAI_EMULATOR_RATE_LIMIT_RPM', kind: 'limit', placeholder: 'N', shownDefault: '0 (no limit)', describe: 'Requests per minute per caller (an accepted credential); beyond it Azure\'s 429 with retry-after.' },
  { key: 'rateLimitTpm', flag: 'rate-limit-tpm', env: 'AOAI_EMULATOR_RATE_LIMIT_TPM', kind: 'limit', placeholder: 'N', shownDefault: '0 (no limit)', describe: 'Tokens per minute per caller, estimated as request body bytes / 4; beyond it Azure\'s 429 with retry-after.' },
  { key: 'noAdmin', flag: 'no-admin', env: 'AOAI_EMULATOR_NO_ADMIN', kind: 'boolean', placeholder: '', shownDefault: 'off', describe: 'Turns off every /_emulator/ endpoint except health and ready (404). The variable takes true or false (also 1/0, yes/no, on/off).' },
  { key: 'adminKey', flag: 'admin-key', env: 'AOAI_EMULATOR_ADMIN_KEY', kind: 'string', placeholder: 'KEY', shownDefault: 'none', describe: '/_emulator/ endpoints other than health and ready require this key in the header x-emulator-admin-key, or as the password of HTTP Basic authentication, which a browser opening the inspector (/_emulator/ui) asks for (401 otherwise). Without it they need a credential the API accepts once one is configured (a configured api key also works as the Basic password), and refuse all (403) with --isolate-by-key.' },
  { key: 'journalBodyBytes', flag: 'journal-body-bytes', env: 'AOAI_EMULATOR_JOURNAL_BODY_BYTES', kind: 'limit', placeholder: 'BYTES', shownDefault: '4096', describe: 'How many bytes of each API request\'s and response\'s body the requests journal keeps (for its last 1000 requests), shown by the inspector (/_emulator/ui); 0 keeps none. Bodies of /_emulator requests are never kept.' },
  { key: 'tls', flag: 'tls', env: 'AOAI_EMULATOR_TLS', kind: 'boolean', placeholder: '', shownDefault: 'off', describe: 'Serve HTTPS. Without --tls-cert a self-signed certificate for localhost, 127.0.0.1 and ::1 is made once in --tls-dir and reused at every start; its file is logged at each start and served by GET /_emulator/tls/certificate (trust it with NODE_EXTRA_CA_CERTS). The variable takes true or false (also 1/0, yes/no, on/off).' },
  { key: 'tlsCert', flag: 'tls-cert', env: 'AOAI_EMULATOR_TLS_CERT', kind: 'string', placeholder: 'FILE', shownDefault: 'none', describe: 'PEM certificate file to serve HTTPS with (implies --tls; needs --tls-key).' },
  { key: 'tlsKey', flag: 'tls-key', env: 'AOAI_EMULATOR_TLS_KEY', kind: 'string', placeholder: 'FILE', shownDefault: 'none', describe: 'PEM private key file of --tls-cert.' },
  { key: 'tlsDir', flag: 'tls-dir', env: 'AOAI_EMULATOR_TLS_DIR', kind: 'string', placeholder: 'DIR', shownDefault: 'the user\'s cache folder: $XDG_CACHE_HOME/aoai-emulator/tls, else ~/.cache/aoai-emulator/tls (%LOCALAPPDATA%\\aoai-emulator\\tls on Windows)', describe: 'Folder where --tls keeps its certificate.pem and key.pem (made if missing, owned by you and not writable by others). They are reused at every start and renewed within 30 days of expiry, so NODE_EXTRA_CA_CERTS=DIR/certificate.pem set once keeps working.' }
]

export const DEFAULT_CONFIG: Config = Object.freeze({
  host: '127.0.0.1',
  port: 8080,
  apiKeys: Object.freeze([]),
  fixtures: null,
  queuedMs: 500,
  inProgressMs: 1500,
  cancellingMs: 500,
  runExpiryMs: 600000,
  logLevel: 'info',
  logFormat: 'auto',
  apiVersionCheck: 'strict',
  maxUploadBytes: 20 * 1024 * 1024,
  maxStoreBytes: 128 * 1024 * 1024,
  vectorStoreProcessingMs: 500,
  entraTokens: Object.freeze([]),
  jwtSecret: null,
  requestTimeoutMs: 30000,
  headersTimeoutMs: 10000,
  keepAliveTimeoutMs: 5000,
  maxConnections: 1024,
  shutdownGraceMs: 3000,
  streamChunkMs: null,
  maxBodyBytes: 4 * 1024 * 1024,
  clock: 'real',
  stateFile: null,
  seed: null,
  isolateByKey: false,
  rateLimitRpm: 0,
  rateLimitTpm: 0,
  noAdmin: false,
  adminKey: null,
  journalBodyBytes: 4096,
  tls: false,
  tlsCert: null,
  tlsKey: null,
  tlsDir: null
})

/** A bad flag or variable: the message is the one line the process prints before it exits. */
export class ConfigError extends Error {
  constructor (message: string) {
    super(message)
    this.name = 'ConfigError'
  }
}

export type CommandLine =
  | { readonly action: 'run', readonly config: Config }
  | { readonly action: 'help' }
  | { readonly action: 'version' }

const MAX_DURATION_MS = 24 * 60 * 60 * 1000
/** Uploads are held in memory: 1 GiB is the most one file may be. */
const MAX_BYTES = 64 * 1024 * 1024 * 1024
const MAX_COUNT = 1_000_000

function convert (spec: OptionSpec, raw: string | string[], source: string): Config[keyof Config] {
  const fail = (why: string): never => {
    throw new ConfigError(`Invalid value for ${source}: ${JSON.stringify(raw)} ${why}`)
  }
  switch (spec.kind) {
    case 'list': {
      const items = (Array.isArray(raw) ? raw : raw.split(',')).map(s => s.trim()).filter(s => s !== '')
      if (items.length === 0) fail('is empty; give at least one key')
      return Object.freeze(items)
    }
    case 'paths': {
      // Each flag is one path, taken as given; the variable is a comma-separated list whose blank items are dropped.
      if (Array.isArray(raw)) {
        const blank = raw.find(path => path.trim() === '')
        if (blank !== undefined) convert({ ...spec, kind: 'string' }, blank, source)
        return Object.freeze([...raw])
      }
      const items = raw.split(',').map(s => s.trim()).filter(s => s !== '')
      if (items.length === 0) fail('is empty; give at least one path')
      return Object.freeze(items)
    }
    case 'port': {
      const value = Number(raw)
      if (!/^\d+$/.test(String(raw)) || value > 65535) fail('is not a port number from 0 to 65535')
      return value
    }
    case 'duration': {
      const value = Number(raw)
      if (!/^\d+$/.test(String(raw)) || value > MAX_DURATION_MS) fail(`is not a whole number of milliseconds from 0 to ${MAX_DURATION_MS}`)
      return value
    }
    case 'log-level':
      if (!(LOG_LEVELS as readonly string[]).includes(String(raw))) fail(`is not one of ${LOG_LEVELS.join(', ')}`)
      return raw as LogLevel
    case 'log-format':
      if (!(LOG_FORMATS as readonly string[]).includes(String(raw))) fail(`is not one of ${LOG_FORMATS.join(', ')}`)
      return raw as LogFormat
    case 'api-version-check':
      if (!(API_VERSION_CHECKS as readonly string[]).includes(String(raw))) fail(`is not one of ${API_VERSION_CHECKS.join(', ')}`)
      return raw as ApiVersionCheck
    case 'bytes': {
      const value = Number(raw)
      if (!/^\d+$/.test(String(raw)) || value < 1 || value > MAX_BYTES) fail(`is not a whole number of bytes from 1 to ${MAX_BYTES}`)
      return value
    }
    case 'count': {
      const value = Number(raw)
      if (!/^\d+$/.test(String(raw)) || value < 1 || value > MAX_COUNT) fail(`is not a whole number from 1 to ${MAX_COUNT}`)
      return value
    }
    case 'duration-or-auto':
      if (raw === 'auto') return null
      return convert({ ...spec, kind: 'duration' }, raw, source)
    case 'string':
      if (String(raw).trim() === '') fail('is empty')
      return String(raw)
    case 'clock':
      if (!(CLOCK_MODES as readonly string[]).includes(String(raw))) fail(`is not one of ${CLOCK_MODES.join(', ')}`)
      return raw as ClockMode
    case 'seed':
    case 'limit': {
      const value = Number(raw)
      if (!/^\d+$/.test(String(raw)) || !Number.isSafeInteger(value)) fail('is not a whole number from 0')
      return value
    }
    case 'boolean': {
      const text = String(raw).trim().toLowerCase()
      if (['1', 'true', 'yes', 'on'].includes(text)) return true
      if (['0', 'false', 'no', 'off'].includes(text)) return false
      return fail('is not one of true, false, 1, 0, yes, no, on, off')
    }
  }
}

const literals = (values: readonly string[]) => Type.Union(values.map(value => Type.Literal(value)))
const wholeNumber = (minimum: number, maximum: number) => Type.Integer({ minimum, maximum })

/** What each kind of option holds, as a schema, and how its error describes a wrong value. */
const KINDS: Readonly<Record<Kind, { readonly schema: TSchema, readonly is: string }>> = {
  string: { schema: Type.String({ pattern: '\\S' }), is: 'a non-empty string' },
  list: { schema: Type.Array(Type.String({ pattern: '\\S' }), { minItems: 1 }), is: 'a list of one or more non-empty strings' },
  paths: { schema: Type.Union([Type.String({ pattern: '\\S' }), Type.Array(Type.String({ pattern: '\\S' }), { minItems: 1 })]), is: 'a path or a list of paths' },
  port: { schema: wholeNumber(0, 65535), is: 'a port number from 0 to 65535' },
  duration: { schema: wholeNumber(0, MAX_DURATION_MS), is: `a whole number of milliseconds from 0 to ${MAX_DURATION_MS}` },
  'duration-or-auto': { schema: Type.Union([wholeNumber(0, MAX_DURATION_MS), Type.Null()]), is: `null (auto) or a whole number of milliseconds from 0 to ${MAX_DURATION_MS}` },
  'log-level': { schema: literals(LOG_LEVELS), is: `one of ${LOG_LEVELS.join(', ')}` },
  'log-format': { schema: literals(LOG_FORMATS), is: `one of ${LOG_FORMATS.join(', ')}` },
  'api-version-check': { schema: literals(API_VERSION_CHECKS), is: `one of ${API_VERSION_CHECKS.join(', ')}` },
  clock: { schema: literals(CLOCK_MODES), is: `one of ${CLOCK_MODES.join(', ')}` },
  bytes: { schema: wholeNumber(1, MAX_BYTES), is: `a whole number of bytes from 1 to ${MAX_BYTES}` },
  count: { schema: wholeNumber(1, MAX_COUNT), is: `a whole number from 1 to ${MAX_COUNT}` },
  seed: { schema: wholeNumber(0, Number.MAX_SAFE_INTEGER), is: 'a whole number from 0' },
  limit: { schema: wholeNumber(0, Number.MAX_SAFE_INTEGER), is: 'a whole number from 0' },
  boolean: { schema: Type.Boolean(), is: 'true or false' }
}

/** The one rule between options: a certificate and its key go together. */
function checkTogether (config: Pick<Config, 'tlsCert' | 'tlsKey'>, names: { cert: string, key: string }): void {
  if ((config.tlsCert === null) !== (config.tlsKey === null)) {
    throw new ConfigError(`${names.cert} and ${names.key} go together: give both, or neither (--tls alone uses a self-signed certificate)`)
  }
}

/**
 * A frozen Config from programmatic options (`startEmulator`, embedding): defaults with the given options,
 * each checked against its kind's schema (the one ConfigSchema is made of). Rejects with ConfigError naming
 * the first unknown option or wrong value.
 */
export async function checkedConfig (options: Readonly<Record<string, unknown>>): Promise<Config> {
  // Loaded here, not at start-up: the command line checks its strings as it converts them (`convert`).
  const { Value } = await import('@sinclair/typebox/value')
  const specs = new Map(OPTIONS.map(spec => [spec.key as string, spec]))
  for (const [key, value] of Object.entries(options)) {
    const spec = specs.get(key)
    if (spec === undefined) throw new ConfigError(`Unknown option '${key}' (the options are config.ts OPTIONS: ${[...specs.keys()].join(', ')})`)
    if (value === undefined) continue
    const nullable = DEFAULT_CONFIG[spec.key] === null
    if (!(nullable && value === null) && !Value.Check(KINDS[spec.kind].schema, value)) {
      throw new ConfigError(`Invalid value for option '${key}': ${JSON.stringify(value)} is not ${KINDS[spec.kind].is}`)
    }
  }
  const defined = Object.fromEntries(Object.entries(options).filter(([, value]) => value !== undefined))
  const config = makeConfig(defined as Partial<Config>)
  checkTogether(config, { cert: 'tlsCert', key: 'tlsKey' })
  return config.tlsCert !== null && !config.tls ? Object.freeze({ ...config, tls: true }) : config
}

/** Parses flags and environment into a frozen Config, or the request for help or the version. */
export function parseCommandLine (argv: readonly string[], env: Readonly<Record<string, string | undefined>>): CommandLine {
  let values: Record<string, string | boolean | string[] | undefined>
  try {
    const options = Object.fromEntries(OPTIONS.map(o =>
      [o.flag, o.kind === 'boolean' ? { type: 'boolean' as const } : { type: 'string' as const, multiple: o.kind === 'list' || o.kind === 'paths' }]))
    values = parseArgs({
      args: [...argv],
      strict: true,
      allowPositionals: false,
      options: { ...options, help: { type: 'boolean', short: 'h' }, version: { type: 'boolean', short: 'v' } }
    }).values
  } catch (err) {
    throw new ConfigError(`${(err as Error).message.split('\n')[0]} (see --help)`)
  }
  if (values.help === true) return { action: 'help' }
  if (values.version === true) return { action: 'version' }

  const config: Record<string, unknown> = { ...DEFAULT_CONFIG }
  for (const spec of OPTIONS) {
    const fromFlag = values[spec.flag]
    const fromEnv = env[spec.env]
    if (typeof fromFlag === 'boolean' && spec.kind === 'boolean') {
      config[spec.key] = fromFlag
    } else if (fromFlag !== undefined && typeof fromFlag !== 'boolean') {
      config[spec.key] = convert(spec, fromFlag, `--${spec.flag}`)
    } else if (fromEnv !== undefined && fromEnv !== '') {
      config[spec.key] = convert(spec, fromEnv, spec.env)
    }
  }
  checkTogether(config as Pick<Config, 'tlsCert' | 'tlsKey'>, { cert: '--tls-cert', key: '--tls-key' })
  if (config.tlsCert !== null) config.tls = true
  return { action: 'run', config: Object.freeze(config) as unknown as Config }
}

/**
 * Where `--tls` keeps its certificate when `--tls-dir` is not given: `aoai-emulator/tls` in the user's cache
 * folder, `$XDG_CACHE_HOME` when it is an absolute path, else `%LOCALAPPDATA%` on Windows, else `~/.cache`
 * (a folder in the temporary directory when there is no home directory).
 */
export function defaultTlsDir (
  env: Readonly<Record<string, string | undefined>> = process.env,
  platform: NodeJS.Platform = process.platform,
  home: () => string = homedir
): string {
  const absolute = (value: string | undefined) => value !== undefined && isAbsolute(value)
  let cache: string
  if (absolute(env.XDG_CACHE_HOME)) cache = env.XDG_CACHE_HOME!
  else if (platform === 'win32' && absolute(env.LOCALAPPDATA)) cache = env.LOCALAPPDATA!
  else {
    try {
      cache = join(home(), '.cache')
    } catch {
      cache = tmpdir()
    }
  }
  return join(cache, 'aoai-emulator', 'tls')
}

/** Config for programmatic use (tests, embedding): defaults with the given overrides, frozen. */
export function makeConfig (overrides: Partial<Config> = {}): Config {
  return Object.freeze({ ...DEFAULT_CONFIG, ...overrides })
}

/** The --help text, generated from OPTIONS so it cannot drift from what is parsed. */
export function helpText (programName: string): string {
  const rows = OPTIONS.map(o => [`--${o.flag} ${o.placeholder}`.trimEnd(), o.env, o.shownDefault, o.describe])
  const width = (i: number) => Math.max(...rows.map(r => r[i]!.length))
  const line = (flag: string, env: string, text: string) => `  ${flag.padEnd(width(0))}  ${env.padEnd(width(1))}  ${text}`
  const lines = rows.map(r => line(r[0]!, r[1]!, `${r[3]} (default: ${r[2]})`))
  return [
    `Usage: ${programName} [options]`,
    '',
    'Offline emulator of the Azure OpenAI Assistants API.',
    'Every flag has an environment twin; a flag wins over its variable.',
    '',
    'Options:',
    ...lines,
    // No environment twin: an empty env column keeps the text in the description column.
    line('-h, --help', '', 'Show this help and exit.'),
    line('-v, --version', '', 'Print the version and exit.'),
    ''
  ].join('\n')
}
