/**
 * Streamed runs through app.inject() on a manual clock: the wire framing, the event sequence of every
 * kind of course, that each event's data is what a read shows at that point (and matches the official
 * documents), pacing by the clock, cancels from another request, failures after the start, and errors
 * before it.
 */
import t, { type Test } from 'tap'
import type { Fixtures } from '../../src/fixtures.js'
import { checkResponse } from '../contract/spec.js'
import { V1, V2, build, openAIError, seedAssistantAndThread, type Built } from '../helper.js'
import { collect, eventNames, flush, parseSse, type ParsedEvent } from '../support/sse.js'

const weatherTool = { type: 'function', function: { name: 'get_weather', parameters: { type: 'object' } } }
const fixtures: Fixtures = {
  assistants: [
    { id: 'asst_weather', model: 'gpt-4o', name: 'Weather', tools: [weatherTool as never] },
    { id: 'asst_flaky', model: 'gpt-4o', name: 'Flaky' },
    { id: 'asst_two', model: 'gpt-4o', name: 'Two replies' },
    { id: 'asst_paced', model: 'gpt-4o', name: 'Paced' }
  ],
  threads: [],
  scenarios: [
    {
      match: { assistant_id: 'asst_weather' },
      steps: [
        { tool_calls: [{ name: 'get_weather', arguments: { city: 'Paris', unit: 'celsius' } }, { name: 'get_weather', arguments: '{"city":"Oslo"}' }] },
        { reply: 'Paris: {{tool_outputs.0}}; Oslo: {{tool_outputs.1}}' }
      ]
    },
    { match: { assistant_id: 'asst_flaky' }, steps: [{ fail: { code: 'rate_limit_exceeded' } }] },
    { match: { assistant_id: 'asst_two' }, steps: [{ reply: 'One.' }, { reply: 'Two, three.' }] },
    { match: { assistant_id: 'asst_paced' }, timings: { queued_ms: 0, in_progress_ms: 0, stream_chunk_ms: 100 }, steps: [{ reply: 'a b c d' }] }
  ]
}

const zero = { queuedMs: 0, inProgressMs: 0, cancellingMs: 0 }
const runsUrl = (threadId: string) => `/openai/threads/${threadId}/runs`

async function thread (built: Built, content = 'Hello there', apiVersion = V2): Promise<string> {
  return (await built.call({ method: 'POST', url: '/openai/threads', body: { messages: [{ role: 'user', content }] }, apiVersion })).json().id
}

/** Every snapshot event must match the document's schema for what a read of that object returns. */
function checkEventData (t: Test, events: readonly ParsedEvent[], generation: 'v1' | 'v2', threadId: string) {
  for (const { event, data } of events) {
    if (event === 'done' || event.endsWith('.delta')) continue
    const path = event === 'thread.created'
      ? `/threads/${data.id}`
      : event.startsWith('thread.run.step.')
        ? `/threads/${threadId}/runs/${data.run_id}/steps/${data.id}`
        : event.startsWith('thread.run.')
          ? `/threads/${threadId}/runs/${data.id}`
          : `/threads/${threadId}/messages/${data.id}`
    const result = checkResponse({ flavour: 'azure', generation, method: 'GET', path, status: 200, body: data })
    if (!result.ok) t.fail(`${event} data does not match ${result.doc}: ${result.errors.join('; ')}`)
  }
}

t.test('the wire: headers, event/data framing, blank-line separators, [DONE] once and last', async t => {
  const built = await build(t, zero)
  const { assistantId, threadId } = await seedAssistantAndThread(built, V2)
  const res = await built.call({ method: 'POST', url: runsUrl(threadId), body: { assistant_id: assistantId, stream: true }, apiVersion: V2 })
  t.equal(res.statusCode, 200)
  t.equal(res.headers['content-type'], 'text/event-stream; charset=utf-8')
  t.equal(res.headers['content-length'], undefined, 'no Content-Length')
  t.equal(res.headers['transfer-encoding'], 'chunked')
  t.match(res.headers['x-request-id'], /^[0-9a-f-]{36}$/)
  t.equal(res.headers['apim-request-id'], res.headers['x-request-id'])

  const body = res.body
  t.match(body, /^(event: [a-z_.]+\ndata: [^\n]+\n\n)+$/, 'nothing but event/data pairs, each followed by one blank line')
  t.ok(body.endsWith('event: done\ndata: [DONE]\n\n'), 'ends with done')
  t.equal(body.split('[DONE]').length, 2, '[DONE] exactly once')
  const events = parseSse(body)
  t.equal(events.at(-1)!.event, 'done')
  t.equal(events.filter(e => e.data === '[DONE]').length, 1)
  const rebuilt = events.map(e => `event: ${e.event}\ndata: ${typeof e.data === 'string' ? e.data : JSON.stringify(e.data)}\n\n`).join('')
  t.equal(rebuilt, body, 'byte for byte: each data is compact JSON on one line')
  for (const e of events.filter(e => e.event.endsWith('.delta'))) {
    const entries = e.data.delta.content ?? e.data.delta.step_details.tool_calls
    t.ok(entries.every((entry: { index?: unknown }) => typeof entry.index === 'number'), `${e.event}: index on every entry`)
  }
})

