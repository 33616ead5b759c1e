/**
 * The inspector's views of the Responses API (GET /_emulator/inspector/responses…, …/conversations…), in
 * process: a background response moving on in its view, the list and the overview's in-flight table as the
 * virtual clock advances; a function call with the output a later response gave it; a conversation's items in
 * order with the responses that added them, a page at a time.
 */
import { fileURLToPath } from 'node:url'
import t from 'tap'
import type { Fixtures } from '../../src/fixtures.js'
import { build, type Built } from '../helper.js'
import { field, section, view } from '../support/inspector.js'

const fixtures: Fixtures = {
  assistants: [],
  threads: [],
  scenarios: [
    { name: 'thinking', match: { message_contains: 'think' }, steps: [{ reply: 'Done.', reasoning: 'Weighing it up.' }] },
    { name: 'weather lookup', match: { message_contains: 'weather' }, steps: [{ tool_calls: [{ name: 'get_weather', arguments: { city: 'Paris' } }] }, { reply: 'Sunny: {{tool_outputs.0}}' }] }
  ],
  faults: []
}
const WEATHER_TOOL = { type: 'function', name: 'get_weather', parameters: { type: 'object', properties: { city: { type: 'string' } } } }

/** A POST on the Azure v1 door; a foreground create waits on the clock, so the clock is moved while it does. */
async function post (built: Built, url: string, body: unknown, advanceMs = 0) {
  const pending = built.call({ method: 'POST', url: `/openai/v1${url}`, apiVersion: null, body })
  if (advanceMs > 0) {
    await new Promise(resolve => setImmediate(resolve))
    built.clock.advance(advanceMs)
  }
  const res = await pending
  if (res.statusCode !== 200) throw new Error(`${url}: ${res.statusCode} ${res.body}`)
  return res.json()
}

t.test('a background response moves on in its view, in the list, in the overview and in its conversation', async t => {
  const built = await build(t, {}, { fixtures })
  const conversation = await post(built, '/conversations', { metadata: { suite: 'inspector' } })
  const start = built.clock.now()
  const bg = await post(built, '/responses', { model: 'gpt-4o', input: 'Hello in the background', background: true, conversation: conversation.id, metadata: { suite: 'inspector' } })
  await post(built, '/responses', { model: 'gpt-4o', input: 'Not kept', store: false }, 5000)
  built.clock.set(start)

  const overview = await view(built, 'overview')
  const live = section(overview, 'In flight').rows
  t.equal(live.length, 1, 'only the background response is in flight')
  t.match(live[0], { id: bg.id, ref: `responses/${bg.id}`, cells: { status: { status: 'queued' }, parent: { type: 'link', text: conversation.id, ref: `conversations/${conversation.id}` } } })
  t.equal(overview.next_change_at, start + 500, 'the overview says when it moves on')

  const listed = await view(built, 'responses')
  t.match(listed, { object: 'inspector.list', kind: 'responses', title: 'Responses', total: 1, next_change_at: start + 500 })
  t.match(listed.data[0], { id: bg.id, cells: { id: { type: 'link', ref: `responses/${bg.id}` }, status: { status: 'queued' }, model: { text: 'gpt-4o' }, agent: null, created: { ms: start }, tokens: null } })
  t.equal((await view(built, 'responses?q=suite=inspector')).total, 1, 'searched by metadata')
  t.equal((await view(built, `responses?q=${bg.id.slice(5, 15)}`)).total, 1, 'searched by id')
  t.equal((await view(built, 'responses?q=nothing-like-it')).total, 0)
  t.match(listed.navigation.filter((k: { name: string }) => k.name === 'responses' || k.name === 'conversations'), [{ name: 'responses', count: 1 }, { name: 'conversations', count: 1 }])

  const queued = await view(built, `responses/${bg.id}`)
  t.match(queued, { kind: 'responses', id: bg.id, title: `Response ${bg.id}`, status: 'queued', next_change_at: start + 500, trail: [{ text: 'Responses', ref: 'responses' }] })
  t.equal(field(queued, 'background'), true)
  t.same(field(queued, 'conversation'), { type: 'link', text: conversation.id, ref: `conversations/${conversation.id}` })
  t.equal(field(queued, 'usage'), undefined, 'no usage before it ends')
  t.same(section(queued, 'Timeline').timeline.lanes, [{ label: 'status', spans: [{ status: 'queued', from: start, to: null }] }])
  t.same(section(queued, 'Output').entries, [])
  t.match(section(queued, 'Input').entries, [{ title: 'message (user)', blocks: [{ label: 'input_text', text: 'Hello in the background' }] }])
  t.same(queued.actions, [{ label: 'Move the response to its next status', method: 'POST', path: `/_emulator/responses/${bg.id}/advance`, body: {} }])
  const pendingConversation = await view(built, `conversations/${conversation.id}`)
  t.equal(pendingConversation.next_change_at, start + 500, 'its conversation changes when the response does')
  t.match(field(pendingConversation, 'responses under way'), { type: 'list', items: [{ text: bg.id }] })
  t.same(section(pendingConversation, 'Items').entries, [])

  built.clock.advance(600)
  const going = await view(built, `responses/${bg.id}`)
  t.equal(going.status, 'in_progress')
  t.same(section(going, 'Timeline').timeline.lanes[0].spans, [{ status: 'queued', from: start, to: start + 500 }, { status: 'in_progress', from: start + 500, to: null }])
  t.equal(section(going, 'Timeline').timeline.live, true)

  built.clock.advance(10_000)
  const done = await view(built, `responses/${bg.id}`)
  t.equal(done.status, 'completed')
  t.equal(done.next_change_at, null)
  t.same(done.actions, [])
  t.match(field(done, 'usage'), /^\d+ input \+ \d+ output \(0 reasoning\) = \d+ tokens$/)
  const timeline = section(done, 'Timeline').timeline
  t.equal(timeline.live, false)
  t.same(timeline.lanes[0].spans.map((s: { status: string }) => s.status), ['queued', 'in_progress', 'completed'])
  t.match(timeline.lanes[1], { label: 'item 1: message', spans: [{ status: 'completed' }] })
  const [reply] = section(done, 'Output').entries
  t.match(reply, { title: 'message (assistant)', status: 'completed', blocks: [{ label: 'output_text', text: /\S/ }] })
  t.match(JSON.parse(section(done, 'As the API shows it').blocks.at(-1).text), { id: bg.id, status: 'completed', background: true })
  t.same(section(await view(built, 'overview'), 'In flight').rows, [], 'no longer in flight')
  t.match((await view(built, 'responses')).data[0].cells, { status: { status: 'completed' }, tokens: Number })

  const settled = await view(built, `conversations/${conversation.id}`)
  t.equal(settled.next_change_at, null)
  t.match(section(settled, 'Items').entries.map((e: { title: string, fields: unknown[] }) => [e.title, e.fields[1]]), [
    ['message (user)', { label: 'added by', value: { type: 'link', text: bg.id } }],
    ['message (assistant)', { label: 'added by', value: { type: 'link', text: bg.id } }]
  ])
  t.match(section(settled, 'Responses').rows, [{ id: bg.id }])
})

