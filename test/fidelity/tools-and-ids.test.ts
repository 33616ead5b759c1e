/**
 * Tool definitions, ids and references, table-driven over every route a rule applies to, on both flavours:
 * tool definitions, id forms, version-gated values and the newer fields.
 */
import t from 'tap'
import { build, openAIError } from '../helper.js'
import { api, type Api, type Flavour } from './support.js'

const FLAVOURS: readonly Flavour[] = ['azure', 'openai']

/** Every route that takes tool definitions, with a body builder around `extra`. */
function toolRoutes (ids: { assistantId: string, threadId: string }) {
  return [
    { name: 'create assistant', method: 'POST' as const, path: '/assistants', body: (extra: object) => ({ model: 'gpt-4o', ...extra }) },
    { name: 'modify assistant', method: 'POST' as const, path: `/assistants/${ids.assistantId}`, body: (extra: object) => extra },
    { name: 'create run', method: 'POST' as const, path: `/threads/${ids.threadId}/runs`, body: (extra: object) => ({ assistant_id: ids.assistantId, ...extra }) },
    { name: 'create thread and run', method: 'POST' as const, path: '/threads/runs', body: (extra: object) => ({ assistant_id: ids.assistantId, ...extra }) }
  ]
}

async function seed (client: Api) {
  const assistant = (await client.request('POST', '/assistants', { model: 'gpt-4o' })).json()
  const thread = (await client.request('POST', '/threads', {})).json()
  return { assistantId: assistant.id as string, threadId: thread.id as string }
}

const fn = (name: string, parameters: unknown, strict?: boolean) =>
  ({ tools: [{ type: 'function', function: { name, parameters, ...(strict === undefined ? {} : { strict }) } }] })
const schemaError = (subject: string, problem: string, param = 'tools[0].function.parameters', code = 'invalid_function_parameters') =>
  openAIError(`Invalid schema for ${subject}: ${problem}`, param, code)

const TOOL_CASES: ReadonlyArray<[string, object, ReturnType<typeof openAIError>]> = [
  ['parameters of type string', fn('get_weather', { type: 'string' }),
    schemaError("function 'get_weather'", 'schema must be a JSON Schema of \'type: "object"\', got \'type: "string"\'.')],
  ['parameters without a type', fn('get_weather', { properties: {} }),
    schemaError("function 'get_weather'", 'schema must be a JSON Schema of \'type: "object"\', got \'type: "None"\'.')],
  ['a name with a dot', fn('get.weather', { type: 'object' }),
    openAIError("Invalid 'tools[0].function.name': string does not match pattern. Expected a string that matches the pattern '^[a-zA-Z0-9_-]+$'.",
      'tools[0].function.name', 'invalid_value')],
  ['a name of 65 characters', fn('f'.repeat(65), { type: 'object' }),
    openAIError("Invalid 'tools[0].function.name': string too long. Expected a string with maximum length 64, but got a string with length 65 instead.",
      'tools[0].function.name', 'string_above_max_length')],
  ['strict without additionalProperties', fn('f', { type: 'object', properties: { a: { type: 'string' } }, required: ['a'] }, true),
    schemaError("function 'f'", "In context=(), 'additionalProperties' is required to be supplied and to be false.")],
  ['strict with a property not required', fn('f', { type: 'object', properties: { a: { type: 'string' }, b: { type: 'string' } }, required: ['a'], additionalProperties: false }, true),
    schemaError("function 'f'", "In context=(), 'required' is required to be supplied and to be an array including every key in properties. Missing 'b'.")],
  ['strict with a loose nested object', fn('f', {
    type: 'object',
    properties: { where: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] } },
    required: ['where'],
    additionalProperties: false
  }, true), schemaError("function 'f'", "In context=('properties', 'where'), 'additionalProperties' is required to be supplied and to be false.")],
  ['strict json_schema response format', {
    response_format: { type: 'json_schema', json_schema: { name: 'answer', strict: true, schema: { type: 'object', properties: { x: { type: 'number' } } } } }
  }, schemaError("response_format 'answer'", "In context=(), 'additionalProperties' is required to be supplied and to be false.", 'response_format', 'invalid_json_schema')],
  ['json_schema response format of type array', {
    response_format: { type: 'json_schema', json_schema: { name: 'answer', schema: { type: 'array' } } }
  }, schemaError("response_format 'answer'", 'schema must be a JSON Schema of \'type: "object"\', got \'type: "array"\'.', 'response_format', 'invalid_json_schema')]
]

