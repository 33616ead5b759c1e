/**
 * Vector stores, their files and file batches: status and counts over time on the manual clock, every
 * endpoint and error, the v1 versions' 404, and the references that assistants, threads and messages make.
 */
import t from 'tap'
import { build, multipart, openAIError, uploadFile, API_KEY, V1, V2, type Built } from '../helper.js'

const RESOURCE_NOT_FOUND = '{"error":{"code":"404","message": "Resource not found"}}'
const counts = (inProgress: number, completed: number, cancelled = 0) =>
  ({ in_progress: inProgress, completed, failed: 0, cancelled, total: inProgress + completed + cancelled })

async function call (built: Built, method: 'GET' | 'POST' | 'DELETE', url: string, body?: unknown) {
  // 2024-07-01-preview: the first Azure document with chunking_strategy (2024-05-01-preview refuses it).
  return built.call({ method, url: `/openai${url}`, body, apiVersion: '2024-07-01-preview' })
}

async function createStore (built: Built, body: Record<string, unknown> = {}) {
  const res = await call(built, 'POST', '/vector_stores', body)
  if (res.statusCode !== 200) throw new Error(res.body)
  return res.json()
}

t.test('a vector store is in_progress while its files process, then completed (derived from the clock)', async t => {
  const built = await build(t, { vectorStoreProcessingMs: 2000 })
  const a = await uploadFile(built, 'hello', 'a.txt')
  const b = await uploadFile(built, 'world!!', 'b.txt')
  const created = await createStore(built, { name: 'docs', file_ids: [a.id, b.id, a.id], metadata: { k: 'v' } })
  const now = Math.floor(built.clock.now() / 1000)
  t.match(created.id, /^vs_[A-Za-z0-9]{24}$/)
  t.same(created, {
    id: created.id,
    object: 'vector_store',
    name: 'docs',
    status: 'in_progress',
    usage_bytes: 0,
    created_at: now,
    file_counts: counts(2, 0),
    metadata: { k: 'v' },
    expires_at: null,
    last_active_at: now
  }, 'a repeated file id counts once')

  built.clock.advance(1999)
  t.match((await call(built, 'GET', `/vector_stores/${created.id}`)).json(), { status: 'in_progress', file_counts: counts(2, 0) })
  built.clock.advance(1)
  const done = (await call(built, 'GET', `/vector_stores/${created.id}`)).json()
  t.match(done, { status: 'completed', file_counts: counts(0, 2), usage_bytes: 12 })

  const empty = await createStore(built)
  t.match(empty, { status: 'completed', name: '', file_counts: counts(0, 0), usage_bytes: 0, metadata: {} },
    'an empty vector store is ready at once')
})

t.test('list, retrieve, modify and delete vector stores', async t => {
  const built = await build(t)
  const stores = []
  for (const name of ['a', 'b', 'c']) {
    stores.push(await createStore(built, { name }))
    built.clock.advance(1000)
  }
  const list = (await call(built, 'GET', '/vector_stores?limit=2')).json()
  t.same(list.data.map((s: { name: string }) => s.name), ['c', 'b'])
  t.equal(list.has_more, true)
  const next = (await call(built, 'GET', `/vector_stores?limit=2&after=${list.last_id}`)).json()
  t.same(next.data.map((s: { name: string }) => s.name), ['a'])
  t.equal(next.has_more, false)
  t.same((await call(built, 'GET', `/vector_stores/${stores[0].id}`)).json(), stores[0])

  const url = `/vector_stores/${stores[0].id}`
  const modified = (await call(built, 'POST', url, { name: 'renamed', metadata: { x: '1' }, expires_after: { anchor: 'last_active_at', days: 2 } })).json()
  const touched = Math.floor(built.clock.now() / 1000)
  t.same(modified, {
    ...stores[0],
    name: 'renamed',
    metadata: { x: '1' },
    expires_after: { anchor: 'last_active_at', days: 2 },
    expires_at: touched + 2 * 86400,
    last_active_at: touched
  })
  t.same((await call(built, 'POST', url, {})).json(), modified, 'an empty body changes nothing but last_active_at')
  const reset = (await call(built, 'POST', url, { name: null, metadata: null, expires_after: null })).json()
  t.match(reset, { name: '', metadata: {}, expires_at: null })
  t.notOk('expires_after' in reset)

  t.same((await call(built, 'DELETE', url)).json(), { id: stores[0].id, object: 'vector_store.deleted', deleted: true })
  const gone = openAIError(`No vector store found with id '${stores[0].id}'.`)
  for (const [method, path] of [['GET', url], ['POST', url], ['DELETE', url], ['GET', `${url}/files`], ['POST', `${url}/file_batches`]] as const) {
    const res = await call(built, method, path, method === 'POST' ? (path.endsWith('batches') ? { file_ids: ['assistant-x'] } : {}) : undefined)
    t.equal(res.statusCode, 404, `${method} ${path}`)
    t.same(res.json(), gone)
  }
})

