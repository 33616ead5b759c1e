/**
 * The Responses API in process: create (foreground, background), retrieve, delete, cancel, input items, input
 * tokens; the three doors and /openai with an api-version; the function-call loop; controls (tool_choice,
 * text.format, max_output_tokens); scripted failures and reasoning; the service's errors. Every answer is
 * checked against OpenAI's current document (test/contract) on its way out.
 */
import t from 'tap'
import { build, openAIError, type Built } from '../helper.js'
import type { Fixtures } from '../../src/fixtures.js'
import { DOORS, on } from '../support/responses.js'

const WEATHER = {
  type: 'function',
  name: 'get_weather',
  description: 'Current weather for a city',
  parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'], additionalProperties: false },
  strict: true
}

const FIXTURES: Fixtures = {
  assistants: [],
  threads: [],
  scenarios: [
    {
      name: 'weather',
      match: { message_contains: 'weather' },
      steps: [
        { tool_calls: [{ name: 'get_weather', arguments: { city: 'Lisbon' } }] },
        { reply: 'It is {{tool_outputs.0}} in Lisbon.', reasoning: 'The tool said how the weather is.' }
      ]
    },
    { name: 'two calls', match: { message_contains: 'two cities' }, steps: [{ tool_calls: [{ name: 'get_weather', arguments: { city: 'Oslo' } }, { name: 'get_weather', arguments: { city: 'Rome' } }] }, { reply: 'Both: {{tool_outputs}}' }] },
    { name: 'slow', match: { message_contains: 'slowly' }, timings: { in_progress_ms: 3000 }, steps: [{ reply: 'Done, slowly.' }] },
    { name: 'fails', match: { message_contains: 'break' }, steps: [{ fail: { code: 'rate_limit_exceeded' } }] },
    { name: 'cut', match: { message_contains: 'essay' }, steps: [{ reply: 'The start of an essay' }, { incomplete: { reason: 'max_completion_tokens' } }] },
    { name: 'thinks', match: { message_contains: 'think' }, steps: [{ reasoning: 'Let me think about it.', reply: 'Thought about it.' }] },
    { name: 'long', match: { message_contains: 'long answer' }, steps: [{ reply: 'word '.repeat(200).trim() }] }
  ]
}

const buildWith = (t: Parameters<typeof build>[0], overrides: Parameters<typeof build>[1] = {}) => build(t, overrides, { fixtures: FIXTURES })

const text = (response: any): string => response.output.filter((i: any) => i.type === 'message')
  .flatMap((i: any) => i.content.map((c: any) => c.text)).join('')

t.test('a foreground response answers finished, with its items, usage and the service\'s ids', async t => {
  const built = await buildWith(t)
  const call = on(built)
  const res = await call('POST', '/responses', { model: 'gpt-4o', input: 'Hello there', instructions: 'Be brief.', metadata: { k: 'v' } })
  t.equal(res.statusCode, 200)
  const response = res.json()
  t.match(response, {
    id: /^resp_[A-Za-z0-9]{24}$/,
    object: 'response',
    status: 'completed',
    background: false,
    instructions: 'Be brief.',
    model: 'gpt-4o',
    metadata: { k: 'v' },
    store: true,
    text: { format: { type: 'text' } },
    tool_choice: 'auto',
    truncation: 'disabled',
    usage: { input_tokens: Number, output_tokens: Number }
  })
  t.equal(response.completed_at, response.created_at)
  t.equal(res.headers['openai-poll-after-ms'], undefined, 'nothing to poll for')
  t.match(response.output, [{ id: /^msg_/, type: 'message', role: 'assistant', status: 'completed' }])
  t.equal(text(response), 'You said: "Hello there". This is a reply from the Azure OpenAI Assistants emulator.')
  t.equal(response.usage.total_tokens, response.usage.input_tokens + response.usage.output_tokens)

  const tokens = await call('POST', '/responses/input_tokens', { model: 'gpt-4o', input: 'Hello there', instructions: 'Be brief.' })
  t.same(tokens.json(), { object: 'response.input_tokens', input_tokens: response.usage.input_tokens }, 'input_tokens counts as usage does')

  t.same((await call('GET', `/responses/${response.id}`)).json(), response, 'retrieve shows the same')
  const items = (await call('GET', `/responses/${response.id}/input_items`)).json()
  t.match(items, { object: 'list', data: [{ id: /^msg_/, type: 'message', role: 'user', status: 'completed', content: [{ type: 'input_text', text: 'Hello there' }] }], has_more: false })
  t.same((await call('DELETE', `/responses/${response.id}`)).json(), { id: response.id, object: 'response', deleted: true })
  const gone = await call('GET', `/responses/${response.id}`)
  t.equal(gone.statusCode, 404)
  t.same(gone.json(), openAIError(`Response with id '${response.id}' not found.`))
  t.equal((await call('DELETE', `/responses/${response.id}`)).statusCode, 404)
})

