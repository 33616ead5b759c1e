/**
 * The emulator's logger (pino, handed to Fastify): one JSON line per request (written by the pipeline's last step),
 * pretty output on a terminal, and credentials kept out of every line.
 *
 * Credentials are removed twice: pino `redact` censors the header fields wherever a headers object is
 * logged, and a last pass over each finished line (pino's `streamWrite` hook) masks anything that still
 * looks like a credential, e.g. inside an error message, and every URL by `scrubUrl`, the same function the
 * requests journal uses: by what a value is called and by what it looks like.
 */
import { writeSync } from 'node:fs'
import type { FastifyBaseLogger } from 'fastify'
import { pino, type Bindings, type ChildLoggerOptions, type Logger } from 'pino'
import type { Config } from './config.js'

/** Where log lines go: anything with a `write(line)` (pino's DestinationStream). */
export interface LogStream {
  write (line: string): void
}

export const REDACTED = '[redacted]'

const SECRET_HEADERS = ['api-key', 'authorization', 'ocp-apim-subscription-key', 'x-api-key', 'cookie']

/** pino redact paths: headers objects at the top level, under req, or one level under anything. */
const REDACT_PATHS = [
  ...SECRET_HEADERS.flatMap(h => [`req.headers["${h}"]`, `headers["${h}"]`, `*.headers["${h}"]`]),
  // Node's HTTP parser errors carry the raw request bytes, headers included.
  'err.rawPacket',
  '*.rawPacket'
]

