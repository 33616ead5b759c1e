/** Request validation: src/validation.ts on its own, then through the routes with the real error bodies. */
import t, { type Test } from 'tap'
import { Type } from '@sinclair/typebox'
import { ApiError } from '../src/errors.js'
import { validate, type ValidateOptions } from '../src/checks/schema.js'
import { Nullable, only } from '../src/schemas/common.js'
import { V1, V2, build, openAIError, seedAssistantAndThread, type Built } from './helper.js'

/** The ApiError `validate` throws, as its status and body. */
function rejection (schema: object, value: unknown, options: ValidateOptions = { generation: 'v1' }, root?: string) {
  try {
    validate(schema, value, options, root)
  } catch (err) {
    if (!(err instanceof ApiError)) throw err
    return { status: err.statusCode, body: JSON.parse(err.body) as unknown }
  }
  throw new Error(`expected ${JSON.stringify(value)} to be rejected`)
}

const invalid = (message: string, param: string | null, code: string) => ({ status: 400, body: openAIError(message, param, code) })

t.test('validate(): unit', async t => {
  const Tool = Type.Union([
    Type.Object({ type: Type.Literal('code_interpreter') }, { additionalProperties: false }),
    Type.Object({
      type: Type.Literal('function'),
      function: Type.Object({ name: Type.String({ maxLength: 64 }), strict: Type.Optional(only('v2', Type.Boolean())) }, { additionalProperties: false })
    }, { additionalProperties: false }),
    only('v1', Type.Object({ type: Type.Literal('retrieval') }, { additionalProperties: false })),
    only('v2', Type.Object({ type: Type.Literal('file_search') }, { additionalProperties: false }))
  ])
  const Body = Type.Object({
    id: Type.String(),
    count: Type.Optional(Type.Integer({ minimum: 1, maximum: 10 })),
    ratio: Type.Optional(Type.Number({ minimum: 0, maximum: 2 })),
    code: Type.Optional(Type.String({ minLength: 2, maxLength: 4, pattern: '^[a-z]+$' })),
    tools: Type.Optional(Type.Array(Tool, { minItems: 1, maxItems: 2 })),
    note: Type.Optional(Nullable(Type.String())),
    mode: Type.Optional(Type.Union([Type.Literal('auto'), Type.Literal('none')])),
    fresh: Type.Optional(only('v2', Type.Boolean())),
    legacy: Type.Optional(only('v1', Type.Boolean()))
  }, { additionalProperties: false })

  t.test('a valid value comes back equal', async t => {
    const value = { id: 'a', count: 3, ratio: 1.5, code: 'ab', tools: [{ type: 'function', function: { name: 'f' } }], note: null, mode: 'auto', legacy: true }
    t.same(validate(Body, value, { generation: 'v1' }), value)
  })

  t.test('required and unknown fields', async t => {
    t.same(rejection(Body, {}), invalid("Missing required parameter: 'id'.", 'id', 'missing_required_parameter'))
    t.same(rejection(Body, { id: 'a', x: 1 }), invalid("Unknown parameter: 'x'.", 'x', 'unknown_parameter'))
    t.same(rejection(Body, { x: 1 }), invalid("Unknown parameter: 'x'.", 'x', 'unknown_parameter'), 'unknown is reported before missing')
    t.same(rejection(Body, { id: 'a', tools: [{ type: 'code_interpreter', x: 1 }] }),
      invalid("Unknown parameter: 'tools[0].x'.", 'tools[0].x', 'unknown_parameter'))
    t.same(rejection(Body, { id: 'a', tools: [{ type: 'code_interpreter' }, { type: 'function', function: { name: 'f', x: 1 } }] }),
      invalid("Unknown parameter: 'tools[1].function.x'.", 'tools[1].function.x', 'unknown_parameter'))
    t.same(rejection(Body, { id: 'a', tools: [{ type: 'function', function: {} }] }),
      invalid("Missing required parameter: 'tools[0].function.name'.", 'tools[0].function.name', 'missing_required_parameter'))
    t.same(rejection(Body, { id: 'a', tools: [{}] }),
      invalid("Missing required parameter: 'tools[0].type'.", 'tools[0].type', 'missing_required_parameter'))
  })

  t.test('generation-only fields and union members', async t => {
    t.same(rejection(Body, { id: 'a', fresh: true }, { generation: 'v1' }), invalid("Unknown parameter: 'fresh'.", 'fresh', 'unknown_parameter'))
    t.same(rejection(Body, { id: 'a', legacy: true }, { generation: 'v2' }), invalid("Unknown parameter: 'legacy'.", 'legacy', 'unknown_parameter'))
    t.same(validate(Body, { id: 'a', fresh: true, legacy: true }, { generation: 'any' }), { id: 'a', fresh: true, legacy: true }, '`any` keeps both')
    t.same(rejection(Body, { id: 'a', tools: [{ type: 'file_search' }] }, { generation: 'v1' }),
      invalid("Invalid value: 'file_search'. Supported values are: 'code_interpreter', 'function', and 'retrieval'.", 'tools[0].type', 'invalid_value'))
    t.same(rejection(Body, { id: 'a', tools: [{ type: 'retrieval' }] }, { generation: 'v2' }),
      invalid("Invalid value: 'retrieval'. Supported values are: 'code_interpreter', 'function', and 'file_search'.", 'tools[0].type', 'invalid_value'))
    t.same(rejection(Body, { id: 'a', tools: [{ type: 'function', function: { name: 'f', strict: true } }] }, { generation: 'v1' }),
      invalid("Unknown parameter: 'tools[0].function.strict'.", 'tools[0].function.strict', 'unknown_parameter'))
    t.same(validate(Body, { id: 'a', tools: [{ type: 'function', function: { name: 'f', strict: true } }] }, { generation: 'v2' }),
      { id: 'a', tools: [{ type: 'function', function: { name: 'f', strict: true } }] })
  })

  t.test('types', async t => {
    t.same(rejection(Body, 'x'), invalid('Invalid type for the request body: expected an object, but got a string instead.', null, 'invalid_type'))
    t.same(rejection(Body, { id: 5 }), invalid("Invalid type for 'id': expected a string, but got an integer instead.", 'id', 'invalid_type'))
    t.same(rejection(Body, { id: 'a', count: 1.5 }), invalid("Invalid type for 'count': expected an integer, but got a decimal number instead.", 'count', 'invalid_type'))
    t.same(rejection(Body, { id: 'a', ratio: '1' }), invalid("Invalid type for 'ratio': expected a decimal, but got a string instead.", 'ratio', 'invalid_type'))
    t.same(rejection(Body, { id: 'a', tools: {} }), invalid("Invalid type for 'tools': expected an array of objects, but got an object instead.", 'tools', 'invalid_type'))
    t.same(rejection(Body, { id: 'a', tools: ['x'] }), invalid("Invalid type for 'tools[0]': expected an object, but got a string instead.", 'tools[0]', 'invalid_type'))
    t.same(rejection(Body, { id: 'a', tools: [{ type: 5 }] }), invalid("Invalid type for 'tools[0].type': expected a string, but got an integer instead.", 'tools[0].type', 'invalid_type'))
    t.same(rejection(Body, { id: 'a', note: 5 }), invalid("Invalid type for 'note': expected a string, but got an integer instead.", 'note', 'invalid_type'))
    t.same(rejection(Body, { id: 'a', mode: 5 }), invalid("Invalid type for 'mode': expected one of 'auto' or 'none', but got an integer instead.", 'mode', 'invalid_type'))
    t.same(rejection(Body, { id: 'a', mode: 'sometimes' }), invalid("Invalid value: 'sometimes'. Supported values are: 'auto' and 'none'.", 'mode', 'invalid_value'))
    t.same(rejection(Body, { id: null }), invalid("Invalid type for 'id': expected a string, but got null instead.", 'id', 'invalid_type'))
    t.same(rejection(Body, { id: true }), invalid("Invalid type for 'id': expected a string, but got a boolean instead.", 'id', 'invalid_type'))
  })

  t.test('limits', async t => {
    t.same(rejection(Body, { id: 'a', count: 11 }), invalid("Invalid 'count': integer above maximum value. Expected a value <= 10, but got 11 instead.", 'count', 'integer_above_max_value'))
    t.same(rejection(Body, { id: 'a', count: 0 }), invalid("Invalid 'count': integer below minimum value. Expected a value >= 1, but got 0 instead.", 'count', 'integer_below_min_value'))
    t.same(rejection(Body, { id: 'a', ratio: 2.5 }), invalid("Invalid 'ratio': decimal above maximum value. Expected a value <= 2, but got 2.5 instead.", 'ratio', 'decimal_above_max_value'))
    t.same(rejection(Body, { id: 'a', code: 'abcde' }), invalid("Invalid 'code': string too long. Expected a string with maximum length 4, but got a string with length 5 instead.", 'code', 'string_above_max_length'))
    t.same(rejection(Body, { id: 'a', code: 'a' }), invalid("Invalid 'code': string too short. Expected a string with minimum length 2, but got a string with length 1 instead.", 'code', 'string_below_min_length'))
    t.same(rejection(Body, { id: 'a', code: 'AB' }), invalid("Invalid 'code': string does not match pattern. Expected a string that matches the pattern '^[a-z]+$'.", 'code', 'invalid_value'))
    t.same(rejection(Body, { id: 'a', tools: [] }), invalid("Invalid 'tools': empty array. Expected an array with minimum length 1, but got an empty array instead.", 'tools', 'empty_array'))
    const three = [{ type: 'code_interpreter' }, { type: 'code_interpreter' }, { type: 'code_interpreter' }]
    t.same(rejection(Body, { id: 'a', tools: three }), invalid("Invalid 'tools': array too long. Expected an array with maximum length 2, but got an array with length 3 instead.", 'tools', 'array_above_max_length'))
  })

  t.test('query strings convert numeric strings only when asked', async t => {
    const Query = Type.Object({ limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 100 })) })
    t.same(validate(Query, { limit: '20' }, { generation: 'any', convertStrings: true }), { limit: 20 })
    t.same(rejection(Query, { limit: '20' }, { generation: 'any' }), invalid("Invalid type for 'limit': expected an integer, but got a string instead.", 'limit', 'invalid_type'))
    t.same(rejection(Query, { limit: 'abc' }, { generation: 'any', convertStrings: true }), invalid("Invalid type for 'limit': expected an integer, but got a string instead.", 'limit', 'invalid_type'))
    t.same(rejection(Query, { limit: '200' }, { generation: 'any', convertStrings: true }), invalid("Invalid 'limit': integer above maximum value. Expected a value <= 100, but got 200 instead.", 'limit', 'integer_above_max_value'))
  })

  t.test('a root path prefixes every param', async t => {
    t.same(rejection(Body, { id: 5 }, { generation: 'v1' }, 'thread'), invalid("Invalid type for 'thread.id': expected a string, but got an integer instead.", 'thread.id', 'invalid_type'))
  })

  t.test('the value is not mutated, unknown keys are never stripped silently', async t => {
    const value = { id: 'a', count: 2 }
    const frozen = Object.freeze({ ...value })
    t.same(validate(Body, frozen, { generation: 'v1' }), value)
  })
})