t.test('a reply: the event sequence, its text in chunks, and reads afterwards show what the events built', async t => {
  const built = await build(t, zero)
  const { assistantId, threadId } = await seedAssistantAndThread(built, V2)
  const res = await built.call({ method: 'POST', url: runsUrl(threadId), body: { assistant_id: assistantId, stream: true }, apiVersion: V2 })
  const events = parseSse(res.body)
  t.same(eventNames(events), [
    'thread.run.created', 'thread.run.queued', 'thread.run.in_progress',
    'thread.run.step.created', 'thread.run.step.in_progress', 'thread.message.created', 'thread.message.in_progress',
    'thread.message.delta*', 'thread.message.completed', 'thread.run.step.completed', 'thread.run.completed', 'done'
  ])
  checkEventData(t, events, 'v2', threadId)
  const deltas = events.filter(e => e.event === 'thread.message.delta')
  t.ok(deltas.length > 5, 'several chunks')
  const text = deltas.map(e => e.data.delta.content[0].text.value).join('')
  t.equal(text, 'You said: "Hello there". This is a reply from the Azure OpenAI Assistants emulator.')
  t.match(events.find(e => e.event === 'thread.message.created')!.data, { status: 'in_progress', content: [], completed_at: null })

  const run = events.find(e => e.event === 'thread.run.completed')!.data
  t.same((await built.call({ url: `${runsUrl(threadId)}/${run.id}`, apiVersion: V2 })).json(), run, 'GET run = the last run event')
  const message = events.find(e => e.event === 'thread.message.completed')!.data
  const messages = (await built.call({ url: `/openai/threads/${threadId}/messages`, apiVersion: V2 })).json()
  t.same(messages.data[0], message, 'list messages shows the completed message')
  t.equal(message.content[0].text.value, text)
  const step = events.find(e => e.event === 'thread.run.step.completed')!.data
  t.same((await built.call({ url: `${runsUrl(threadId)}/${run.id}/steps`, apiVersion: V2 })).json().data, [step], 'list steps')
  t.same(events.find(e => e.event === 'thread.run.created')!.data.status, 'queued')
})

t.test('2024-02-15-preview streams its v1 shapes; /v1 streams too', async t => {
  const built = await build(t, zero)
  const { assistantId, threadId } = await seedAssistantAndThread(built, V1)
  const res = await built.call({ method: 'POST', url: runsUrl(threadId), body: { assistant_id: assistantId, stream: true }, apiVersion: V1 })
  const events = parseSse(res.body)
  t.equal(events.at(-2)!.event, 'thread.run.completed')
  t.same(events.at(-2)!.data.file_ids, [], 'v1 run shape')
  t.notOk('tool_choice' in events.at(-2)!.data)
  checkEventData(t, events, 'v1', threadId)

  const v1 = await built.app.inject({
    method: 'POST',
    url: '/v1/threads/runs',
    headers: { authorization: 'Bearer sk-test', 'openai-beta': 'assistants=v2' },
    payload: { assistant_id: assistantId, stream: true, thread: { messages: [{ role: 'user', content: 'Hi' }] } }
  })
  t.equal(v1.statusCode, 200)
  const openaiEvents = parseSse(v1.body)
  t.equal(openaiEvents[0]!.event, 'thread.created', 'create thread and run starts with the thread')
  t.match(openaiEvents[0]!.data, { object: 'thread', tool_resources: {} })
  t.equal(openaiEvents[1]!.event, 'thread.run.created')
  t.equal(openaiEvents[1]!.data.thread_id, openaiEvents[0]!.data.id)
  t.equal(openaiEvents.at(-1)!.event, 'done')
})

