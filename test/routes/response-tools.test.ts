/**
 * file_search in the Responses API, in process: a response with a `file_search` tool searches the vector stores
 * it names (the same search and the same store as runs), shows a `file_search_call` item (`results` only when
 * `include[]` asks, at create or at retrieve) and cites what it found as `file_citation` annotations on
 * `output_text`; its stream has the file search and annotation events of responses-wire.md §7.4; tool_choice,
 * unknown vector stores, scripted searches and one fixture played as a run and as a response. Every answer and
 * event is checked against OpenAI's current document (test/contract).
 */
import { fileURLToPath } from 'node:url'
import { join } from 'node:path'
import t, { type Test } from 'tap'
import { codePointLength } from '../../src/tools/citations.js'
import { V2, build, openAIError } from '../helper.js'
import { eventTypes, on, responseEvents, DOORS } from '../support/responses.js'

const FIXTURES_DIR = fileURLToPath(new URL('../../fixtures/', import.meta.url))
const QUESTION = 'How long is the warranty on a tent?'
const FILE_SEARCH = { type: 'file_search', vector_store_ids: ['vs_handbook'] }

/** A scripted search's results, cited by the reply after it. */
const SCRIPTED = {
  name: 'scripted search',
  match: { message_contains: 'return policy' },
  steps: [
    { file_search: { query: 'returns', results: [{ file_name: 'returns.txt', text: 'Returns are accepted within 30 days.', score: 0.9 }] } },
    { reply: 'Within 30 days.{{citation.0}} Anything else?' }
  ]
}

/** An app on the fixtures directory (vs_handbook, asst_handbook), with `scenarios` tried first. */
function buildIt (t: Test, scenarios: readonly object[] = [SCRIPTED], timings = { queuedMs: 0, inProgressMs: 100 }) {
  const dir = t.testdir({ 'extra.json': JSON.stringify({ assistants: [], threads: [], scenarios }) })
  return build(t, { ...timings, fixtures: [FIXTURES_DIR, join(dir, 'extra.json')] })
}

type Item = any

t.test('an unscripted response with file_search searches the vector store, shows the call and cites the right file', async t => {
  const built = await buildIt(t)
  const call = on(built)
  const res = await call('POST', '/responses', { model: 'gpt-4o', input: QUESTION, tools: [FILE_SEARCH] })
  t.equal(res.statusCode, 200, res.body)
  const response = res.json()
  t.equal(response.status, 'completed')
  t.same(response.output.map((item: Item) => item.type), ['file_search_call', 'message'])
  const [search, message] = response.output as Item[]
  t.match(search, { id: /^fs_/, type: 'file_search_call', status: 'completed', queries: [QUESTION], results: null })
  const part = message.content[0]
  t.ok(part.annotations.length > 0, 'the answer cites')
  t.notMatch(part.text, '【', 'no citation markers in the Responses form')
  const warranty = part.annotations[0]
  t.match(warranty, { type: 'file_citation', file_id: /^assistant-|^file-/, filename: 'warranty.txt' })
  t.same(Object.keys(warranty).sort(), ['file_id', 'filename', 'index', 'type'])
  for (const annotation of part.annotations) t.ok(annotation.index >= 0 && annotation.index <= codePointLength(part.text), 'index within the text')
  t.match(part.text.slice(0, part.annotations[0].index), /warranty/i, 'the citation follows the quote it cites')
  t.same(response.tools, [{ type: 'file_search', filters: null, max_num_results: 20, ranking_options: { ranker: 'auto', score_threshold: 0 }, vector_store_ids: ['vs_handbook'] }])

  // The same search the Assistants API makes: the run over the same store finds the same file first.
  const run = (await built.call({ method: 'POST', url: '/openai/threads/thread_handbook/runs', body: { assistant_id: 'asst_handbook' }, apiVersion: V2 })).json()
  built.clock.advance(5000)
  const steps = (await built.call({ url: `/openai/threads/thread_handbook/runs/${run.id}/steps?order=asc`, apiVersion: V2 })).json().data
  t.equal(steps[0].step_details.tool_calls[0].file_search.results[0].file_id, warranty.file_id, 'runs and responses search alike')

  // usage: the search call's queries as output, and a second model call that reads what it found as input
  const plain = (await call('POST', '/responses', { model: 'gpt-4o', input: QUESTION })).json()
  t.ok(response.usage.input_tokens > 2 * plain.usage.input_tokens, 'the answer\'s model call read the search results')
  t.equal(response.usage.total_tokens, response.usage.input_tokens + response.usage.output_tokens)

  // results: when include[] asks at create, or at retrieve
  const retrieved = (await call('GET', `/responses/${response.id}?include[]=file_search_call.results`)).json()
  const results = retrieved.output[0].results
  t.ok(results.length > 0)
  t.match(results[0], { file_id: warranty.file_id, filename: 'warranty.txt', score: 1, attributes: {} })
  t.type(results[0].text, 'string')
  t.equal((await call('GET', `/responses/${response.id}`)).json().output[0].results, null, 'a plain retrieve leaves them out')
  const included = (await call('POST', '/responses', { model: 'gpt-4o', input: QUESTION, tools: [FILE_SEARCH], include: ['file_search_call.results'] })).json()
  t.same(included.output[0].results, results)
})