t.test('kind 1: tool definitions are checked on every route that takes them, on both flavours', async t => {
  for (const flavour of FLAVOURS) {
    const built = await build(t)
    const client = api(built, flavour)
    const ids = await seed(client)
    for (const route of toolRoutes(ids)) {
      for (const [name, extra, expected] of TOOL_CASES) {
        const res = await client.request(route.method, route.path, route.body(extra))
        t.equal(res.statusCode, 400, `${client.label} ${route.name}: ${name}`)
        t.same(res.json(), expected, `${client.label} ${route.name}: ${name}`)
      }
      const good = fn('get_weather', { type: 'object', properties: { city: { type: 'string' } }, required: ['city'], additionalProperties: false }, true)
      const ok = await client.request(route.method, route.path, route.body(good))
      t.equal(ok.statusCode, 200, `${client.label} ${route.name}: a valid strict function is accepted ${ok.body}`)
      if (route.name.includes('run')) await built.clock.advance(60_000)
    }
    t.equal(built.app.runtime.tenants.shared.store.runs.list(ids.threadId).length, 1, 'only the valid run was created')
  }
})

/** Every route with an id in its path: a well-formed value of the wrong kind gets the form error, before any lookup. */
const PATH_CASES: ReadonlyArray<[string, 'GET' | 'POST' | 'DELETE', string, string, string]> = [
  ['retrieve assistant', 'GET', '/assistants/undefined', 'assistant_id', 'asst'],
  ['delete assistant', 'DELETE', '/assistants/thread_x', 'assistant_id', 'asst'],
  ['retrieve thread', 'GET', '/threads/undefined', 'thread_id', 'thread'],
  ['modify thread', 'POST', '/threads/run_x', 'thread_id', 'thread'],
  ['list messages', 'GET', '/threads/undefined/messages', 'thread_id', 'thread'],
  ['retrieve message', 'GET', '/threads/thread_x/messages/undefined', 'message_id', 'msg'],
  ['list runs', 'GET', '/threads/undefined/runs', 'thread_id', 'thread'],
  ['retrieve run (the issue example)', 'GET', '/threads/undefined/runs/run_abc', 'thread_id', 'thread'],
  ['retrieve run', 'GET', '/threads/thread_x/runs/undefined', 'run_id', 'run'],
  ['cancel run', 'POST', '/threads/thread_x/runs/msg_x/cancel', 'run_id', 'run'],
  ['submit tool outputs', 'POST', '/threads/thread_x/runs/x/submit_tool_outputs', 'run_id', 'run'],
  ['list steps', 'GET', '/threads/thread_x/runs/undefined/steps', 'run_id', 'run'],
  ['retrieve step', 'GET', '/threads/thread_x/runs/run_x/steps/undefined', 'step_id', 'step'],
  ['retrieve vector store', 'GET', '/vector_stores/undefined', 'vector_store_id', 'vs'],
  ['vector store files', 'GET', '/vector_stores/thread_x/files', 'vector_store_id', 'vs'],
  ['vector store batch', 'GET', '/vector_stores/vs_x/file_batches/undefined', 'batch_id', 'vsfb'],
  ['search', 'POST', '/vector_stores/undefined/search', 'vector_store_id', 'vs'],
  ['retrieve file', 'GET', '/files/undefined', 'file_id', ''],
  ['file content', 'GET', '/files/undefined/content', 'file_id', ''],
  ['vector store file', 'GET', '/vector_stores/vs_x/files/undefined', 'file_id', '']
]

t.test('kind 3: every path id is checked for its prefix before lookup, on both flavours', async t => {
  const built = await build(t)
  for (const flavour of FLAVOURS) {
    const client = api(built, flavour)
    for (const [name, method, path, param, prefix] of PATH_CASES) {
      const value = path.includes('/undefined') ? 'undefined' : ({ assistant_id: 'thread_x', thread_id: 'run_x', run_id: path.includes('msg_x') ? 'msg_x' : 'x', vector_store_id: 'thread_x' } as Record<string, string>)[param]!
      const wanted = prefix === '' ? (flavour === 'azure' ? 'assistant' : 'file') : prefix
      const res = await client.request(method, path, method === 'POST' ? (name === 'search' ? { query: 'q' } : {}) : undefined)
      t.equal(res.statusCode, 400, `${client.label} ${name}`)
      t.same(res.json(), openAIError(`Invalid '${param}': '${value}'. Expected an ID that begins with '${wanted}'.`, param, 'invalid_value'),
        `${client.label} ${name}`)
    }
    // SDK test suites use literal ids that begin with the right prefix: they pass the form check and reach lookup.
    t.equal((await client.request('GET', '/threads/thread_id/runs/run_id')).statusCode, 404, `${client.label}: literal ids reach lookup`)
  }
})