// ---------------------------------------------------------------------------------------------------------
// Through the routes

async function setup (t: Test, apiVersion = V1) {
  const built = await build(t)
  const ids = await seedAssistantAndThread(built, apiVersion)
  return { built, ...ids }
}

function createRun (built: Built, threadId: string, body: unknown, apiVersion = V1) {
  return built.call({ method: 'POST', url: `/openai/threads/${threadId}/runs`, body, apiVersion })
}

function assertError (t: Test, res: { statusCode: number, json: () => unknown }, expected: ReturnType<typeof openAIError>, status = 400) {
  t.equal(res.statusCode, status)
  t.same(res.json(), expected)
}

t.test('create run: required, unknown and nested fields', async t => {
  const { built, assistantId, threadId } = await setup(t)
  assertError(t, await createRun(built, threadId, {}), openAIError("Missing required parameter: 'assistant_id'.", 'assistant_id', 'missing_required_parameter'))
  assertError(t, await createRun(built, threadId, undefined), openAIError("Missing required parameter: 'assistant_id'.", 'assistant_id', 'missing_required_parameter'), 400)
  assertError(t, await createRun(built, threadId, { assistant_id: assistantId, x: 1 }), openAIError("Unknown parameter: 'x'.", 'x', 'unknown_parameter'))
  assertError(t, await createRun(built, threadId, { assistant_id: assistantId, tools: [{ type: 'code_interpreter', x: 1 }] }),
    openAIError("Unknown parameter: 'tools[0].x'.", 'tools[0].x', 'unknown_parameter'))
  assertError(t, await createRun(built, threadId, { assistant_id: assistantId, tools: [{ type: 'function', function: { name: 'f', x: 1 } }] }),
    openAIError("Unknown parameter: 'tools[0].function.x'.", 'tools[0].function.x', 'unknown_parameter'))
  assertError(t, await createRun(built, threadId, { assistant_id: assistantId, tools: [{ type: 'function', function: { name: 'f', strict: true } }] }),
    openAIError("Unknown parameter: 'tools[0].function.strict'.", 'tools[0].function.strict', 'unknown_parameter'), 400)
})

