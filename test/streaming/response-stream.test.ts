/**
 * Responses streams in process: the event order of OA-SPEC / responses-wire.md §7 for text, function calls and
 * reasoning; background streams that follow the virtual clock; replays from `starting_after`; what cannot be
 * replayed; a cancel and a deletion seen by an open stream; a stream cut by a fault; one write per event. Every
 * event is checked against the document's schema for its type (test/support/responses.ts).
 */
import t from 'tap'
import { manualClock } from '../../src/clock.js'
import type { Fixtures } from '../../src/fixtures.js'
import { Errors } from '../../src/errors.js'
import { eventStream, formatEvent } from '../../src/http/sse.js'
import { startEmulator } from '../../src/index.js'
import { build, openAIError } from '../helper.js'
import { DOORS, eventTypes, on, responseEvents } from '../support/responses.js'
import { flush } from '../support/sse.js'

const FIXTURES: Fixtures = {
  assistants: [],
  threads: [],
  scenarios: [
    { name: 'call', match: { message_contains: 'weather' }, steps: [{ tool_calls: [{ name: 'get_weather', arguments: { city: 'Lisbon' } }] }, { reply: 'Sunny.' }] },
    { name: 'think', match: { message_contains: 'think' }, steps: [{ reasoning: 'Thinking it over.', reply: 'Done thinking.' }] },
    { name: 'paced', match: { message_contains: 'paced' }, timings: { stream_chunk_ms: 100 }, steps: [{ reply: 'one two three' }] }
  ]
}

const streamIt = (built: Awaited<ReturnType<typeof build>>, body: object, door: keyof typeof DOORS = 'openai') =>
  built.app.inject({ method: 'POST', url: `${DOORS[door].prefix}/responses`, headers: DOORS[door].headers, payload: { model: 'm', stream: true, ...body }, payloadAsStream: true })

/** The whole body of a streamed answer, once it has ended. */
async function bodyOf (res: Awaited<ReturnType<typeof streamIt>>): Promise<string> {
  const { text, ended } = chunksOf(res)
  await ended
  return text()
}

/** The chunks of a streamed answer, and when it ends. */
function chunksOf (res: Awaited<ReturnType<typeof streamIt>>) {
  const chunks: string[] = []
  const stream = res.stream()
  stream.setEncoding('utf8').on('data', (chunk: string) => chunks.push(chunk))
  const ended = new Promise<void>((resolve, reject) => { stream.on('end', resolve); stream.on('error', reject) })
  return { chunks, text: () => chunks.join(''), ended }
}

t.test('a foreground text stream: created, in_progress, the message\'s events, completed', async t => {
  const built = await build(t, {}, { fixtures: FIXTURES })
  const res = await streamIt(built, { input: 'Hello' })
  t.equal(res.statusCode, 200)
  t.match(res.headers['content-type'], 'text/event-stream')
  const { text, ended } = chunksOf(res)
  await ended
  t.notMatch(text(), '[DONE]', 'no [DONE] after the last event')
  const events = responseEvents(t, text())
  t.same(eventTypes(events), [
    'response.created', 'response.in_progress', 'response.output_item.added', 'response.content_part.added',
    'response.output_text.delta*', 'response.output_text.done', 'response.content_part.done', 'response.output_item.done', 'response.completed'
  ])
  t.equal(events[0].response.status, 'in_progress')
  const deltas = events.filter(e => e.type === 'response.output_text.delta').map(e => e.delta).join('')
  const completed = events.at(-1).response
  t.equal(deltas, completed.output[0].content[0].text, 'the deltas add up to the text')
  t.same((await on(built)('GET', `/responses/${completed.id}`)).json(), completed, 'GET shows what the stream completed')
  const replay = await on(built)('GET', `/responses/${completed.id}?stream=true`)
  t.same(replay.json(), openAIError(`Response with id '${completed.id}' not found.`), 'a foreground stream cannot be resumed')
})

