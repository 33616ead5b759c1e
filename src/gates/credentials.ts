/**
 * Reading a request's credentials, proof of a caller's Bearer token, and the constant-time comparison every
 * secret goes through.
 *
 * Azure accepts Entra ID tokens it can verify against its tenant; the emulator has no tenant, so it trusts
 * what the operator configured:
 * - nothing (no api key, no Entra token, no JWT secret): any well-formed token is accepted — an opaque one,
 *   or a JWT with the audience and a future `exp` (signatures unchecked: development mode, as before);
 * - otherwise only a proven token: one of the `--entra-token` values, or a JWT signed with HS256 under
 *   `--jwt-secret` that carries the audience and a future `exp`. An unsigned JWT (`alg: none`), any other
 *   algorithm, a wrong signature, audience or expiry is refused.
 */
import { createHash, createHmac, timingSafeEqual } from 'node:crypto'
import type { IncomingHttpHeaders } from 'node:http'
import type { Config } from '../config.js'
import type { Flavour } from '../api-surface.js'

/** The token of an `Authorization: Bearer <token>` header, or undefined (any other header, or none). */
export function bearerToken (headers: IncomingHttpHeaders): string | undefined {
  return headers.authorization?.match(/^Bearer\s+(\S+)\s*$/i)?.[1]
}

/** The `api-key` header's value (the first, when sent twice), or undefined. */
export function apiKeyHeader (headers: IncomingHttpHeaders): string | undefined {
  const apiKey = headers['api-key']
  return Array.isArray(apiKey) ? apiKey[0] : apiKey
}

/** The front doors whose callers carry credentials (the control plane's admin key is not one). */
export type CredentialDoor = Flavour

/**
 * The credential a front door checks, as the client sent it: on Azure (`/openai`, `/openai/v1`) the `api-key`
 * header, which wins, else the Bearer token; on OpenAI (`/v1`), Foundry Agents and a Foundry project's
 * `/openai/v1` only the Bearer token (none reads `api-key`, so an `api-key` header there is nobody's
 * credential). Undefined when there is none.
 */
export function credentialOf (door: CredentialDoor, headers: IncomingHttpHeaders): string | undefined {
  return door === 'azure' || door === 'azure-v1' ? apiKeyHeader(headers) ?? bearerToken(headers) : bearerToken(headers)
}

/** The configuration proveBearer reads (a full Config fits). */
export type BearerConfig = Pick<Config, 'apiKeys' | 'entraTokens' | 'jwtSecret'>

/**
 * Whether no credential is configured (no `--api-key`, `--entra-token` or `--jwt-secret`): then every door
 * accepts any well-formed credential, as a local emulator should. Once any is configured, each door accepts
 * only configured keys and proven tokens (docs/security.md).
 */
export function credentialsOpen (config: BearerConfig): boolean {
  return config.apiKeys.length === 0 && config.entraTokens.length === 0 && config.jwtSecret === null
}

/**
 * Who a credential speaks for, the one name tenancy and quotas use (control/tenants.ts): a JWT's subject —
 * `oid` (the Entra object id), else `sub`, under its `tid` when it has one — so that a caller's refreshed
 * token is still the same caller; any other credential (an api key, an opaque token) stands for itself.
 * Only called for a credential its door has accepted.
 */
export function credentialIdentity (credential: string): string {
  const jwt = parseJwt(credential)
  if (jwt === null) return credential
  const { oid, sub, tid } = jwt.claims
  const subject = typeof oid === 'string' && oid !== '' ? oid : typeof sub === 'string' && sub !== '' ? sub : undefined
  return subject === undefined ? credential : `jwt\u0000${typeof tid === 'string' ? tid : ''}\u0000${subject}`
}

const digest = (text: string) => createHash('sha256').update(text).digest()

/**
 * Whether two secrets are equal, in time that depends on neither's content or length: both are hashed
 * first, so the comparison always covers 32 bytes.
 */
export function secretEquals (given: string, known: string): boolean {
  return timingSafeEqual(digest(given), digest(known))
}

/** Whether `given` is one of `known`, comparing against every entry whatever matches first. */
export function secretIn (given: string, known: readonly string[]): boolean {
  let found = false
  for (const secret of known) found = secretEquals(given, secret) || found
  return found
}

interface Jwt {
  readonly header: Record<string, unknown>
  readonly claims: Record<string, unknown>
  readonly signingInput: string
  readonly signature: Buffer
}

function decodeJson (part: string): Record<string, unknown> | null {
  try {
    const value: unknown = JSON.parse(Buffer.from(part, 'base64url').toString('utf8'))
    return typeof value === 'object' && value !== null && !Array.isArray(value) ? value as Record<string, unknown> : null
  } catch {
    return null
  }
}

/** A JWT's parts, or null when the token is not a JWT (opaque). Nothing is verified here. */
function parseJwt (token: string): Jwt | null {
  const parts = token.split('.')
  if (parts.length !== 3) return null
  const header = decodeJson(parts[0]!)
  const claims = decodeJson(parts[1]!)
  if (header === null || claims === null) return null
  return { header, claims, signingInput: `${parts[0]}.${parts[1]}`, signature: Buffer.from(parts[2]!, 'base64url') }
}

/** The audience (with or without a trailing slash) among the token's `aud`, and `exp` (seconds) in the future. */
function claimsAccepted (claims: Record<string, unknown>, audience: string, nowMs: number): boolean {
  const wanted = new Set([audience.replace(/\/+$/, ''), `${audience.replace(/\/+$/, '')}/`])
  const audiences = Array.isArray(claims.aud) ? claims.aud : [claims.aud]
  const audienceOk = audiences.some(aud => typeof aud === 'string' && wanted.has(aud))
  const notExpired = typeof claims.exp === 'number' && claims.exp * 1000 > nowMs
  const started = claims.nbf === undefined || (typeof claims.nbf === 'number' && claims.nbf * 1000 <= nowMs)
  return audienceOk && notExpired && started
}

function signedWith (jwt: Jwt, secret: string): boolean {
  if (jwt.header.alg !== 'HS256') return false
  const expected = createHmac('sha256', secret).update(jwt.signingInput).digest()
  // The expected length is public (32 bytes); only equal-length buffers are compared, in constant time.
  return jwt.signature.length === expected.length && timingSafeEqual(jwt.signature, expected)
}

/**
 * Whether a Bearer token lets its caller in, for an API whose tokens carry `audience`
 * (`https://cognitiveservices.azure.com` for Azure OpenAI). See the module comment for the rules.
 * `nowMs` (epoch ms) judges `exp` and `nbf`; it defaults to the system time.
 */
export function proveBearer (token: string, audience: string, config: BearerConfig, nowMs = Date.now()): boolean {
  if (token === '') return false
  const jwt = parseJwt(token)
  if (credentialsOpen(config)) return jwt === null || claimsAccepted(jwt.claims, audience, nowMs)
  if (config.entraTokens.length > 0 && secretIn(token, config.entraTokens)) return true
  if (jwt === null || config.jwtSecret === null) return false
  return signedWith(jwt, config.jwtSecret) && claimsAccepted(jwt.claims, audience, nowMs)
}
