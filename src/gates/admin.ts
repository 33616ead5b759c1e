/**
 * The control plane's gate. The open routes (health, ready, the TLS certificate: routes with `config.open`)
 * need nothing. The others need, by what the operator configured (docs/security.md):
 * - `--admin-key`: the header `x-emulator-admin-key` with that key, and nothing else opens them;
 * - no admin key, but an API credential (`--api-key`, `--entra-token`, `--jwt-secret`): a credential the API
 *   would accept (an `api-key` header with a configured key, or a Bearer token one of the doors proves), since
 *   whoever may use the API may also reset it;
 * - that, with `--isolate-by-key`: refused (403), because the control plane reads and changes every key's
 *   objects, which isolation keeps from each key; only an admin key opens it then;
 * - no credential configured at all: open, like the API itself.
 */
import { Errors } from '../errors.js'
import { AGENTS_AUDIENCE } from './agents.js'
import { COGNITIVE_SERVICES_AUDIENCE } from './azure.js'
import { apiKeyHeader, bearerToken, credentialsOpen, proveBearer, secretIn } from './credentials.js'
import type { Gate, GateDeps } from './gate.js'

const ADMIN_KEY_HEADER = 'x-emulator-admin-key'

export function adminGate ({ config, clock }: GateDeps): Gate {
  const { adminKey } = config
  /** Whether the request carries a credential one of the API doors accepts (never an open one: only called when closed). */
  const apiCredential = (headers: Parameters<typeof bearerToken>[0]): boolean => {
    const key = apiKeyHeader(headers)
    if (key !== undefined && secretIn(key, config.apiKeys)) return true
    const token = bearerToken(headers)
    if (token === undefined) return false
    const now = clock.now()
    return secretIn(token, config.apiKeys) || proveBearer(token, COGNITIVE_SERVICES_AUDIENCE, config, now) ||
      proveBearer(token, AGENTS_AUDIENCE, config, now)
  }
  return request => {
    if (request.routeOptions.config.open === true) return
    if (adminKey !== null) {
      const given = request.headers[ADMIN_KEY_HEADER]
      if (typeof given !== 'string' || !secretIn(given, [adminKey])) throw Errors.adminKeyRequired()
      return
    }
    if (credentialsOpen(config)) return
    if (config.isolateByKey) throw Errors.controlPlaneNeedsAdminKey()
    if (!apiCredential(request.headers)) throw Errors.controlPlaneCredentialRequired()
  }
}
