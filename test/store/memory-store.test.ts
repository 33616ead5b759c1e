/** The in-memory store: tables, cascades, and the memory bound that evicts the oldest objects. */
import t from 'tap'
import { createMemoryStore, createStoreBudget, weigh, type RootKind } from '../../src/store/memory-store.js'
import { NO_ITEMS, NO_METADATA, type MessageRecord, type ThreadRecord } from '../../src/store/records.js'
import { build, V2 } from '../helper.js'

const thread = (id: string, createdAt = 0): ThreadRecord => ({ id, createdAt, activeRunId: null, toolResources: {}, metadata: {} })
const message = (id: string, threadId: string, text: string): MessageRecord => ({
  id,
  threadId,
  createdAt: 0,
  role: 'user',
  content: [{ type: 'text', text: { value: text, annotations: [] } }],
  assistantId: null,
  runId: null,
  fileIds: [],
  attachments: null,
  metadata: {}
})

t.test('weigh counts what V8 holds', async t => {
  t.ok(weigh('x'.repeat(1000)) >= 1000, 'a one-byte string: a byte a character')
  t.ok(weigh('ж'.repeat(1000)) >= 2000, 'a two-byte string: two')
  t.ok(weigh('x'.repeat(999) + 'ж') >= 2000, 'one two-byte character makes the whole string two-byte')
  t.equal(weigh([NO_ITEMS, NO_METADATA]), weigh([null, null]), 'frozen shared values count their slot alone')
  t.ok(weigh({ metadata: { ['k'.repeat(5000)]: 'v' } }) >= 5000, 'a client\'s key counts as a string')
  t.ok(weigh({ threadId: 'thread_x' }) < weigh({ other: 'thread_x' }), 'a field naming another record counts its slot, not the id')
  t.ok(weigh({ threadId: 't'.repeat(5000) }) >= 5000, 'unless it is longer than an id can be')
  t.ok(weigh(Buffer.alloc(5000)) >= 5000)
  t.ok(weigh({ a: [1, 2, 3], b: { c: 'd' } }) > weigh({}))
  let deep: unknown = 'leaf'
  for (let i = 0; i < 100; i++) deep = { deep }
  t.ok(Number.isFinite(weigh(deep)), 'deep values are weighed without recursing forever')
})

t.test('tables keep insertion order; deleting a thread removes its messages and runs', async t => {
  const store = createMemoryStore()
  store.threads.put(thread('thread_a'))
  store.threads.put(thread('thread_b'))
  store.threads.put({ ...thread('thread_a'), metadata: { x: 'y' } })
  t.same(store.threads.list().map(r => r.id), ['thread_a', 'thread_b'], 'an update keeps its place')
  store.messages.put('thread_a', message('msg_1', 'thread_a', 'hi'))
  t.equal(store.messages.delete('thread_a', 'msg_nope'), false)
  t.ok(store.threads.delete('thread_a'))
  t.same(store.messages.list('thread_a'), [])
  t.equal(store.threads.get('thread_a'), undefined)
})

t.test('past the budget the least recently used objects go, with their children, never the one being written', async t => {
  const evicted: Array<[RootKind, string]> = []
  const store = createMemoryStore({ maxBytes: 50_000, onEvict: (kind, id) => evicted.push([kind, id]) })
  for (let i = 0; i < 20; i++) {
    store.threads.put(thread(`thread_${i}`))
    store.messages.put(`thread_${i}`, message(`msg_${i}`, `thread_${i}`, 'x'.repeat(5_000)))
  }
  t.ok(evicted.length > 0, 'something was evicted')
  t.same(evicted[0], ['thread', 'thread_0'], 'the least recently used first')
  t.equal(store.threads.get('thread_0'), undefined)
  t.same(store.messages.list('thread_0'), [], 'its messages went with it')
  t.ok(store.threads.get('thread_19'), 'the newest stays')
  t.equal(store.messages.list('thread_19').length, 1)
  const kept = store.threads.list().length
  t.ok(kept >= 3 && kept < 20, `${kept} threads kept`)

  const lru = createMemoryStore({ maxBytes: 30_000 })
  lru.threads.put(thread('thread_used'))
  lru.messages.put('thread_used', message('msg_u', 'thread_used', 'x'.repeat(5_000)))
  for (let i = 0; i < 10; i++) {
    lru.threads.put(thread(`thread_${i}`))
    lru.messages.put(`thread_${i}`, message(`msg_${i}`, `thread_${i}`, 'x'.repeat(5_000)))
    t.ok(lru.threads.get('thread_used'), `a thread read after every write survives (${i})`)
  }
  t.equal(lru.threads.get('thread_0'), undefined)

  const one = createMemoryStore({ maxBytes: 1 })
  one.threads.put(thread('thread_big'))
  one.messages.put('thread_big', message('msg_big', 'thread_big', 'x'.repeat(10_000)))
  t.ok(one.threads.get('thread_big'), 'an object larger than the budget on its own is still stored')
})