t.test('expires_after: a vector store expires days after it was last active', async t => {
  const built = await build(t)
  const store = await createStore(built, { expires_after: { anchor: 'last_active_at', days: 1 } })
  t.match(store, { status: 'completed', expires_after: { anchor: 'last_active_at', days: 1 }, expires_at: store.created_at + 86400 })
  built.clock.advance(86400 * 1000)
  t.equal((await call(built, 'GET', `/vector_stores/${store.id}`)).json().status, 'expired')
})

t.test('vector store files: add, list with filter, retrieve, delete', async t => {
  const built = await build(t)
  const store = await createStore(built)
  const a = await uploadFile(built, 'aaaa', 'a.txt')
  const b = await uploadFile(built, 'bb', 'b.txt')

  const added = await call(built, 'POST', `/vector_stores/${store.id}/files`, { file_id: a.id })
  t.equal(added.statusCode, 200)
  t.same(added.json(), {
    id: a.id,
    object: 'vector_store.file',
    usage_bytes: 0,
    created_at: Math.floor(built.clock.now() / 1000),
    vector_store_id: store.id,
    status: 'in_progress',
    last_error: null,
    // Required on the file from 2024-07-01-preview; `auto` shows its resolved sizes, as OpenAI's does.
    chunking_strategy: { type: 'static', static: { max_chunk_size_tokens: 800, chunk_overlap_tokens: 400 } }
  })
  const before = await built.call({ url: `/openai/vector_stores/${store.id}/files/${a.id}`, apiVersion: V2 })
  t.notOk('chunking_strategy' in before.json(), '2024-05-01-preview\'s vector-store file has no chunking_strategy')
  built.clock.advance(500)
  const fixed = { type: 'static', static: { max_chunk_size_tokens: 400, chunk_overlap_tokens: 200 } }
  const second = await call(built, 'POST', `/vector_stores/${store.id}/files`, { file_id: b.id, chunking_strategy: fixed })
  t.same(second.json().chunking_strategy, fixed, 'a static strategy is shown as given')

  const files = `/vector_stores/${store.id}/files`
  t.same((await call(built, 'GET', files)).json().data.map((f: { id: string }) => f.id), [b.id, a.id])
  t.same((await call(built, 'GET', `${files}?filter=completed`)).json().data.map((f: { id: string, usage_bytes: number }) => [f.id, f.usage_bytes]), [[a.id, 4]])
  t.same((await call(built, 'GET', `${files}?filter=in_progress&order=asc`)).json().data.map((f: { id: string }) => f.id), [b.id])
  t.same((await call(built, 'GET', `${files}?filter=failed`)).json().data, [])
  const badFilter = await call(built, 'GET', `${files}?filter=done`)
  t.same(badFilter.json(), openAIError("Invalid value: 'done'. Supported values are: 'in_progress', 'completed', 'failed', and 'cancelled'.", 'filter', 'invalid_value'))
  t.match((await call(built, 'GET', `/vector_stores/${store.id}`)).json(), { status: 'in_progress', file_counts: counts(1, 1), usage_bytes: 4 })

  t.match((await call(built, 'GET', `${files}/${a.id}`)).json(), { id: a.id, status: 'completed', usage_bytes: 4 })
  t.same((await call(built, 'DELETE', `${files}/${a.id}`)).json(), { id: a.id, object: 'vector_store.file.deleted', deleted: true })
  const missing = await call(built, 'GET', `${files}/${a.id}`)
  t.equal(missing.statusCode, 404)
  t.same(missing.json(), openAIError(`No file found with id '${a.id}' in vector store '${store.id}'.`))
  t.equal((await call(built, 'DELETE', `${files}/${a.id}`)).statusCode, 404)
  t.equal((await call(built, 'GET', `/files/${a.id}`)).statusCode, 200, 'the uploaded file stays')

  const unknown = await call(built, 'POST', files, { file_id: 'assistant-nope' })
  t.equal(unknown.statusCode, 404)
  t.same(unknown.json(), openAIError('Files [assistant-nope] were not found'), 'Azure\'s wording (azure-sdk-for-net#47121)')
  t.same((await call(built, 'POST', files, {})).json(), openAIError("Missing required parameter: 'file_id'.", 'file_id', 'missing_required_parameter'))

  built.clock.advance(500)
  const readded = (await call(built, 'POST', files, { file_id: b.id })).json()
  t.equal(readded.status, 'in_progress', 'adding a file again processes it again')

  // Deleting an uploaded file leaves the vector store's entry (it keeps what it needs).
  await call(built, 'DELETE', `/files/${b.id}`)
  built.clock.advance(500)
  t.match((await call(built, 'GET', `${files}/${b.id}`)).json(), { status: 'completed', usage_bytes: 2 })
})

