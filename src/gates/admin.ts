/**
 * The control plane's gate: with `--admin-key`, every /_emulator route except the open ones (health, ready,
 * the TLS certificate: routes with `config.open`) needs the key, in the header `x-emulator-admin-key` or, for a
 * browser opening the inspector (/_emulator/ui), as the password of HTTP Basic authentication (any user name).
 * A browser cannot add a header to a page it navigates to; it answers a Basic challenge with a login dialog, and
 * then sends the credentials with the page's own requests. So every refusal carries that challenge.
 */
import { Errors } from '../errors.js'
import { secretIn } from './credentials.js'
import type { Gate, GateDeps } from './gate.js'

const ADMIN_KEY_HEADER = 'x-emulator-admin-key'
/** RFC 7617's challenge; the realm names what the password is. */
const CHALLENGE = 'Basic realm="aoai-emulator control plane (password: the admin key)", charset="UTF-8"'

/** The password of an `Authorization: Basic` header (RFC 7617: base64 of `user:password`), or undefined. */
function basicPassword (authorization: string | undefined): string | undefined {
  const encoded = authorization?.match(/^Basic\s+([A-Za-z0-9+/=]+)\s*$/i)?.[1]
  if (encoded === undefined) return undefined
  const decoded = Buffer.from(encoded, 'base64').toString('utf8')
  const colon = decoded.indexOf(':')
  return colon < 0 ? undefined : decoded.slice(colon + 1)
}

export function adminGate ({ config }: GateDeps): Gate {
  const { adminKey } = config
  return (request, reply) => {
    if (adminKey === null || request.routeOptions.config.open === true) return
    const header = request.headers[ADMIN_KEY_HEADER]
    const given = typeof header === 'string' ? header : basicPassword(request.headers.authorization)
    if (given !== undefined && secretIn(given, [adminKey])) return
    reply.header('www-authenticate', CHALLENGE)
    throw Errors.adminKeyRequired()
  }
}
