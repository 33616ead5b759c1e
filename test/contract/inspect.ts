/**
 * The response inspector the test suite installs (test/helper.ts `build()`, the e2e client tests): every
 * JSON body the app sends is checked against the official document of its flavour and api-version.
 */
import type { Test } from 'tap'
import type { FastifyReply, FastifyRequest } from 'fastify'
import { classify } from '../../src/api-surface.js'
import type { ResponseInspector } from '../../src/app.js'
import { checkResponse } from './spec.js'

/** Paths outside the API (the emulator's own endpoints) are not in any document. */
const OWN_ENDPOINTS = /^\/+_emulator(\/|$)/

function payloadText (payload: unknown): string | undefined {
  if (typeof payload === 'string') return payload
  if (Buffer.isBuffer(payload)) return payload.toString('utf8')
  return undefined // streams (SSE, file downloads) are not JSON documents
}

/** Describes the mismatch of one response, or undefined when it matches its document (or is not checked). */
export function contractProblem (request: FastifyRequest, reply: FastifyReply, payload: unknown): string | undefined {
  const contentType = String(reply.getHeader('content-type') ?? '')
  const text = payloadText(payload)
  const rawPath = request.url.split('?')[0] ?? ''
  if (!contentType.startsWith('application/json') || text === undefined || OWN_ENDPOINTS.test(rawPath)) return undefined
  const door = classify(rawPath)
  const flavour = door.name === 'emulator' ? 'azure' : door.name
  const collapsed = rawPath.replace(/\/{2,}/g, '/')
  const prefix = door.prefixes.map(p => new RegExp(`^${p.replace(/:[^/]+/g, '[^/]+')}(?=/|$)`)).find(p => p.test(collapsed))
  const path = prefix === undefined ? collapsed : collapsed.replace(prefix, '')
  let body: unknown
  try {
    body = JSON.parse(text)
  } catch {
    return `${request.method} ${request.url} → ${reply.statusCode}: the body is not JSON: ${text.slice(0, 200)}`
  }
  const served = request.apiVersion as { generation?: 'v1' | 'v2', version?: string } | null | undefined
  const generation = served?.generation ?? 'v2'
  const apiVersion = flavour === 'azure' ? served?.version : undefined
  const result = checkResponse({ flavour, generation, apiVersion, method: request.method, path, status: reply.statusCode, body })
  if (result.ok) return undefined
  return `${request.method} ${request.url} → ${reply.statusCode} does not match ${result.doc} ${result.template ?? ''}:\n  ` +
    `${result.errors.join('\n  ')}\n  body: ${text.slice(0, 2000)}`
}

/** An inspector that fails test `t` (with the path and the schema errors) for every mismatching response. */
export function contractInspector (t: Test): ResponseInspector {
  return (request, reply, payload) => {
    const problem = contractProblem(request, reply, payload)
    if (problem !== undefined) t.fail(`response contract: ${problem}`)
  }
}
