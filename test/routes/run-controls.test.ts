/** The v2 run controls (2024-05-01-preview on): tool_choice, parallel_tool_calls, response_format, token limits. */
import t from 'tap'
import type { Fixtures } from '../../src/fixtures.js'
import { sampleFromSchema } from '../../src/runs/json-sample.js'
import { V1, V2, build, openAIError, type Built } from '../helper.js'

const weatherParameters = {
  type: 'object',
  properties: {
    city: { type: 'string', minLength: 2 },
    unit: { type: 'string', enum: ['c', 'f'] },
    days: { type: 'integer', minimum: 1, maximum: 7 },
    hourly: { type: 'boolean' },
    tags: { type: 'array', items: { type: 'string' }, minItems: 2 }
  },
  required: ['city', 'unit']
}
const tools = [
  { type: 'function', function: { name: 'get_weather', parameters: weatherParameters } },
  { type: 'function', function: { name: 'get_time', parameters: { type: 'object', properties: { zone: { type: 'string', format: 'date-time' } } } } }
]

const fixtures: Fixtures = {
  assistants: [
    { id: 'asst_tools', model: 'gpt-4o', tools: tools as never },
    { id: 'asst_parallel', model: 'gpt-4o', tools: tools as never },
    { id: 'asst_chatty', model: 'gpt-4o' }
  ],
  threads: [],
  scenarios: [
    {
      match: { assistant_id: 'asst_parallel' },
      steps: [
        { tool_calls: [{ name: 'get_weather', arguments: { city: 'Oslo', unit: 'c' } }, { name: 'get_time', arguments: {} }] },
        { reply: 'Done: {{tool_outputs}}' }
      ]
    },
    { match: { assistant_id: 'asst_chatty', message_contains: 'essay' }, steps: [{ reply: 'word '.repeat(600) }] }
  ]
}

async function runOn (built: Built, body: Record<string, unknown>, content = 'Hello', apiVersion = V2) {
  const res = await built.call({ method: 'POST', url: '/openai/threads/runs', apiVersion, body: { thread: { messages: [{ role: 'user', content }] }, ...body } })
  return res
}

async function settle (built: Built, run: { id: string, thread_id: string }, ms = 2000) {
  built.clock.advance(ms)
  return (await built.call({ url: `/openai/threads/${run.thread_id}/runs/${run.id}`, apiVersion: V2 })).json()
}

const lastMessage = async (built: Built, threadId: string) =>
  (await built.call({ url: `/openai/threads/${threadId}/messages?limit=1`, apiVersion: V2 })).json().data[0]

t.test('tool_choice required forces a call to the first function, with arguments that fit its schema', async t => {
  const built = await build(t, {}, { fixtures })
  const res = await runOn(built, { assistant_id: 'asst_tools', tool_choice: 'required' })
  t.equal(res.statusCode, 200, res.body)
  const run = await settle(built, res.json())
  t.equal(run.status, 'requires_action')
  t.same(run.tool_choice, 'required')
  const [call] = run.required_action.submit_tool_outputs.tool_calls
  t.equal(call.function.name, 'get_weather')
  const args = JSON.parse(call.function.arguments)
  t.type(args.city, 'string')
  t.ok(args.city.length >= 2)
  t.ok(['c', 'f'].includes(args.unit))
  t.ok(Number.isInteger(args.days) && args.days >= 1 && args.days <= 7)
  t.equal(typeof args.hourly, 'boolean')
  t.ok(Array.isArray(args.tags) && args.tags.length >= 2)

  await built.call({ method: 'POST', url: `/openai/threads/${run.thread_id}/runs/${run.id}/submit_tool_outputs`, apiVersion: V2, body: { tool_outputs: [{ tool_call_id: call.id, output: 'sunny' }] } })
  t.equal((await settle(built, run)).status, 'completed', 'after the forced call the run replies')
})