t.test('file batches: create, status over time, list files, cancel', async t => {
  const built = await build(t, { vectorStoreProcessingMs: 1000 })
  const store = await createStore(built)
  const ids = [(await uploadFile(built, 'a')).id, (await uploadFile(built, 'bb')).id, (await uploadFile(built, 'ccc')).id]
  const batches = `/vector_stores/${store.id}/file_batches`

  const created = await call(built, 'POST', batches, { file_ids: ids.slice(0, 2) })
  t.equal(created.statusCode, 200)
  const batch = created.json()
  t.match(batch.id, /^vsfb_[A-Za-z0-9]{24}$/)
  t.same(batch, {
    id: batch.id,
    object: 'vector_store.files_batch',
    created_at: Math.floor(built.clock.now() / 1000),
    vector_store_id: store.id,
    status: 'in_progress',
    file_counts: counts(2, 0)
  })
  t.same((await call(built, 'GET', `${batches}/${batch.id}/files`)).json().data.map((f: { id: string }) => f.id), [ids[1], ids[0]])
  built.clock.advance(1000)
  t.match((await call(built, 'GET', `${batches}/${batch.id}`)).json(), { status: 'completed', file_counts: counts(0, 2) })
  t.same((await call(built, 'GET', `${batches}/${batch.id}/files?filter=in_progress`)).json().data, [])
  const notCancellable = await call(built, 'POST', `${batches}/${batch.id}/cancel`)
  t.equal(notCancellable.statusCode, 400)
  t.same(notCancellable.json(), openAIError("Cannot cancel vector store file batch with status 'completed'."))

  const second = (await call(built, 'POST', batches, { file_ids: [ids[2]] })).json()
  built.clock.advance(400)
  const cancelled = await call(built, 'POST', `${batches}/${second.id}/cancel`)
  t.equal(cancelled.statusCode, 200)
  t.match(cancelled.json(), { id: second.id, status: 'cancelled', file_counts: counts(0, 0, 1) })
  built.clock.advance(5000)
  t.match((await call(built, 'GET', `${batches}/${second.id}`)).json(), { status: 'cancelled' }, 'stays cancelled')
  t.match((await call(built, 'GET', `${batches}/${second.id}/files`)).json().data, [{ id: ids[2], status: 'cancelled', usage_bytes: 0 }])
  t.match((await call(built, 'GET', `/vector_stores/${store.id}`)).json(), { status: 'completed', file_counts: counts(0, 2, 1), usage_bytes: 3 })

  const unknownBatch = await call(built, 'GET', `${batches}/vsfb_nope`)
  t.same(unknownBatch.json(), openAIError("No vector store file batch found with id 'vsfb_nope'."))
  t.equal((await call(built, 'POST', `${batches}/vsfb_nope/cancel`)).statusCode, 404)
  t.equal((await call(built, 'GET', `${batches}/vsfb_nope/files`)).statusCode, 404)
  t.same((await call(built, 'POST', batches, { file_ids: [ids[0], 'assistant-x', 'assistant-y'] })).json(),
    openAIError('Files [assistant-x, assistant-y] were not found'))
  t.same((await call(built, 'POST', batches, { file_ids: [] })).json(), openAIError(
    "Invalid 'file_ids': empty array. Expected an array with minimum length 1, but got an empty array instead.",
    'file_ids', 'empty_array'))
})

