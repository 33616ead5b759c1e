/** Test helpers: a fresh app per test on a manual clock, plus URL and header shorthands. */
import type { Test } from 'tap'
import type { FastifyInstance, InjectOptions, LightMyRequestResponse } from 'fastify'
import { buildApp, type AppDeps } from '../src/app.js'
import { manualClock, type ManualClock } from '../src/clock.js'
import { makeConfig, type Config } from '../src/config.js'

export const V1 = '2024-02-15-preview'
export const V2 = '2024-05-01-preview'
export const API_KEY = 'test-key'

export interface Built {
  app: FastifyInstance
  clock: ManualClock
  /** inject() with the api-key header and `?api-version=` (default v1) already set. */
  call (options: CallOptions): Promise<LightMyRequestResponse>
}

export interface CallOptions {
  method?: InjectOptions['method']
  url: string
  body?: unknown
  apiVersion?: string | null
  headers?: Record<string, string>
}

export async function build (t: Test, overrides: Partial<Config> = {}, deps: AppDeps = {}): Promise<Built> {
  const clock = manualClock()
  const app = await buildApp(makeConfig({ logLevel: 'silent', ...overrides }), { clock, ...deps })
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