t.test('file_search on every door, and max_num_results', async t => {
  const built = await buildIt(t)
  for (const door of Object.keys(DOORS) as Array<keyof typeof DOORS>) {
    const res = await on(built, door)('POST', '/responses', {
      model: 'gpt-4o', input: QUESTION, tools: [{ ...FILE_SEARCH, max_num_results: 1 }], include: ['file_search_call.results']
    })
    t.equal(res.statusCode, 200, `${door}: ${res.body}`)
    const output = res.json().output
    t.equal(output[0].results.length, 1, `${door}: at most max_num_results`)
    t.equal(output[1].content[0].annotations[0].filename, 'warranty.txt', door)
  }
})

t.test('a stream shows the file search and each citation (responses-wire.md §7.4)', async t => {
  const built = await buildIt(t)
  const res = await built.app.inject({
    method: 'POST', url: '/v1/responses', headers: DOORS.openai.headers, payload: { model: 'gpt-4o', input: QUESTION, tools: [FILE_SEARCH], stream: true }
  })
  t.equal(res.statusCode, 200)
  const events = responseEvents(t, res.body)
  const types = eventTypes(events)
  t.same(types.slice(0, 8), [
    'response.created', 'response.in_progress',
    'response.output_item.added', 'response.file_search_call.in_progress', 'response.file_search_call.searching',
    'response.file_search_call.completed', 'response.output_item.done',
    'response.output_item.added'
  ])
  t.ok(types.includes('response.output_text.annotation.added'))
  t.same(types.slice(-4), ['response.output_text.done', 'response.content_part.done', 'response.output_item.done', 'response.completed'])
  const added = events.find(e => e.type === 'response.output_item.added')
  t.match(added.item, { type: 'file_search_call', status: 'in_progress', queries: [], results: null })
  const searchDone = events.find(e => e.type === 'response.output_item.done')
  t.match(searchDone.item, { type: 'file_search_call', status: 'completed', queries: [QUESTION] })
  for (const e of events.filter(e => e.type.startsWith('response.file_search_call.'))) t.match(e, { item_id: added.item.id, output_index: 0 })

  // Each annotation is added, in order, once the text before it has been written; the final snapshot agrees.
  const completed = events.at(-1).response
  const part = completed.output[1].content[0]
  let written = ''
  let next = 0
  for (const e of events) {
    if (e.type === 'response.output_text.delta') written += e.delta
    if (e.type !== 'response.output_text.annotation.added') continue
    t.match(e, { output_index: 1, content_index: 0, annotation_index: next, item_id: completed.output[1].id })
    t.same(e.annotation, part.annotations[next])
    t.equal(codePointLength(written), e.annotation.index, 'added where it stands')
    next++
  }
  t.equal(next, part.annotations.length)
  t.equal(written, part.text)
  const contentDone = events.find(e => e.type === 'response.content_part.done')
  t.same(contentDone.part.annotations, part.annotations)
})

t.test('a background response shows the search while it is searching', async t => {
  const built = await buildIt(t, [], { queuedMs: 0, inProgressMs: 1000 })
  const call = on(built)
  const created = (await call('POST', '/responses', { model: 'gpt-4o', input: QUESTION, tools: [FILE_SEARCH], background: true })).json()
  t.equal(created.status, 'queued')
  built.clock.advance(1)
  const early = (await call('GET', `/responses/${created.id}`)).json()
  t.equal(early.status, 'in_progress')
  t.match(early.output[0], { type: 'file_search_call', status: /^(in_progress|searching)$/ })
  built.clock.advance(2000)
  const done = (await call('GET', `/responses/${created.id}`)).json()
  t.equal(done.status, 'completed')
  t.equal(done.output[0].status, 'completed')
})

t.test('tool_choice: none never searches; a forced function is called first; an unknown vector store is refused', async t => {
  const built = await buildIt(t)
  const call = on(built)
  const none = (await call('POST', '/responses', { model: 'gpt-4o', input: QUESTION, tools: [FILE_SEARCH], tool_choice: 'none' })).json()
  t.same(none.output.map((item: Item) => item.type), ['message'])
  t.same(none.output[0].content[0].annotations, [])
  const forcedSearch = (await call('POST', '/responses', { model: 'gpt-4o', input: QUESTION, tools: [FILE_SEARCH], tool_choice: { type: 'file_search' } })).json()
  t.equal(forcedSearch.output[0].type, 'file_search_call')
  const fn = { type: 'function', name: 'lookup', parameters: { type: 'object', properties: {} } }
  const forced = (await call('POST', '/responses', { model: 'gpt-4o', input: QUESTION, tools: [FILE_SEARCH, fn], tool_choice: 'required' })).json()
  t.same(forced.output.map((item: Item) => item.type), ['function_call'])

  const unknown = await call('POST', '/responses', { model: 'gpt-4o', input: QUESTION, tools: [{ type: 'file_search', vector_store_ids: ['vs_missing'] }] })
  t.equal(unknown.statusCode, 404)
  t.same(unknown.json(), openAIError("No vector store found with id 'vs_missing'.", 'tools[0].vector_store_ids'))
  const nothing = (await call('POST', '/responses', { model: 'gpt-4o', input: 'Hi', tools: [{ type: 'file_search', vector_store_ids: [] }] })).json()
  t.same(nothing.output.map((item: Item) => item.type), ['message'], 'nothing to search: no search')
})