t.test('create run: wrong types name the path', async t => {
  const { built, assistantId, threadId } = await setup(t)
  assertError(t, await createRun(built, threadId, { assistant_id: 5 }),
    openAIError("Invalid type for 'assistant_id': expected a string, but got an integer instead.", 'assistant_id', 'invalid_type'))
  for (const [field, value, got] of [
    ['metadata', [], 'an array'], ['tools', {}, 'an object'], ['instructions', 5, 'an integer'], ['model', true, 'a boolean'],
    ['stream', 'no', 'a string']
  ] as const) {
    const res = await createRun(built, threadId, { assistant_id: assistantId, [field]: value })
    t.equal(res.statusCode, 400, field)
    const body = res.json()
    t.match(body, { error: { type: 'invalid_request_error', param: field, code: 'invalid_type' } }, field)
    t.match(body.error.message, new RegExp(`^Invalid type for '${field}': expected .*, but got ${got} instead\\.$`), field)
  }
  assertError(t, await createRun(built, threadId, { assistant_id: assistantId, tools: [{ type: 'function', function: { name: 7 } }] }),
    openAIError("Invalid type for 'tools[0].function.name': expected a string, but got an integer instead.", 'tools[0].function.name', 'invalid_type'))
})

t.test('create run: an invalid tool type is invalid_value', async t => {
  const { built, assistantId, threadId } = await setup(t)
  assertError(t, await createRun(built, threadId, { assistant_id: assistantId, tools: [{ type: 'browser' }] }),
    openAIError("Invalid value: 'browser'. Supported values are: 'code_interpreter', 'function', and 'retrieval'.", 'tools[0].type', 'invalid_value'))
})

