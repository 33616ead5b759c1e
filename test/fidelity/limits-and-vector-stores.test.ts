/**
 * Field limits and vector stores: every limit of the one table (src/schemas/limits.ts) at every field it governs, on both
 * flavours; vector-store search, file content and the poll hints.
 */
import t from 'tap'
import { LIMITS } from '../../src/schemas/limits.js'
import { build, openAIError } from '../helper.js'
import { api, type Api } from './support.js'

type Over = 'string' | 'array' | 'max' | 'min'

interface LimitCase {
  readonly name: string
  readonly path: (ids: Ids) => string
  /** The body with the field at `value`. */
  readonly body: (value: unknown, ids: Ids) => object
  readonly param: string
  readonly limit: number
  readonly over: Over
}
interface Ids { assistantId: string, threadId: string, vectorStoreId: string }

const metadata = (extra: Record<string, string>) => ({ metadata: extra })
const str = (n: number) => 'x'.repeat(n)
const arr = (n: number, item: unknown) => Array.from({ length: n }, () => item)

const CASES: readonly LimitCase[] = [
  ...(['/assistants', '/threads'] as const).flatMap(path => [
    { name: `${path} metadata pairs`, path: () => path, body: (v: unknown) => ({ model: 'm', ...metadata(v as Record<string, string>) }), param: 'metadata', limit: LIMITS.metadataPairs, over: 'array' as Over }
  ]).map(c => c.path() === '/threads' ? { ...c, body: (v: unknown) => metadata(v as Record<string, string>) } : c),
  { name: 'assistant name', path: () => '/assistants', body: v => ({ model: 'm', name: v }), param: 'name', limit: LIMITS.assistantName, over: 'string' },
  { name: 'assistant description', path: () => '/assistants', body: v => ({ model: 'm', description: v }), param: 'description', limit: LIMITS.assistantDescription, over: 'string' },
  { name: 'assistant instructions', path: () => '/assistants', body: v => ({ model: 'm', instructions: v }), param: 'instructions', limit: LIMITS.instructions, over: 'string' },
  { name: 'modify assistant instructions', path: ids => `/assistants/${ids.assistantId}`, body: v => ({ instructions: v }), param: 'instructions', limit: LIMITS.instructions, over: 'string' },
  { name: 'assistant model', path: () => '/assistants', body: v => ({ model: v }), param: 'model', limit: LIMITS.model, over: 'string' },
  { name: 'assistant tools', path: () => '/assistants', body: v => ({ model: 'm', tools: v }), param: 'tools', limit: LIMITS.assistantTools, over: 'array' },
  { name: 'assistant temperature', path: () => '/assistants', body: v => ({ model: 'm', temperature: v }), param: 'temperature', limit: LIMITS.temperatureMax, over: 'max' },
  { name: 'assistant top_p', path: () => '/assistants', body: v => ({ model: 'm', top_p: v }), param: 'top_p', limit: LIMITS.topPMax, over: 'max' },
  { name: 'code_interpreter file_ids', path: () => '/assistants', body: v => ({ model: 'm', tool_resources: { code_interpreter: { file_ids: v } } }), param: 'tool_resources.code_interpreter.file_ids', limit: LIMITS.codeInterpreterFiles, over: 'array' },
  { name: 'vector_store_ids', path: () => '/threads', body: v => ({ tool_resources: { file_search: { vector_store_ids: v } } }), param: 'tool_resources.file_search.vector_store_ids', limit: LIMITS.fileSearchVectorStores, over: 'array' },
  { name: 'max_num_results', path: () => '/assistants', body: v => ({ model: 'm', tools: [{ type: 'file_search', file_search: { max_num_results: v } }] }), param: 'tools[0].file_search.max_num_results', limit: LIMITS.maxNumResultsMax, over: 'max' },
  { name: 'message content', path: ids => `/threads/${ids.threadId}/messages`, body: v => ({ role: 'user', content: v }), param: 'content', limit: LIMITS.messageContent, over: 'string' },
  { name: 'message metadata value', path: ids => `/threads/${ids.threadId}/messages`, body: v => ({ role: 'user', content: 'x', metadata: { k: v } }), param: 'metadata.k', limit: LIMITS.metadataValue, over: 'string' },
  { name: 'message attachments', path: ids => `/threads/${ids.threadId}/messages`, body: v => ({ role: 'user', content: 'x', attachments: v }), param: 'attachments', limit: LIMITS.attachments, over: 'array' },
  { name: 'thread messages', path: () => '/threads', body: v => ({ messages: v }), param: 'messages', limit: LIMITS.threadMessages, over: 'array' },
  { name: 'thread message content', path: () => '/threads', body: v => ({ messages: [{ role: 'user', content: v }] }), param: 'messages[0].content', limit: LIMITS.messageContent, over: 'string' },
  { name: 'run instructions', path: ids => `/threads/${ids.threadId}/runs`, body: (v, ids) => ({ assistant_id: ids.assistantId, instructions: v }), param: 'instructions', limit: LIMITS.instructions, over: 'string' },
  { name: 'run additional_instructions', path: ids => `/threads/${ids.threadId}/runs`, body: (v, ids) => ({ assistant_id: ids.assistantId, additional_instructions: v }), param: 'additional_instructions', limit: LIMITS.instructions, over: 'string' },
  { name: 'run tools', path: ids => `/threads/${ids.threadId}/runs`, body: (v, ids) => ({ assistant_id: ids.assistantId, tools: v }), param: 'tools', limit: LIMITS.runTools, over: 'array' },
  { name: 'run additional_messages', path: ids => `/threads/${ids.threadId}/runs`, body: (v, ids) => ({ assistant_id: ids.assistantId, additional_messages: v }), param: 'additional_messages', limit: LIMITS.threadMessages, over: 'array' },
  { name: 'run max_prompt_tokens', path: ids => `/threads/${ids.threadId}/runs`, body: (v, ids) => ({ assistant_id: ids.assistantId, max_prompt_tokens: v }), param: 'max_prompt_tokens', limit: LIMITS.runTokensMin, over: 'min' },
  { name: 'thread-and-run tools', path: () => '/threads/runs', body: (v, ids) => ({ assistant_id: ids.assistantId, tools: v }), param: 'tools', limit: LIMITS.runTools, over: 'array' },
  { name: 'thread-and-run thread message', path: () => '/threads/runs', body: (v, ids) => ({ assistant_id: ids.assistantId, thread: { messages: [{ role: 'user', content: v }] } }), param: 'thread.messages[0].content', limit: LIMITS.messageContent, over: 'string' },
  { name: 'vector store name', path: () => '/vector_stores', body: v => ({ name: v }), param: 'name', limit: LIMITS.vectorStoreName, over: 'string' },
  { name: 'vector store file_ids', path: () => '/vector_stores', body: v => ({ file_ids: v }), param: 'file_ids', limit: LIMITS.vectorStoreFiles, over: 'array' },
  { name: 'vector store expiry', path: () => '/vector_stores', body: v => ({ expires_after: { anchor: 'last_active_at', days: v } }), param: 'expires_after.days', limit: LIMITS.expiryDaysMax, over: 'max' },
  { name: 'chunk size', path: () => '/vector_stores', body: v => ({ chunking_strategy: { type: 'static', static: { max_chunk_size_tokens: v, chunk_overlap_tokens: 0 } } }), param: 'chunking_strategy.static.max_chunk_size_tokens', limit: LIMITS.chunkSizeMax, over: 'max' },
  { name: 'file batch file_ids', path: ids => `/vector_stores/${ids.vectorStoreId}/file_batches`, body: v => ({ file_ids: v }), param: 'file_ids', limit: LIMITS.fileBatchFiles, over: 'array' },
  { name: 'search max_num_results', path: ids => `/vector_stores/${ids.vectorStoreId}/search`, body: v => ({ query: 'q', max_num_results: v }), param: 'max_num_results', limit: LIMITS.maxNumResultsMax, over: 'max' }
]