t.test('request bodies are validated (chunking strategy, expiry, unknown fields)', async t => {
  const built = await build(t)
  const file = await uploadFile(built)
  const cases: Array<[Record<string, unknown>, ReturnType<typeof openAIError>]> = [
    [{ expires_after: { anchor: 'last_active_at', days: 0 } }, openAIError("Invalid 'expires_after.days': integer below minimum value. Expected a value >= 1, but got 0 instead.", 'expires_after.days', 'integer_below_min_value')],
    [{ expires_after: { anchor: 'created_at', days: 1 } }, openAIError("Invalid value: 'created_at'. Supported values are: 'last_active_at'.", 'expires_after.anchor', 'invalid_value')],
    [{ chunking_strategy: { type: 'fixed' } }, openAIError("Invalid value: 'fixed'. Supported values are: 'auto' and 'static'.", 'chunking_strategy.type', 'invalid_value')],
    [{ file_ids: [file.id], chunking_strategy: { type: 'static', static: { max_chunk_size_tokens: 800, chunk_overlap_tokens: 401 } } },
      openAIError("Invalid 'chunking_strategy.static.chunk_overlap_tokens': chunk_overlap_tokens (401) must not exceed half of max_chunk_size_tokens (800).", 'chunking_strategy.static.chunk_overlap_tokens', 'invalid_value')],
    [{ colour: 'red' }, openAIError("Unknown parameter: 'colour'.", 'colour', 'unknown_parameter')],
    [{ file_ids: ['assistant-missing'] }, openAIError('Files [assistant-missing] were not found')]
  ]
  for (const [body, expected] of cases) {
    const res = await call(built, 'POST', '/vector_stores', body)
    t.same(res.json(), expected, JSON.stringify(body))
  }
  t.same((await call(built, 'GET', '/vector_stores')).json().data, [], 'nothing was created')
  const store = await createStore(built)
  t.same((await call(built, 'POST', `/vector_stores/${store.id}`, { file_ids: [] })).json(),
    openAIError("Unknown parameter: 'file_ids'.", 'file_ids', 'unknown_parameter'), 'files are not changed by modify')
})

t.test('2024-02-15-preview … 2024-04-01-preview have no vector stores: Azure\'s 404', async t => {
  const built = await build(t)
  const store = await createStore(built)
  for (const [method, url, body] of [
    ['POST', '/openai/vector_stores', { bad: true }],
    ['GET', '/openai/vector_stores', undefined],
    ['GET', `/openai/vector_stores/${store.id}`, undefined],
    ['DELETE', `/openai/vector_stores/${store.id}`, undefined],
    ['POST', `/openai/vector_stores/${store.id}/files`, {}],
    ['GET', `/openai/vector_stores/${store.id}/file_batches/x/files`, undefined]
  ] as const) {
    for (const apiVersion of [V1, '2024-04-01-preview']) {
      const res = await built.call({ method, url, body, apiVersion })
      t.equal(res.statusCode, 404, `${method} ${url} ${apiVersion}`)
      t.equal(res.body, RESOURCE_NOT_FOUND)
    }
  }
})

