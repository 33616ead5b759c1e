/**
 * What OpenAI checks before a request under /v1 reaches the Assistants API: a Bearer key and, on the
 * Assistants resources, the `OpenAI-Beta: assistants=v2` header. There is no api-version: the OpenAI
 * flavour always speaks the v2 shapes. Errors use OpenAI's envelope and texts (see errors.ts).
 */
import type { FastifyRequest } from 'fastify'
import type { RequestApiVersion } from '../api-versions.js'
import { Errors } from '../errors.js'
import { bearerToken, credentialsOpen, secretIn, type BearerConfig } from './credentials.js'
import type { Gate, GateDeps } from './gate.js'

const OPENAI_API_VERSION: RequestApiVersion = Object.freeze({ flavour: 'openai', version: 'openai', generation: 'v2' })

/**
 * OpenAI's key rules: `Authorization: Bearer <key>` is required (an `api-key` header means nothing here).
 * With no credential configured (credentials.ts `credentialsOpen`) any non-empty key is accepted; once any
 * `--api-key`, `--entra-token` or `--jwt-secret` is set, only one of the `--api-key` values: OpenAI takes api
 * keys, never Entra tokens, so with tokens or a secret alone nothing passes here.
 */
function checkOpenAICredentials (request: FastifyRequest, config: BearerConfig): void {
  const key = bearerToken(request.headers)
  if (key === undefined) throw Errors.missingApiKey()
  if (!credentialsOpen(config) && !secretIn(key, config.apiKeys)) throw Errors.incorrectApiKey(key)
}

/**
 * The beta header as OpenAI checks it: one of its comma-separated entries must be `assistants=v2`;
 * `assistants=v1` gets the retirement notice, anything else (or nothing) the "must provide" error.
 */
function checkBetaHeader (request: FastifyRequest): void {
  const header = request.headers['openai-beta']
  const entries = (Array.isArray(header) ? header.join(',') : header ?? '').split(',').map(entry => entry.trim())
  if (entries.includes('assistants=v2')) return
  if (entries.includes('assistants=v1')) throw Errors.assistantsV1Retired()
  throw Errors.missingBetaHeader()
}

/**
 * Paths (below /v1) of the Assistants beta, which need the header. Files and vector stores do not: both are
 * GA on OpenAI (the SDK still sends the header for vector stores, which is harmless).
 */
const BETA_PATH = /^\/v1\/+(assistants|threads)(\/|\?|$)/

/** The OpenAI gate: the Bearer key, then the beta header on the Assistants resources. */
export function openAIGate ({ config }: GateDeps): Gate {
  return request => {
    checkOpenAICredentials(request, config)
    if (BETA_PATH.test(request.url.replace(/^\/+/, '/'))) checkBetaHeader(request)
    request.apiVersion = OPENAI_API_VERSION
  }
}
