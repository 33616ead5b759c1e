/** Scenario rules: matching, reply templates, validation in fixtures files, and the shipped examples. */
import t from 'tap'
import { FixturesError, loadFixtures, parseFixturesFile } from '../src/fixtures.js'
import { matches, renderReply, selectScenario, type Scenario } from '../src/runs/scenarios.js'
import { build, V1, V2, type Built } from './helper.js'

const input = { assistantId: 'asst_a', assistantName: 'Alpha', lastUserMessage: 'What is the Weather in Oslo?', metadata: { env: 'test' } }

t.test('matching: every given condition must hold', async t => {
  const rule = (match: Scenario['match']): Scenario => ({ match, steps: [{ reply: 'x' }] })
  t.ok(matches(rule(undefined), input), 'no conditions match everything')
  t.ok(matches(rule({ assistant_id: 'asst_a' }), input))
  t.notOk(matches(rule({ assistant_id: 'asst_b' }), input))
  t.ok(matches(rule({ assistant_name: 'Alpha' }), input))
  t.notOk(matches(rule({ assistant_name: 'alpha' }), input), 'names match exactly')
  t.ok(matches(rule({ message_contains: 'weather' }), input), 'substrings ignore case')
  t.notOk(matches(rule({ message_contains: 'rain' }), input))
  t.ok(matches(rule({ message_matches: 'Weather in \\w+\\?$' }), input))
  t.notOk(matches(rule({ message_matches: '^weather' }), input), 'regular expressions are case sensitive unless they say otherwise')
  t.ok(matches(rule({ metadata: { env: 'test' } }), input))
  t.notOk(matches(rule({ metadata: { env: 'prod' } }), input))
  t.notOk(matches(rule({ assistant_id: 'asst_a', message_contains: 'rain' }), input), 'all conditions together')
  t.notOk(matches(rule({ message_contains: 'x' }), { ...input, lastUserMessage: null }))
  const first = rule({ assistant_id: 'asst_a' })
  const second = rule(undefined)
  t.equal(selectScenario([first, second], input), first, 'the first matching rule wins')
  t.equal(selectScenario([rule({ assistant_id: 'asst_z' })], input), null, 'no match: the default behaviour')
})

t.test('reply templates', async t => {
  const context = { lastUserMessage: 'hi', assistantName: 'Bot', toolOutputs: ['a', 'b'] }
  t.equal(renderReply('You said {{last_user_message}} to {{ assistant_name }}', context), 'You said hi to Bot')
  t.equal(renderReply('{{tool_outputs}}|{{tool_outputs.1}}|{{tool_outputs.7}}', context), 'a\nb|b|')
  t.equal(renderReply('{{unknown}} stays', context), '{{unknown}} stays')
})

t.test('fixtures files: scenario problems name the file and JSON path', async t => {
  const bad = (scenario: unknown) => () => parseFixturesFile('f.json', JSON.stringify({ scenarios: [scenario] }))
  t.throws(bad({ steps: [] }), new FixturesError("Invalid fixtures file f.json at $.scenarios[0].steps: Invalid 'scenarios[0].steps': empty array. Expected an array with minimum length 1, but got an empty array instead."))
  t.throws(bad({ steps: [{ fail: { code: 'oops' } }] }), { message: /at \$\.scenarios\[0\]\.steps\[0\]\.fail\.code: Invalid value: 'oops'\. Supported values are: 'server_error', 'rate_limit_exceeded', and 'invalid_prompt'\./ })
  t.throws(bad({ steps: [{ tool_call: [] }] }), { message: /at \$\.scenarios\[0\]\.steps\[0\]\.tool_call: Unknown parameter/ })
  t.throws(bad({ steps: [{ reply: 1 }] }), { message: /at \$\.scenarios\[0\]\.steps\[0\]\.reply: Invalid type for 'scenarios\[0\]\.steps\[0\]\.reply': expected a string/ })
  t.throws(bad({ match: { message_matches: '(' }, steps: [{ reply: 'x' }] }), { message: /at \$\.scenarios\[0\]\.match\.message_matches: not a valid regular expression/ })
  t.throws(bad({ match: { colour: 'red' }, steps: [{ reply: 'x' }] }), { message: /at \$\.scenarios\[0\]\.match\.colour: Unknown parameter/ })
  t.throws(bad({ timings: { queued_ms: -1 }, steps: [{ reply: 'x' }] }), { message: /at \$\.scenarios\[0\]\.timings\.queued_ms/ })
})

t.test('the shipped fixtures folder loads, and each example does what it says', async t => {
  const fixtures = loadFixtures('fixtures')
  t.ok(fixtures.scenarios.length >= 4)
  const built = await build(t, {}, { fixtures })
  const start = async (b: Built, assistantId: string, content: string, extra: Record<string, unknown> = {}) => {
    const res = await b.call({ method: 'POST', url: '/openai/threads/runs', apiVersion: V2, body: { assistant_id: assistantId, thread: { messages: [{ role: 'user', content }] }, ...extra } })
    t.equal(res.statusCode, 200, res.body)
    return res.json()
  }
  const status = async (run: { id: string, thread_id: string }) =>
    (await built.call({ url: `/openai/threads/${run.thread_id}/runs/${run.id}`, apiVersion: V2 })).json()
  const replyOf = (run: { thread_id: string }) => {
    const last = built.app.runtime.tenants.shared.store.messages.list(run.thread_id).at(-1)!
    return last.role === 'assistant' && last.content[0]?.type === 'text' ? last.content[0].text.value : null
  }

  const chat = await start(built, 'asst_chat', 'hello there')
  const other = await start(built, 'asst_chat', 'Tell me a joke')
  const weather = await start(built, 'asst_weather', 'How is the weather?')
  const failing = await start(built, 'asst_flaky', 'anything')
  const serverError = await start(built, 'asst_flaky', 'anything', { metadata: { fail: 'server_error' } })
  const essay = await start(built, 'asst_flaky', 'Write a long essay')
  const slow = await start(built, 'asst_slow', 'Where is my order?')
  built.clock.advance(2000)
  t.equal((await status(chat)).status, 'completed')
  t.equal(replyOf(chat), 'Hello! You said "hello there". How can I help you today?')
  t.equal((await status(other)).status, 'completed')
  t.equal(replyOf(other), 'I am Chat. You asked: Tell me a joke')
  const waiting = await status(weather)
  t.equal(waiting.status, 'requires_action')
  t.match(waiting.required_action.submit_tool_outputs.tool_calls, [{ function: { name: 'get_weather', arguments: '{"city":"Paris","unit":"c"}' } }])
  t.match(await status(failing), { status: 'failed', last_error: { code: 'rate_limit_exceeded' } })
  t.match(await status(serverError), { status: 'failed', last_error: { code: 'server_error' } })
  t.match(await status(essay), { status: 'incomplete', incomplete_details: { reason: 'max_completion_tokens' } })
  t.equal((await status(slow)).status, 'requires_action')
  built.clock.advance(3000)
  t.equal((await status(slow)).status, 'expired', 'the expiry example expires 5 s after creation')

  const callId = waiting.required_action.submit_tool_outputs.tool_calls[0].id
  await built.call({ method: 'POST', url: `/openai/threads/${weather.thread_id}/runs/${weather.id}/submit_tool_outputs`, apiVersion: V1, body: { tool_outputs: [{ tool_call_id: callId, output: '18°C, sunny' }] } })
  built.clock.advance(2000)
  t.equal((await status(weather)).status, 'completed')
  t.equal(replyOf(weather), 'The weather in Paris: 18°C, sunny')
})