t.test('tool calls: arguments in pieces, requires_action ends the stream, submit_tool_outputs streams the rest', async t => {
  const built = await build(t, zero, { fixtures })
  const threadId = await thread(built, 'Weather?')
  const first = parseSse((await built.call({ method: 'POST', url: runsUrl(threadId), body: { assistant_id: 'asst_weather', stream: true }, apiVersion: V2 })).body)
  t.same(eventNames(first), [
    'thread.run.created', 'thread.run.queued', 'thread.run.in_progress',
    'thread.run.step.created', 'thread.run.step.in_progress', 'thread.run.step.delta*', 'thread.run.requires_action', 'done'
  ])
  t.same(first.find(e => e.event === 'thread.run.step.created')!.data.step_details, { type: 'tool_calls', tool_calls: [] })
  const deltas = first.filter(e => e.event === 'thread.run.step.delta').map(e => e.data.delta.step_details.tool_calls[0])
  t.match(deltas[0], { index: 0, id: /^call_/, type: 'function', function: { name: 'get_weather', arguments: '', output: null } })
  const args = (index: number) => deltas.filter(d => d.index === index).map(d => d.function.arguments).join('')
  t.equal(args(0), '{"city":"Paris","unit":"celsius"}')
  t.equal(args(1), '{"city":"Oslo"}')
  t.ok(deltas.filter(d => d.index === 0).length > 2, 'the arguments arrive in pieces')
  const waiting = first.at(-2)!.data
  t.equal(waiting.status, 'requires_action')
  checkEventData(t, first, 'v2', threadId)
  const calls = waiting.required_action.submit_tool_outputs.tool_calls
  t.same((await built.call({ url: `${runsUrl(threadId)}/${waiting.id}`, apiVersion: V2 })).json(), waiting)

  const res = await built.call({
    method: 'POST',
    url: `${runsUrl(threadId)}/${waiting.id}/submit_tool_outputs`,
    body: { stream: true, tool_outputs: [{ tool_call_id: calls[0].id, output: '21C' }, { tool_call_id: calls[1].id, output: '3C' }] },
    apiVersion: V2
  })
  t.equal(res.statusCode, 200)
  const second = parseSse(res.body)
  t.same(eventNames(second), [
    'thread.run.queued', 'thread.run.in_progress', 'thread.run.step.completed',
    'thread.run.step.created', 'thread.run.step.in_progress', 'thread.message.created', 'thread.message.in_progress',
    'thread.message.delta*', 'thread.message.completed', 'thread.run.step.completed', 'thread.run.completed', 'done'
  ])
  t.match(second[2]!.data.step_details.tool_calls, [{ function: { output: '21C' } }, { function: { output: '3C' } }])
  t.equal(second.find(e => e.event === 'thread.message.completed')!.data.content[0].text.value, 'Paris: 21C; Oslo: 3C')
  checkEventData(t, second, 'v2', threadId)
  const steps = (await built.call({ url: `${runsUrl(threadId)}/${waiting.id}/steps?order=asc`, apiVersion: V2 })).json().data
  t.same(steps, [second[2]!.data, second.find(e => e.event === 'thread.run.step.completed' && e.data.type === 'message_creation')!.data])
})

t.test('endings: failed with last_error, incomplete after message.incomplete, expired', async t => {
  const built = await build(t, zero, { fixtures })
  const failing = parseSse((await built.call({ method: 'POST', url: runsUrl(await thread(built)), body: { assistant_id: 'asst_flaky', stream: true }, apiVersion: V2 })).body)
  t.same(eventNames(failing), ['thread.run.created', 'thread.run.queued', 'thread.run.in_progress', 'thread.run.failed', 'done'])
  t.match(failing.at(-2)!.data, { status: 'failed', last_error: { code: 'rate_limit_exceeded', message: 'Rate limit is exceeded. Try again in 60 seconds.' } })

  const { assistantId } = await seedAssistantAndThread(built, V2)
  const long = 'word '.repeat(400)
  const cut = parseSse((await built.call({
    method: 'POST', url: runsUrl(await thread(built, long)), body: { assistant_id: assistantId, stream: true, max_completion_tokens: 256 }, apiVersion: V2
  })).body)
  t.same(eventNames(cut).slice(-5), ['thread.message.delta*', 'thread.message.incomplete', 'thread.run.step.completed', 'thread.run.incomplete', 'done'])
  t.match(cut.find(e => e.event === 'thread.message.incomplete')!.data, { status: 'incomplete', incomplete_details: { reason: 'max_tokens' } })
  t.match(cut.at(-2)!.data, { incomplete_details: { reason: 'max_completion_tokens' } })

  const slow = await build(t, { queuedMs: 0, inProgressMs: 5000, runExpiryMs: 1000 })
  const seeded = await seedAssistantAndThread(slow, V2)
  const pending = slow.app.inject({ method: 'POST', url: `${runsUrl(seeded.threadId)}?api-version=${V2}`, headers: { 'api-key': 'k' }, payload: { assistant_id: seeded.assistantId, stream: true } })
  await flush()
  slow.clock.advance(1000)
  const expired = parseSse((await pending).body)
  t.same(eventNames(expired).slice(-5), ['thread.message.delta*', 'thread.message.incomplete', 'thread.run.step.expired', 'thread.run.expired', 'done'])
  t.match(expired.find(e => e.event === 'thread.message.incomplete')!.data.incomplete_details, { reason: 'run_expired' })
})