t.test('a scripted search plays the same as a run and as a response, and the answer\'s citation is where the marker is', async t => {
  const built = await buildIt(t)
  const response = (await on(built)('POST', '/responses', {
    model: 'gpt-4o', input: 'What is the return policy?', tools: [FILE_SEARCH], include: ['file_search_call.results']
  })).json()
  const [search, message] = response.output as Item[]
  t.same(search.queries, ['returns'])
  t.match(search.results, [{ filename: 'returns.txt', text: 'Returns are accepted within 30 days.', score: 0.9 }])
  t.equal(message.content[0].text, 'Within 30 days. Anything else?')
  t.match(message.content[0].annotations, [{ type: 'file_citation', filename: 'returns.txt', index: 'Within 30 days.'.length }])

  const thread = (await built.call({ method: 'POST', url: '/openai/threads', body: { messages: [{ role: 'user', content: 'What is the return policy?' }] }, apiVersion: V2 })).json()
  await built.call({ method: 'POST', url: `/openai/threads/${thread.id}/runs`, body: { assistant_id: 'asst_handbook' }, apiVersion: V2 })
  built.clock.advance(5000)
  const reply = (await built.call({ url: `/openai/threads/${thread.id}/messages?limit=1`, apiVersion: V2 })).json().data[0].content[0].text
  t.match(reply.value, /^Within 30 days\.【\d+:0†returns\.txt】 Anything else\?$/)
  t.equal(reply.annotations[0].file_citation.file_id, message.content[0].annotations[0].file_id, 'the same file cited by both APIs')
})

t.test('a function call, then the search after its output: the continuation keeps the scripted search', async t => {
  const built = await buildIt(t, [{
    name: 'call then search',
    match: { message_contains: 'order' },
    steps: [
      { tool_calls: [{ name: 'order_status', arguments: { id: 7 } }] },
      { file_search: { query: 'returns', results: [{ file_name: 'returns.txt', text: 'Returns within 30 days.' }] } },
      { reply: 'Order {{tool_outputs.0}}; returns within 30 days.{{citation.0}}' }
    ]
  }], { queuedMs: 0, inProgressMs: 0 })
  const call = on(built)
  const fn = { type: 'function', name: 'order_status', parameters: { type: 'object', properties: { id: { type: 'integer' } } } }
  const first = (await call('POST', '/responses', { model: 'gpt-4o', input: 'Where is my order?', tools: [fn, FILE_SEARCH] })).json()
  t.same(first.output.map((item: Item) => item.type), ['function_call'])
  const second = (await call('POST', '/responses', {
    model: 'gpt-4o',
    previous_response_id: first.id,
    tools: [fn, FILE_SEARCH],
    input: [{ type: 'function_call_output', call_id: first.output[0].call_id, output: 'shipped' }]
  })).json()
  t.same(second.output.map((item: Item) => item.type), ['file_search_call', 'message'])
  t.equal(second.output[1].content[0].text, 'Order shipped; returns within 30 days.')
  t.match(second.output[1].content[0].annotations, [{ filename: 'returns.txt', index: 'Order shipped; returns within 30 days.'.length }])
  // The call and the search are items of the chain: a third turn sees them.
  const items = (await call('GET', `/responses/${second.id}/input_items`)).json()
  t.equal(items.data[0].type, 'function_call_output')
})

t.test('the state document keeps a response\'s search and citations; a conversation keeps the search as an item', async t => {
  const built = await buildIt(t)
  const call = on(built)
  const { id } = (await call('POST', '/conversations', {})).json()
  const response = (await call('POST', '/responses', { model: 'gpt-4o', conversation: id, input: QUESTION, tools: [FILE_SEARCH], include: ['file_search_call.results'] })).json()
  const items = (await call('GET', `/conversations/${id}/items?order=asc`)).json().data
  t.same(items.map((item: Item) => item.type), ['message', 'file_search_call', 'message'])
  t.same(items[1], response.output[0], 'the search as the response showed it')
  t.same(items[2].content[0].annotations, response.output[1].content[0].annotations)

  const document = (await built.app.inject({ method: 'GET', url: '/_emulator/state' })).json()
  await built.app.inject({ method: 'POST', url: '/_emulator/reset' })
  t.equal((await built.app.inject({ method: 'PUT', url: '/_emulator/state', payload: document })).statusCode, 204)
  t.same((await call('GET', `/responses/${response.id}?include[]=file_search_call.results`)).json(), response)
})