t.test('metadata limits, each a 400 naming the key', async t => {
  const { built, assistantId, threadId } = await setup(t)
  const withMetadata = (metadata: unknown) => createRun(built, threadId, { assistant_id: assistantId, metadata })
  const seventeen = Object.fromEntries(Array.from({ length: 17 }, (_, i) => [`k${i}`, 'v']))
  assertError(t, await withMetadata(seventeen), openAIError(
    "Invalid 'metadata': too many properties. Expected an object with at most 16 properties, but got an object with 17 properties instead.",
    'metadata', 'object_above_max_properties'))
  const longKey = 'k'.repeat(65)
  assertError(t, await withMetadata({ [longKey]: 'v' }), openAIError(
    `Invalid property name in 'metadata': '${longKey}' is too long. Expected a string with maximum length 64, but got a string with length 65 instead.`,
    'metadata', 'property_name_above_max_length'))
  assertError(t, await withMetadata({ note: 'v'.repeat(513) }), openAIError(
    "Invalid 'metadata.note': string too long. Expected a string with maximum length 512, but got a string with length 513 instead.",
    'metadata.note', 'string_above_max_length'))
  assertError(t, await withMetadata({ count: 1 }), openAIError(
    "Invalid type for 'metadata.count': expected a string, but got an integer instead.", 'metadata.count', 'invalid_type'))

  t.same(built.app.runtime.tenants.shared.store.runs.list(threadId), [], 'no run was created by any of them')
  const sixteen = Object.fromEntries(Array.from({ length: 16 }, (_, i) => [i === 0 ? 'k'.repeat(64) : `k${i}`, 'v'.repeat(512)]))
  const atLimits = await withMetadata(sixteen)
  t.equal(atLimits.statusCode, 200, '16 keys, 512-character values and a 64-character key are accepted')
})