t.test('kind 3: ids in bodies are checked for their prefix', async t => {
  for (const flavour of FLAVOURS) {
    const built = await build(t)
    const client = api(built, flavour)
    const { assistantId, threadId } = await seed(client)
    const file = flavour === 'azure' ? 'assistant' : 'file'
    const cases: ReadonlyArray<[string, string, object, string, string, string]> = [
      ['create run', `/threads/${threadId}/runs`, { assistant_id: 'undefined' }, 'assistant_id', 'undefined', 'asst'],
      ['create thread and run', '/threads/runs', { assistant_id: threadId }, 'assistant_id', threadId, 'asst'],
      ['create message attachment', `/threads/${threadId}/messages`, { role: 'user', content: 'x', attachments: [{ file_id: 'x1', tools: [{ type: 'file_search' }] }] },
        'attachments[0].file_id', 'x1', file],
      ['image_file content', `/threads/${threadId}/messages`, { role: 'user', content: [{ type: 'image_file', image_file: { file_id: 'img' } }] },
        'content[0].image_file.file_id', 'img', file],
      ['assistant code_interpreter files', '/assistants', { model: 'm', tool_resources: { code_interpreter: { file_ids: ['nope'] } } },
        'tool_resources.code_interpreter.file_ids[0]', 'nope', file],
      ['assistant vector_store_ids', `/assistants/${assistantId}`, { tool_resources: { file_search: { vector_store_ids: ['store'] } } },
        'tool_resources.file_search.vector_store_ids[0]', 'store', 'vs'],
      ['thread vector_stores helper files', '/threads', { tool_resources: { file_search: { vector_stores: [{ file_ids: ['f1'] }] } } },
        'tool_resources.file_search.vector_stores[0].file_ids[0]', 'f1', file],
      ['thread messages in create thread and run', '/threads/runs', { assistant_id: assistantId, thread: { messages: [{ role: 'user', content: 'x', attachments: [{ file_id: 'z', tools: [] }] }] } },
        'thread.messages[0].attachments[0].file_id', 'z', file],
      ['create vector store', '/vector_stores', { file_ids: ['q'] }, 'file_ids[0]', 'q', file],
      ['submit tool outputs', `/threads/${threadId}/runs/run_x/submit_tool_outputs`, { tool_outputs: [{ tool_call_id: 'x', output: 'y' }] },
        'tool_outputs[0].tool_call_id', 'x', 'call']
    ]
    for (const [name, path, body, param, value, prefix] of cases) {
      const res = await client.request('POST', path, body)
      t.equal(res.statusCode, 400, `${client.label} ${name} ${res.body}`)
      t.same(res.json(), openAIError(`Invalid '${param}': '${value}'. Expected an ID that begins with '${prefix}'.`, param, 'invalid_value'),
        `${client.label} ${name}`)
    }
    t.equal(built.app.runtime.tenants.shared.store.runs.list(threadId).length, 0, 'nothing was created')
  }
})

