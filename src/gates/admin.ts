/**
 * The control plane's gate: with `--admin-key`, every /_emulator route except the open ones (health, ready,
 * the TLS certificate: routes with `config.open`) needs the header `x-emulator-admin-key` with that key.
 */
import { Errors } from '../errors.js'
import { secretIn } from './credentials.js'
import type { Gate, GateDeps } from './gate.js'

const ADMIN_KEY_HEADER = 'x-emulator-admin-key'

export function adminGate ({ config }: GateDeps): Gate {
  const { adminKey } = config
  return request => {
    if (adminKey === null || request.routeOptions.config.open === true) return
    const given = request.headers[ADMIN_KEY_HEADER]
    if (typeof given !== 'string' || !secretIn(given, [adminKey])) throw Errors.adminKeyRequired()
  }
}
