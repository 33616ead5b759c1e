/**
 * What a fault rule's status or a quota's refusal answers, in the envelope of the request's front door, with
 * the headers the SDKs and Azure clients read (`retry-after`, `retry-after-ms`, remaining quota).
 */
import type { FastifyReply } from 'fastify'
import { Errors, type ApiError, type Envelope } from '../errors.js'
import type { Fault } from './faults.js'

/** Seconds a throttled or unavailable Agents response asks the client to wait when nothing else said. */
const DEFAULT_AGENTS_RETRY_AFTER_S = 1

/** The rate-limit answer, with `retry-after` (whole seconds, at least 1) and `retry-after-ms`. */
export function rateLimited (reply: FastifyReply, envelope: Envelope, retryAfterMs: number,
  remaining?: { requests: number, tokens: number }): ApiError {
  const seconds = Math.max(1, Math.ceil(retryAfterMs / 1000))
  reply.header('retry-after', String(seconds))
  reply.header('retry-after-ms', String(retryAfterMs))
  // A quota that is not configured has no remaining count (Infinity): its header is left out.
  const requests = remaining?.requests ?? 0
  const tokens = remaining?.tokens ?? 0
  if (Number.isFinite(requests)) reply.header('x-ratelimit-remaining-requests', String(requests))
  if (Number.isFinite(tokens)) reply.header('x-ratelimit-remaining-tokens', String(tokens))
  return envelope === 'openai' ? Errors.rateLimitedOpenAI(seconds) : Errors.rateLimitedAzure(seconds, envelope)
}

/**
 * A status fault as the service would send it. An Agents 503 carries `retry-after` even when the rule gives
 * none, so the SDK's throttling retry policy (@typespec/ts-http-runtime throttlingRetryStrategy) waits as told
 * instead of backing off blind.
 */
export function statusFault (reply: FastifyReply, envelope: Envelope, fault: Extract<Fault, { type: 'status' }>): ApiError {
  switch (fault.status) {
    case 429: return rateLimited(reply, envelope, fault.retry_after_ms ?? 1000)
    case 408: return envelope === 'openai' ? Errors.injectedStatus(408) : Errors.requestTimeout(envelope)
    case 500: return Errors.internal(envelope, reply.request.id)
    case 503:
      if (fault.retry_after_ms !== undefined) {
        reply.header('retry-after', String(Math.ceil(fault.retry_after_ms / 1000)))
        reply.header('retry-after-ms', String(fault.retry_after_ms))
      } else if (envelope === 'agents') {
        reply.header('retry-after', String(DEFAULT_AGENTS_RETRY_AFTER_S))
      }
      return Errors.serviceUnavailable(envelope)
    case 404: return envelope === 'openai' ? Errors.injectedStatus(404) : Errors.resourceNotFound(envelope)
    case 401: return envelope === 'openai' ? Errors.injectedStatus(401) : Errors.accessDenied(envelope)
    default: return Errors.injectedStatus(fault.status)
  }
}