t.test('kind 4: version-gated values, per api-version and flavour', async t => {
  const built = await build(t)
  const retired = openAIError('Azure OpenAI Retrieval v1 tool is not supported in favor of the more advanced v2 file_search tool. ' +
    'Please use `file_search` in the v2 api.', 'tools[0].type', 'invalid_value')
  const v2Listing = openAIError("Invalid value: 'retrieval'. Supported values are: 'code_interpreter', 'function', and 'file_search'.", 'tools[0].type', 'invalid_value')
  const v1Listing = openAIError("Invalid value: 'file_search'. Supported values are: 'code_interpreter', 'function', and 'retrieval'.", 'tools[0].type', 'invalid_value')
  for (const version of ['2024-02-15-preview', '2024-03-01-preview', '2024-04-01-preview']) {
    const client = api(built, 'azure', version)
    t.same((await client.request('POST', '/assistants', { model: 'm', tools: [{ type: 'retrieval' }] })).json(), retired, `${version} retrieval`)
    t.same((await client.request('POST', '/assistants', { model: 'm', tools: [{ type: 'file_search' }] })).json(), v1Listing, `${version} file_search`)
  }
  for (const version of ['2024-05-01-preview', '2024-09-01-preview', '2025-04-01-preview']) {
    const client = api(built, 'azure', version)
    t.same((await client.request('POST', '/assistants', { model: 'm', tools: [{ type: 'retrieval' }] })).json(), v2Listing, `${version} retrieval`)
  }
  t.same((await api(built, 'openai').request('POST', '/assistants', { model: 'm', tools: [{ type: 'retrieval' }] })).json(), v2Listing, '/v1 retrieval')

  // Fields each Azure document adds, refused before their version and accepted from it on; /v1 always has them.
  const gates: ReadonlyArray<[string, string, string, object, string]> = [
    ['chunking_strategy', '2024-05-01-preview', '2024-07-01-preview', { chunking_strategy: { type: 'auto' } }, '/vector_stores'],
    ['tools[0].file_search.max_num_results', '2024-05-01-preview', '2024-07-01-preview',
      { model: 'm', tools: [{ type: 'file_search', file_search: { max_num_results: 5 } }] }, '/assistants'],
    ['tools[0].function.strict', '2024-07-01-preview', '2024-08-01-preview',
      { model: 'm', tools: [{ type: 'function', function: { name: 'f', parameters: { type: 'object' }, strict: false } }] }, '/assistants']
  ]
  for (const [param, before, from, body, path] of gates) {
    const refused = await api(built, 'azure', before).request('POST', path, body)
    t.same(refused.json(), openAIError(`Unknown parameter: '${param}'.`, param, 'unknown_parameter'), `${param} under ${before}`)
    t.equal((await api(built, 'azure', from).request('POST', path, body)).statusCode, 200, `${param} from ${from}`)
    t.equal((await api(built, 'openai').request('POST', path, body)).statusCode, 200, `${param} on /v1`)
  }
})

t.test('kind 5: /v1 follows OpenAI\'s current document; Azure versions their own', async t => {
  const built = await build(t)
  const openai = api(built, 'openai')
  const azure = api(built, 'azure', '2025-04-01-preview')
  const { assistantId, threadId } = await seed(openai)
  // reasoning_effort: the current SDK sends it on assistants and runs; no Azure document has it.
  const accepted: ReadonlyArray<[string, string, object]> = [
    ['create assistant', '/assistants', { model: 'o3', reasoning_effort: 'low' }],
    ['modify assistant', `/assistants/${assistantId}`, { reasoning_effort: 'high' }],
    ['create run', `/threads/${threadId}/runs`, { assistant_id: assistantId, reasoning_effort: null }],
    ['ranking_options', '/assistants', { model: 'm', tools: [{ type: 'file_search', file_search: { ranking_options: { ranker: 'auto', score_threshold: 0.5 } } }] }]
  ]
  for (const [name, path, body] of accepted) {
    const res = await openai.request('POST', path, body)
    t.equal(res.statusCode, 200, `/v1 ${name}: ${res.body}`)
  }
  t.same((await openai.request('POST', '/assistants', { model: 'm', reasoning_effort: 'extreme' })).json(),
    openAIError("Invalid value: 'extreme'. Supported values are: 'none', 'minimal', 'low', 'medium', 'high', 'xhigh', and 'max'.",
      'reasoning_effort', 'invalid_value'))
  t.same((await openai.request('POST', '/threads/runs', { assistant_id: assistantId, reasoning_effort: 'low' })).json(),
    openAIError("Unknown parameter: 'reasoning_effort'.", 'reasoning_effort', 'unknown_parameter'), 'not on create thread and run')
  t.same((await azure.request('POST', '/assistants', { model: 'm', reasoning_effort: 'low' })).json(),
    openAIError("Unknown parameter: 'reasoning_effort'.", 'reasoning_effort', 'unknown_parameter'), 'Azure 2025-04-01-preview has none')

  // include[] on create run, list steps and get step.
  const include = 'include[]=step_details.tool_calls[*].file_search.results[*].content'
  await built.clock.advance(60_000)
  const run = await openai.request('POST', `/threads/${threadId}/runs?${include}`, { assistant_id: assistantId })
  t.equal(run.statusCode, 200, run.body)
  t.equal((await openai.request('GET', `/threads/${threadId}/runs/${run.json().id as string}/steps?${include}`)).statusCode, 200)
  const bad = await openai.request('GET', `/threads/${threadId}/runs/${run.json().id as string}/steps?include[]=everything`)
  t.equal(bad.statusCode, 400)
  t.equal(bad.json().error.param, 'include[]')
})