t.test('two replies in one pass are written one after the other', async t => {
  const built = await build(t, zero, { fixtures })
  const events = parseSse((await built.call({ method: 'POST', url: runsUrl(await thread(built)), body: { assistant_id: 'asst_two', stream: true }, apiVersion: V2 })).body)
  const names = eventNames(events).filter(n => n.startsWith('thread.message.') && n !== 'thread.message.in_progress')
  t.same(names, ['thread.message.created', 'thread.message.delta*', 'thread.message.completed', 'thread.message.created', 'thread.message.delta*', 'thread.message.completed'])
})

t.test('events follow the clock: the reply is spread over in_progress, and a read mid-stream shows what was streamed', async t => {
  const built = await build(t) // 500 ms queued, 1500 ms in progress
  const { assistantId, threadId } = await seedAssistantAndThread(built, V2)
  const res = await built.app.inject({
    method: 'POST', url: `${runsUrl(threadId)}?api-version=${V2}`, headers: { 'api-key': 'k' }, payload: { assistant_id: assistantId, stream: true }, payloadAsStream: true
  })
  t.equal(res.statusCode, 200)
  const stream = collect(res.stream())
  await flush()
  t.same(eventNames(stream.events()), ['thread.run.created', 'thread.run.queued'], 'queued until the clock moves')
  built.clock.advance(499)
  await flush()
  t.equal(stream.events().length, 2)
  built.clock.advance(1 + 750)
  await flush()
  const mid = stream.events()
  const written = mid.filter(e => e.event === 'thread.message.delta').map(e => e.data.delta.content[0].text.value).join('')
  t.ok(written.length > 0 && written.length < 80, `part of the reply so far: ${JSON.stringify(written)}`)
  const messageId = mid.find(e => e.event === 'thread.message.created')!.data.id
  const read = (await built.call({ url: `/openai/threads/${threadId}/messages/${messageId}`, apiVersion: V2 })).json()
  t.match(read, { status: 'in_progress', completed_at: null, content: [{ type: 'text', text: { value: written } }] }, 'GET shows the partly built message')
  const run = (await built.call({ url: `${runsUrl(threadId)}/${mid[0]!.data.id}`, apiVersion: V2 })).json()
  t.same(run, mid.find(e => e.event === 'thread.run.in_progress')!.data, 'GET run shows what the last run event showed')
  built.clock.advance(750)
  await stream.ended
  t.equal(stream.events().at(-2)!.event, 'thread.run.completed')
})

t.test('stream_chunk_ms paces the chunks and lengthens in_progress as needed', async t => {
  const built = await build(t, zero, { fixtures })
  const threadId = await thread(built)
  const res = await built.app.inject({
    method: 'POST', url: `${runsUrl(threadId)}?api-version=${V2}`, headers: { 'api-key': 'k' }, payload: { assistant_id: 'asst_paced', stream: true }, payloadAsStream: true
  })
  const stream = collect(res.stream())
  await flush()
  const deltas = () => stream.events().filter(e => e.event === 'thread.message.delta').length
  t.equal(deltas(), 1, 'the first chunk at once')
  built.clock.advance(100)
  await flush()
  t.equal(deltas(), 2)
  built.clock.advance(200)
  await flush()
  t.equal(deltas(), 4)
  t.notOk(stream.events().some(e => e.event === 'thread.run.completed'))
  built.clock.advance(100)
  await stream.ended
  t.equal(stream.events().at(-2)!.event, 'thread.run.completed')
})