t.test('input items page, newest first by default', async t => {
  const built = await buildWith(t)
  const call = on(built)
  const input = ['one', 'two', 'three'].map(content => ({ role: 'user', content }))
  const { id } = (await call('POST', '/responses', { model: 'm', input })).json()
  const texts = (list: any) => list.data.map((item: any) => item.content[0].text)
  t.same(texts((await call('GET', `/responses/${id}/input_items`)).json()), ['three', 'two', 'one'])
  const first = (await call('GET', `/responses/${id}/input_items?order=asc&limit=2`)).json()
  t.same(texts(first), ['one', 'two'])
  t.equal(first.has_more, true)
  const next = (await call('GET', `/responses/${id}/input_items?order=asc&limit=2&after=${first.last_id}`)).json()
  t.same(texts(next), ['three'])
  t.equal(next.has_more, false)
  t.equal((await call('GET', '/responses/resp_nope/input_items')).statusCode, 404)
})

t.test('every door serves the same store; the Assistants API stays on its own doors', async t => {
  const built = await buildWith(t)
  const made = (await on(built, 'azure-v1')('POST', '/responses', { model: 'my-deployment', input: 'Hi' })).json()
  for (const door of ['openai', 'foundry'] as const) {
    const read = await on(built, door)('GET', `/responses/${made.id}`)
    t.equal(read.statusCode, 200, door)
    t.equal(read.json().id, made.id)
  }
  t.equal((await on(built, 'foundry')('GET', `/responses/${made.id}`)).json().agent_reference, null, 'Foundry adds agent_reference')
  t.notOk('agent_reference' in made, 'other doors do not')

  const azure = (url: string, headers: Record<string, string> = { 'api-key': 'k' }) =>
    built.app.inject({ method: 'POST', url, headers, payload: { model: 'm', input: 'Hi' } })
  t.equal((await azure('/openai/v1/responses?api-version=preview')).statusCode, 200, 'api-version preview')
  t.equal((await azure('/openai/v1/responses?api-version=v1')).statusCode, 200, 'api-version v1')
  t.equal((await azure('/openai/v1/responses', { authorization: 'Bearer test-key' })).statusCode, 200, 'a key as a Bearer token (the plain OpenAI client)')
  const dated = await azure('/openai/v1/responses?api-version=2025-04-01-preview')
  t.equal(dated.statusCode, 400)
  t.equal(dated.body, '{"error":{"code":"BadRequest","message":"api-version query parameter is not allowed when using /v1 path"}}')
  t.equal((await azure('/openai/v1/responses', {})).statusCode, 401, 'no credentials')
  t.equal((await azure('/openai/responses?api-version=2025-04-01-preview')).statusCode, 200, '/openai/responses from 2025-03-01-preview (AzureOpenAI with an endpoint)')
  const early = await azure('/openai/responses?api-version=2024-05-01-preview')
  t.equal(early.statusCode, 404)
  t.equal(early.body, '{"error":{"code":"404","message": "Resource not found"}}')
  t.equal((await built.app.inject({ method: 'POST', url: '/api/projects/p1/openai/responses?api-version=2025-11-15-preview', headers: DOORS.foundry.headers, payload: { model: 'm', input: 'Hi' } })).statusCode,
    200, 'a Foundry project\'s pre-v1 path')

  const noToken = await built.app.inject({ method: 'GET', url: `/api/projects/p1/openai/v1/responses/${made.id}` })
  t.equal(noToken.statusCode, 401)
  t.match(noToken.json(), { error: { code: 'unauthorized', type: 'invalid_request_error' } })

  const assistantsOnV1 = await built.app.inject({ method: 'GET', url: '/openai/v1/assistants', headers: { 'api-key': 'k' } })
  t.equal(assistantsOnV1.statusCode, 404)
  t.equal(assistantsOnV1.body, '{"error":{"code":"404","message": "Resource not found"}}')
  const threadsOnFoundry = await on(built, 'foundry')('POST', '/threads', {})
  t.equal(threadsOnFoundry.statusCode, 404)
  t.match(threadsOnFoundry.json(), { error: { code: 'not_found', message: 'Resource not found: POST /api/projects/p1/openai/v1/threads' } })
  t.equal((await on(built, 'azure-v1')('GET', '/files')).statusCode, 200, 'files are on the v1 doors')
  t.equal((await on(built, 'foundry')('GET', '/vector_stores')).statusCode, 200, 'and vector stores')
  const notOnV1 = await built.app.inject({ method: 'GET', url: '/v1/responses', headers: DOORS.openai.headers })
  t.equal(notOnV1.statusCode, 404, 'the list of responses is Foundry\'s own')
})

