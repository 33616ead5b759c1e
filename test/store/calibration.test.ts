/**
 * Issue 20: the store weighs what it holds, so `--max-store-bytes` holds what it says. The weight the store
 * gives N completed runs is checked against the live heap they add (measured with forced garbage collection), and
 * a round robin over many threads under a budget sized for them never evicts: no 404 on the client's own threads.
 */
import { setFlagsFromString } from 'node:v8'
import { runInNewContext } from 'node:vm'
import t from 'tap'
import type { Test } from 'tap'
import type { FastifyInstance } from 'fastify'
import { buildApp } from '../../src/app.js'
import { manualClock } from '../../src/clock.js'
import { makeConfig } from '../../src/config.js'

setFlagsFromString('--expose-gc')
const gc = runInNewContext('gc') as () => void

/** How far the store's weight may stray from the live heap (weight ÷ heap): a little over, never far under. */
const LOW = 0.8
const HIGH = 1.5

const V2 = 'api-version=2024-05-01-preview'
const HEADERS = { 'api-key': 'test-key', 'content-type': 'application/json' }

async function app (t: Test, maxStoreBytes = Number.MAX_SAFE_INTEGER): Promise<FastifyInstance> {
  const built = await buildApp(makeConfig({ logLevel: 'silent', queuedMs: 0, inProgressMs: 0, maxStoreBytes }), { clock: manualClock() })
  t.teardown(() => built.close())
  return built
}

async function post (app: FastifyInstance, path: string, body: unknown): Promise<{ statusCode: number, json: Record<string, string> }> {
  const res = await app.inject({ method: 'POST', url: `/openai${path}?${V2}`, headers: HEADERS, payload: JSON.stringify(body) })
  return { statusCode: res.statusCode, json: res.json() }
}

/** A completed run on `threadId` (a new thread with `text` when null): create it, then read it (which writes the reply). */
async function completedRun (app: FastifyInstance, assistantId: string, threadId: string | null, text: string): Promise<{ status: number, threadId: string }> {
  const created = threadId === null
    ? await post(app, '/threads/runs', { assistant_id: assistantId, thread: { messages: [{ role: 'user', content: text }] } })
    : await post(app, `/threads/${threadId}/runs`, { assistant_id: assistantId, additional_messages: [{ role: 'user', content: text }] })
  if (created.statusCode !== 200) return { status: created.statusCode, threadId: threadId ?? '' }
  const read = await app.inject({ url: `/openai/threads/${created.json.thread_id}/runs/${created.json.id}?${V2}`, headers: HEADERS })
  const status = read.statusCode === 200 && read.json().status !== 'completed' ? 500 : read.statusCode
  return { status, threadId: created.json.thread_id! }
}

const usedBytes = (app: FastifyInstance) => app.runtime.budget.usedBytes

function liveHeap (): number {
  for (let i = 0; i < 4; i++) gc()
  return process.memoryUsage().heapUsed
}

t.test('the store weighs N completed runs within a stated factor of the live heap they add', async t => {
  // A first app compiles every code path the runs take (its heap is not measured).
  const warm = await app(t)
  const warmAssistant = (await post(warm, '/assistants', { model: 'gpt-4o', instructions: 'Be brief.' })).json
  for (let i = 0; i < 600; i++) await completedRun(warm, warmAssistant.id!, null, `warm ${i}`)
  for (const [label, text] of [['one-byte', 'What is the weather like today?'], ['two-byte', 'Какая сегодня погода, скажи?']] as const) {
    const built = await app(t)
    const assistant = (await post(built, '/assistants', { model: 'gpt-4o', instructions: 'Be brief.' })).json
    // Warm up: the code paths compiled, the requests journal full (control/journal.ts JOURNAL_SIZE requests).
    for (let i = 0; i < 600; i++) await completedRun(built, assistant.id!, null, `${text} ${i}`)
    const runs = 2000
    const heapBefore = liveHeap()
    const weightBefore = usedBytes(built)
    // No assertion inside the loop: tap keeps every result, which would count as the runs' heap.
    let answered = 0
    for (let i = 0; i < runs; i++) if ((await completedRun(built, assistant.id!, null, `${text} ${i}`)).status === 200) answered++
    const heap = (liveHeap() - heapBefore) / runs
    const weight = (usedBytes(built) - weightBefore) / runs
    const ratio = weight / heap
    t.equal(answered, runs, `${label}: every run completed`)
    t.ok(ratio >= LOW && ratio <= HIGH,
      `${label}: weighed ${Math.round(weight)} B per completed run, live heap ${Math.round(heap)} B: ${ratio.toFixed(2)}× (within ${LOW}–${HIGH}×)`)
  }
})

t.test('a round robin over 200 threads under a budget sized for its runs never evicts; past it, the least recently used thread goes, counted', async t => {
  const threads = 200
  const rounds = 4
  // The weight of a round of runs, measured on an unbounded store.
  const probe = await app(t)
  const probeAssistant = (await post(probe, '/assistants', { model: 'gpt-4o', instructions: 'Be brief.' })).json
  const probeThreads: string[] = []
  for (let i = 0; i < threads; i++) probeThreads.push((await completedRun(probe, probeAssistant.id!, null, `first ${i}`)).threadId)
  const first = usedBytes(probe)
  for (const id of probeThreads) await completedRun(probe, probeAssistant.id!, id, 'and again')
  const perRun = (usedBytes(probe) - first) / threads
  t.ok(perRun > 500 && perRun < 4000, `a run on a thread weighs ${Math.round(perRun)} B`)

  const budget = Math.ceil((first + perRun * threads * rounds) * 1.2)
  const built = await app(t, budget)
  const assistant = (await post(built, '/assistants', { model: 'gpt-4o', instructions: 'Be brief.' })).json
  const ids: string[] = []
  const statuses = new Map<number, number>()
  const count = (status: number) => statuses.set(status, (statuses.get(status) ?? 0) + 1)
  for (let i = 0; i < threads; i++) {
    const run = await completedRun(built, assistant.id!, null, `first ${i}`)
    count(run.status)
    ids.push(run.threadId)
  }
  for (let round = 1; round < rounds; round++) for (const id of ids) count((await completedRun(built, assistant.id!, id, 'and again')).status)
  t.same([...statuses], [[200, threads * rounds]], `${threads * rounds} runs, every one answered 200 (no 404 on the client's own threads)`)
  const store = (await built.inject({ url: '/_emulator/store' })).json()
  t.equal(store.evicted.objects, 0, `nothing evicted: ${store.used_bytes} of ${budget} bytes used`)
  t.ok(store.used_bytes <= budget)

  // Past the budget: every thread but the first is used again, so the first is the least recently used.
  for (let round = 0; store.evicted.objects === 0 && round < 20; round++) {
    for (const id of ids.slice(1)) await completedRun(built, assistant.id!, id, 'more')
    Object.assign(store, (await built.inject({ url: '/_emulator/store' })).json())
  }
  t.ok(store.evicted.objects > 0, `once the runs outgrow the budget, objects are evicted: ${store.evicted.objects}`)
  t.same(store.evicted.recent[0], { kind: 'thread', id: ids[0], bytes: store.evicted.recent[0].bytes }, 'the least recently used thread first')
  t.equal(store.evicted.by_kind.thread, store.evicted.objects, 'counted by kind')
  const gone = await built.inject({ url: `/openai/threads/${ids[0]}?${V2}`, headers: HEADERS })
  t.equal(gone.statusCode, 404, 'and it is gone')
})