t.test('function calls and reasoning stream their own events', async t => {
  const built = await build(t, {}, { fixtures: FIXTURES })
  const call = await streamIt(built, { input: 'What is the weather?', tools: [{ type: 'function', name: 'get_weather', parameters: { type: 'object', properties: {} } }] })
  const callEvents = responseEvents(t, await bodyOf(call))
  t.same(eventTypes(callEvents), [
    'response.created', 'response.in_progress', 'response.output_item.added', 'response.function_call_arguments.delta*',
    'response.function_call_arguments.done', 'response.output_item.done', 'response.completed'
  ])
  t.match(callEvents[2].item, { type: 'function_call', status: 'in_progress', arguments: '', name: 'get_weather' })
  t.match(callEvents.find(e => e.type === 'response.function_call_arguments.done'), { name: 'get_weather', arguments: '{"city":"Lisbon"}' })
  t.match(callEvents.at(-1).response, { status: 'completed', output: [{ type: 'function_call' }] })

  const think = responseEvents(t, await bodyOf(await streamIt(built, { input: 'think' })))
  t.same(eventTypes(think).slice(2, 9), [
    'response.output_item.added', 'response.reasoning_summary_part.added', 'response.reasoning_summary_text.delta*',
    'response.reasoning_summary_text.done', 'response.reasoning_summary_part.done', 'response.output_item.done', 'response.output_item.added'
  ])
  t.match(think.at(-1).response.output, [{ type: 'reasoning' }, { type: 'message' }])
})

t.test('a background stream follows the virtual clock and can be replayed from any event', async t => {
  const built = await build(t, { queuedMs: 100, inProgressMs: 300 }, { fixtures: FIXTURES })
  const res = await streamIt(built, { input: 'Hello', background: true })
  const live = chunksOf(res)
  await flush()
  const opening = responseEvents(t, live.text())
  t.same(opening.map(e => e.type), ['response.created', 'response.queued'], 'created and queued, both showing queued')
  t.equal(opening[0].response.status, 'queued')
  const { id } = opening[0].response
  built.clock.advance(100)
  await flush()
  t.match(responseEvents(t, live.text()).at(-1), { type: 'response.output_text.delta' }, 'in progress: the first chunk at once')
  built.clock.advance(300)
  await live.ended
  const all = responseEvents(t, live.text())
  t.same(eventTypes(all).slice(0, 4), ['response.created', 'response.queued', 'response.in_progress', 'response.output_item.added'])
  t.equal(all.at(-1).type, 'response.completed')

  const replay = await on(built)('GET', `/responses/${id}?stream=true`)
  t.equal(replay.body, live.text(), 'a replay without starting_after is the whole stream again')
  const after = await on(built)('GET', `/responses/${id}?stream=true&starting_after=4`)
  const rest = responseEvents(t, after.body, 'openai', 5)
  t.same(rest, all.slice(5), 'starting_after=N: the events after N')
  const plain = (await on(built)('POST', '/responses', { model: 'm', input: 'x', background: true })).json()
  t.equal((await on(built)('GET', `/responses/${plain.id}?stream=true`)).statusCode, 404, 'a background response created without stream cannot be streamed')
})

t.test('a paced stream: chunks every stream_chunk_ms', async t => {
  const built = await build(t, {}, { fixtures: FIXTURES })
  const live = chunksOf(await streamIt(built, { input: 'paced please' }))
  await flush()
  const count = () => responseEvents(t, live.text()).filter(e => e.type === 'response.output_text.delta').length
  t.equal(count(), 1)
  built.clock.advance(100)
  await flush()
  t.equal(count(), 2)
  built.clock.advance(200)
  await live.ended
  t.equal(count(), 3)
})

t.test('an open stream sees a cancel (it ends, with no event for it) and a deletion (an error event)', async t => {
  const built = await build(t, { queuedMs: 100, inProgressMs: 300 }, { fixtures: FIXTURES })
  const live = chunksOf(await streamIt(built, { input: 'Hello', background: true }))
  await flush()
  const { id } = responseEvents(t, live.text())[0].response
  built.clock.advance(150)
  await flush()
  t.match((await on(built)('POST', `/responses/${id}/cancel`)).json(), { status: 'cancelled' })
  await live.ended
  const events = responseEvents(t, live.text())
  t.notOk(events.some(e => e.type === 'response.completed'), 'no terminal event')
  t.match((await on(built)('GET', `/responses/${id}?stream=true`)).body, /response\.output_text\.delta/, 'the cancelled stream replays what it sent')

  const second = chunksOf(await streamIt(built, { input: 'Hello', background: true }))
  await flush()
  const other = responseEvents(t, second.text())[0].response.id
  await on(built)('DELETE', `/responses/${other}`)
  await second.ended
  const failed = responseEvents(t, second.text())
  t.same(failed.at(-1), { type: 'error', sequence_number: 2, code: null, message: `Response with id '${other}' not found.`, param: null })
})