t.test('a background response follows the run clock: queued, in_progress, completed, with poll hints', async t => {
  const built = await buildWith(t, { queuedMs: 100, inProgressMs: 400 })
  const call = on(built)
  const created = await call('POST', '/responses', { model: 'm', input: 'Hi', background: true })
  t.match(created.json(), { status: 'queued', background: true, output: [], usage: null, completed_at: null })
  t.equal(created.headers['openai-poll-after-ms'], '100')
  const { id } = created.json()
  built.clock.advance(100)
  const running = await call('GET', `/responses/${id}`)
  t.match(running.json(), { status: 'in_progress' })
  t.equal(running.headers['openai-poll-after-ms'], '400', 'the next change: the reply written')
  built.clock.advance(200)
  t.match((await call('GET', `/responses/${id}`)).json(), { status: 'in_progress', output: [{ type: 'message', status: 'in_progress' }] }, 'the reply is being written')
  built.clock.advance(200)
  const done = (await call('GET', `/responses/${id}`)).json()
  t.match(done, { status: 'completed', usage: { total_tokens: Number } })
  t.equal(done.completed_at, done.created_at)
})

t.test('cancel: background only, cancelled at once and idempotent; an ended response cannot be', async t => {
  const built = await buildWith(t, { queuedMs: 100, inProgressMs: 400 })
  const call = on(built)
  const { id } = (await call('POST', '/responses', { model: 'm', input: 'Hi', background: true })).json()
  built.clock.advance(300)
  const cancelled = await call('POST', `/responses/${id}/cancel`)
  t.match(cancelled.json(), { status: 'cancelled', usage: null, output: [{ type: 'message', status: 'incomplete' }] })
  t.match((await call('POST', `/responses/${id}/cancel`)).json(), { status: 'cancelled' }, 'idempotent')
  built.clock.advance(1000)
  t.match((await call('GET', `/responses/${id}`)).json(), { status: 'cancelled' }, 'and it stays so')

  const done = (await call('POST', '/responses', { model: 'm', input: 'Hi', background: true })).json()
  built.clock.advance(1000)
  const late = await call('POST', `/responses/${done.id}/cancel`)
  t.equal(late.statusCode, 400)
  t.same(late.json(), openAIError('Cannot cancel a completed response.'))
  const fg = (await call('POST', '/responses', { model: 'm', input: 'Hi' })).json()
  t.same((await call('POST', `/responses/${fg.id}/cancel`)).json(), openAIError('Responses can only be cancelled if they were created with background=true.'))
  t.equal((await call('POST', '/responses/resp_nope/cancel')).statusCode, 404)
})

t.test('a slow scenario makes a foreground create wait on the clock', async t => {
  const built = await buildWith(t)
  let answered = false
  const pending = on(built)('POST', '/responses', { model: 'm', input: 'Answer slowly' }).then(res => { answered = true; return res })
  await new Promise(resolve => setTimeout(resolve, 20))
  t.notOk(answered, 'not before the scenario\'s in_progress_ms')
  built.clock.advance(3000)
  const res = await pending
  t.match(res.json(), { status: 'completed' })
  t.equal(text(res.json()), 'Done, slowly.')
})

