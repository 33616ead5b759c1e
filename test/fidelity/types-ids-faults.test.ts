/**
 * Issue 19, kinds 1, 3 and 6, on every flavour (Azure `/openai`, OpenAI `/v1`, Foundry Agents): type errors name
 * the type the schema documents, ids are checked for their characters before their prefix, and the service's
 * own words for its failures.
 */
import t from 'tap'
import { Errors } from '../../src/errors.js'
import { toApiError } from '../../src/http/errors.js'
import { classify } from '../../src/api-surface.js'
import type { FastifyError, FastifyRequest } from 'fastify'
import { build, openAIError } from '../helper.js'
import { api, type Api, type Flavour } from './support.js'

const FLAVOURS: readonly Flavour[] = ['azure', 'openai', 'agents']

async function seed (client: Api) {
  const assistant = (await client.request('POST', '/assistants', { model: 'gpt-4o' })).json()
  const thread = (await client.request('POST', '/threads', {})).json()
  const store = (await client.request('POST', '/vector_stores', {})).json()
  return { assistantId: assistant.id as string, threadId: thread.id as string, vectorStoreId: store.id as string }
}
type Ids = Awaited<ReturnType<typeof seed>>

const typeError = (param: string, expected: string, got: string) =>
  openAIError(`Invalid type for '${param}': expected ${expected}, but got ${got} instead.`, param, 'invalid_type')

/** [route, method, path, body, param, expected type, the value's name] across the routes and types the schemas document. */
const TYPE_CASES: ReadonlyArray<[string, 'POST' | 'GET', (ids: Ids) => string, (ids: Ids) => unknown, string, string, string]> = [
  // The quoted reply.
  ['create assistant: vector_store_ids', 'POST', () => '/assistants', () => ({ model: 'gpt-4o', tool_resources: { file_search: { vector_store_ids: 'vs_1' } } }),
    'tool_resources.file_search.vector_store_ids', 'an array of strings', 'a string'],
  ['modify assistant: code_interpreter file_ids', 'POST', ids => `/assistants/${ids.assistantId}`, () => ({ tool_resources: { code_interpreter: { file_ids: 'f' } } }),
    'tool_resources.code_interpreter.file_ids', 'an array of strings', 'a string'],
  ['create assistant: tools', 'POST', () => '/assistants', () => ({ model: 'gpt-4o', tools: 'none' }), 'tools', 'an array of objects', 'a string'],
  ['create assistant: tools[0]', 'POST', () => '/assistants', () => ({ model: 'gpt-4o', tools: ['code_interpreter'] }), 'tools[0]', 'an object', 'a string'],
  ['create assistant: temperature', 'POST', () => '/assistants', () => ({ model: 'gpt-4o', temperature: 'hot' }), 'temperature', 'a decimal', 'a string'],
  ['create assistant: name (nullable)', 'POST', () => '/assistants', () => ({ model: 'gpt-4o', name: 5 }), 'name', 'a string', 'an integer'],
  ['create assistant: metadata', 'POST', () => '/assistants', () => ({ model: 'gpt-4o', metadata: 'x' }), 'metadata', 'an object', 'a string'],
  ['create assistant: metadata value', 'POST', () => '/assistants', () => ({ model: 'gpt-4o', metadata: { k: 7 } }), 'metadata.k', 'a string', 'an integer'],
  ['create assistant: response_format', 'POST', () => '/assistants', () => ({ model: 'gpt-4o', response_format: 5 }), 'response_format', "one of 'auto' or object", 'an integer'],
  ['create thread: messages', 'POST', () => '/threads', () => ({ messages: 'hello' }), 'messages', 'an array of objects', 'a string'],
  ['create thread: messages[0]', 'POST', () => '/threads', () => ({ messages: ['hello'] }), 'messages[0]', 'an object', 'a string'],
  ['create message: content', 'POST', ids => `/threads/${ids.threadId}/messages`, () => ({ role: 'user', content: 7 }), 'content', 'one of a string or array of objects', 'an integer'],
  ['create message: attachments', 'POST', ids => `/threads/${ids.threadId}/messages`, () => ({ role: 'user', content: 'x', attachments: {} }), 'attachments', 'an array of objects', 'an object'],
  ['create run: max_prompt_tokens', 'POST', ids => `/threads/${ids.threadId}/runs`, ids => ({ assistant_id: ids.assistantId, max_prompt_tokens: '500' }), 'max_prompt_tokens', 'an integer', 'a string'],
  ['create run: max_completion_tokens', 'POST', ids => `/threads/${ids.threadId}/runs`, ids => ({ assistant_id: ids.assistantId, max_completion_tokens: 300.5 }), 'max_completion_tokens', 'an integer', 'a decimal number'],
  ['create run: stream', 'POST', ids => `/threads/${ids.threadId}/runs`, ids => ({ assistant_id: ids.assistantId, stream: 'yes' }), 'stream', 'a boolean', 'a string'],
  ['create run: tool_choice', 'POST', ids => `/threads/${ids.threadId}/runs`, ids => ({ assistant_id: ids.assistantId, tool_choice: 7 }),
    'tool_choice', "one of one of 'none', 'auto', or 'required' or object", 'an integer'],
  ['create run: truncation_strategy', 'POST', ids => `/threads/${ids.threadId}/runs`, ids => ({ assistant_id: ids.assistantId, truncation_strategy: 'auto' }), 'truncation_strategy', 'an object', 'a string'],
  ['create run: additional_messages', 'POST', ids => `/threads/${ids.threadId}/runs`, ids => ({ assistant_id: ids.assistantId, additional_messages: null, metadata: [] }), 'metadata', 'an object', 'an array'],
  ['create thread and run: thread', 'POST', () => '/threads/runs', ids => ({ assistant_id: ids.assistantId, thread: 'x' }), 'thread', 'an object', 'a string'],
  ['submit tool outputs: tool_outputs', 'POST', ids => `/threads/${ids.threadId}/runs/run_x/submit_tool_outputs`, () => ({ tool_outputs: 'x' }), 'tool_outputs', 'an array of objects', 'a string'],
  ['create vector store: file_ids', 'POST', () => '/vector_stores', () => ({ file_ids: 'file-x' }), 'file_ids', 'an array of strings', 'a string'],
  ['create vector store: expires_after', 'POST', () => '/vector_stores', () => ({ expires_after: 7 }), 'expires_after', 'an object', 'an integer'],
  ['search: query', 'POST', ids => `/vector_stores/${ids.vectorStoreId}/search`, () => ({ query: 5 }), 'query', 'one of a string or array of strings', 'an integer'],
  ['search: max_num_results', 'POST', ids => `/vector_stores/${ids.vectorStoreId}/search`, () => ({ query: 'q', max_num_results: 1.5 }), 'max_num_results', 'an integer', 'a decimal number'],
  ['list messages: limit', 'GET', ids => `/threads/${ids.threadId}/messages?limit=abc`, () => undefined, 'limit', 'an integer', 'a string']
]