t.test('a function call with its arguments and the output a later response gave it, in a conversation shown a page at a time', async t => {
  const built = await build(t, {}, { fixtures })
  const conversation = await post(built, '/conversations', { metadata: { topic: 'weather' }, items: [{ type: 'message', role: 'user', content: 'Hi there' }] })
  const asked = await post(built, '/responses', { model: 'gpt-4o', input: 'What is the weather?', tools: [WEATHER_TOOL], conversation: conversation.id }, 5000)
  const call = asked.output.find((item: { type: string }) => item.type === 'function_call')
  t.ok(call, 'the scenario called the function')

  const waiting = await view(built, `responses/${asked.id}`)
  t.equal(waiting.status, 'completed')
  t.same(field(waiting, 'tools'), { type: 'list', items: [{ type: 'code', text: 'function get_weather' }] })
  const [callEntry] = section(waiting, 'Output').entries
  t.match(callEntry, { title: 'function_call get_weather', status: 'completed', blocks: [{ label: 'get_weather(…): arguments', text: '{\n  "city": "Paris"\n}', format: 'json' }] })
  t.equal(callEntry.blocks.length, 1, 'no output given yet')

  const answered = await post(built, '/responses', {
    model: 'gpt-4o', tools: [WEATHER_TOOL], conversation: conversation.id, input: [{ type: 'function_call_output', call_id: call.call_id, output: '21°C' }]
  }, 5000)
  const withOutput = section(await view(built, `responses/${asked.id}`), 'Output').entries[0]
  t.same(withOutput.fields.find((f: { label: string }) => f.label === 'output given in').value, { type: 'link', text: answered.id, ref: `responses/${answered.id}` })
  t.match(withOutput.blocks[1], { label: 'output', text: '21°C' })
  const answer = await view(built, `responses/${answered.id}`)
  t.match(section(answer, 'Input').entries, [{ title: 'function_call_output', blocks: [{ label: 'output', text: '21°C' }] }])
  t.match(section(answer, 'Output').entries, [{ title: 'message (assistant)', blocks: [{ text: 'Sunny: 21°C' }] }])

  const conversations = await view(built, 'conversations?q=topic=weather')
  t.match(conversations, { kind: 'conversations', total: 1, data: [{ id: conversation.id, cells: { items: 5, pending: 0, metadata: { type: 'list', items: [{ text: 'topic=weather' }] } } }] })
  const shown = await view(built, `conversations/${conversation.id}`)
  t.match(shown, { title: `Conversation ${conversation.id}`, trail: [{ text: 'Conversations', ref: 'conversations' }] })
  const items = section(shown, 'Items')
  t.same(items.entries.map((e: { title: string }) => e.title), ['message (user)', 'message (user)', 'function_call get_weather', 'function_call_output', 'message (assistant)'])
  t.same(items.entries.map((e: { fields: Array<{ value: { text?: string } | string }> }) => typeof e.fields[1]!.value === 'string' ? null : e.fields[1]!.value.text),
    [null, asked.id, asked.id, answered.id, answered.id], 'each item links to the response that added it')
  t.same(section(shown, 'Responses').rows.map((r: { id: string }) => r.id), [answered.id, asked.id], 'newest first')

  for (let i = 0; i < 3; i++) {
    await post(built, `/conversations/${conversation.id}/items`, { items: Array.from({ length: 20 }, (_, n) => ({ type: 'message', role: 'user', content: `note ${i * 20 + n}` })) })
  }
  const last = section(await view(built, `conversations/${conversation.id}`), 'Items')
  t.same(last.page, { param: 'items', offset: 50, limit: 50, total: 65 }, 'the newest page first')
  t.equal(last.entries.at(-1).blocks[0].text, 'note 59')
  const first = section(await view(built, `conversations/${conversation.id}?items=0`), 'Items')
  t.equal(first.entries.length, 50)
  t.equal(first.entries[0].blocks[0].text, 'Hi there')
})