t.test('the function-call loop: a call ends the response completed; its output, by previous_response_id, gets the answer', async t => {
  const built = await buildWith(t)
  const call = on(built)
  const first = (await call('POST', '/responses', { model: 'm', input: 'What is the weather in Lisbon?', tools: [WEATHER] })).json()
  t.match(first, { status: 'completed', output: [{ type: 'function_call', id: /^fc_/, call_id: /^call_/, name: 'get_weather', arguments: '{"city":"Lisbon"}', status: 'completed' }] })
  t.match(first.tools, [{ type: 'function', name: 'get_weather', strict: true }])
  const callId = first.output[0].call_id

  const missing = await call('POST', '/responses', { model: 'm', previous_response_id: first.id, input: 'and?', tools: [WEATHER] })
  t.same(missing.json(), openAIError(`No tool output found for function call ${callId}.`, 'input'))
  const stray = await call('POST', '/responses', { model: 'm', previous_response_id: first.id, input: [{ type: 'function_call_output', call_id: 'call_other', output: 'x' }] })
  t.same(stray.json(), openAIError('No tool call found for function call output with call_id call_other.', 'input'))

  const second = (await call('POST', '/responses', {
    model: 'm', previous_response_id: first.id, tools: [WEATHER], input: [{ type: 'function_call_output', call_id: callId, output: '21°C and sunny' }]
  })).json()
  t.match(second, { status: 'completed', previous_response_id: first.id })
  t.match(second.output, [{ type: 'reasoning', id: /^rs_/, summary: [{ type: 'summary_text', text: 'The tool said how the weather is.' }] }, { type: 'message' }])
  t.equal(text(second), 'It is 21°C and sunny in Lisbon.')
  t.ok(second.usage.input_tokens > first.usage.input_tokens, 'the chain counts as input')
  t.ok(second.usage.output_tokens_details.reasoning_tokens > 0, 'reasoning tokens counted')
  t.match((await call('GET', `/responses/${second.id}/input_items`)).json(), { data: [{ type: 'function_call_output', id: /^fco_/, call_id: callId, output: '21°C and sunny', status: 'completed' }] })

  const again = await call('POST', '/responses', { model: 'm', previous_response_id: first.id, input: [first.output[0], { type: 'function_call_output', call_id: callId, output: 'x' }] })
  t.same(again.json(), openAIError(`Duplicate item found with id ${first.output[0].id}. Remove duplicate items from your input and try again.`, 'input'))

  const twice = (await call('POST', '/responses', { model: 'm', input: 'Two cities please', tools: [WEATHER] })).json()
  t.equal(twice.output.length, 2, 'parallel calls')
  const both = (await call('POST', '/responses', {
    model: 'm', previous_response_id: twice.id, input: twice.output.map((c: any, i: number) => ({ type: 'function_call_output', call_id: c.call_id, output: `r${i}` }))
  })).json()
  t.equal(text(both), 'Both: r0\nr1')
  const oneByOne = (await call('POST', '/responses', { model: 'm', input: 'Two cities please', tools: [WEATHER], parallel_tool_calls: false })).json()
  t.equal(oneByOne.output.length, 1, 'parallel_tool_calls: false asks one at a time')
})

t.test('a client sending its whole history itself continues the scenario after the calls it answers', async t => {
  const built = await buildWith(t)
  const call = on(built)
  const first = (await call('POST', '/responses', { model: 'm', input: 'Weather in Lisbon?', tools: [WEATHER], store: false })).json()
  const fc = first.output[0]
  const history = [{ role: 'user', content: 'Weather in Lisbon?' }, fc, { type: 'function_call_output', call_id: fc.call_id, output: 'cold' }]
  const next = (await call('POST', '/responses', { model: 'm', input: history, tools: [WEATHER], store: false })).json()
  t.equal(text(next), 'It is cold in Lisbon.')
  t.equal((await call('GET', `/responses/${first.id}`)).statusCode, 404, 'store: false responses are never retrievable')
  const chained = await call('POST', '/responses', { model: 'm', previous_response_id: first.id, input: 'x' })
  t.same(chained.json(), openAIError(`Previous response with id '${first.id}' not found.`, 'previous_response_id', 'previous_response_not_found'))
  const referenced = await call('POST', '/responses', { model: 'm', input: [{ type: 'item_reference', id: fc.id }] })
  t.equal(referenced.statusCode, 404)
  t.same(referenced.json(), openAIError(`Item with id '${fc.id}' not found. Items are not persisted when \`store\` is set to false. Try again with \`store\` set to true, or remove this item from your input.`, 'input'))
})

