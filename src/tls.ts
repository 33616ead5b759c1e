/**
 * HTTPS material for the server: the certificate and key given with `--tls-cert` / `--tls-key`, or, with
 * `--tls` alone, a self-signed certificate for `localhost` and `127.0.0.1` generated at start-up.
 *
 * Why: `@azure/ai-agents` (through @azure/core-rest-pipeline's bearer policy) refuses to send a token to a
 * non-https URL, so the Agents flavour is only reachable over TLS. A generated certificate is written to a
 * PEM file (its path is logged and `GET /_emulator/tls/certificate` serves it) so that a client process
 * can trust it with `NODE_EXTRA_CA_CERTS=<file>`.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import type { Config } from './config.js'

export interface TlsMaterial {
  /** PEM certificate (chain) served to clients. */
  readonly cert: string
  /** PEM private key of `cert`. */
  readonly key: string
  /** The file holding `cert`: the one given with --tls-cert, or where the generated one was written. */
  readonly certificatePath: string
  /** True when the emulator made the certificate itself. */
  readonly generated: boolean
}

/** A certificate or key file that cannot be used; the message is the one line the process prints. */
export class TlsError extends Error {
  constructor (message: string) {
    super(message)
    this.name = 'TlsError'
  }
}

/** How long a generated certificate is valid: a day before start-up (clock skew) to a year after. */
const DAY_MS = 24 * 60 * 60 * 1000
const VALIDITY_DAYS = 365

/**
 * A self-signed certificate for `localhost`, `127.0.0.1` and `::1` (RSA 2048, SHA-256, serverAuth), as PEM.
 * It is its own CA (basicConstraints cA), which is what NODE_EXTRA_CA_CERTS needs to accept it as a root.
 */
export async function generateLocalhostCertificate (now = new Date()): Promise<{ cert: string, key: string }> {
  // Loaded on demand: the X.509 libraries behind it cost start-up time that plain HTTP never needs.
  const { generate } = await import('selfsigned')
  const pems = await generate([{ name: 'commonName', value: 'localhost' }, { name: 'organizationName', value: 'aoai-emulator' }], {
    keyType: 'rsa',
    keySize: 2048,
    algorithm: 'sha256',
    notBeforeDate: new Date(now.getTime() - DAY_MS),
    notAfterDate: new Date(now.getTime() + VALIDITY_DAYS * DAY_MS),
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

/**
 * The TLS material `config` asks for, or undefined when it serves plain HTTP.
 * Throws TlsError for unreadable or non-PEM files. A generated certificate is written to a new
 * temporary folder (`<tmpdir>/aoai-emulator-tls-XXXXXX/certificate.pem`); the key stays in memory.
 */
export async function prepareTls (config: Config): Promise<TlsMaterial | undefined> {
  if (config.tlsCert !== null && config.tlsKey !== null) {
    return {
      cert: readPem(config.tlsCert, 'certificate', /-----BEGIN CERTIFICATE-----/),
      key: readPem(config.tlsKey, 'key', /-----BEGIN [A-Z ]*PRIVATE KEY-----/),
      certificatePath: config.tlsCert,
      generated: false
    }
  }
  if (!config.tls) return undefined
  const { cert, key } = await generateLocalhostCertificate()
  const certificatePath = join(mkdtempSync(join(tmpdir(), 'aoai-emulator-tls-')), 'certificate.pem')
  writeFileSync(certificatePath, cert, { mode: 0o644 })
  return { cert, key, certificatePath, generated: true }
}

/** Removes the temporary folder a generated certificate was written to (nothing for a given one). */
export function discardGeneratedCertificate (tls: TlsMaterial): void {
  if (tls.generated) rmSync(dirname(tls.certificatePath), { recursive: true, force: true })
}