t.test('tool_choice naming a function calls that one; an unknown one or no tools is a 400', async t => {
  const built = await build(t, {}, { fixtures })
  const named = await runOn(built, { assistant_id: 'asst_tools', tool_choice: { type: 'function', function: { name: 'get_time' } } })
  const run = await settle(built, named.json())
  t.match(run.required_action.submit_tool_outputs.tool_calls, [{ function: { name: 'get_time', arguments: '{"zone":"2024-01-01T00:00:00Z"}' } }])

  const unknown = await runOn(built, { assistant_id: 'asst_tools', tool_choice: { type: 'function', function: { name: 'nope' } } })
  t.equal(unknown.statusCode, 400)
  t.same(unknown.json(), openAIError("Invalid value for 'tool_choice': 'tool_choice' names the function 'nope', which is not one of the run's tools.", 'tool_choice', 'invalid_value'))
  const none = await runOn(built, { assistant_id: 'asst_chatty', tool_choice: 'required' })
  t.equal(none.statusCode, 400)
  t.equal(none.json().error.param, 'tool_choice')
  t.equal(built.app.runtime.tenants.shared.store.runs.list(unknown.json().thread_id ?? '').length, 0)
  const v1 = await runOn(built, { assistant_id: 'asst_tools', tool_choice: 'required' }, 'Hello', V1)
  t.same(v1.json(), openAIError("Unknown parameter: 'tool_choice'.", 'tool_choice', 'unknown_parameter'))
})

t.test('tool_choice none forbids the scenario\'s tool calls', async t => {
  const built = await build(t, {}, { fixtures })
  const res = await runOn(built, { assistant_id: 'asst_parallel', tool_choice: 'none' })
  const run = await settle(built, res.json())
  t.equal(run.status, 'completed')
  const steps = (await built.call({ url: `/openai/threads/${run.thread_id}/runs/${run.id}/steps`, apiVersion: V2 })).json()
  t.same(steps.data.map((s: { type: string }) => s.type), ['message_creation'])
})

t.test('parallel_tool_calls false asks for one call at a time', async t => {
  const built = await build(t, {}, { fixtures })
  const res = await runOn(built, { assistant_id: 'asst_parallel', parallel_tool_calls: false })
  let run = await settle(built, res.json())
  t.equal(run.parallel_tool_calls, false)
  const names: string[] = []
  for (let i = 0; i < 2; i++) {
    t.equal(run.status, 'requires_action')
    const calls = run.required_action.submit_tool_outputs.tool_calls
    t.equal(calls.length, 1)
    names.push(calls[0].function.name)
    await built.call({ method: 'POST', url: `/openai/threads/${run.thread_id}/runs/${run.id}/submit_tool_outputs`, apiVersion: V2, body: { tool_outputs: [{ tool_call_id: calls[0].id, output: `out${i}` }] } })
    run = await settle(built, run)
  }
  t.same(names, ['get_weather', 'get_time'])
  t.equal(run.status, 'completed')
  const parallel = await settle(built, (await runOn(built, { assistant_id: 'asst_parallel' })).json())
  t.equal(parallel.required_action.submit_tool_outputs.tool_calls.length, 2, 'by default the calls come together')
})

t.test('response_format json_object and json_schema', async t => {
  const built = await build(t, {}, { fixtures })
  const objectRun = await settle(built, (await runOn(built, { assistant_id: 'asst_chatty', response_format: { type: 'json_object' } })).json())
  const objectReply = (await lastMessage(built, objectRun.thread_id)).content[0].text.value
  t.same(JSON.parse(objectReply), { reply: 'You said: "Hello". This is a reply from the Azure OpenAI Assistants emulator.' })

  const schema = { type: 'object', properties: { answer: { type: 'string' }, score: { type: 'number', minimum: 3 } }, required: ['answer', 'score'], additionalProperties: false }
  const jsonSchemaFormat = { type: 'json_schema', json_schema: { name: 'result', schema } }
  const tooEarly = await runOn(built, { assistant_id: 'asst_chatty', response_format: jsonSchemaFormat })
  t.equal(tooEarly.statusCode, 400, 'json_schema response formats came with 2024-08-01-preview')
  t.equal(tooEarly.json().error.param, 'response_format.type')
  const schemaRun = await settle(built, (await runOn(built, { assistant_id: 'asst_chatty', response_format: jsonSchemaFormat }, 'Hello', '2024-08-01-preview')).json())
  t.same(schemaRun.response_format, { type: 'json_schema', json_schema: { name: 'result', schema } })
  t.same(JSON.parse((await lastMessage(built, schemaRun.thread_id)).content[0].text.value), { answer: 'example', score: 3 })
})