t.test('a store: false stream is forgotten once it ends', async t => {
  const built = await build(t, {}, { fixtures: FIXTURES })
  const res = await streamIt(built, { input: 'Hello', store: false })
  const events = responseEvents(t, await bodyOf(res))
  t.equal(events.at(-1).type, 'response.completed')
  t.equal(events.at(-1).response.store, false)
  await flush()
  t.same(built.app.runtime.tenants.shared.store.responses.list(), [], 'nothing kept')
})

t.test('over a socket: a stream_cut fault cuts a response stream after N events', async t => {
  const emulator = await startEmulator({ queuedMs: 0, inProgressMs: 0 })
  t.teardown(() => emulator.close())
  emulator.faults.add({ match: { method: 'POST', path: '/v1/responses' }, fault: { type: 'stream_cut', after_events: 3 }, times: 1 })
  const start = () => fetch(`${emulator.url}/v1/responses`, {
    method: 'POST',
    headers: { authorization: `Bearer ${emulator.apiKey}`, 'content-type': 'application/json' },
    body: JSON.stringify({ model: 'm', input: 'Hello', stream: true })
  })
  let text = ''
  let cut = false
  try {
    for await (const chunk of (await start()).body!) text += Buffer.from(chunk).toString('utf8')
  } catch {
    cut = true
  }
  t.ok(cut, 'the connection was cut')
  t.same(responseEvents(t, text).map(e => e.type), ['response.created', 'response.in_progress', 'response.output_item.added'])
  const whole = responseEvents(t, await (await start()).text())
  t.equal(whole.at(-1).type, 'response.completed', 'the next stream is whole')
})

t.test('one write per event: the writer hands every event to the response on its own', async t => {
  const clock = manualClock()
  const events = [0, 1, 2].map(i => ({ event: 'e', data: { i } }))
  let pulled = false
  const stream = eventStream({ pull: () => { pulled = true; return { events, done: true, nextAt: null } } }, { clock, onePerWrite: true, endWith: null, internalError: Errors.internal('openai', 'req-1') })
  const chunks: string[] = []
  for await (const chunk of stream) chunks.push(String(chunk))
  t.ok(pulled)
  t.same(chunks, events.map(({ event, data }) => formatEvent(event, data)), 'three writes, one event each, nothing after')
})

t.test('the Foundry door streams its own snapshots (agent_reference), checked against its document', async t => {
  const built = await build(t, {}, { fixtures: FIXTURES })
  const events = responseEvents(t, await bodyOf(await streamIt(built, { input: 'Hello' }, 'foundry')), 'foundry')
  t.equal(events[0].response.agent_reference, null)
})

t.test('a long reply is described as it is pulled: each pull gives at most what it asks for, numbered on from the last', async t => {
  const { responseEventSource } = await import('../../src/responses/events.js')
  const built = await build(t)
  const words = Array.from({ length: 3000 }, (_, i) => `word${i}`).join(' ')
  const created = (await on(built)('POST', '/responses', { model: 'gpt-4o', input: words, background: true })).json()
  built.clock.advance(60_000)
  const { store } = built.app.runtime.tenants.shared
  const record = store.responses.get(created.id)!
  const source = responseEventSource({ store, clock: built.clock, record, flavour: 'openai' })
  const first = source.pull(16)
  t.equal(first.events.length, 16, 'the first pull: 16 events')
  t.same(first.events.map(e => (e.data as { sequence_number: number }).sequence_number), Array.from({ length: 16 }, (_, i) => i))
  let total = 16
  let pulled = first
  while (!pulled.done) {
    pulled = source.pull(16)
    t.ok(pulled.events.length <= 18, 'never more than asked for, and the events of the happening that crossed it')
    total += pulled.events.length
    if (total > 20_000) break
  }
  t.ok(total > 3000, `${total} events in all, a delta a chunk`)
  const resumed = responseEventSource({ store, clock: built.clock, record, flavour: 'openai', startingAfter: total - 3 })
  const tail = resumed.pull(16)
  t.same(tail.events.map(e => (e.data as { sequence_number: number }).sequence_number), [total - 2, total - 1], 'a replay starts after starting_after')
  t.equal(tail.done, true)
})