t.test('the OpenAI flavour (/v1) shows each file\'s chunking_strategy', async t => {
  const built = await build(t)
  const headers = { authorization: `Bearer ${API_KEY}`, 'openai-beta': 'assistants=v2' }
  // A /v1 upload: OpenAI's file ids begin with 'file' (an Azure 'assistant-…' id is refused on /v1).
  const form = multipart([{ name: 'purpose', value: 'assistants' }, { name: 'file', filename: 'a.txt', content: 'hello' }])
  const file = (await built.app.inject({ method: 'POST', url: '/v1/files', payload: form.body, headers: { ...headers, ...form.headers } })).json()
  const store = (await built.app.inject({
    method: 'POST', url: '/v1/vector_stores', headers, payload: { file_ids: [file.id], chunking_strategy: { type: 'static', static: { max_chunk_size_tokens: 1000, chunk_overlap_tokens: 100 } } }
  })).json()
  const other = (await built.app.inject({ method: 'POST', url: '/v1/vector_stores', headers, payload: { file_ids: [file.id] } })).json()
  const listed = (await built.app.inject({ url: `/v1/vector_stores/${store.id}/files`, headers })).json()
  t.same(listed.data[0].chunking_strategy, { type: 'static', static: { max_chunk_size_tokens: 1000, chunk_overlap_tokens: 100 } })
  const auto = (await built.app.inject({ url: `/v1/vector_stores/${other.id}/files/${file.id}`, headers })).json()
  t.same(auto.chunking_strategy, { type: 'static', static: { max_chunk_size_tokens: 800, chunk_overlap_tokens: 400 } }, 'auto is 800/400')
  const azure = (await built.call({ url: `/openai/vector_stores/${store.id}/files/${file.id}`, apiVersion: V2 })).json()
  t.notOk('chunking_strategy' in azure, 'Azure 2024-05-01-preview\'s object has none')
})