t.test('controls: tool_choice, text.format json_schema, max_output_tokens; scripted failure, cut and reasoning', async t => {
  const built = await buildWith(t)
  const call = on(built)
  const forced = (await call('POST', '/responses', { model: 'm', input: 'Hello', tools: [WEATHER], tool_choice: { type: 'function', name: 'get_weather' } })).json()
  t.match(forced.output, [{ type: 'function_call', name: 'get_weather' }])
  t.match(JSON.parse(forced.output[0].arguments), { city: String }, 'arguments sampled from the schema')
  t.match((await call('POST', '/responses', { model: 'm', input: 'Hello', tools: [WEATHER], tool_choice: 'required' })).json().output, [{ type: 'function_call' }])
  const none = (await call('POST', '/responses', { model: 'm', input: 'Weather?', tools: [WEATHER], tool_choice: 'none' })).json()
  t.same(none.output.map((item: any) => item.type), ['reasoning', 'message'], 'tool_choice none: the scripted call is dropped')
  const unknown = await call('POST', '/responses', { model: 'm', input: 'x', tools: [WEATHER], tool_choice: { type: 'function', name: 'nope' } })
  t.same(unknown.json(), openAIError("Invalid value for 'tool_choice': 'tool_choice' names the function 'nope', which is not one of the response's tools.", 'tool_choice', 'invalid_value'))

  const schema = { type: 'object', properties: { answer: { type: 'string' }, score: { type: 'integer' } }, required: ['answer', 'score'], additionalProperties: false }
  const json = (await call('POST', '/responses', { model: 'm', input: 'Rate it', text: { format: { type: 'json_schema', name: 'rating', schema, strict: true } } })).json()
  t.match(JSON.parse(text(json)), { answer: String, score: Number })
  t.match(json.text, { format: { type: 'json_schema', name: 'rating', strict: true } })
  const loose = await call('POST', '/responses', { model: 'm', input: 'x', text: { format: { type: 'json_schema', name: 'bad', schema: { type: 'object', properties: { a: { type: 'string' } } }, strict: true } } })
  t.match(loose.json(), { error: { param: 'text.format.schema', code: 'invalid_json_schema' } })

  const cut = (await call('POST', '/responses', { model: 'm', input: 'A long answer please', max_output_tokens: 16 })).json()
  t.match(cut, { status: 'incomplete', incomplete_details: { reason: 'max_output_tokens' }, output: [{ type: 'message', status: 'incomplete' }], usage: { output_tokens: 16 } })
  t.equal(cut.completed_at, null)
  t.match((await call('POST', '/responses', { model: 'm', input: 'Write an essay' })).json(), { status: 'incomplete', incomplete_details: { reason: 'max_output_tokens' } })
  const failed = (await call('POST', '/responses', { model: 'm', input: 'Please break' })).json()
  t.match(failed, { status: 'failed', error: { code: 'rate_limit_exceeded', message: 'Rate limit is exceeded. Try again in 60 seconds.' }, usage: null, output: [] })
  const thinks = (await call('POST', '/responses', { model: 'm', input: 'Think first', include: ['reasoning.encrypted_content'] })).json()
  t.match(thinks.output, [{ type: 'reasoning', summary: [{ text: 'Let me think about it.' }] }, { type: 'message' }])
  t.notOk('include' in thinks, 'include is not echoed')
})