function overValue (c: LimitCase, client: Api): { value: unknown, expected: ReturnType<typeof openAIError> } {
  const fileId = client.flavour === 'azure' ? 'assistant-x' : 'file-x'
  switch (c.over) {
    case 'string': return {
      value: str(c.limit + 1),
      expected: openAIError(`Invalid '${c.param}': string too long. Expected a string with maximum length ${c.limit}, but got a string with length ${c.limit + 1} instead.`, c.param, 'string_above_max_length')
    }
    case 'array': {
      if (c.param === 'metadata') {
        const value = Object.fromEntries(arr(c.limit + 1, 0).map((_, i) => [`k${i}`, 'v']))
        return { value, expected: openAIError(`Invalid 'metadata': too many properties. Expected an object with at most ${c.limit} properties, but got an object with ${c.limit + 1} properties instead.`, 'metadata', 'object_above_max_properties') }
      }
      const item = c.param.endsWith('tools')
        ? { type: 'code_interpreter' }
        : c.param.endsWith('messages')
          ? { role: 'user', content: 'x' }
          : c.param === 'attachments'
            ? { file_id: fileId, tools: [] }
            : c.param.endsWith('vector_store_ids') ? 'vs_x' : fileId
      return {
        value: arr(c.limit + 1, item),
        expected: openAIError(`Invalid '${c.param}': array too long. Expected an array with maximum length ${c.limit}, but got an array with length ${c.limit + 1} instead.`, c.param, 'array_above_max_length')
      }
    }
    case 'max': {
      const value = Number.isInteger(c.limit) && c.param !== 'temperature' && c.param !== 'top_p' ? c.limit + 1 : c.limit + 0.5
      const kind = Number.isInteger(value) ? 'integer' : 'decimal'
      return { value, expected: openAIError(`Invalid '${c.param}': ${kind} above maximum value. Expected a value <= ${c.limit}, but got ${value} instead.`, c.param, `${kind}_above_max_value`) }
    }
    case 'min': return {
      value: c.limit - 1,
      expected: openAIError(`Invalid '${c.param}': integer below minimum value. Expected a value >= ${c.limit}, but got ${c.limit - 1} instead.`, c.param, 'integer_below_min_value')
    }
  }
}