t.test('assistants, threads and messages may only name files and vector stores that exist', async t => {
  const built = await build(t)
  const file = await uploadFile(built)
  const store = await createStore(built)
  const post = (url: string, body: unknown, apiVersion = V2) => built.call({ method: 'POST', url: `/openai${url}`, body, apiVersion })

  const cases: Array<[string, unknown, string, ReturnType<typeof openAIError>]> = [
    ['/assistants', { model: 'm', tool_resources: { code_interpreter: { file_ids: [file.id, 'assistant-x'] } } }, V2,
      openAIError('Files [assistant-x] were not found', 'tool_resources.code_interpreter.file_ids')],
    ['/assistants', { model: 'm', tool_resources: { file_search: { vector_store_ids: ['vs_nope'] } } }, V2,
      openAIError("No vector store found with id 'vs_nope'.", 'tool_resources.file_search.vector_store_ids')],
    ['/assistants', { model: 'm', tool_resources: { file_search: { vector_store_ids: [store.id], vector_stores: [{ file_ids: [file.id] }] } } }, V2,
      openAIError("Invalid 'tool_resources.file_search.vector_store_ids': array too long. Expected an array with maximum length 1, but got an array with length 2 instead.",
        'tool_resources.file_search.vector_store_ids', 'array_above_max_length')],
    ['/assistants', { model: 'm', tool_resources: { file_search: { file_ids: [file.id] } } }, V2,
      openAIError("Unknown parameter: 'tool_resources.file_search.file_ids'.", 'tool_resources.file_search.file_ids', 'unknown_parameter')],
    ['/assistants', { model: 'm', tool_resources: { file_search: { vector_stores: [{ file_ids: ['assistant-x'] }] } } }, V2,
      openAIError('Files [assistant-x] were not found', 'tool_resources.file_search.vector_stores[0].file_ids')],
    ['/assistants', { model: 'm', tool_resources: { file_search: { vector_stores: [{ files: [] }] } } }, V2,
      openAIError("Unknown parameter: 'tool_resources.file_search.vector_stores[0].files'.", 'tool_resources.file_search.vector_stores[0].files', 'unknown_parameter')],
    ['/assistants', { model: 'm', file_ids: ['assistant-x'] }, V1, openAIError('Files [assistant-x] were not found', 'file_ids')],
    ['/threads', { tool_resources: { code_interpreter: { file_ids: ['assistant-x'] } } }, V2,
      openAIError('Files [assistant-x] were not found', 'tool_resources.code_interpreter.file_ids')],
    ['/threads', { messages: [{ role: 'user', content: 'x' }, { role: 'user', content: 'y', attachments: [{ file_id: 'assistant-x', tools: [] }] }] }, V2,
      openAIError('Files [assistant-x] were not found', 'messages[1].attachments[0].file_id')],
    ['/threads', { messages: [{ role: 'user', content: 'x', file_ids: ['assistant-x'] }] }, V1,
      openAIError('Files [assistant-x] were not found', 'messages[0].file_ids')]
  ]
  for (const [url, body, apiVersion, expected] of cases) {
    const res = await post(url, body, apiVersion)
    t.equal(res.statusCode, expected.error.message.startsWith('Files') || expected.error.message.startsWith('No ') ? 404 : 400, JSON.stringify(body))
    t.same(res.json(), expected)
  }
  t.same((await built.call({ url: '/openai/assistants', apiVersion: V2 })).json().data, [], 'nothing was created')
  t.same((await built.call({ url: '/openai/vector_stores', apiVersion: V2 })).json().data.length, 1, 'no inline store either')

  const assistant = (await post('/assistants', { model: 'm', tool_resources: { file_search: { vector_store_ids: [store.id] } } })).json()
  t.same(assistant.tool_resources, { file_search: { vector_store_ids: [store.id] } })
  const modify = await post(`/assistants/${assistant.id}`, { tool_resources: { file_search: { vector_stores: [{ file_ids: [file.id] }] } } })
  t.same(modify.json(), openAIError("Unknown parameter: 'tool_resources.file_search.vector_stores'.", 'tool_resources.file_search.vector_stores', 'unknown_parameter'),
    'the helper is for creation only')
  t.equal((await post(`/assistants/${assistant.id}`, { tool_resources: { code_interpreter: { file_ids: ['assistant-x'] } } })).statusCode, 404)
  t.equal((await post('/assistants/asst_nope', { tool_resources: { code_interpreter: { file_ids: ['assistant-x'] } } })).json().error.message,
    "No assistant found with id 'asst_nope'.", 'an unknown assistant is reported first')

  const thread = (await post('/threads', {})).json()
  t.equal((await post(`/threads/${thread.id}`, { tool_resources: { file_search: { vector_store_ids: ['vs_nope'] } } })).statusCode, 404)
  const message = await post(`/threads/${thread.id}/messages`, { role: 'user', content: 'x', attachments: [{ file_id: 'assistant-x', tools: [{ type: 'file_search' }] }] })
  t.same(message.json(), openAIError('Files [assistant-x] were not found', 'attachments[0].file_id'))
  const v1Message = await post(`/threads/${thread.id}/messages`, { role: 'user', content: 'x', file_ids: [file.id, 'assistant-y'] }, V1)
  t.same(v1Message.json(), openAIError('Files [assistant-y] were not found', 'file_ids'))
  t.same((await built.call({ url: `/openai/threads/${thread.id}/messages`, apiVersion: V2 })).json().data, [])
  const ok = await post(`/threads/${thread.id}/messages`, { role: 'user', content: 'x', attachments: [{ file_id: file.id, tools: [{ type: 'code_interpreter' }] }] })
  t.equal(ok.statusCode, 200)
})