t.test('metadata limits apply to assistants and threads too', async t => {
  const built = await build(t)
  const seventeen = Object.fromEntries(Array.from({ length: 17 }, (_, i) => [`k${i}`, 'v']))
  for (const [url, body] of [['/openai/assistants', { model: 'gpt-4o', metadata: seventeen }], ['/openai/threads', { metadata: seventeen }]] as const) {
    const res = await built.call({ method: 'POST', url, body })
    t.equal(res.statusCode, 400, url)
    t.equal(res.json().error.code, 'object_above_max_properties', url)
  }
  const key64 = 'k'.repeat(64)
  const ok = await built.call({ method: 'POST', url: '/openai/threads', body: { metadata: { [key64]: 'v'.repeat(512) } } })
  t.equal(ok.statusCode, 200, 'a 64-character key with a 512-character value')
})

t.test('v2-only fields are unknown under 2024-02-15-preview', async t => {
  const { built, assistantId, threadId } = await setup(t)
  const unknown = (param: string) => openAIError(`Unknown parameter: '${param}'.`, param, 'unknown_parameter')
  assertError(t, await built.call({ method: 'POST', url: '/openai/assistants', body: { model: 'gpt-4o', tool_resources: {} } }), unknown('tool_resources'))
  assertError(t, await built.call({ method: 'POST', url: '/openai/threads', body: { tool_resources: {} } }), unknown('tool_resources'))
  for (const field of ['temperature', 'top_p', 'tool_choice', 'additional_messages', 'max_prompt_tokens', 'max_completion_tokens',
    'truncation_strategy', 'response_format', 'parallel_tool_calls']) {
    const value = { temperature: 1, top_p: 1, tool_choice: 'auto', additional_messages: [], max_prompt_tokens: 1000, max_completion_tokens: 1000, truncation_strategy: { type: 'auto' }, response_format: 'auto', parallel_tool_calls: true }[field]
    assertError(t, await createRun(built, threadId, { assistant_id: assistantId, [field]: value }), unknown(field))
  }
  assertError(t, await createRun(built, threadId, { assistant_id: assistantId, tools: [{ type: 'file_search' }] }),
    openAIError("Invalid value: 'file_search'. Supported values are: 'code_interpreter', 'function', and 'retrieval'.", 'tools[0].type', 'invalid_value'))
  assertError(t, await built.call({ method: 'POST', url: '/openai/assistants', body: { model: 'gpt-4o', tools: [{ type: 'file_search' }] } }),
    openAIError("Invalid value: 'file_search'. Supported values are: 'code_interpreter', 'function', and 'retrieval'.", 'tools[0].type', 'invalid_value'))
  t.same(built.app.runtime.tenants.shared.store.runs.list(threadId), [], 'no run was created')
})

t.test('the same v2 bodies are accepted under 2024-05-01-preview', async t => {
  const built = await build(t)
  const post = (url: string, body: unknown) => built.call({ method: 'POST', url, body, apiVersion: V2 })
  const assistant = await post('/openai/assistants', { model: 'gpt-4o', tool_resources: {}, tools: [{ type: 'file_search' }] })
  t.equal(assistant.statusCode, 200, assistant.body)
  const thread = await post('/openai/threads', { tool_resources: {} })
  t.equal(thread.statusCode, 200, thread.body)
  const threadId = thread.json().id
  const run = await post(`/openai/threads/${threadId}/runs`, {
    assistant_id: assistant.json().id,
    temperature: 0.5,
    tool_choice: 'auto',
    additional_messages: [{ role: 'user', content: 'More' }],
    tools: [{ type: 'file_search' }]
  })
  t.equal(run.statusCode, 200, run.body)
  t.match(run.json(), { status: 'queued', temperature: 0.5, tool_choice: 'auto', tools: [{ type: 'file_search' }] })
})