t.test('kind 2: every limit of the table, at every field, on both flavours (at the limit accepted, one over refused)', async t => {
  for (const flavour of ['azure', 'openai'] as const) {
    const built = await build(t)
    const client = api(built, flavour)
    const ids: Ids = {
      assistantId: (await client.request('POST', '/assistants', { model: 'm' })).json().id,
      threadId: (await client.request('POST', '/threads', {})).json().id,
      vectorStoreId: (await client.request('POST', '/vector_stores', {})).json().id
    }
    for (const c of CASES) {
      const { value, expected } = overValue(c, client)
      const res = await client.request('POST', c.path(ids), c.body(value, ids))
      t.same({ status: res.statusCode, body: res.json() }, { status: 400, body: expected }, `${client.label} ${c.name}`)
    }
    t.equal(built.app.runtime.tenants.shared.store.runs.list(ids.threadId).length, 0, 'no run was created')
    t.same(built.app.runtime.tenants.shared.store.messages.list(ids.threadId), [], 'no message was created')
    // At the limit: accepted.
    const atLimit: ReadonlyArray<[string, object]> = [
      ['/assistants', { model: 'm', instructions: str(LIMITS.instructions), name: str(LIMITS.assistantName), description: str(LIMITS.assistantDescription) }],
      [`/threads/${ids.threadId}/messages`, { role: 'user', content: str(LIMITS.messageContent) }]
    ]
    for (const [path, body] of atLimit) t.equal((await client.request('POST', path, body)).statusCode, 200, `${client.label} ${path} at the limit`)
  }
})

