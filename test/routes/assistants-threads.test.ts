/** Create and retrieve assistants and threads: v1 and v2 shapes, exact key sets, unknown ids. */
import t from 'tap'
import { V1, V2, build, openAIError } from '../helper.js'

const ASSISTANT_V1_KEYS = ['created_at', 'description', 'file_ids', 'id', 'instructions', 'metadata', 'model', 'name', 'object', 'tools'].sort()
const ASSISTANT_V2_KEYS = [
  'created_at', 'description', 'id', 'instructions', 'metadata', 'model', 'name', 'object', 'response_format', 'temperature',
  'tool_resources', 'tools', 'top_p'
].sort()
const THREAD_V1_KEYS = ['created_at', 'id', 'metadata', 'object']
const THREAD_V2_KEYS = ['created_at', 'id', 'metadata', 'object', 'tool_resources']

t.test('create an assistant under 2024-02-15-preview: defaults and the v1 key set', async t => {
  const { call, clock } = await build(t)
  const res = await call({ method: 'POST', url: '/openai/assistants', body: { model: 'gpt-4o' } })
  t.equal(res.statusCode, 200)
  const assistant = res.json()
  t.same(Object.keys(assistant).sort(), ASSISTANT_V1_KEYS)
  t.same(assistant, {
    id: assistant.id,
    object: 'assistant',
    created_at: clock.now() / 1000,
    name: null,
    description: null,
    model: 'gpt-4o',
    instructions: null,
    tools: [],
    file_ids: [],
    metadata: {}
  })
  t.match(assistant.id, /^asst_[A-Za-z0-9]{24}$/)
})

t.test('create an assistant under 2024-02-15-preview with every v1 field', async t => {
  const { call } = await build(t)
  const body = {
    model: 'gpt-4-deploy',
    name: 'Math Tutor',
    description: 'Helps with maths',
    instructions: 'You are a personal math tutor.',
    tools: [{ type: 'code_interpreter' }, { type: 'function', function: { name: 'f', description: 'd', parameters: { type: 'object' } } }],
    file_ids: [],
    metadata: { team: 'a' }
  }
  const assistant = (await call({ method: 'POST', url: '/openai/assistants', body })).json()
  t.same(Object.keys(assistant).sort(), ASSISTANT_V1_KEYS)
  t.match(assistant, { ...body, object: 'assistant' })
  t.same(assistant.tools, body.tools)
  const read = await call({ url: `/openai/assistants/${assistant.id}` })
  t.equal(read.statusCode, 200)
  t.same(read.json(), assistant, 'retrieve returns what create returned')
})

t.test('create an assistant under 2024-05-01-preview: defaults and the v2 key set', async t => {
  const { call } = await build(t)
  const res = await call({ method: 'POST', url: '/openai/assistants', body: { model: 'gpt-4o' }, apiVersion: V2 })
  t.equal(res.statusCode, 200)
  const assistant = res.json()
  t.same(Object.keys(assistant).sort(), ASSISTANT_V2_KEYS)
  t.match(assistant, {
    object: 'assistant',
    name: null,
    description: null,
    model: 'gpt-4o',
    instructions: null,
    tools: [],
    temperature: 1,
    top_p: 1,
    response_format: 'auto',
    metadata: {}
  })
  t.notOk('file_ids' in assistant)
  t.type(assistant.tool_resources, 'object')
})

t.test('create an assistant under 2024-05-01-preview with v2 fields', async t => {
  const { call } = await build(t)
  const body = {
    model: 'gpt-4o',
    name: 'Searcher',
    tools: [{ type: 'file_search' }, { type: 'function', function: { name: 'f', parameters: { type: 'object' } } }],
    tool_resources: { code_interpreter: { file_ids: [] } },
    temperature: 0.2,
    top_p: 0.9,
    response_format: { type: 'json_object' },
    metadata: { k: 'v' }
  }
  const assistant = (await call({ method: 'POST', url: '/openai/assistants', body, apiVersion: V2 })).json()
  t.same(Object.keys(assistant).sort(), ASSISTANT_V2_KEYS)
  t.match(assistant, { name: 'Searcher', temperature: 0.2, top_p: 0.9, response_format: { type: 'json_object' }, metadata: { k: 'v' } })
  t.same(assistant.tools, body.tools)
  t.same((await call({ url: `/openai/assistants/${assistant.id}`, apiVersion: V2 })).json(), assistant)
})

t.test('an assistant reads back in the shape of the reading request\'s version', async t => {
  const { call } = await build(t)
  const created = (await call({ method: 'POST', url: '/openai/assistants', body: { model: 'gpt-4o' }, apiVersion: V1 })).json()
  const asV2 = (await call({ url: `/openai/assistants/${created.id}`, apiVersion: V2 })).json()
  t.same(Object.keys(asV2).sort(), ASSISTANT_V2_KEYS)
  const back = (await call({ method: 'POST', url: '/openai/assistants', body: { model: 'gpt-4o' }, apiVersion: V2 })).json()
  t.same(Object.keys((await call({ url: `/openai/assistants/${back.id}`, apiVersion: V1 })).json()).sort(), ASSISTANT_V1_KEYS)
})