t.test('v1-only file_ids are rejected under 2024-05-01-preview; retrieval is refused on every Azure version', async t => {
  const built = await build(t)
  const post = (url: string, body: unknown, apiVersion: string) => built.call({ method: 'POST', url, body, apiVersion })
  assertError(t, await post('/openai/assistants', { model: 'gpt-4o', file_ids: [] }, V2),
    openAIError("Unknown parameter: 'file_ids'.", 'file_ids', 'unknown_parameter'))
  assertError(t, await post('/openai/assistants', { model: 'gpt-4o', tools: [{ type: 'retrieval' }] }, V2),
    openAIError("Invalid value: 'retrieval'. Supported values are: 'code_interpreter', 'function', and 'file_search'.", 'tools[0].type', 'invalid_value'))
  assertError(t, await post('/openai/threads', { messages: [{ role: 'user', content: 'x', file_ids: [] }] }, V2),
    openAIError("Unknown parameter: 'messages[0].file_ids'.", 'messages[0].file_ids', 'unknown_parameter'))

  const retired = openAIError('Azure OpenAI Retrieval v1 tool is not supported in favor of the more advanced v2 file_search tool. ' +
    'Please use `file_search` in the v2 api.', 'tools[0].type', 'invalid_value')
  for (const version of ['2024-02-15-preview', '2024-03-01-preview', '2024-04-01-preview']) {
    assertError(t, await post('/openai/assistants', { model: 'gpt-4o', file_ids: [], tools: [{ type: 'retrieval' }] }, version), retired)
  }
  const v1Assistant = await post('/openai/assistants', { model: 'gpt-4o', file_ids: [], tools: [{ type: 'code_interpreter' }] }, V1)
  t.equal(v1Assistant.statusCode, 200, v1Assistant.body)
  const v1Thread = await post('/openai/threads', { messages: [{ role: 'user', content: 'x', file_ids: [] }] }, V1)
  t.equal(v1Thread.statusCode, 200, v1Thread.body)
  const threadId = v1Thread.json().id
  const v2Run = await post(`/openai/threads/${threadId}/runs`, { assistant_id: v1Assistant.json().id, tools: [{ type: 'retrieval' }] }, V2)
  assertError(t, v2Run, openAIError("Invalid value: 'retrieval'. Supported values are: 'code_interpreter', 'function', and 'file_search'.", 'tools[0].type', 'invalid_value'))
  const v1Run = await post(`/openai/threads/${threadId}/runs`, { assistant_id: v1Assistant.json().id, tools: [{ type: 'retrieval' }] }, V1)
  assertError(t, v1Run, retired)
  assertError(t, await post('/openai/threads/runs', { assistant_id: v1Assistant.json().id, tools: [{ type: 'retrieval' }] }, V1), retired)
  assertError(t, await post(`/openai/assistants/${v1Assistant.json().id as string}`, { tools: [{ type: 'retrieval' }] }, V1), retired)
  t.equal(built.app.runtime.tenants.shared.store.runs.list(threadId).length, 0, 'nothing was created')
})

t.test('a rejected create run leaves the store unchanged', async t => {
  const { built, assistantId, threadId } = await setup(t)
  const before = {
    runs: built.app.runtime.tenants.shared.store.runs.list(threadId),
    messages: built.app.runtime.tenants.shared.store.messages.list(threadId),
    thread: built.app.runtime.tenants.shared.store.threads.get(threadId)
  }
  const rejected = [
    { assistant_id: assistantId, x: 1 },
    { assistant_id: assistantId, metadata: { a: 1 } },
    { assistant_id: assistantId, temperature: 1 },
    { assistant_id: assistantId, stream: 'yes' },
    { assistant_id: 'asst_missing' },
    {}
  ]
  for (const body of rejected) {
    const res = await createRun(built, threadId, body)
    t.ok(res.statusCode >= 400, JSON.stringify(body))
  }
  t.same(built.app.runtime.tenants.shared.store.runs.list(threadId), before.runs, 'no run created')
  t.same(built.app.runtime.tenants.shared.store.messages.list(threadId), before.messages, 'no message added')
  t.same(built.app.runtime.tenants.shared.store.threads.get(threadId), before.thread, 'thread unchanged')
  t.equal(built.app.runtime.tenants.shared.store.threads.get(threadId)?.activeRunId, null, 'thread still unlocked')
  const run = await createRun(built, threadId, { assistant_id: assistantId })
  t.equal(run.statusCode, 200, 'a valid run is accepted afterwards')

  const v2 = await setup(t, V2)
  const v2Rejected = await createRun(v2.built, v2.threadId, { assistant_id: v2.assistantId, additional_messages: [{ role: 'user', content: 'x' }], metadata: [] }, V2)
  t.equal(v2Rejected.statusCode, 400)
  t.equal(v2.built.app.runtime.tenants.shared.store.messages.list(v2.threadId).length, 1, 'additional_messages of a rejected run are not added')
})