t.test('kind 1: a type error names the type the schema documents, across routes, on every flavour', async t => {
  const built = await build(t)
  for (const flavour of FLAVOURS) {
    const client = api(built, flavour)
    const ids = await seed(client)
    for (const [name, method, path, body, param, expected, got] of TYPE_CASES) {
      const res = await client.request(method, path(ids), body(ids))
      t.equal(res.statusCode, 400, `${client.label} ${name}`)
      t.same(res.json(), typeError(param, expected, got), `${client.label} ${name}`)
    }
    const empty = await client.request('POST', `/threads/${ids.threadId}/messages`, { role: 'user', content: [] })
    t.same(empty.json(), openAIError("Invalid 'content': empty array. Expected an array with minimum length 1, but got an empty array instead.",
      'content', 'empty_array'), `${client.label}: an empty array is its own refusal`)
  }
})

t.test('kind 1: v1 shapes name v1 types (a message content is only a string on 2024-02-15-preview)', async t => {
  const built = await build(t)
  const client = api(built, 'azure', '2024-02-15-preview')
  const thread = (await client.request('POST', '/threads', {})).json()
  const res = await client.request('POST', `/threads/${thread.id}/messages`, { role: 'user', content: 7 })
  t.same(res.json(), typeError('content', 'a string', 'an integer'))
})

/** Ids with a character other than letters, digits, `_` and `-`: refused for that, whatever their prefix. */
const CHARACTER_CASES: ReadonlyArray<[string, 'GET' | 'POST' | 'DELETE', (ids: Ids) => string, (ids: Ids) => unknown, string, string]> = [
  // The quoted reply (BerriAI/litellm#34788).
  ['search (the quoted id)', 'POST', () => '/vector_stores/lit6612-qa-vectors:litellm-index-5049eabb/search', () => ({ query: 'q' }),
    'vector_store_id', 'lit6612-qa-vectors:litellm-index-5049eabb'],
  ['retrieve thread', 'GET', () => '/threads/thread_ab.c', () => undefined, 'thread_id', 'thread_ab.c'],
  ['retrieve run', 'GET', ids => `/threads/${ids.threadId}/runs/run_a%20b`, () => undefined, 'run_id', 'run_a b'],
  ['delete assistant', 'DELETE', () => '/assistants/asst_1!', () => undefined, 'assistant_id', 'asst_1!'],
  ['retrieve message', 'GET', ids => `/threads/${ids.threadId}/messages/msg_x:y`, () => undefined, 'message_id', 'msg_x:y'],
  ['retrieve file', 'GET', () => '/files/file-a.b', () => undefined, 'file_id', 'file-a.b'],
  ['vector store batch', 'GET', ids => `/vector_stores/${ids.vectorStoreId}/file_batches/vsfb_a+b`, () => undefined, 'batch_id', 'vsfb_a+b'],
  ['create run: assistant_id', 'POST', ids => `/threads/${ids.threadId}/runs`, () => ({ assistant_id: 'asst_a b' }), 'assistant_id', 'asst_a b'],
  ['create vector store: file_ids[1]', 'POST', () => '/vector_stores', () => ({ file_ids: ['file-ok', 'file/x'] }), 'file_ids[1]', 'file/x'],
  ['create thread: vector_store_ids', 'POST', () => '/threads', () => ({ tool_resources: { file_search: { vector_store_ids: ['vs:1'] } } }),
    'tool_resources.file_search.vector_store_ids[0]', 'vs:1'],
  ['submit tool outputs: tool_call_id', 'POST', ids => `/threads/${ids.threadId}/runs/run_x/submit_tool_outputs`, () => ({ tool_outputs: [{ tool_call_id: 'call.1', output: 'x' }] }),
    'tool_outputs[0].tool_call_id', 'call.1']
]