t.test('assistant create requires model', async t => {
  const { call, app } = await build(t)
  const res = await call({ method: 'POST', url: '/openai/assistants', body: { name: 'x' } })
  t.equal(res.statusCode, 400)
  t.same(res.json(), openAIError("Missing required parameter: 'model'.", 'model', 'missing_required_parameter'))
  const empty = await call({ method: 'POST', url: '/openai/assistants' })
  t.same(empty.json(), openAIError("Missing required parameter: 'model'.", 'model', 'missing_required_parameter'), 'no body at all')
  t.same(app.runtime.tenants.shared.store.assistants.list(), [], 'nothing stored')
})

t.test('unknown assistant → 404 No assistant found', async t => {
  const { call } = await build(t)
  for (const apiVersion of [V1, V2]) {
    const res = await call({ url: '/openai/assistants/asst_nope', apiVersion })
    t.equal(res.statusCode, 404)
    t.same(res.json(), openAIError("No assistant found with id 'asst_nope'."))
  }
})

t.test('create a thread under 2024-02-15-preview: the v1 key set', async t => {
  const { call, clock } = await build(t)
  const res = await call({ method: 'POST', url: '/openai/threads', body: {} })
  t.equal(res.statusCode, 200)
  const thread = res.json()
  t.same(Object.keys(thread).sort(), THREAD_V1_KEYS)
  t.same(thread, { id: thread.id, object: 'thread', created_at: clock.now() / 1000, metadata: {} })
  t.match(thread.id, /^thread_[A-Za-z0-9]{24}$/)
  const read = await call({ url: `/openai/threads/${thread.id}` })
  t.equal(read.statusCode, 200)
  t.same(read.json(), thread)
})

t.test('create a thread under 2024-05-01-preview: the v2 key set', async t => {
  const { call } = await build(t)
  const thread = (await call({ method: 'POST', url: '/openai/threads', body: { tool_resources: { code_interpreter: { file_ids: [] } } }, apiVersion: V2 })).json()
  t.same(Object.keys(thread).sort(), THREAD_V2_KEYS)
  t.match(thread, { object: 'thread', metadata: {} })
  t.type(thread.tool_resources, 'object')
  t.same((await call({ url: `/openai/threads/${thread.id}`, apiVersion: V2 })).json(), thread)
  t.same(Object.keys((await call({ url: `/openai/threads/${thread.id}`, apiVersion: V1 })).json()).sort(), THREAD_V1_KEYS,
    'read back under v1 in the v1 shape')
})

t.test('create a thread with messages and metadata', async t => {
  const { call, app } = await build(t)
  const res = await call({
    method: 'POST',
    url: '/openai/threads',
    body: { messages: [{ role: 'user', content: 'First' }, { role: 'user', content: 'Second', metadata: { n: '2' } }], metadata: { user: 'u1' } }
  })
  t.equal(res.statusCode, 200)
  const thread = res.json()
  t.same(thread.metadata, { user: 'u1' })
  const stored = app.runtime.tenants.shared.store.messages.list(thread.id)
  t.same(stored.map(m => m.content), [[{ type: 'text', text: { value: 'First', annotations: [] } }], [{ type: 'text', text: { value: 'Second', annotations: [] } }]])
  t.same(stored.map(m => m.role), ['user', 'user'])
  t.match(stored[0]!.id, /^msg_[A-Za-z0-9]{24}$/)
})

t.test('thread message validation', async t => {
  const { call, app } = await build(t)
  const bad = await call({ method: 'POST', url: '/openai/threads', body: { messages: [{ content: 'x' }] } })
  t.equal(bad.statusCode, 400)
  t.same(bad.json(), openAIError("Missing required parameter: 'messages[0].role'.", 'messages[0].role', 'missing_required_parameter'))
  const assistantRole = await call({ method: 'POST', url: '/openai/threads', body: { messages: [{ role: 'assistant', content: 'x' }] } })
  t.equal(assistantRole.statusCode, 400, 'assistant messages are v2 only')
  t.match(assistantRole.json(), { error: { param: 'messages[0].role', code: 'invalid_value' } })
  t.same(app.runtime.tenants.shared.store.threads.list(), [], 'nothing stored')
})

t.test('unknown thread → 404 No thread found', async t => {
  const { call } = await build(t)
  for (const apiVersion of [V1, V2]) {
    const res = await call({ url: '/openai/threads/thread_nope', apiVersion })
    t.equal(res.statusCode, 404)
    t.same(res.json(), openAIError("No thread found with id 'thread_nope'."))
  }
})

t.test('ids are not shared between kinds', async t => {
  const { call } = await build(t)
  const thread = (await call({ method: 'POST', url: '/openai/threads', body: {} })).json()
  const assistant = (await call({ method: 'POST', url: '/openai/assistants', body: { model: 'gpt-4o' } })).json()
  const crossed = await call({ url: `/openai/assistants/${thread.id}` })
  t.equal(crossed.statusCode, 400, 'a thread id is not of the assistant form')
  t.equal(crossed.json().error.message, `Invalid 'assistant_id': '${thread.id as string}'. Expected an ID that begins with 'asst'.`)
  t.equal((await call({ url: `/openai/threads/${assistant.id}` })).statusCode, 400)
  t.equal((await call({ url: '/openai/assistants/asst_nope' })).statusCode, 404, 'the right form, unknown: 404')
})