const SECRET_NAMES = String.raw`[\w-]*api-key|[\w-]*subscription-key|authorization|access_token|cookie`
/** `"api-key":"…"` in the JSON line. */
const JSON_FIELD = new RegExp(String.raw`("(?:${SECRET_NAMES})"\s*:\s*")(?:[^"\\]|\\.)*(")`, 'gi')
/** `api-key=…` in raw text, `api-key: …` or `authorization: Bearer …`. */
const ASSIGNMENT = new RegExp(String.raw`(\b(?:${SECRET_NAMES})\s*(?:=|:)\s*)(?!\[redacted\])(?:(?:Bearer|Basic)\s+)?[^\s"\\&,;]+`, 'gi')
/** `Bearer …` anywhere. */
const BEARER = /(\bBearer\s+)(?!\[redacted\])[^\s"\\,;]+/gi
/** A JWT anywhere (three base64url parts, the first a JSON object): never legitimate log content. */
const JWT = /\beyJ[\w-]{4,}\.[\w-]{4,}\.[\w-]*/g

/**
 * A query parameter whose name says its value is a credential (`key`, `api-key`, `token`, `sig`, `secret`,
 * `password`, `code`, `client_secret`, `code_verifier`…), judged on the decoded name (`api%2Dkey` is `api-key`).
 */
const SECRET_NAME = /key|token|secret|sig|password|passwd|pwd|credential|auth|verifier|code|session|cookie/i

/**
 * Whether a (decoded) value looks like a credential whatever it is called: a `Bearer` or `Basic` credential,
 * a JWT, an OpenAI key (`sk-…`), an Azure key (32 hex digits), or a long token-like string (40 or more
 * characters of base64 or hex mixing letters and digits). The emulator's own ids (`asst_…`, `thread_…`,
 * `assistant-…`) are far shorter and never match.
 */
export function looksLikeSecret (value: string): boolean {
  if (/^(?:bearer|basic)\s+\S/i.test(value)) return true
  JWT.lastIndex = 0
  if (JWT.test(value)) return true
  if (/^sk-[\w-]{16,}$/.test(value) || /^[0-9a-f]{32}$/i.test(value)) return true
  return /^[A-Za-z0-9+/=_-]{40,}$/.test(value) && /[A-Za-z]/.test(value) && /[0-9]/.test(value)
}

/** `text` percent-decoded (`+` as a space, as in a query), or as it is when it does not decode. */
function decoded (text: string): string {
  try {
    return decodeURIComponent(text.replace(/\+/g, ' '))
  } catch {
    return text
  }
}

export interface UrlScrubOptions {
  /** What replaces a secret (default `[redacted]`; the requests journal uses `***`). */
  readonly mask?: string
  /** Secrets the operator configured: masked as a path segment or a query value, whatever they look like. */
  readonly secrets?: readonly string[]
}

/**
 * A request URL (path and query) with every secret masked: the one scrub for the log and the requests journal
 * (control/journal.ts). A path segment is masked when it looks like a credential (`looksLikeSecret`) or is a
 * configured secret; a query value when its name says it is a secret (`SECRET_NAME`), when it looks like one,
 * or when it is a configured secret — names and values judged percent-decoded. Idempotent.
 */
export function scrubUrl (url: string, options: UrlScrubOptions = {}): string {
  const mask = options.mask ?? REDACTED
  const configured = new Set(options.secrets ?? [])
  const secret = (value: string) => value !== mask && (looksLikeSecret(value) || configured.has(value))
  const at = url.indexOf('?')
  const path = (at < 0 ? url : url.slice(0, at)).split('/').map(segment => secret(decoded(segment)) ? mask : segment).join('/')
  if (at < 0) return path
  const query = url.slice(at + 1).split('&').map(pair => {
    const eq = pair.indexOf('=')
    if (eq < 0) return secret(decoded(pair)) ? mask : pair
    const name = pair.slice(0, eq)
    const value = pair.slice(eq + 1)
    if (value === mask) return pair
    return SECRET_NAME.test(decoded(name)) || secret(decoded(value)) ? `${name}=${mask}` : pair
  })
  return `${path}?${query.join('&')}`
}

/** A URL (path, query, or both) inside a log line, up to a quote, a backslash or white space. */
const URL_IN_LINE = /(?:\/[^\s"\\?#/]*)+(?:\?[^\s"\\#]*)?|\?[^\s"\\#]*/g

/** Masks credentials in a finished log line: header-like fields, Bearer tokens, JWTs, and every URL (`scrubUrl`). Idempotent. */
export function scrubSecrets (line: string): string {
  return line
    .replace(JSON_FIELD, `$1${REDACTED}$2`)
    .replace(ASSIGNMENT, `$1${REDACTED}`)
    .replace(BEARER, `$1${REDACTED}`)
    .replace(URL_IN_LINE, url => scrubUrl(url))
    .replace(JWT, REDACTED)
}

const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')

/**
 * scrubSecrets plus the secrets the operator configured (api keys, Entra tokens, the JWT secret), masked
 * wherever they appear in a line: in a path segment, a message, anything. Secrets shorter than 4
 * characters are left to the patterns (masking every `ab` would garble the log).
 */
export function secretScrubber (secrets: readonly string[]): (line: string) => string {
  const known = [...new Set(secrets)].filter(s => s.length >= 4).sort((a, b) => b.length - a.length)
  if (known.length === 0) return scrubSecrets
  const pattern = new RegExp(known.map(escapeRegExp).join('|'), 'g')
  return line => scrubSecrets(line).replace(pattern, REDACTED)
}

/** The secrets a config names (api keys, Entra tokens, the JWT secret): masked wherever they appear. */
export const configuredSecrets = (config: Pick<Config, 'apiKeys' | 'entraTokens' | 'jwtSecret'>): string[] =>
  [...config.apiKeys, ...config.entraTokens, ...(config.jwtSecret === null ? [] : [config.jwtSecret])]

/** Whether logs should be pretty: `auto` means stdout is a terminal. */
export function wantsPretty (format: Config['logFormat'], stdoutIsTTY: boolean): boolean {
  return format === 'pretty' || (format === 'auto' && stdoutIsTTY)
}

const EAGAIN_WAIT_MS = 1
const EAGAIN_MAX_WAITS = 1000
const pause = new Int32Array(new SharedArrayBuffer(4))

/**
 * Synchronous line writer to a file descriptor (stdout by default), used instead of pino's default
 * asynchronous sonic-boom: nothing is lost when the process exits right after its last line, and a closed
 * stdout (EPIPE) turns logging off instead of blocking the exit (sonic-boom's flush at exit retries
 * a broken pipe forever). A non-blocking descriptor that stays full for a second drops the line.
 */
export function fdStream (fd = 1): LogStream {
  let broken = false
  return {
    write (line) {
      if (broken) return
      let buf = Buffer.from(line)
      let waits = 0
      while (buf.length > 0) {
        try {
          buf = buf.subarray(writeSync(fd, buf))
        } catch (err) {
          if ((err as NodeJS.ErrnoException).code !== 'EAGAIN' || ++waits > EAGAIN_MAX_WAITS) {
            broken = (err as NodeJS.ErrnoException).code !== 'EAGAIN'
            return
          }
          Atomics.wait(pause, 0, 0, EAGAIN_WAIT_MS)
        }
      }
    }
  }
}

/**
 * A synchronous pretty-printing stream. pino-pretty is imported only here, so JSON output (containers,
 * CI, pipes) never loads it. Colours only on a terminal.
 */
export async function prettyStream (out: LogStream = fdStream(1), colorize = process.stdout.isTTY === true): Promise<LogStream> {
  const { prettyFactory } = (await import('pino-pretty')).default
  const pretty = prettyFactory({
    colorize,
    translateTime: 'SYS:HH:MM:ss.l',
    ignore: 'pid,hostname,method,url,statusCode,responseTime',
    messageFormat: (log, messageKey) => {
      const message = String(log[messageKey] ?? '')
      if (log.method === undefined) return message
      return `${String(log.method)} ${String(log.url)} ${String(log.statusCode)} ${String(log.responseTime)} ms`
    }
  })
  return { write: line => { out.write(pretty(line)) } }
}

/** Where a config's log lines go: `stream` when given, else pretty or JSON lines, both written synchronously to stdout. */
export async function logDestination (config: Config, stream?: LogStream): Promise<LogStream> {
  return stream ?? (config.logLevel !== 'silent' && wantsPretty(config.logFormat, process.stdout.isTTY === true)
    ? await prettyStream()
    : fdStream(1))
}

/** The logger for a config: level, redaction, the credential scrub, and its destination (`logDestination`). */
export async function createLogger (config: Config, stream?: LogStream): Promise<Logger> {
  const destination = await logDestination(config, stream)
  return pino({
    level: config.logLevel,
    redact: { paths: REDACT_PATHS, censor: REDACTED },
    hooks: { streamWrite: secretScrubber(configuredSecrets(config)) }
  }, destination)
}

type LevelName = 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace'
type LogArgs = [unknown, string?, ...unknown[]]
type LevelAware = FastifyBaseLogger & Pick<Logger, 'isLevelEnabled'>

const isLevelAware = (logger: FastifyBaseLogger): logger is LevelAware =>
  typeof (logger as Partial<LevelAware>).isLevelEnabled === 'function'

/**
 * A request's logger that becomes a pino child (with the request id's bindings) only when it first writes a
 * line at an enabled level, or is asked for its own child or a level change. Fastify makes one child per request;
 * with redaction configured, pino's child serialises and redacts its bindings at once: a few microseconds per
 * request whose lines are all dropped at the configured level (the usual case at `--log-level warn`). The lines
 * it writes are the child's own, byte for byte.
 */
class LazyChildLogger implements FastifyBaseLogger {
  #child: FastifyBaseLogger | undefined
  readonly #parent: LevelAware
  readonly #bindings: Bindings

  constructor (parent: LevelAware, bindings: Bindings) {
    this.#parent = parent
    this.#bindings = bindings
  }

  #real (): FastifyBaseLogger {
    this.#child ??= this.#parent.child(this.#bindings)
    return this.#child
  }

  #write (level: LevelName, args: LogArgs): void {
    const child = this.#child
    if (child === undefined && !this.#parent.isLevelEnabled(level)) return
    ;(child ?? this.#real())[level](...args)
  }

  get level (): string { return (this.#child ?? this.#parent).level }
  set level (level: string) { this.#real().level = level }

  fatal (...args: LogArgs): void { this.#write('fatal', args) }
  error (...args: LogArgs): void { this.#write('error', args) }
  warn (...args: LogArgs): void { this.#write('warn', args) }
  info (...args: LogArgs): void { this.#write('info', args) }
  debug (...args: LogArgs): void { this.#write('debug', args) }
  trace (...args: LogArgs): void { this.#write('trace', args) }
  silent (): void {}

  child (bindings: Bindings, options?: ChildLoggerOptions): FastifyBaseLogger {
    return this.#real().child(bindings, options)
  }

  /** Whether a line at `level` would be written (pino's own answer once the child exists). */
  isLevelEnabled (level: string): boolean {
    const child = this.#child
    return child !== undefined && isLevelAware(child) ? child.isLevelEnabled(level) : this.#parent.isLevelEnabled(level)
  }
}

/**
 * Fastify's `childLoggerFactory`: a LazyChildLogger for each request. A route's own log level or serialisers
 * (none today) get pino's child at once, as Fastify's default factory gives it.
 */
export function lazyChildLogger (logger: FastifyBaseLogger, bindings: Bindings, options: ChildLoggerOptions): FastifyBaseLogger {
  if (!isLevelAware(logger) || options.level !== undefined || options.serializers !== undefined) return logger.child(bindings, options)
  return new LazyChildLogger(logger, bindings)
}

/** Whether `logger` writes lines at `level` (true for a logger that cannot tell: it decides itself). */
export const writesAt = (logger: FastifyBaseLogger, level: LevelName): boolean =>
  !isLevelAware(logger) || logger.isLevelEnabled(level)