t.test('kind 6: vector-store search is a real lexical search over the stored files, on both flavours', async t => {
  for (const flavour of ['azure', 'openai'] as const) {
    const built = await build(t)
    const client = api(built, flavour)
    const cats = await client.upload('Cats purr and sleep most of the day. A cat is a small carnivorous mammal.', 'cats.txt')
    const rockets = await client.upload('Rockets burn propellant to produce thrust. Orbital rockets need several stages.', 'rockets.txt')
    const store = (await client.request('POST', '/vector_stores', { file_ids: [cats, rockets] })).json()
    const pending = await client.request('GET', `/vector_stores/${store.id as string}`)
    t.equal(pending.json().status, 'in_progress')
    t.equal(pending.headers['openai-poll-after-ms'], '500', `${client.label}: the hint says when the files are ready`)
    const early = (await client.request('POST', `/vector_stores/${store.id as string}/search`, { query: 'rockets' })).json()
    t.same(early.data, [], 'files still in progress are not searchable')

    await built.clock.advance(500)
    const done = await client.request('GET', `/vector_stores/${store.id as string}`)
    t.equal(done.json().status, 'completed')
    t.notOk('openai-poll-after-ms' in done.headers, 'no hint once completed')

    const res = await client.request('POST', `/vector_stores/${store.id as string}/search`, { query: 'rocket thrust' })
    t.equal(res.statusCode, 200, res.body)
    const page = res.json()
    t.match(page, { object: 'vector_store.search_results.page', search_query: ['rocket thrust'], has_more: false, next_page: null })
    t.equal(page.data.length, 1)
    t.match(page.data[0], { file_id: rockets, filename: 'rockets.txt', score: 1, attributes: {} })
    t.match(page.data[0].content[0], { type: 'text', text: /propellant/ })

    const both = (await client.request('POST', `/vector_stores/${store.id as string}/search`, { query: ['cats', 'stages'], max_num_results: 1 })).json()
    t.equal(both.data.length, 1, 'max_num_results caps the page')
    t.same(both.search_query, ['cats', 'stages'])
    const none = (await client.request('POST', `/vector_stores/${store.id as string}/search`, { query: 'zebra' })).json()
    t.same(none.data, [])
    const missing = await client.request('POST', `/vector_stores/${store.id as string}/search`, {})
    t.same(missing.json(), openAIError("Missing required parameter: 'query'.", 'query', 'missing_required_parameter'))

    const content = await client.request('GET', `/vector_stores/${store.id as string}/files/${cats}/content`)
    t.equal(content.statusCode, 200, content.body)
    t.same(content.json(), {
      object: 'vector_store.file_content.page',
      data: [{ type: 'text', text: 'Cats purr and sleep most of the day. A cat is a small carnivorous mammal.' }],
      has_more: false,
      next_page: null
    })
  }
})

t.test('kind 6: poll hints on vector-store files and batches in progress; search is not on older Azure versions', async t => {
  const built = await build(t)
  const client = api(built, 'azure', '2024-05-01-preview')
  const file = await client.upload('hello')
  const store = (await client.request('POST', '/vector_stores', {})).json()
  const added = await client.request('POST', `/vector_stores/${store.id as string}/files`, { file_id: file })
  t.equal(added.headers['openai-poll-after-ms'], '500')
  await built.clock.advance(200)
  t.equal((await client.request('GET', `/vector_stores/${store.id as string}/files/${file}`)).headers['openai-poll-after-ms'], '300')
  const batch = await client.request('POST', `/vector_stores/${store.id as string}/file_batches`, { file_ids: [file] })
  t.equal(batch.headers['openai-poll-after-ms'], '500')
  t.equal((await client.request('POST', `/vector_stores/${store.id as string}`, { name: 'n' })).headers['openai-poll-after-ms'], '500')
  await built.clock.advance(500)
  t.notOk('openai-poll-after-ms' in (await client.request('GET', `/vector_stores/${store.id as string}/file_batches/${batch.json().id as string}`)).headers)
  const search = await client.request('POST', `/vector_stores/${store.id as string}/search`, { query: 'hello' })
  t.equal(search.statusCode, 404, 'no search endpoint before the inference-spec versions')
  t.equal((await client.request('GET', `/vector_stores/${store.id as string}/files/${file}/content`)).statusCode, 404)
})
