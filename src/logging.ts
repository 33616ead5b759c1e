/**
 * The emulator's logger (pino, handed to Fastify): one JSON line per request (written by the pipeline's last step),
 * pretty output on a terminal, and credentials kept out of every line.
 *
 * Credentials are removed twice: pino `redact` censors the header fields wherever a headers object is
 * logged, and a last pass over each finished line (pino's `streamWrite` hook) masks anything that still
 * looks like an api key or a Bearer token, e.g. inside an error message or a URL's query string.
 */
import { writeSync } from 'node:fs'
import { pino, type Logger } from 'pino'
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
/** `api-key=…` in a query string, `api-key: …` or `authorization: Bearer …` in raw text. */
const ASSIGNMENT = new RegExp(String.raw`(\b(?:${SECRET_NAMES})\s*(?:=|:)\s*)(?!\[redacted\])(?:(?:Bearer|Basic)\s+)?[^\s"\\&,;]+`, 'gi')
/** `Bearer …` anywhere. */
const BEARER = /(\bBearer\s+)(?!\[redacted\])[^\s"\\,;]+/gi

/**
 * A query parameter whose name looks like a credential (`key`, `api_key`, `token`, `sig`, `secret`,
 * `password`, `client_secret`, `code_verifier`…): its value, up to the next `&`, `#`, quote or space.
 */
const QUERY_SECRET = /([?&](?:[\w.~-]*(?:key|token|sig|signature|secret|password|passwd|pwd|credential|auth|verifier)[\w.~-]*)=)(?!\[redacted\])[^&#\s"\\]*/gi
/**
 * A path segment shaped like a credential: an Azure key (32 hex digits), an OpenAI key (`sk-…`), or a JWT.
 * The emulator's own ids (`asst_…`, `thread_…`, `assistant-…`) never have these shapes.
 */
const SECRET_SEGMENT = /(\/)(?:[0-9a-f]{32}|sk-[\w-]{16,}|eyJ[\w-]{4,}\.[\w-]{4,}\.[\w-]*)(?=[/?#"\s\\]|$)/gi

/** Masks credentials in a finished log line. Idempotent. */
export function scrubSecrets (line: string): string {
  return line
    .replace(JSON_FIELD, `$1${REDACTED}$2`)
    .replace(ASSIGNMENT, `$1${REDACTED}`)
    .replace(BEARER, `$1${REDACTED}`)
    .replace(QUERY_SECRET, `$1${REDACTED}`)
    .replace(SECRET_SEGMENT, `$1${REDACTED}`)
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
    hooks: { streamWrite: secretScrubber([...config.apiKeys, ...config.entraTokens, ...(config.jwtSecret === null ? [] : [config.jwtSecret])]) }
  }, destination)
}
