/**
 * Step 8b of the pipeline: the tokenizer ready before a handler that may count tokens, without blocking the
 * event loop (issue 20: the first count used to load the tokenizer synchronously, a half-second stall).
 *
 * The tokenizer loads in a worker (runs/tokenizer-worker.ts), started by the first request that creates a
 * run (or brings a long text, or replaces the state). While it loads, every request that may read a run
 * waits for it here, asynchronously: other requests and open streams go on. The request that started it
 * does not wait when it cannot need a count (a run created without token limits, not streamed, on a thread
 * with no earlier run, as the first run is): so the first answer comes as fast as before and idle memory
 * is untouched until a run exists. Strings longer than a few thousand characters in a request body are
 * counted ahead in the worker, so a long message or tool output never blocks the loop when it is counted.
 */
import type { FastifyRequest } from 'fastify'
import { CONTROL_DOOR } from '../api-surface.js'
import { countAhead, countsUnderwayNow } from '../runs/tokens.js'
import { tokenizerState, whenTokenizerReady } from '../runs/tokenizer-worker.js'

/** Strings at least this long (characters) in a body are counted ahead. */
const LONG_TEXT = 4097
/** A body shorter than this (bytes) holds no long string: not walked. */
const WALK_FROM = LONG_TEXT
/** At most this many values are visited in one body (bodies are capped in size and depth already). */
const WALK_LIMIT = 10_000

/** The long strings of a parsed JSON body, at any depth (visiting at most WALK_LIMIT values). */
function longStrings (body: unknown): string[] {
  const found: string[] = []
  const stack: unknown[] = [body]
  for (let visited = 0; stack.length > 0 && visited < WALK_LIMIT; visited++) {
    const value = stack.pop()
    if (typeof value === 'string') {
      if (value.length >= LONG_TEXT) found.push(value)
    } else if (Array.isArray(value)) {
      for (const item of value) stack.push(item)
    } else if (value !== null && typeof value === 'object') {
      for (const key of Object.keys(value)) stack.push((value as Record<string, unknown>)[key])
    }
  }
  return found
}

/** Whether a create-run body asks for something counted at once (a streamed run, token limits). */
function countsAtOnce (body: unknown): boolean {
  if (body === null || typeof body !== 'object') return false
  const { stream, max_prompt_tokens: maxPrompt, max_completion_tokens: maxCompletion } = body as Record<string, unknown>
  return stream === true || (maxPrompt !== undefined && maxPrompt !== null) || (maxCompletion !== undefined && maxCompletion !== null)
}

/** What a request waits for before its handler, or undefined to go on at once. */
export function tokensBefore (request: FastifyRequest): Promise<void> | undefined {
  const control = request.door === CONTROL_DOOR
  // Reading the control plane (health, state, journal) never counts.
  if (control && (request.method === 'GET' || request.method === 'HEAD')) return undefined
  const length = Number(request.headers['content-length'] ?? 0)
  const longs = !control && length >= WALK_FROM ? longStrings(request.body) : []
  const createsRun = !control && request.method === 'POST' && (request.routeOptions.url ?? '').endsWith('/runs')
  const replacesState = control && request.method === 'PUT'
  const state = tokenizerState()
  if (state === 'idle') {
    if (!createsRun && !replacesState && longs.length === 0) return undefined
    const ready = whenTokenizerReady()
    if (createsRun && longs.length === 0 && !countsAtOnce(request.body)) return undefined
    return ready.then(() => countAll(longs))
  }
  if (state === 'loading') return whenTokenizerReady().then(() => countAll(longs))
  // Texts a recent run or response will be read with are being counted (runs/tokens.ts `countSoon`): a request
  // that may read it waits for them, asynchronously, rather than have its read ask the worker and block.
  const underway = countsUnderwayNow()
  if (longs.length === 0) return underway
  return underway === undefined ? countAll(longs) : Promise.all([underway, countAll(longs)]).then(() => {})
}

async function countAll (texts: readonly string[]): Promise<void> {
  await Promise.all(texts.map(countAhead))
}
