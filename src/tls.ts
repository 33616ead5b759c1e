/**
 * HTTPS material for the server: the certificate and key given with `--tls-cert` / `--tls-key`, or, with
 * `--tls` alone, a self-signed certificate for `localhost`, `127.0.0.1` and `::1` kept in a folder
 * (`--tls-dir`, by default the user's cache folder: config.ts defaultTlsDir).
 *
 * Why: `@azure/ai-agents` (through @azure/core-rest-pipeline's bearer policy) refuses to send a token to a
 * non-https URL, so the Agents flavour is only reachable over TLS. The kept certificate is made once and
 * reused at every start until it nears expiry, so a client process that trusts it with
 * `NODE_EXTRA_CA_CERTS=<folder>/certificate.pem` keeps working across restarts; its path is logged at every
 * start and `GET /_emulator/tls/certificate` serves it.
 */
import { X509Certificate, createPrivateKey } from 'node:crypto'
import { closeSync, mkdirSync, openSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { setTimeout as sleep } from 'node:timers/promises'
import { defaultTlsDir, type Config } from './config.js'

export interface TlsMaterial {
  /** PEM certificate (chain) served to clients. */
  readonly cert: string
  /** PEM private key of `cert`. */
  readonly key: string
  /** The file holding `cert`: the one given with --tls-cert, or `certificate.pem` in the TLS folder. */
  readonly certificatePath: string
  /** True when the emulator made the certificate itself. */
  readonly generated: boolean
  /**
   * For a generated certificate: `reused` from an earlier start, `created` (the folder held none), or
   * `renewed` (the one kept was near its expiry, or unusable: see `renewedBecause`).
   */
  readonly origin?: 'created' | 'reused' | 'renewed'
  /** Why the kept certificate was replaced, when `origin` is `renewed`. */
  readonly renewedBecause?: string
  /** When a generated certificate stops being valid. */
  readonly validTo?: Date
}

/** A certificate, key or folder that cannot be used; the message is the one line the process prints. */
export class TlsError extends Error {
  constructor (message: string) {
    super(message)
    this.name = 'TlsError'
  }
}

/** How long a generated certificate is valid: a day before it is made (clock skew) to a year after. */
const DAY_MS = 24 * 60 * 60 * 1000
const VALIDITY_DAYS = 365
/** A kept certificate with less validity left than this is replaced at start-up. */
export const RENEW_WITHIN_DAYS = 30
/** The organizationName of every certificate the emulator makes: a kept file without it is not replaced. */
const ORGANIZATION = 'aoai-emulator'
export const CERTIFICATE_FILE = 'certificate.pem'
export const KEY_FILE = 'key.pem'
const LOCK_FILE = '.lock'
/** A lock older than this was left by a process that stopped while writing (writing takes about a second). */
const STALE_LOCK_MS = 30_000

/**
 * A self-signed certificate for `localhost`, `127.0.0.1` and `::1` (RSA 2048, SHA-256, serverAuth), as PEM.
 * It is its own CA (basicConstraints cA), which is what NODE_EXTRA_CA_CERTS needs to accept it as a root.
 */
export async function generateLocalhostCertificate (now = new Date(), validityDays = VALIDITY_DAYS): Promise<{ cert: string, key: string }> {
  // Loaded on demand: the X.509 libraries behind it cost start-up time that plain HTTP never needs.
  const { generate } = await import('selfsigned')
  const pems = await generate([{ name: 'commonName', value: 'localhost' }, { name: 'organizationName', value: ORGANIZATION }], {
    keyType: 'rsa',
    keySize: 2048,
    algorithm: 'sha256',
    notBeforeDate: new Date(now.getTime() - DAY_MS),
    notAfterDate: new Date(now.getTime() + validityDays * DAY_MS),
    extensions: [
      { name: 'basicConstraints', cA: true },
      { name: 'keyUsage', digitalSignature: true, keyEncipherment: true, keyCertSign: true },
      { name: 'extKeyUsage', serverAuth: true },
      { name: 'subjectAltName', altNames: [{ type: 2, value: 'localhost' }, { type: 7, ip: '127.0.0.1' }, { type: 7, ip: '::1' }] }
    ]
  })
  return { cert: pems.cert, key: pems.private }
}

function readPem (path: string, what: string, marker: RegExp): string {
  let text: string
  try {
    text = readFileSync(path, 'utf8')
  } catch (err) {
    throw new TlsError(`cannot read the TLS ${what} file ${path}: ${(err as Error).message}`)
  }
  if (!marker.test(text)) throw new TlsError(`the TLS ${what} file ${path} holds no PEM ${what}`)
  return text
}

const errorCode = (err: unknown) => (err as NodeJS.ErrnoException).code ?? (err as Error).message

/** Creates the TLS folder if needed; refuses one that another user owns or anyone may write to. */
function ensureFolder (dir: string): void {
  const hint = 'choose another folder with --tls-dir or AOAI_EMULATOR_TLS_DIR'
  try {
    mkdirSync(dir, { recursive: true, mode: 0o755 })
  } catch (err) {
    throw new TlsError(`cannot keep the TLS certificate in ${dir}: ${errorCode(err)} (${hint})`)
  }
  const stats = statSync(dir)
  // Clients trust this certificate as a root: nobody else may be able to swap it (POSIX only).
  const uid = process.getuid?.()
  if (uid !== undefined && stats.uid !== uid) {
    throw new TlsError(`the TLS folder ${dir} belongs to another user (uid ${stats.uid}), who could replace the certificate you trust (${hint})`)
  }
  if (uid !== undefined && (stats.mode & 0o002) !== 0) {
    throw new TlsError(`the TLS folder ${dir} is writable by every user, who could replace the certificate you trust (${hint})`)
  }
}

type Kept =
  | { readonly usable: true, readonly cert: string, readonly key: string, readonly validTo: Date }
  | { readonly usable: false, readonly why: string | null }

/**
 * The certificate and key kept in `dir`, if they can be served at `now` with more than RENEW_WITHIN_DAYS left;
 * otherwise why not (null: there is none). Throws TlsError for a certificate the emulator did not make.
 */
function readKept (dir: string, now: Date): Kept {
  const certPath = join(dir, CERTIFICATE_FILE)
  let cert: string, key: string
  try {
    cert = readFileSync(certPath, 'utf8')
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return { usable: false, why: null }
    throw new TlsError(`cannot read the kept TLS certificate ${certPath}: ${errorCode(err)}`)
  }
  let x509: X509Certificate
  try {
    x509 = new X509Certificate(cert)
  } catch {
    return { usable: false, why: 'it was not a readable certificate' }
  }
  if (!x509.subject.split('\n').includes(`O=${ORGANIZATION}`)) {
    throw new TlsError(`${certPath} holds a certificate the emulator did not make (${x509.subject.replace(/\n/g, ', ')}); ` +
      'it is left alone: serve it with --tls-cert and --tls-key, or choose another --tls-dir')
  }
  try {
    key = readFileSync(join(dir, KEY_FILE), 'utf8')
    if (!x509.checkPrivateKey(createPrivateKey(key))) return { usable: false, why: 'its key did not match' }
  } catch {
    return { usable: false, why: 'its key was missing or unreadable' }
  }
  const validFrom = new Date(x509.validFrom)
  const validTo = new Date(x509.validTo)
  if (now < validFrom) return { usable: false, why: `it was not valid before ${validFrom.toISOString()}` }
  if (validTo.getTime() - now.getTime() < RENEW_WITHIN_DAYS * DAY_MS) {
    return { usable: false, why: `it ${validTo < now ? 'expired' : 'expires'} on ${validTo.toISOString()}` }
  }
  if (!x509.checkHost('localhost') || !x509.checkIP('127.0.0.1') || !x509.checkIP('::1')) {
    return { usable: false, why: 'it did not name localhost, 127.0.0.1 and ::1' }
  }
  return { usable: true, cert, key, validTo }
}

/** Writes `text` to `path` through a temporary file and a rename, so a reader sees the old or the new file whole. */
function writeAtomically (path: string, text: string, mode: number): void {
  const temporary = `${path}.${process.pid}.tmp`
  writeFileSync(temporary, text, { mode })
  renameSync(temporary, path)
}

/**
 * Runs `fn` holding the folder's lock file, so that emulators started at once with the same folder make one
 * certificate between them. A lock older than STALE_LOCK_MS is taken over.
 */
async function withLock<T> (dir: string, waitMs: number, fn: () => Promise<T>): Promise<T> {
  const lock = join(dir, LOCK_FILE)
  const deadline = Date.now() + waitMs
  for (;;) {
    try {
      closeSync(openSync(lock, 'wx'))
      break
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw new TlsError(`cannot write in the TLS folder ${dir}: ${errorCode(err)}`)
    }
    let age = 0
    try {
      age = Date.now() - statSync(lock).mtimeMs
    } catch {
      continue // released meanwhile
    }
    if (age > STALE_LOCK_MS) {
      rmSync(lock, { force: true })
      continue
    }
    if (Date.now() > deadline) throw new TlsError(`another emulator has held ${lock} for ${Math.round(age / 1000)} s; remove it if none is running`)
    await sleep(50)
  }
  try {
    return await fn()
  } finally {
    rmSync(lock, { force: true })
  }
}

export interface PrepareTlsOptions {
  /** The time the kept certificate is checked against, and a new one made at (tests). */
  readonly now?: Date
  /** Validity of a new certificate, in days (tests). */
  readonly validityDays?: number
  /** Longest to wait for another emulator that is writing the same folder, in milliseconds. */
  readonly lockWaitMs?: number
}

/**
 * The certificate kept in `dir`, made (or replaced) when the folder holds none that can be served for more
 * than RENEW_WITHIN_DAYS. The key file is readable by its owner only.
 */
async function keptCertificate (dir: string, options: PrepareTlsOptions): Promise<TlsMaterial> {
  const now = options.now ?? new Date()
  const certificatePath = join(dir, CERTIFICATE_FILE)
  ensureFolder(dir)
  const first = readKept(dir, now)
  if (first.usable) return { cert: first.cert, key: first.key, certificatePath, generated: true, origin: 'reused', validTo: first.validTo }
  return withLock(dir, options.lockWaitMs ?? 60_000, async () => {
    // Read again under the lock: another emulator may have just written it (or been writing it on the first read).
    const kept = readKept(dir, now)
    if (kept.usable) return { cert: kept.cert, key: kept.key, certificatePath, generated: true, origin: 'reused', validTo: kept.validTo }
    const { cert, key } = await generateLocalhostCertificate(now, options.validityDays)
    try {
      writeAtomically(join(dir, KEY_FILE), key, 0o600)
      writeAtomically(certificatePath, cert, 0o644)
    } catch (err) {
      throw new TlsError(`cannot write the TLS certificate in ${dir}: ${errorCode(err)}`)
    }
    const validTo = new Date(new X509Certificate(cert).validTo)
    return kept.why === null
      ? { cert, key, certificatePath, generated: true, origin: 'created', validTo }
      : { cert, key, certificatePath, generated: true, origin: 'renewed', renewedBecause: kept.why, validTo }
  })
}

/**
 * The TLS material `config` asks for, or undefined when it serves plain HTTP.
 * Throws TlsError for unreadable or non-PEM files, and for a TLS folder that cannot be used.
 */
export async function prepareTls (config: Config, options: PrepareTlsOptions = {}): Promise<TlsMaterial | undefined> {
  if (config.tlsCert !== null && config.tlsKey !== null) {
    return {
      cert: readPem(config.tlsCert, 'certificate', /-----BEGIN CERTIFICATE-----/),
      key: readPem(config.tlsKey, 'key', /-----BEGIN [A-Z ]*PRIVATE KEY-----/),
      certificatePath: config.tlsCert,
      generated: false
    }
  }
  if (!config.tls) return undefined
  return keptCertificate(config.tlsDir ?? defaultTlsDir(), options)
}

/** The start-up log line for a generated certificate: where it is, and whether it was reused. */
export function describeGeneratedCertificate (tls: TlsMaterial): string {
  const how = tls.origin === 'reused' ? 'reused from' : tls.origin === 'renewed' ? `renewed (${tls.renewedBecause}) in` : 'created in'
  return `TLS: self-signed certificate for localhost, 127.0.0.1 and ::1 ${how} ${tls.certificatePath}, ` +
    `valid until ${tls.validTo?.toISOString().slice(0, 10)} (trust it with NODE_EXTRA_CA_CERTS=${tls.certificatePath})`
}