t.test('what it does not show: a response not stored, a deleted conversation, an unknown id', async t => {
  const built = await build(t, {}, { fixtures })
  const conversation = await post(built, '/conversations', {})
  const forgotten = await post(built, '/responses', { model: 'gpt-4o', input: 'Not kept', store: false }, 5000)
  await built.call({ method: 'DELETE', url: `/openai/v1/conversations/${conversation.id}`, apiVersion: null })
  t.equal((await view(built, 'responses')).total, 0)
  t.equal((await view(built, 'conversations')).total, 0)
  t.match(await view(built, `responses/${forgotten.id}`, 404), { error: { message: `No response found with id '${forgotten.id}'.` } })
  t.match(await view(built, `conversations/${conversation.id}`, 404), { error: { message: `No conversation found with id '${conversation.id}'.` } })
})

t.test('a file search with its queries and results, the citations it gave, a reasoning summary', async t => {
  const built = await build(t, { fixtures: fileURLToPath(new URL('../../fixtures/', import.meta.url)) })
  const searched = await post(built, '/responses', {
    model: 'gpt-4o', input: 'How long is the warranty on a tent?', tools: [{ type: 'file_search', vector_store_ids: ['vs_handbook'] }], include: ['file_search_call.results']
  }, 10_000)
  const shown = await view(built, `responses/${searched.id}`)
  t.same(shown.fields.find((f: { label: string }) => f.label === 'tools').value, { type: 'list', items: [{ type: 'code', text: 'file_search' }] })
  const [search, reply] = section(shown, 'Output').entries
  t.match(search, { title: 'file_search_call', status: 'completed' })
  t.same(field(search, 'queries'), { type: 'list', items: [{ type: 'code', text: 'How long is the warranty on a tent?' }] })
  t.equal(field(search, 'results'), searched.output[0].results.length)
  t.match(search.blocks[0], { label: /^result 1: warranty\.txt \(file-\w+\)$/, note: 'score 1', text: /two-year warranty/ })
  t.match(reply, { title: 'message (assistant)', blocks: [{ label: 'output_text' }, { label: 'annotations', format: 'json' }] })
  t.match(JSON.parse(reply.blocks[1].text), [{ type: 'file_citation', filename: String }])
  t.match(field(reply, 'annotated files'), { type: 'list', items: [{ type: 'link', ref: /^files\/file-\w+$/ }] })
  t.same(section(shown, 'Timeline').timeline.lanes.map((lane: { label: string }) => lane.label), ['status', 'item 1: file_search_call', 'item 2: message'])

  const scripted = await build(t, {}, { fixtures })
  const thought = await post(scripted, '/responses', { model: 'gpt-4o', input: 'Think it over.' }, 10_000)
  const [reasoning, answer] = section(await view(scripted, `responses/${thought.id}`), 'Output').entries
  t.match(reasoning, { title: 'reasoning', blocks: [{ label: 'summary', text: 'Weighing it up.' }] })
  t.match(answer, { title: 'message (assistant)', blocks: [{ label: 'output_text', text: 'Done.' }] })
  t.match(field(await view(scripted, `responses/${thought.id}`), 'usage'), /^\d+ input \+ \d+ output \([1-9]\d* reasoning\) = \d+ tokens$/)
})
