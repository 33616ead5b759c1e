/**
 * The control plane's gate. The open routes (health, ready, the TLS certificate: routes with `config.open`)
 * need nothing. The others need, by what the operator configured (docs/security.md):
 * - `--admin-key`: that key, in the header `x-emulator-admin-key` or as the password of HTTP Basic
 *   authentication (any user name), and nothing else opens them;
 * - no admin key, but an API credential (`--api-key`, `--entra-token`, `--jwt-secret`): a credential the API
 *   would accept (an `api-key` header with a configured key, a Bearer token one of the doors proves, or a
 *   configured key as the Basic password), since whoever may use the API may also reset it;
 * - that, with `--isolate-by-key`: refused (403), because the control plane reads and changes every key's
 *   objects, which isolation keeps from each key; only an admin key opens it then;
 * - no credential configured at all: open, like the API itself.
 * A browser opening the inspector (/_emulator/ui) cannot add a header to a page it navigates to; it answers a
 * Basic challenge with a login dialog and then sends the credentials with the page's own requests. So every
 * 401 here carries that challenge.
 */
import { Errors } from '../errors.js'
import { AGENTS_AUDIENCE } from './agents.js'
import { COGNITIVE_SERVICES_AUDIENCE } from './azure.js'
import { apiKeyHeader, bearerToken, credentialsOpen, proveBearer, secretIn } from './credentials.js'
import type { Gate, GateDeps } from './gate.js'

const ADMIN_KEY_HEADER = 'x-emulator-admin-key'
/** RFC 7617's challenge; the realm names what the password is. */
const CHALLENGE = 'Basic realm="aoai-emulator control plane (password: the admin key)", charset="UTF-8"'
/** The challenge when no admin key is set but API credentials are: an API key is the password. */
const API_KEY_CHALLENGE = 'Basic realm="aoai-emulator control plane (password: an API key)", charset="UTF-8"'

/** The password of an `Authorization: Basic` header (RFC 7617: base64 of `user:password`), or undefined. */
function basicPassword (authorization: string | undefined): string | undefined {
  const encoded = authorization?.match(/^Basic\s+([A-Za-z0-9+/=]+)\s*$/i)?.[1]
  if (encoded === undefined) return undefined
  const decoded = Buffer.from(encoded, 'base64').toString('utf8')
  const colon = decoded.indexOf(':')
  return colon < 0 ? undefined : decoded.slice(colon + 1)
}

export function adminGate ({ config, clock }: GateDeps): Gate {
  const { adminKey } = config
  /** Whether the request carries a credential one of the API doors accepts (never an open one: only called when closed). */
  const apiCredential = (headers: Parameters<typeof bearerToken>[0]): boolean => {
    const key = apiKeyHeader(headers) ?? basicPassword(headers.authorization)
    if (key !== undefined && secretIn(key, config.apiKeys)) return true
    const token = bearerToken(headers)
    if (token === undefined) return false
    const now = clock.now()
    return secretIn(token, config.apiKeys) || proveBearer(token, COGNITIVE_SERVICES_AUDIENCE, config, now) ||
      proveBearer(token, AGENTS_AUDIENCE, config, now)
  }
  return (request, reply) => {
    if (request.routeOptions.config.open === true) return
    if (adminKey !== null) {
      const header = request.headers[ADMIN_KEY_HEADER]
      const given = typeof header === 'string' ? header : basicPassword(request.headers.authorization)
      if (given !== undefined && secretIn(given, [adminKey])) return
      reply.header('www-authenticate', CHALLENGE)
      throw Errors.adminKeyRequired()
    }
    if (credentialsOpen(config)) return
    if (config.isolateByKey) throw Errors.controlPlaneNeedsAdminKey()
    if (apiCredential(request.headers)) return
    reply.header('www-authenticate', API_KEY_CHALLENGE)
    throw Errors.controlPlaneCredentialRequired()
  }
}