t.test('through the API: a long-running emulator keeps a bounded store', async t => {
  const built = await build(t, { maxStoreBytes: 200_000, queuedMs: 0, inProgressMs: 0 })
  const assistant = (await built.call({ method: 'POST', url: '/openai/assistants', apiVersion: V2, body: { model: 'gpt-4o' } })).json()
  const threadIds: string[] = []
  for (let i = 0; i < 60; i++) {
    const res = await built.call({
      method: 'POST',
      url: '/openai/threads/runs',
      apiVersion: V2,
      body: { assistant_id: assistant.id, thread: { messages: [{ role: 'user', content: `question ${i} ${'lorem '.repeat(200)}` }] } }
    })
    t.equal(res.statusCode, 200)
    threadIds.push(res.json().thread_id)
  }
  const gone = await built.call({ url: `/openai/threads/${threadIds[0]}`, apiVersion: V2 })
  t.equal(gone.statusCode, 404, 'the oldest thread was evicted')
  const latest = await built.call({ url: `/openai/threads/${threadIds.at(-1)}/messages`, apiVersion: V2 })
  t.equal(latest.json().data.length, 2, 'the newest thread has its message and the reply')
  t.ok(built.app.runtime.tenants.shared.store.threads.list().length < 60)
})

t.test('a long thread: rows keep their order through replace and delete, past the size where an index is added', async t => {
  const store = createMemoryStore()
  store.threads.put(thread('thread_long'))
  for (let i = 0; i < 50; i++) store.messages.put('thread_long', message(`msg_${i}`, 'thread_long', `m${i}`))
  store.messages.put('thread_long', { ...message('msg_3', 'thread_long', 'replaced'), metadata: { v: '2' } })
  t.equal(store.messages.get('thread_long', 'msg_3')?.metadata.v, '2', 'found through the index')
  t.equal(store.messages.list('thread_long')[3]?.id, 'msg_3', 'a replaced row keeps its place')
  t.ok(store.messages.delete('thread_long', 'msg_10'))
  t.equal(store.messages.get('thread_long', 'msg_10'), undefined)
  t.equal(store.messages.list('thread_long').length, 49)
  t.equal(store.messages.list('thread_long')[10]?.id, 'msg_11')
  store.messages.put('thread_short', message('msg_a', 'thread_short', 'a'))
  store.messages.put('thread_short', message('msg_b', 'thread_short', 'b'))
  t.ok(store.messages.delete('thread_short', 'msg_a'))
  t.same(store.messages.list('thread_short').map(m => m.id), ['msg_b'])
})