t.test('a cancel from another request shows in the stream at once: cancelling, then cancelled', async t => {
  const built = await build(t, { cancellingMs: 300 })
  const { assistantId, threadId } = await seedAssistantAndThread(built, V2)
  const res = await built.app.inject({
    method: 'POST', url: `${runsUrl(threadId)}?api-version=${V2}`, headers: { 'api-key': 'k' }, payload: { assistant_id: assistantId, stream: true }, payloadAsStream: true
  })
  const stream = collect(res.stream())
  built.clock.advance(600)
  await flush()
  const runId = stream.events()[0]!.data.id
  const cancel = await built.call({ method: 'POST', url: `${runsUrl(threadId)}/${runId}/cancel`, apiVersion: V2 })
  t.equal(cancel.json().status, 'cancelling')
  await flush()
  t.equal(stream.events().at(-1)!.event, 'thread.run.cancelling', 'without waiting for the clock')
  t.same(stream.events().at(-1)!.data, cancel.json())
  built.clock.advance(300)
  await stream.ended
  const events = stream.events()
  t.same(eventNames(events).slice(-5), ['thread.run.cancelling', 'thread.message.incomplete', 'thread.run.step.cancelled', 'thread.run.cancelled', 'done'])
  t.same((await built.call({ url: `${runsUrl(threadId)}/${runId}`, apiVersion: V2 })).json(), events.at(-2)!.data)
  t.equal(built.app.runtime.tenants.shared.services.runs.watchedRuns(), 0, 'the stream stopped watching the run')
})

t.test('a failure after the stream started: an error event, then the end (no done)', async t => {
  const built = await build(t)
  const { assistantId, threadId } = await seedAssistantAndThread(built, V2)
  const res = await built.app.inject({
    method: 'POST', url: `${runsUrl(threadId)}?api-version=${V2}`, headers: { 'api-key': 'k' }, payload: { assistant_id: assistantId, stream: true }, payloadAsStream: true
  })
  const stream = collect(res.stream())
  await flush()
  const runId = stream.events()[0]!.data.id
  t.equal((await built.call({ method: 'DELETE', url: `/openai/threads/${threadId}`, apiVersion: V2 })).statusCode, 200)
  built.clock.advance(500)
  await stream.ended
  const last = stream.events().at(-1)!
  t.equal(last.event, 'error')
  t.same(last.data, openAIError(`No run found with id '${runId}'.`))
  t.notOk(stream.text.includes('[DONE]'))
  t.ok(stream.text.endsWith(`event: error\ndata: ${JSON.stringify(last.data)}\n\n`))
})

t.test('errors before the stream starts are the ordinary JSON errors, and nothing is created', async t => {
  const built = await build(t, {}, { fixtures })
  const threadId = await thread(built)
  const unknown = await built.call({ method: 'POST', url: runsUrl('thread_nope'), body: { assistant_id: 'asst_weather', stream: true }, apiVersion: V2 })
  t.equal(unknown.statusCode, 404)
  t.match(unknown.headers['content-type'], /^application\/json/)
  t.same(unknown.json(), openAIError("No thread found with id 'thread_nope'."))
  const invalid = await built.call({ method: 'POST', url: runsUrl(threadId), body: { assistant_id: 'asst_weather', stream: 'yes' }, apiVersion: V2 })
  t.equal(invalid.statusCode, 400)
  t.same(built.app.runtime.tenants.shared.store.runs.list(threadId), [])

  const first = await built.call({ method: 'POST', url: runsUrl(threadId), body: { assistant_id: 'asst_weather' }, apiVersion: V2 })
  const locked = await built.call({ method: 'POST', url: runsUrl(threadId), body: { assistant_id: 'asst_weather', stream: true }, apiVersion: V2 })
  t.equal(locked.statusCode, 400)
  t.same(locked.json(), openAIError(`Thread ${threadId} already has an active run ${first.json().id}.`))
  const early = await built.call({ method: 'POST', url: `${runsUrl(threadId)}/${first.json().id}/submit_tool_outputs`, body: { stream: true, tool_outputs: [] }, apiVersion: V2 })
  t.same(early.json(), openAIError('Runs in status "queued" do not accept tool outputs.'))
  const noKey = await built.app.inject({ method: 'POST', url: `${runsUrl(threadId)}?api-version=${V2}`, payload: { assistant_id: 'asst_weather', stream: true } })
  t.equal(noKey.statusCode, 401)
  t.match(noKey.headers['content-type'], /^application\/json/)
})