t.test('max_completion_tokens cuts the reply and ends the run incomplete', async t => {
  const built = await build(t, {}, { fixtures })
  const run = await settle(built, (await runOn(built, { assistant_id: 'asst_chatty', max_completion_tokens: 256 }, 'Write an essay')).json())
  t.match(run, { status: 'incomplete', incomplete_details: { reason: 'max_completion_tokens' }, max_completion_tokens: 256 })
  t.equal(run.usage.completion_tokens, 256)
  const message = await lastMessage(built, run.thread_id)
  t.match(message, { status: 'incomplete', incomplete_details: { reason: 'max_tokens' }, completed_at: null, incomplete_at: Number })
  t.ok(message.content[0].text.value.length < 'word '.repeat(600).length)
  const roomy = await settle(built, (await runOn(built, { assistant_id: 'asst_chatty', max_completion_tokens: 1000 }, 'Write an essay')).json())
  t.equal(roomy.status, 'completed')
  t.ok(roomy.usage.completion_tokens > 256 && roomy.usage.completion_tokens < 1000, 'the whole reply fits a larger budget')
})

t.test('max_prompt_tokens and truncation_strategy decide the prompt', async t => {
  const built = await build(t, {}, { fixtures })
  const long = 'lorem ipsum dolor sit amet '.repeat(40)
  const threadRes = await built.call({
    method: 'POST', url: '/openai/threads', apiVersion: V2, body: { messages: Array.from({ length: 6 }, (_, i) => ({ role: 'user', content: `${i} ${long}` })) }
  })
  const threadId = threadRes.json().id
  const start = async (body: Record<string, unknown>) => {
    const res = await built.call({ method: 'POST', url: `/openai/threads/${threadId}/runs`, apiVersion: V2, body: { assistant_id: 'asst_chatty', ...body } })
    t.equal(res.statusCode, 200, res.body)
    return settle(built, res.json())
  }
  const full = await start({})
  const capped = await start({ max_prompt_tokens: 500 })
  const lastOne = await start({ truncation_strategy: { type: 'last_messages', last_messages: 1 } })
  t.equal(full.status, 'completed')
  t.equal(capped.status, 'completed')
  t.ok(full.usage.prompt_tokens > 500)
  t.ok(capped.usage.prompt_tokens <= 500, `auto truncation keeps the prompt within max_prompt_tokens (${capped.usage.prompt_tokens})`)
  t.ok(lastOne.usage.prompt_tokens < capped.usage.prompt_tokens)
  t.same(lastOne.truncation_strategy, { type: 'last_messages', last_messages: 1 })
  const tooSmall = await start({ max_prompt_tokens: 256, truncation_strategy: { type: 'last_messages', last_messages: 3 } })
  t.match(tooSmall, { status: 'incomplete', incomplete_details: { reason: 'max_prompt_tokens' } })
})

t.test('sampled arguments are deterministic and follow the schema', async t => {
  t.same(sampleFromSchema(weatherParameters), sampleFromSchema(weatherParameters))
  t.same(sampleFromSchema({ type: 'object', properties: { a: { $ref: '#/$defs/A' } }, $defs: { A: { type: 'string', const: 'x' } } }), { a: 'x' })
  t.same(sampleFromSchema({ anyOf: [{ type: 'null' }, { type: 'integer', exclusiveMinimum: 4 }] }), 5)
  t.same(sampleFromSchema({ allOf: [{ properties: { a: { type: 'boolean' } } }, { properties: { b: { type: 'number', maximum: 0.5 } } }] }), { a: true, b: 0.5 })
  t.same(sampleFromSchema({ type: ['string', 'null'], maxLength: 3 }), 'exa')
  t.same(sampleFromSchema(undefined), {})
})