t.test('the service\'s errors, in its order and words', async t => {
  const built = await buildWith(t)
  const call = on(built)
  const ask = async (body: unknown) => (await call('POST', '/responses', body)).json()
  t.same(await ask({ input: 'x' }), openAIError("Missing required parameter: 'model'.", 'model', 'missing_required_parameter'))
  t.same(await ask({ model: '', input: 'x' }), openAIError("The requested model '' does not exist.", 'model', 'model_not_found'))
  t.same(await ask({ model: 'm' }), openAIError("Missing required parameter: 'input'.", 'input', 'missing_required_parameter'))
  t.same(await ask({ model: 'm', input: [] }), openAIError('One of "input" or "previous_response_id" or \'prompt\' or \'conversation\' must be provided.', null, 'missing_required_parameter'))
  t.same(await ask({ model: 'm', input: 'x', zzz: 1 }), openAIError("Unknown parameter: 'zzz'.", 'zzz', 'unknown_parameter'))
  t.same(await ask({ model: 'm', input: 'x', max_output_tokens: 15 }),
    openAIError("Invalid 'max_output_tokens': integer below minimum value. Expected a value >= 16, but got 15 instead.", 'max_output_tokens', 'integer_below_min_value'))
  t.same(await ask({ model: 'm', input: 'x', truncation: 'bogus' }), openAIError("Invalid value: 'bogus'. Supported values are: 'auto' and 'disabled'.", 'truncation', 'invalid_value'))
  t.same(await ask({ model: 'm', input: 'x', previous_response_id: 'resp_x', conversation: 'conv_x' }),
    openAIError("Mutually exclusive parameters: ''. Ensure you are only providing one of: 'pre..._id' or 'conversation'.", null, 'mutually_exclusive_parameters'))
  t.same(await ask({ model: 'm', input: [], previous_response_id: 'resp_x' }), openAIError("Previous response with id 'resp_x' not found.", 'previous_response_id', 'previous_response_not_found'))
  t.same(await ask({ model: 'm', input: 'x', previous_response_id: 'bad id' }),
    openAIError("Invalid 'previous_response_id': 'bad id'. Expected an ID that contains letters, numbers, underscores, or dashes, but this value contained additional characters.", 'previous_response_id', 'invalid_value'))
  const noConversation = await call('POST', '/responses', { model: 'm', input: 'x', conversation: 'conv_x' })
  t.equal(noConversation.statusCode, 404)
  t.same(noConversation.json(), openAIError("Conversation with id 'conv_x' not found."))
  t.same(await ask({ model: 'm', input: 'x', conversation: { id: 'thread_1' } }), openAIError("Invalid 'conversation.id': 'thread_1'. Expected an ID that begins with 'conv_'.", 'conversation.id', 'invalid_value'))
  t.same(await ask({ model: 'm', input: 'x', background: true, store: false }), openAIError('Background mode requires store=true.', 'store', 'invalid_value'))
  t.same(await ask({ model: 'm', input: [{ role: 'assistant', content: [{ type: 'input_text', text: 'x' }] }] }),
    openAIError("Invalid value: 'input_text'. Supported values are: 'output_text' and 'refusal'.", 'input[0].content[0]', 'invalid_value'))
  t.same(await ask({ model: 'm', input: [{ role: 'user', content: 'x', phase: 'final_answer' }] }), openAIError("Unknown parameter: 'input[0].phase'.", 'input[0].phase', 'unknown_parameter'))
  t.match(await ask({ model: 'm', input: [{ type: 'bogus_item' }] }), { error: { message: /^Invalid value: 'bogus_item'\. Supported values are: 'message', /, param: 'input[0].type' } })
  t.match(await ask({ model: 'm', input: [{ id: 'msg_nowhere' }] }), openAIError("Item with id 'msg_nowhere' not found.", 'input'))
  t.match(await ask({ model: 'm', input: 'x', tools: [{ type: 'function', name: 'f', parameters: { type: 'string' } }] }),
    { error: { param: 'tools[0].parameters', code: 'invalid_function_parameters' } })

  const bg = (await call('POST', '/responses', { model: 'm', input: 'x', background: true })).json()
  t.same(await ask({ model: 'm', input: 'y', previous_response_id: bg.id }), openAIError(`Previous response with id '${bg.id}' is still in progress.`, 'previous_response_id'))
})

async function responseOn (built: Built) {
  return (await on(built)('POST', '/responses', { model: 'm', input: 'Hi', background: true })).json()
}

t.test('the control plane: advance a response, reset, and the journal\'s door names', async t => {
  const built = await buildWith(t, { queuedMs: 100, inProgressMs: 400 })
  const { id } = await responseOn(built)
  const advance = (body: unknown) => built.app.inject({ method: 'POST', url: `/_emulator/responses/${id}/advance`, payload: body as object })
  t.match((await advance({})).json(), { id, status: 'in_progress' })
  t.match((await advance({ to: 'completed' })).json(), { status: 'completed' })
  t.equal((await advance({})).statusCode, 409, 'an ended response has no next status')
  t.match((await advance({ to: 'cancelled' })).json(), { error: { code: 'conflict' } })
  t.equal((await built.app.inject({ method: 'POST', url: '/_emulator/responses/resp_nope/advance', payload: {} })).statusCode, 404)
  await on(built, 'azure-v1')('GET', `/responses/${id}`)
  await on(built, 'foundry')('GET', `/responses/${id}`)
  const journal = (await built.app.inject({ method: 'GET', url: '/_emulator/requests?limit=2' })).json()
  t.same(journal.data.map((entry: any) => entry.flavour), ['foundry', 'azure-v1'])
  await built.app.inject({ method: 'POST', url: '/_emulator/reset' })
  t.equal((await on(built)('GET', `/responses/${id}`)).statusCode, 404, 'reset empties responses')
})