t.test('tool_resources.file_search.vector_stores creates a vector store on assistant and thread creation', async t => {
  const built = await build(t, { vectorStoreProcessingMs: 100 })
  const file = await uploadFile(built)
  const assistant = (await built.call({
    method: 'POST',
    url: '/openai/assistants',
    apiVersion: V2,
    body: { model: 'm', tools: [{ type: 'file_search' }], tool_resources: { file_search: { vector_stores: [{ file_ids: [file.id], metadata: { from: 'helper' } }] } } }
  })).json()
  const [vsId] = assistant.tool_resources.file_search.vector_store_ids
  t.match(vsId, /^vs_/)
  t.same(Object.keys(assistant.tool_resources.file_search), ['vector_store_ids'])
  t.match((await call(built, 'GET', `/vector_stores/${vsId}`)).json(), { status: 'in_progress', metadata: { from: 'helper' }, file_counts: counts(1, 0) })
  built.clock.advance(100)
  t.match((await call(built, 'GET', `/vector_stores/${vsId}`)).json(), { status: 'completed', file_counts: counts(0, 1) })

  const thread = (await built.call({
    method: 'POST',
    url: '/openai/threads',
    apiVersion: V2,
    body: { tool_resources: { file_search: { vector_stores: [{ file_ids: [file.id], chunking_strategy: { type: 'auto' } }] } } }
  })).json()
  t.match(thread.tool_resources.file_search.vector_store_ids, [/^vs_/])
  t.not(thread.tool_resources.file_search.vector_store_ids[0], vsId)
})

t.test('assertReferencesExist knows run bodies and leaves free-form fields alone', async t => {
  const { assertReferencesExist } = await import('../../src/checks/references.js')
  const { createMemoryStore } = await import('../../src/store/memory-store.js')
  const store = createMemoryStore()
  store.files.put({ id: 'assistant-ok', createdAt: 0, filename: 'a', purpose: 'assistants', bytes: 1, content: Buffer.from('a') })
  const error = (fn: () => void) => {
    try {
      fn()
    } catch (err) {
      return (err as { fields?: unknown }).fields
    }
    return undefined
  }
  t.match(error(() => assertReferencesExist(store, { assistant_id: 'a', file_ids: ['assistant-ok', 'assistant-no'] })),
    { message: 'Files [assistant-no] were not found', param: 'file_ids' }, 'v1 create-run file_ids')
  t.match(error(() => assertReferencesExist(store, {
    assistant_id: 'a', additional_messages: [{ role: 'user', content: 'x', attachments: [{ file_id: 'assistant-no', tools: [] }] }]
  })), { param: 'additional_messages[0].attachments[0].file_id' })
  t.match(error(() => assertReferencesExist(store, {
    assistant_id: 'a', thread: { messages: [{ role: 'user', content: 'x', file_ids: ['assistant-no'] }] }
  })), { param: 'thread.messages[0].file_ids' })
  t.match(error(() => assertReferencesExist(store, {
    assistant_id: 'a', thread: { tool_resources: { file_search: { vector_store_ids: ['vs_no'] } } }
  })), { message: "No vector store found with id 'vs_no'.", param: 'thread.tool_resources.file_search.vector_store_ids' })
  t.equal(error(() => assertReferencesExist(store, {
    assistant_id: 'a',
    metadata: { file_ids: 'x' },
    tools: [{ type: 'function', function: { name: 'f', parameters: { properties: { file_ids: {}, file_search: {} } } } }],
    response_format: { type: 'json_schema', json_schema: { schema: { properties: { file_search: { type: 'object' }, file_ids: {} } } } },
    additional_messages: [{ role: 'user', content: [{ type: 'image_file', image_file: { file_id: 'not-checked' } }] }]
  })), undefined, 'metadata, tools, response_format and content are never references')
})