t.test('roots of different kinds may share an id (fixtures choose ids): each is weighed and evicted on its own', async t => {
  const evicted: Array<[RootKind, string]> = []
  const store = createMemoryStore({ maxBytes: 40_000, onEvict: (kind, id) => evicted.push([kind, id]) })
  store.threads.put(thread('same'))
  store.assistants.put({
    id: 'same',
    createdAt: 0,
    name: null,
    description: null,
    model: 'gpt-4o',
    instructions: 'x'.repeat(20_000),
    tools: [],
    fileIds: [],
    toolResources: null,
    temperature: null,
    topP: null,
    responseFormat: null,
    metadata: {}
  })
  t.ok(store.threads.get('same'), 'the thread is still there')
  t.ok(store.assistants.get('same'), 'the assistant too')
  store.vectorStores.put({ id: 'vs_1', createdAt: 0, name: 'v', expiresAfter: null, lastActiveAt: 0, metadata: {} })
  store.vectorStoreFiles.put('vs_1', { id: 'file_1', vectorStoreId: 'vs_1', createdAt: 0, readyAt: 0, bytes: 1, chunkingStrategy: { type: 'auto' }, batchId: null, cancelledAt: null })
  store.messages.put('same', message('msg_big', 'same', 'y'.repeat(60_000)))
  t.same(evicted.map(([kind]) => kind).sort(), ['assistant', 'vector_store'], 'the older roots went, the thread being written stayed')
  t.equal(store.assistants.get('same'), undefined)
  t.same(store.vectorStoreFiles.list('vs_1'), [], 'the vector store took its files with it')
  t.ok(store.threads.delete('same'))
  t.equal(store.threads.get('same'), undefined)
})

t.test('a parent indexed once stays indexed when deletes take it back under the index size', async t => {
  const store = createMemoryStore()
  store.threads.put(thread('thread_i'))
  for (let i = 0; i < 33; i++) store.messages.put('thread_i', message(`msg_${i}`, 'thread_i', `m${i}`))
  t.ok(store.messages.delete('thread_i', 'msg_0'))
  t.ok(store.messages.delete('thread_i', 'msg_1'))
  store.messages.put('thread_i', message('msg_new', 'thread_i', 'new'))
  t.equal(store.messages.get('thread_i', 'msg_new')?.id, 'msg_new', 'the row added after the deletes is found')
  store.messages.put('thread_i', { ...message('msg_new', 'thread_i', 'new'), metadata: { v: '2' } })
  t.equal(store.messages.get('thread_i', 'msg_new')?.metadata.v, '2', 'and replaced in place')
  const ids = store.messages.list('thread_i').map(m => m.id)
  t.equal(ids.length, 32, 'no row stored twice')
  t.equal(ids.at(-1), 'msg_new')
  t.ok(store.messages.delete('thread_i', 'msg_new'))
  t.equal(store.messages.get('thread_i', 'msg_new'), undefined)
})

t.test('one budget over many stores: the least recently used object of any store goes first, and is counted', async t => {
  const evicted: Array<[RootKind, string]> = []
  const budget = createStoreBudget({ maxBytes: 60_000, onEvict: (kind, id) => evicted.push([kind, id]) })
  const a = createMemoryStore({ budget })
  const b = createMemoryStore({ budget })
  for (let i = 0; i < 5; i++) {
    a.threads.put(thread(`thread_${i}`))
    a.messages.put(`thread_${i}`, message(`msg_${i}`, `thread_${i}`, 'x'.repeat(8_000)))
  }
  t.same(evicted, [], 'both fit so far')
  // The other store reuses the same ids (fixtures seed the same ids into every tenant): they are its own.
  for (let i = 0; i < 5; i++) {
    b.threads.put(thread(`thread_${i}`))
    b.messages.put(`thread_${i}`, message(`msg_${i}`, `thread_${i}`, 'x'.repeat(8_000)))
  }
  t.ok(budget.usedBytes <= 60_000, `one budget: ${budget.usedBytes} bytes used`)
  t.ok(evicted.length > 0, 'the second store made the first give up its oldest threads')
  t.same(evicted[0], ['thread', 'thread_0'])
  t.equal(a.threads.get('thread_0'), undefined, 'evicted from the store that held it')
  t.ok(b.threads.get('thread_0'), 'the same id in the other store is another object, still there')
  t.equal(budget.evicted.objects, evicted.length)
  t.equal(budget.evicted.byKind.thread, evicted.length)
  t.equal(budget.evicted.byKind.assistant, 0)
  t.ok(budget.evicted.bytes > 5 * evicted.length * 1000, 'their bytes are counted')
  t.same(budget.recent().map(e => e.id), evicted.map(([, id]) => id), 'the last evictions, oldest first')

  const used = budget.usedBytes
  budget.release(a)
  t.ok(budget.usedBytes < used, 'a released store no longer counts')
  t.ok(a.threads.get('thread_4'), 'and keeps working on its own')
  const c = createMemoryStore()
  c.threads.put(thread('thread_big'))
  c.messages.put('thread_big', message('msg_big', 'thread_big', 'y'.repeat(40_000)))
  budget.adopt(c)
  t.ok(budget.usedBytes <= 60_000, 'an adopted store counts, and older objects make room for it')
  t.ok(c.threads.get('thread_big'), 'the adopted objects are the most recently used')
})