t.test('kind 3: an id with other characters is refused for them before its prefix, in path and body, on every flavour', async t => {
  const built = await build(t)
  for (const flavour of FLAVOURS) {
    const client = api(built, flavour)
    const ids = await seed(client)
    for (const [name, method, path, body, param, value] of CHARACTER_CASES) {
      const res = await client.request(method, path(ids), body(ids))
      t.equal(res.statusCode, 400, `${client.label} ${name}`)
      t.same(res.json(), openAIError(`Invalid '${param}': '${value}'. Expected an ID that contains letters, numbers, underscores, or dashes, ` +
        'but this value contained additional characters.', param, 'invalid_value'), `${client.label} ${name}`)
    }
    // A clean id of the wrong kind keeps the prefix text.
    const prefix = await client.request('POST', '/vector_stores/lit6612-qa-vectors/search', { query: 'q' })
    t.same(prefix.json(), openAIError("Invalid 'vector_store_id': 'lit6612-qa-vectors'. Expected an ID that begins with 'vs'.", 'vector_store_id', 'invalid_value'),
      `${client.label}: a clean id with the wrong prefix`)
  }
})

const AZURE_500 = (id: string) => 'The server had an error processing your request. Sorry about that! You can retry your request, or contact us ' +
  `through an Azure support request at: https://go.microsoft.com/fwlink/?linkid=2213926 if you keep seeing this error. (Please include the request ID ${id} in your email.)`
const OPENAI_500 = (id: string) => 'The server had an error processing your request. Sorry about that! You can retry your request, or contact us ' +
  `through our help center at help.openai.com if you keep seeing this error. (Please include the request ID ${id} in your email.)`

t.test('kind 6: a 500 in each flavour\'s own words, naming the response\'s request id', async t => {
  const built = await build(t)
  for (const flavour of FLAVOURS) {
    const client = api(built, flavour)
    await built.app.inject({ method: 'DELETE', url: '/_emulator/faults' })
    const added = await built.app.inject({ method: 'POST', url: '/_emulator/faults', payload: { match: { path: '**/assistants' }, fault: { type: 'status', status: 500 } } })
    t.equal(added.statusCode, 201, added.body)
    const res = await client.request('GET', '/assistants')
    t.equal(res.statusCode, 500)
    const id = res.headers['x-request-id'] as string
    t.ok(id, 'the response carries its request id')
    t.same(res.json(), openAIError(flavour === 'openai' ? OPENAI_500(id) : AZURE_500(id), null, null, 'server_error'), `${client.label}: injected 500`)
  }
})

t.test('kind 6: an unexpected failure is the door\'s 500, with the request id', async t => {
  const fail = Object.assign(new Error('boom'), { statusCode: 500 }) as FastifyError
  for (const [url, words] of [['/openai/threads', AZURE_500], ['/api/projects/p/threads', AZURE_500], ['/v1/threads', OPENAI_500]] as const) {
    const request = { id: 'req-42', url, door: classify(url), headers: {} } as unknown as FastifyRequest
    t.same(JSON.parse(toApiError(fail, request, 1024).body), openAIError(words('req-42'), null, null, 'server_error'), url)
  }
  t.same(JSON.parse(Errors.internal('openai', 'req_1').body).error.type, 'server_error')
})

t.test('kind 6: a timeout is Azure\'s 408 on the Azure doors', async t => {
  const built = await build(t)
  await built.app.inject({ method: 'POST', url: '/_emulator/faults', payload: { match: { path: '**/threads' }, fault: { type: 'status', status: 408 } } })
  const azure = await api(built, 'azure').request('POST', '/threads', {})
  t.equal(azure.statusCode, 408)
  t.equal(azure.body, '{"error":{"code":"Timeout","message":"The operation was timeout."}}')
  const agents = await api(built, 'agents').request('POST', '/threads', {})
  t.same(agents.json(), openAIError('The operation was timeout.', null, 'Timeout'))
})
