/**
 * The only reader of command-line flags and environment variables.
 *
 * Every option is declared once in OPTIONS (flag, environment twin, default, help text); parsing, validation,
 * `--help` and the README's table all come from that list. Precedence: flag > environment > default.
 * The result is frozen: nothing else in the emulator looks at process.argv or process.env.
 */
import { parseArgs } from 'node:util'
import { API_VERSION_CHECKS, type ApiVersionCheck } from './api-versions.js'

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const
export type LogLevel = typeof LOG_LEVELS[number]
/** `auto` is pretty when stdout is a terminal and JSON lines otherwise. */
export const LOG_FORMATS = ['auto', 'json', 'pretty'] as const
export type LogFormat = typeof LOG_FORMATS[number]

export interface Config {
  readonly host: string
  readonly port: number
  /** Accepted api keys; empty means any non-empty key is accepted. */
  readonly apiKeys: readonly string[]
  /** A fixtures file or a folder of them, or null. */
  readonly fixtures: string | null
  /** How long a new run stays `queued`, in milliseconds. */
  readonly queuedMs: number
  /** How long a run stays `in_progress` before it completes, in milliseconds. */
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
  /** Approximate bytes of stored objects kept; the oldest are evicted beyond it. */
  readonly maxStoreBytes: number
  /** How long a vector store file (and a file batch) stays `in_progress` before it is `completed`, in milliseconds. */
  readonly vectorStoreProcessingMs: number
  /** Serve over HTTPS; with no certificate given, a self-signed one for localhost and 127.0.0.1 is generated (tls.ts). */
  readonly tls: boolean
  /** PEM certificate (chain) file to serve HTTPS with; needs `tlsKey`, implies `tls`. */
  readonly tlsCert: string | null
  /** PEM private key file of `tlsCert`. */
  readonly tlsKey: string | null
}

type Kind = 'string' | 'list' | 'port' | 'duration' | 'log-level' | 'log-format' | 'api-version-check' | 'bytes' | 'boolean'

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
  { key: 'apiKeys', flag: 'api-key', env: 'AOAI_EMULATOR_API_KEYS', kind: 'list', placeholder: 'KEY', shownDefault: 'none: any non-empty key is accepted', describe: 'An accepted api key. Repeat the flag for several; the variable takes a comma-separated list.' },
  { key: 'fixtures', flag: 'fixtures', env: 'AOAI_EMULATOR_FIXTURES', kind: 'string', placeholder: 'PATH', shownDefault: 'none', describe: 'A fixtures JSON file, or a folder of them: assistants and threads to seed, scenarios that script runs.' },
  { key: 'queuedMs', flag: 'queued-ms', env: 'AOAI_EMULATOR_QUEUED_MS', kind: 'duration', placeholder: 'MS', shownDefault: '500', describe: 'How long a new run stays queued.' },
  { key: 'inProgressMs', flag: 'in-progress-ms', env: 'AOAI_EMULATOR_IN_PROGRESS_MS', kind: 'duration', placeholder: 'MS', shownDefault: '1500', describe: 'How long a run stays in_progress before it completes.' },
  { key: 'cancellingMs', flag: 'cancelling-ms', env: 'AOAI_EMULATOR_CANCELLING_MS', kind: 'duration', placeholder: 'MS', shownDefault: '500', describe: 'How long a cancelled run stays cancelling.' },
  { key: 'runExpiryMs', flag: 'run-expiry-ms', env: 'AOAI_EMULATOR_RUN_EXPIRY_MS', kind: 'duration', placeholder: 'MS', shownDefault: '600000', describe: 'How long after creation an unfinished run expires (expires_at).' },
  { key: 'logLevel', flag: 'log-level', env: 'AOAI_EMULATOR_LOG_LEVEL', kind: 'log-level', placeholder: 'LEVEL', shownDefault: 'info', describe: `One of ${LOG_LEVELS.join(', ')}.` },
  { key: 'logFormat', flag: 'log-format', env: 'AOAI_EMULATOR_LOG_FORMAT', kind: 'log-format', placeholder: 'FORMAT', shownDefault: 'auto', describe: `One of ${LOG_FORMATS.join(', ')}; auto is pretty on a terminal and JSON lines otherwise.` },
  { key: 'apiVersionCheck', flag: 'api-version-check', env: 'AOAI_EMULATOR_API_VERSION_CHECK', kind: 'api-version-check', placeholder: 'MODE', shownDefault: 'strict', describe: 'strict: only Azure\'s api-versions; lenient: an unknown YYYY-MM-DD[-preview] is served as the nearest older Assistants version, with a warning header; off: any or no api-version is served.' },
  { key: 'maxStoreBytes', flag: 'max-store-bytes', env: 'AOAI_EMULATOR_MAX_STORE_BYTES', kind: 'bytes', placeholder: 'BYTES', shownDefault: '134217728 (128 MiB)', describe: 'Approximate size of all stored objects; beyond it the least recently used assistants, threads (with their messages and runs), files and vector stores are evicted.' },
  { key: 'maxUploadBytes', flag: 'max-upload-bytes', env: 'AOAI_EMULATOR_MAX_UPLOAD_BYTES', kind: 'bytes', placeholder: 'BYTES', shownDefault: '20971520 (20 MiB)', describe: 'Largest file POST /files accepts; files are kept in memory, bigger uploads get a 413.' },
  { key: 'vectorStoreProcessingMs', flag: 'vector-store-processing-ms', env: 'AOAI_EMULATOR_VECTOR_STORE_PROCESSING_MS', kind: 'duration', placeholder: 'MS', shownDefault: '500', describe: 'How long a vector store file or file batch stays in_progress before it is completed.' },
  { key: 'tls', flag: 'tls', env: 'AOAI_EMULATOR_TLS', kind: 'boolean', placeholder: '', shownDefault: 'off', describe: 'Serve HTTPS. Without --tls-cert a self-signed certificate for localhost and 127.0.0.1 is generated at start-up; its file is logged and served by GET /_emulator/tls/certificate (trust it with NODE_EXTRA_CA_CERTS). The variable takes true/false/1/0.' },
  { key: 'tlsCert', flag: 'tls-cert', env: 'AOAI_EMULATOR_TLS_CERT', kind: 'string', placeholder: 'FILE', shownDefault: 'none', describe: 'PEM certificate file to serve HTTPS with (implies --tls; needs --tls-key).' },
  { key: 'tlsKey', flag: 'tls-key', env: 'AOAI_EMULATOR_TLS_KEY', kind: 'string', placeholder: 'FILE', shownDefault: 'none', describe: 'PEM private key file of --tls-cert.' }
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
  tls: false,
  tlsCert: null,
  tlsKey: null
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
    case 'string':
      if (String(raw).trim() === '') fail('is empty')
      return String(raw)
    case 'boolean': {
      const text = String(raw).trim().toLowerCase()
      if (['1', 'true', 'yes', 'on'].includes(text)) return true
      if (['0', 'false', 'no', 'off'].includes(text)) return false
      return fail('is not one of true, false, 1, 0')
    }
  }
}

