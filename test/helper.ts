/** Test helpers: a fresh app per test on a manual clock, plus URL and header shorthands. */
import type { Test } from 'tap'
import type { FastifyInstance, InjectOptions, LightMyRequestResponse } from 'fastify'
import { buildApp, type AppDeps } from '../src/app.js'
import { startEmulator, type EmulatorOptions, type RunningEmulator } from '../src/emulator.js'
import { manualClock, type ManualClock } from '../src/clock.js'
import { makeConfig, type Config } from '../src/config.js'
import { contractInspector } from './contract/inspect.js'
import { SDK_KEEP_ALIVE_MS } from './support/process.js'

export const V1 = '2024-02-15-preview'
export const V2 = '2024-05-01-preview'
export const API_KEY = 'test-key'

export interface Built {
  app: FastifyInstance
  clock: ManualClock
  /** inject() with the api-key header and `?api-version=` (default v1) already set. */
  call (options: CallOptions): Promise<LightMyRequestResponse>
}

interface CallOptions {
  method?: InjectOptions['method']
  url: string
  body?: unknown
  apiVersion?: string | null
  headers?: Record<string, string>
}

/**
 * A fresh app on a manual clock, closed when `t` ends. Every response it sends is checked against the official
 * API document of its flavour and api-version (test/contract), failing `t` on a mismatch; pass
 * `deps.inspectResponse` to replace that check.
 */
export async function build (t: Test, overrides: Partial<Config> = {}, deps: AppDeps = {}): Promise<Built> {
  const clock = manualClock()
  const app = await buildApp(makeConfig({ logLevel: 'silent', ...overrides }), { clock, inspectResponse: contractInspector(t), ...deps })
  t.teardown(() => app.close())
  return {
    app,
    clock,
    call ({ method = 'GET', url, body, apiVersion = V1, headers = {} }) {
      const separator = url.includes('?') ? '&' : '?'
      const fullUrl = apiVersion === null ? url : `${url}${separator}api-version=${apiVersion}`
      return app.inject({
        method,
        url: fullUrl,
        headers: { 'api-key': API_KEY, ...headers },
        ...(body === undefined ? {} : { payload: body as InjectOptions['payload'] })
      })
    }
  }
}

/**
 * A listening emulator (`startEmulator` on a free loopback port), closed when `t` ends. Every response it sends
 * is checked against the official document of its flavour and api-version, as `build(t)` does.
 */
export async function listen (t: Test, options: EmulatorOptions = {}): Promise<RunningEmulator> {
  // SDK clients here run with retries off: idle sockets are kept long enough that a pooled one is never closed under them.
  const emulator = await startEmulator({ keepAliveTimeoutMs: SDK_KEEP_ALIVE_MS, ...options }, { inspectResponse: contractInspector(t) })
  t.teardown(() => emulator.close())
  return emulator
}

/** Creates an assistant and a thread, returning their ids. */
export async function seedAssistantAndThread (built: Built, apiVersion = V1) {
  const assistant = (await built.call({ method: 'POST', url: '/openai/assistants', body: { model: 'gpt-4o', instructions: 'Be brief.' }, apiVersion })).json()
  const thread = (await built.call({ method: 'POST', url: '/openai/threads', body: { messages: [{ role: 'user', content: 'Hello there' }] }, apiVersion })).json()
  return { assistantId: assistant.id as string, threadId: thread.id as string }
}

/** The OpenAI error envelope with the given fields. */
export function openAIError (message: string, param: string | null = null, code: string | null = null, type = 'invalid_request_error') {
  return { error: { message, type, param, code } }
}

/** One part of a multipart/form-data body: a plain field, or a file with its name and (optional) type. */
export type FormPart =
  | { readonly name: string, readonly value: string }
  | { readonly name: string, readonly filename: string, readonly content: Buffer | string, readonly contentType?: string }

/** A multipart/form-data payload and the headers to send it with (for `POST /files`). */
export function multipart (parts: readonly FormPart[], boundary = 'emulator-test-boundary') {
  const chunks: Buffer[] = []
  for (const part of parts) {
    const disposition = 'filename' in part
      ? `Content-Disposition: form-data; name="${part.name}"; filename="${part.filename}"\r\nContent-Type: ${part.contentType ?? 'application/octet-stream'}`
      : `Content-Disposition: form-data; name="${part.name}"`
    chunks.push(Buffer.from(`--${boundary}\r\n${disposition}\r\n\r\n`))
    chunks.push(Buffer.from('filename' in part ? part.content : part.value))
    chunks.push(Buffer.from('\r\n'))
  }
  chunks.push(Buffer.from(`--${boundary}--\r\n`))
  return { body: Buffer.concat(chunks), headers: { 'content-type': `multipart/form-data; boundary=${boundary}` } }
}

/** Uploads `content` as `filename` with purpose `assistants`; returns the file object. */
export async function uploadFile (built: Built, content: string | Buffer = 'hello', filename = 'a.txt', apiVersion = V2) {
  const form = multipart([{ name: 'purpose', value: 'assistants' }, { name: 'file', filename, content }])
  const res = await built.call({ method: 'POST', url: '/openai/files', body: form.body, headers: form.headers, apiVersion })
  if (res.statusCode !== 200) throw new Error(`upload failed: ${res.statusCode} ${res.body}`)
  return res.json() as { id: string, bytes: number, filename: string, purpose: string }
}
