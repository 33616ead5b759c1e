/** POST /_emulator/runs/{run_id}/advance: one run moved on at once, its status still derived from its record. */
import t from 'tap'
import { build, seedAssistantAndThread, V2, type Built } from '../helper.js'
import type { Fixtures } from '../../src/fixtures.js'

const fixtures: Fixtures = {
  assistants: [],
  threads: [],
  scenarios: [{ match: { message_contains: 'weather' }, steps: [{ tool_calls: [{ name: 'get_weather', arguments: {} }] }, { reply: 'Sunny.' }] }]
}

async function startRun (built: Built, content = 'Hello there') {
  const { assistantId } = await seedAssistantAndThread(built, V2)
  const thread = (await built.call({ method: 'POST', url: '/openai/threads', body: { messages: [{ role: 'user', content }] }, apiVersion: V2 })).json()
  const run = (await built.call({ method: 'POST', url: `/openai/threads/${thread.id}/runs`, body: { assistant_id: assistantId }, apiVersion: V2 })).json()
  return { threadId: thread.id as string, runId: run.id as string }
}

const advance = (built: Built, runId: string, body: unknown = {}) =>
  built.app.inject({ method: 'POST', url: `/_emulator/runs/${runId}/advance`, payload: body as object })

t.test('each advance moves the run to its next status, whatever the clock', async t => {
  const built = await build(t, {}, { fixtures })
  const { threadId, runId } = await startRun(built, 'weather please')
  const created = (await built.call({ method: 'GET', url: `/openai/threads/${threadId}/runs/${runId}`, apiVersion: V2 })).json()
  const first = await advance(built, runId)
  t.equal(first.statusCode, 200)
  t.match(first.json(), { id: runId, object: 'thread.run', status: 'in_progress' })
  t.equal((await advance(built, runId)).json().status, 'requires_action')
  const expired = await advance(built, runId)
  t.equal(expired.json().status, 'expired', 'left alone, a waiting run expires next')
  t.equal(expired.json().expires_at, null)
  t.ok(expired.json().created_at <= created.created_at, 'the run is as if created earlier')
  const read = (await built.call({ method: 'GET', url: `/openai/threads/${threadId}/runs/${runId}`, apiVersion: V2 })).json()
  t.equal(read.status, 'expired', 'a later read agrees: the record changed, no timer')

  const ended = await advance(built, runId)
  t.equal(ended.statusCode, 409)
  t.match(ended.json(), { error: { message: `Run ${runId} is expired: a run that has ended has no next status.`, code: 'conflict' } })
  t.equal((await built.call({ method: 'POST', url: `/openai/threads/${threadId}/messages`, body: { role: 'user', content: 'again' }, apiVersion: V2 })).statusCode, 200,
    'the thread is unlocked')
})

t.test('{"to"} moves the run until it reaches that status; the reply is written', async t => {
  const built = await build(t)
  const { threadId, runId } = await startRun(built)
  const done = await advance(built, runId, { to: 'completed' })
  t.equal(done.statusCode, 200)
  t.match(done.json(), { status: 'completed', usage: { total_tokens: Number } })
  const messages = (await built.call({ method: 'GET', url: `/openai/threads/${threadId}/messages`, apiVersion: V2 })).json()
  t.equal(messages.data.length, 2)
  t.match(messages.data[0], { role: 'assistant', run_id: runId })
  t.ok(messages.data[0].created_at <= done.json().completed_at)
  t.equal((await advance(built, runId, { to: 'completed' })).json().status, 'completed', 'already there: unchanged')
})

t.test('an unreachable status is a 409 that says why, and changes nothing', async t => {
  const built = await build(t, {}, { fixtures })
  const { threadId, runId } = await startRun(built, 'weather?')
  t.equal((await advance(built, runId, { to: 'requires_action' })).json().status, 'requires_action')
  const refused = await advance(built, runId, { to: 'completed' })
  t.equal(refused.statusCode, 409)
  t.equal(refused.json().error.message, `Run ${runId} cannot reach status 'completed' from 'requires_action': it waits for tool outputs ` +
    '(submit them with submit_tool_outputs); left alone it becomes expired.')
  t.equal((await built.call({ method: 'GET', url: `/openai/threads/${threadId}/runs/${runId}`, apiVersion: V2 })).json().status, 'requires_action')

  const other = await startRun(built)
  const cancelling = await built.call({ method: 'POST', url: `/openai/threads/${other.threadId}/runs/${other.runId}/cancel`, apiVersion: V2 })
  t.equal(cancelling.json().status, 'cancelling')
  t.match((await advance(built, other.runId, { to: 'completed' })).json(), { error: { message: /from 'cancelling': left alone it becomes cancelled\./ } })
  t.equal((await advance(built, other.runId)).json().status, 'cancelled')
})

t.test('after tool outputs, advancing continues the second pass', async t => {
  const built = await build(t, {}, { fixtures })
  const { threadId, runId } = await startRun(built, 'weather?')
  const waiting = (await advance(built, runId, { to: 'requires_action' })).json()
  const callId = waiting.required_action.submit_tool_outputs.tool_calls[0].id
  const submitted = await built.call({
    method: 'POST', url: `/openai/threads/${threadId}/runs/${runId}/submit_tool_outputs`, body: { tool_outputs: [{ tool_call_id: callId, output: 'x' }] }, apiVersion: V2
  })
  t.equal(submitted.json().status, 'queued')
  t.equal((await advance(built, runId)).json().status, 'in_progress')
  t.equal((await advance(built, runId)).json().status, 'completed')
})

t.test('unknown run, bad target', async t => {
  const built = await build(t)
  const missing = await advance(built, 'run_nope')
  t.equal(missing.statusCode, 404)
  t.equal(missing.json().error.message, "No run found with id 'run_nope'.")
  const { runId } = await startRun(built)
  const bad = await advance(built, runId, { to: 'done' })
  t.equal(bad.statusCode, 400)
  t.match(bad.json(), { error: { param: 'to' } })
})