/** Parses flags and environment into a frozen Config, or the request for help or the version. */
export function parseCommandLine (argv: readonly string[], env: Readonly<Record<string, string | undefined>>): CommandLine {
  let values: Record<string, string | boolean | string[] | undefined>
  try {
    const options = Object.fromEntries(OPTIONS.map(o =>
      [o.flag, o.kind === 'boolean' ? { type: 'boolean' as const } : { type: 'string' as const, multiple: o.kind === 'list' }]))
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
  if ((config.tlsCert === null) !== (config.tlsKey === null)) {
    throw new ConfigError('--tls-cert and --tls-key go together: give both, or neither (--tls alone generates a certificate)')
  }
  if (config.tlsCert !== null) config.tls = true
  return { action: 'run', config: Object.freeze(config) as unknown as Config }
}

/** Config for programmatic use (tests, embedding): defaults with the given overrides, frozen. */
export function makeConfig (overrides: Partial<Config> = {}): Config {
  return Object.freeze({ ...DEFAULT_CONFIG, ...overrides })
}

/** The --help text, generated from OPTIONS so it cannot drift from what is parsed. */
export function helpText (programName: string): string {
  const rows = OPTIONS.map(o => [`--${o.flag} ${o.placeholder}`.trimEnd(), o.env, o.shownDefault, o.describe])
  const width = (i: number) => Math.max(...rows.map(r => r[i]!.length))
  const lines = rows.map(r => `  ${r[0]!.padEnd(width(0))}  ${r[1]!.padEnd(width(1))}  ${r[3]} (default: ${r[2]})`)
  return [
    `Usage: ${programName} [options]`,
    '',
    'Offline emulator of the Azure OpenAI Assistants API.',
    'Every flag has an environment twin; a flag wins over its variable.',
    '',
    'Options:',
    ...lines,
    '  -h, --help'.padEnd(width(0) + 4) + '  Show this help and exit.',
    '  -v, --version'.padEnd(width(0) + 4) + '  Print the version and exit.',
    ''
  ].join('\n')
}