t.test('through the API: forty keys share one --max-store-bytes, and GET /_emulator/store says what was evicted', async t => {
  const budget = 200_000
  const built = await build(t, { maxStoreBytes: budget, isolateByKey: true, queuedMs: 0, inProgressMs: 0 })
  const firstThreads: string[] = []
  for (let k = 0; k < 40; k++) {
    const headers = { 'api-key': `key-${k}` }
    const assistant = (await built.call({ method: 'POST', url: '/openai/assistants', apiVersion: V2, headers, body: { model: 'gpt-4o' } })).json()
    for (let i = 0; i < 3; i++) {
      const res = await built.call({
        method: 'POST',
        url: '/openai/threads/runs',
        apiVersion: V2,
        headers,
        body: { assistant_id: assistant.id, thread: { messages: [{ role: 'user', content: `key ${k} question ${i} ${'lorem '.repeat(200)}` }] } }
      })
      t.equal(res.statusCode, 200)
      if (i === 0) firstThreads.push(res.json().thread_id)
    }
  }
  const { tenants } = built.app.runtime
  const kept = tenants.list().reduce((sum, tenant) => sum + tenant.store.threads.list().reduce((n, th) =>
    n + weigh(th) + tenant.store.messages.list(th.id).reduce((m, r) => m + weigh(r), 0) + tenant.store.runs.list(th.id).reduce((m, r) => m + weigh(r), 0), 0) +
    tenant.store.assistants.list().reduce((n, a) => n + weigh(a), 0), 0)
  t.ok(kept <= budget, `every key together keeps ${kept} bytes within the one ${budget}-byte budget`)

  const stats = await built.call({ url: '/_emulator/store', apiVersion: null })
  t.equal(stats.statusCode, 200)
  const body = stats.json()
  t.equal(body.max_bytes, budget)
  t.ok(body.used_bytes <= budget && body.used_bytes > budget / 2, `used ${body.used_bytes}`)
  t.equal(body.tenants, 41, 'the shared tenant and forty keys')
  t.ok(body.evicted.by_kind.thread > 0, `threads evicted: ${body.evicted.by_kind.thread}`)
  t.ok(body.evicted.by_kind.assistant > 0, `assistants evicted: ${body.evicted.by_kind.assistant}`)
  t.equal(body.evicted.objects, Object.values(body.evicted.by_kind as Record<string, number>).reduce((a, b) => a + b, 0), 'the kinds add up')
  t.ok(body.evicted.recent.length > 0 && body.evicted.recent.length <= 32)

  const gone = await built.call({ url: `/openai/threads/${firstThreads[0]}`, apiVersion: V2, headers: { 'api-key': 'key-0' } })
  t.equal(gone.statusCode, 404, 'the first key\'s oldest thread was evicted for the newer keys\' objects')
  const latest = await built.call({ url: `/openai/threads/${firstThreads[39]}`, apiVersion: V2, headers: { 'api-key': 'key-39' } })
  t.equal(latest.statusCode, 200, 'the newest key keeps its thread')

  const reset = await built.call({ method: 'POST', url: '/_emulator/reset', apiVersion: null })
  t.equal(reset.statusCode, 204)
  const after = (await built.call({ url: '/_emulator/store', apiVersion: null })).json()
  t.ok(after.used_bytes < body.used_bytes / 10, `after a reset the dropped tenants no longer count: ${after.used_bytes}`)
  t.equal(after.evicted.objects, body.evicted.objects, 'the counts are kept across a reset')
})
