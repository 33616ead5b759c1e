/**
 * What Azure checks before a request reaches the Assistants API: the api-version query parameter and the
 * caller's credentials. Both answer in the gateway's own envelopes (see errors.ts), not OpenAI's.
 */
import { createHash, timingSafeEqual } from 'node:crypto'
import type { FastifyInstance, FastifyRequest } from 'fastify'
import { lookupApiVersion, type Generation } from '../api-versions.js'
import type { Clock } from '../clock.js'
import { Errors } from '../errors.js'

export interface RequestApiVersion {
  readonly version: string
  readonly generation: Generation
}

declare module 'fastify' {
  interface FastifyRequest {
    /** The request's api-version, set by the gate before any Assistants route runs. */
    apiVersion: RequestApiVersion
  }
}

/** The Assistants-carrying api-version of a request, or the error Azure answers. */
export function checkApiVersion (value: unknown): RequestApiVersion {
  if (typeof value !== 'string' || value === '') throw Errors.resourceNotFound()
  const info = lookupApiVersion(value)
  if (!info) throw Errors.apiVersionNotSupported()
  if (info.generation === null) throw Errors.resourceNotFound()
  return { version: info.version, generation: info.generation }
}

const digest = (text: string) => createHash('sha256').update(text).digest()

/** Constant-time membership: every configured key is compared, whatever matches first. */
function isAcceptedKey (key: string, acceptedKeys: readonly string[]): boolean {
  const candidate = digest(key)
  let accepted = false
  for (const known of acceptedKeys) accepted = timingSafeEqual(candidate, digest(known)) || accepted
  return accepted
}

const ENTRA_AUDIENCES = new Set(['https://cognitiveservices.azure.com', 'https://cognitiveservices.azure.com/'])

/** A JWT's claims, or null for an opaque token. Signatures are not checked: there is no tenant to trust. */
function jwtClaims (token: string): { aud?: unknown, exp?: unknown } | null {
  const parts = token.split('.')
  if (parts.length !== 3) return null
  try {
    const claims: unknown = JSON.parse(Buffer.from(parts[1]!, 'base64url').toString('utf8'))
    return typeof claims === 'object' && claims !== null ? claims : null
  } catch {
    return null
  }
}

function isAcceptedEntraToken (claims: { aud?: unknown, exp?: unknown }, nowMs: number): boolean {
  const audiences = Array.isArray(claims.aud) ? claims.aud : [claims.aud]
  const audienceOk = audiences.some(aud => typeof aud === 'string' && ENTRA_AUDIENCES.has(aud))
  const notExpired = typeof claims.exp === 'number' && claims.exp * 1000 > nowMs
  return audienceOk && notExpired
}

/**
 * Azure's credential rules: an `api-key` header wins over `Authorization` (the Python SDK sends both).
 * With no keys configured any non-empty key is accepted. A Bearer token that is a JWT must carry the
 * Cognitive Services audience and not be expired; an opaque one is accepted only when no keys are configured.
 */
export function checkAzureCredentials (request: FastifyRequest, acceptedKeys: readonly string[], nowMs: number): void {
  const apiKey = request.headers['api-key']
  if (apiKey !== undefined) {
    const key = Array.isArray(apiKey) ? apiKey[0] ?? '' : apiKey
    if (key === '' || (acceptedKeys.length > 0 && !isAcceptedKey(key, acceptedKeys))) throw Errors.accessDenied()
    return
  }
  const authorization = request.headers.authorization
  const token = authorization?.match(/^Bearer\s+(\S+)\s*$/i)?.[1]
  if (token === undefined) throw Errors.accessDenied()
  const claims = jwtClaims(token)
  if (claims !== null) {
    if (!isAcceptedEntraToken(claims, nowMs)) throw Errors.tokenRejected()
    return
  }
  if (acceptedKeys.length > 0) throw Errors.tokenRejected()
}

/** Installs the gate on every route of `app` (an encapsulated plugin scope: the Azure API routes). */
export function installAzureGate (app: FastifyInstance, acceptedKeys: readonly string[], clock: Clock): void {
  app.decorateRequest('apiVersion', null as unknown as RequestApiVersion)
  app.addHook('onRequest', async (request) => {
    request.apiVersion = checkApiVersion((request.query as Record<string, unknown>)['api-version'])
    checkAzureCredentials(request, acceptedKeys, clock.now())
  })
}
