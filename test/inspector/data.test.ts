/**
 * The inspector's data (GET /_emulator/inspector/…), in process: the overview, every kind's list and object
 * views as they follow the store and the clock, a run's timeline, the requests journal with its bodies, and
 * the 404s. The page draws exactly these documents (src/inspector/view.ts).
 */
import { fileURLToPath } from 'node:url'
import t from 'tap'
import type { Fixtures } from '../../src/fixtures.js'
import { build, multipart, seedAssistantAndThread, uploadFile, V2, type Built } from '../helper.js'
import { field, section, view, type Section } from '../support/inspector.js'

const FIXTURES_DIR = fileURLToPath(new URL('../../fixtures/', import.meta.url))

const fixtures: Fixtures = {
  assistants: [],
  threads: [],
  scenarios: [
    { name: 'weather lookup', match: { message_contains: 'weather' }, steps: [{ tool_calls: [{ name: 'get_weather', arguments: { city: 'Paris' } }] }, { reply: 'Sunny: {{tool_outputs.0}}' }] },
    { match: { message_contains: 'broken' }, steps: [{ fail: { code: 'server_error' } }] }
  ],
  faults: []
}

async function weatherRun (built: Built) {
  const assistant = (await built.call({ method: 'POST', url: '/openai/assistants', body: { model: 'gpt-4o', name: 'Weather', tools: [{ type: 'function', function: { name: 'get_weather', parameters: { type: 'object', properties: {} } } }] }, apiVersion: V2 })).json()
  const thread = (await built.call({ method: 'POST', url: '/openai/threads', body: { messages: [{ role: 'user', content: 'What is the weather?' }], metadata: { suite: 'inspector' } }, apiVersion: V2 })).json()
  const run = (await built.call({ method: 'POST', url: `/openai/threads/${thread.id}/runs`, body: { assistant_id: assistant.id }, apiVersion: V2 })).json()
  return { assistantId: assistant.id as string, threadId: thread.id as string, runId: run.id as string }
}

t.test('a run\'s view follows the clock: timeline, steps with arguments and outputs, scenario, next change', async t => {
  const built = await build(t, {}, { fixtures })
  const { threadId, runId, assistantId } = await weatherRun(built)
  const ref = `threads/${threadId}/runs/${runId}`

  const queued = await view(built, ref)
  t.match(queued, { object: 'inspector.detail', kind: 'threads', id: runId, title: `Run ${runId}`, status: 'queued', clock: 'virtual', now: built.clock.now() })
  t.equal(queued.next_change_at, built.clock.now() + 500, 'it says when it next changes by itself')
  t.same(queued.trail, [{ text: 'Threads', ref: 'threads' }, { text: threadId, ref: `threads/${threadId}` }])
  t.same(field(queued, 'scenario'), { type: 'code', text: 'weather lookup' })
  t.same(field(queued, 'assistant'), { type: 'link', text: assistantId, ref: `assistants/${assistantId}` })
  t.same(queued.actions, [{ label: 'Move the run to its next status', method: 'POST', path: `/_emulator/runs/${runId}/advance`, body: {} }])
  t.same(section(queued, 'Timeline').timeline.lanes, [{ label: 'status', spans: [{ status: 'queued', from: built.clock.now(), to: null }] }])
  t.equal(section(queued, 'Timeline').timeline.live, true)
  t.same(section(queued, 'Steps').entries, [])
  t.same(queued.navigation.map((k: { name: string }) => k.name), ['threads', 'assistants', 'files', 'vector_stores', 'responses', 'conversations', 'requests'])

  const start = built.clock.now()
  built.clock.advance(2000)
  const waiting = await view(built, ref)
  t.equal(waiting.status, 'requires_action')
  const timeline = section(waiting, 'Timeline').timeline
  t.same(timeline.lanes[0].spans, [
    { status: 'queued', from: start, to: start + 500 },
    { status: 'in_progress', from: start + 500, to: start + 2000 },
    { status: 'requires_action', from: start + 2000, to: null }
  ])
  t.match(timeline.lanes[1], { label: 'step 1: tool calls: get_weather', spans: [{ status: 'in_progress', from: start + 2000, to: null }] })
  t.same(timeline.events.map((e: { text: string }) => e.text.replace(/step_\w+/, 'step_x')),
    ['status: queued', 'status: in_progress', 'step step_x created (tool calls: get_weather)', 'status: requires_action'])
  const step = section(waiting, 'Steps').entries[0]
  t.match(step, { title: 'tool_calls', status: 'in_progress', at: start + 2000 })
  t.match(step.blocks[0], { label: /^get_weather\(…\) call_\w+: arguments$/, text: '{\n  "city": "Paris"\n}', format: 'json' })
  t.match(field(waiting, 'required_action'), { type: 'json', value: { type: 'submit_tool_outputs' } })

  const callId = /call_\w+/.exec(step.blocks[0].label)![0]
  built.clock.advance(1000)
  const submitted = await built.call({ method: 'POST', url: `/openai/threads/${threadId}/runs/${runId}/submit_tool_outputs`, body: { tool_outputs: [{ tool_call_id: callId, output: '21 °C' }] }, apiVersion: V2 })
  t.equal(submitted.statusCode, 200)
  built.clock.advance(5000)
  const done = await view(built, ref)
  t.equal(done.status, 'completed')
  t.equal(done.next_change_at, null)
  t.same(done.actions, [], 'an ended run cannot be moved on')
  t.equal(field(done, 'usage'), field(done, 'usage'), 'usage is shown')
  t.match(field(done, 'usage'), /^\d+ prompt \+ \d+ completion = \d+ tokens$/)
  const ended = section(done, 'Timeline').timeline
  t.equal(ended.live, false)
  t.same(ended.marks, [{ at: start + 3000, label: 'tool outputs submitted (1)' }])
  t.same(ended.lanes[0].spans.map((s: { status: string }) => s.status), ['queued', 'in_progress', 'requires_action', 'queued', 'in_progress', 'completed'])
  t.match(ended.lanes[0].spans.at(-1), { status: 'completed', to: ended.end })
  t.ok(ended.events.some((e: { text: string }) => e.text === `tool outputs submitted: ${callId}`))
  const steps = section(done, 'Steps').entries
  t.equal(steps.length, 2)
  t.match(steps[0].blocks[1], { label: /: output$/, text: '21 °C' })
  t.match(steps[1], { title: 'message_creation', status: 'completed' })
  t.match(steps[1].fields[1], { label: 'message', value: { type: 'link', ref: new RegExp(`^threads/${threadId}#msg_`) } })
  t.match(section(done, 'As the API shows it').blocks.at(-1), { format: 'json', text: /"status": "completed"/ })

  // The thread shows the reply the run wrote, as a client's read would.
  const thread = await view(built, `threads/${threadId}`)
  const messages = section(thread, 'Messages')
  t.same(messages.entries.map((m: { title: string }) => m.title), ['user', 'assistant'])
  t.match(messages.entries[1], { status: 'completed', blocks: [{ label: 'text', text: 'Sunny: 21 °C' }] })
  t.match(section(thread, 'Runs').rows, [{ id: runId, cells: { status: { type: 'status', status: 'completed' }, scenario: 'weather lookup' } }])
  t.same(field(thread, 'metadata'), { type: 'list', items: [{ type: 'code', text: 'suite=inspector' }] })
})

t.test('hosted tools in a run: a file search with its results and the citations it gave, a code_interpreter call with its input, logs and image', async t => {
  const built = await build(t, { fixtures: FIXTURES_DIR, queuedMs: 0, inProgressMs: 100 })
  const searched = (await built.call({ method: 'POST', url: '/openai/threads/thread_handbook/runs', body: { assistant_id: 'asst_handbook' }, apiVersion: V2 })).json()
  built.clock.advance(5000)
  const run = await view(built, `threads/thread_handbook/runs/${searched.id}`)
  t.equal(run.status, 'completed')
  t.same(section(run, 'Timeline').timeline.lanes.map((lane: { label: string }) => lane.label), ['status', 'step 1: file_search: 3 results', 'step 2: message'])
  t.match(section(run, 'Timeline').timeline.events.map((e: { text: string }) => e.text), [/./, /./, /^step step_\w+ created \(file_search: 3 results\)$/])
  const [search, reply] = section(run, 'Steps').entries
  t.equal(search.title, 'tool_calls')
  t.match(field(search, 'call'), { type: 'code', text: /^file_search call_\w+$/ })
  t.same(field(search, 'queries'), { type: 'list', items: [{ type: 'code', text: 'How long is the warranty on a tent?' }] })
  t.same(field(search, 'ranking'), { type: 'code', text: 'default_2024_08_21, score_threshold 0' })
  t.equal(field(search, 'results'), 3)
  t.match(search.blocks[0], { label: /^result 1: warranty\.txt \((?:file|assistant)-\w+\)$/, note: 'score 1', text: /two-year warranty/ })
  t.equal(reply.title, 'message_creation')

  const thread = await view(built, 'threads/thread_handbook')
  const answer = section(thread, 'Messages').entries.at(-1)
  const annotations = JSON.parse(answer.blocks.find((b: { label: string }) => b.label === 'annotations').text)
  t.match(annotations, [{ type: 'file_citation', text: '【2:0†warranty.txt】', file_citation: { file_id: /^(?:file|assistant)-/ } }], 'in the wire\'s v2 shape')
  t.same(field(answer, 'annotated files'), { type: 'list', items: [{ type: 'link', text: annotations[0].file_citation.file_id, ref: `files/${annotations[0].file_citation.file_id}` }] })

  const analystThread = (await built.call({ method: 'POST', url: '/openai/threads', body: { messages: [{ role: 'user', content: 'Chart the sales.' }] }, apiVersion: V2 })).json().id
  const analysed = (await built.call({ method: 'POST', url: `/openai/threads/${analystThread}/runs`, body: { assistant_id: 'asst_analyst' }, apiVersion: V2 })).json()
  built.clock.advance(5000)
  const coded = await view(built, `threads/${analystThread}/runs/${analysed.id}`)
  t.equal(coded.status, 'completed')
  t.equal(section(coded, 'Timeline').timeline.lanes[1].label, 'step 1: code_interpreter: logs, image')
  const [code] = section(coded, 'Steps').entries
  t.match(field(code, 'call'), { type: 'code', text: /^code_interpreter call_\w+$/ })
  t.match(code.blocks, [{ label: 'input', text: /^import matplotlib/ }, { label: 'logs', text: 'Best month: 6 (125 units)\n' }])
  const image = field(code, 'image') as { type: string, text: string, ref: string }
  t.match(image, { type: 'link', ref: `files/${image.text}` })
  t.match(await view(built, image.ref), { title: /monthly-sales\.png/ }, 'the image it made is a file the inspector shows')
})

t.test('a failed run shows last_error; an unnamed scenario is named by its place', async t => {
  const built = await build(t, {}, { fixtures })
  const { assistantId, threadId } = await seedAssistantAndThread(built, V2)
  await built.call({ method: 'POST', url: `/openai/threads/${threadId}/messages`, body: { role: 'user', content: 'this is broken' }, apiVersion: V2 })
  const run = (await built.call({ method: 'POST', url: `/openai/threads/${threadId}/runs`, body: { assistant_id: assistantId }, apiVersion: V2 })).json()
  built.clock.advance(10_000)
  const failed = await view(built, `threads/${threadId}/runs/${run.id}`)
  t.equal(failed.status, 'failed')
  t.same(field(failed, 'scenario'), { type: 'code', text: '#2' })
  t.match(field(failed, 'last_error'), { type: 'json', value: { code: 'server_error' } })
  const plain = (await built.call({ method: 'POST', url: '/openai/threads/runs', body: { assistant_id: assistantId, thread: { messages: [{ role: 'user', content: 'hi' }] } }, apiVersion: V2 })).json()
  t.equal(field(await view(built, `threads/${plain.thread_id}/runs/${plain.id}`), 'scenario'), 'none (the default reply)')
})

t.test('lists: newest first, searched by id and metadata, in pages that walk thousands of objects once', async t => {
  const built = await build(t)
  const { services } = built.app.runtime.tenants.shared
  const ids: string[] = []
  for (let i = 0; i < 2500; i++) {
    ids.push(services.threads.create({ metadata: { n: String(i), team: i % 2 === 0 ? 'even' : 'odd' } }).id)
    if (i % 100 === 0) built.clock.advance(1)
  }
  const first = await view(built, 'threads')
  t.match(first, { object: 'inspector.list', kind: 'threads', title: 'Threads', total: 2500, newer: null, search: { q: '', label: 'Search threads by id or metadata' } })
  t.equal(first.data.length, 50)
  t.equal(first.data[0].id, ids.at(-1), 'newest first')
  t.equal(first.older, ids.at(-50))
  t.same(first.columns.map((c: { key: string }) => c.key), ['id', 'created', 'metadata', 'messages', 'runs', 'latest_run', 'latest_status'])
  t.match(first.data[0].cells, { id: { type: 'link', ref: `threads/${ids.at(-1)}` }, messages: 0, runs: 0, latest_run: null })
  t.equal(first.navigation.find((k: { name: string }) => k.name === 'threads').count, 2500)

  const seen = new Set<string>()
  let page = await view(built, 'threads?limit=100')
  let pages = 1
  for (;;) {
    for (const row of page.data) seen.add(row.id)
    if (page.older === null) break
    page = await view(built, `threads?limit=100&after=${page.older}`)
    pages++
  }
  t.equal(pages, 25)
  t.equal(seen.size, 2500, 'every thread once')

  const second = await view(built, `threads?after=${first.older}`)
  t.equal(second.newer, second.data[0].id)
  const back = await view(built, `threads?before=${second.newer}`)
  t.same(back.data.map((r: { id: string }) => r.id), first.data.map((r: { id: string }) => r.id), 'Newer comes back to the first page')
  t.equal(back.newer, null, 'nothing newer than the newest')
  t.equal(back.older, first.older)

  const search = await view(built, 'threads?q=team%3Dodd&limit=10')
  t.equal(search.total, 1250)
  t.ok(search.data.every((r: { cells: { metadata: { items: Array<{ text: string }> } } }) => r.cells.metadata.items.some(i => i.text === 'team=odd')))
  t.equal((await view(built, `threads?q=${ids[7]!.toUpperCase()}`)).total, 1, 'ids, case-insensitively')
  t.equal((await view(built, 'threads?q=no-such-thing')).total, 0)
  t.equal((await view(built, 'threads?after=thread_unknown')).data.length, 0, 'an unknown cursor ends the walk')

  built.clock.advance(5)
  services.threads.create({})
  const again = await view(built, `threads?after=${first.older}`)
  t.same(again.data.map((r: { id: string }) => r.id), second.data.map((r: { id: string }) => r.id), 'a later page stays put when new objects arrive')
})

t.test('a thread with many messages is shown a page at a time, the newest page first', async t => {
  const built = await build(t)
  const { services } = built.app.runtime.tenants.shared
  const thread = services.threads.create({ messages: Array.from({ length: 120 }, (_, i) => ({ role: 'user' as const, content: `message ${i}` })) })
  const last = await view(built, `threads/${thread.id}`)
  const messages = section(last, 'Messages')
  t.same(messages.page, { param: 'messages', offset: 100, limit: 50, total: 120 })
  t.equal(messages.entries[0].blocks[0].text, 'message 100')
  t.equal(messages.entries.at(-1).blocks[0].text, 'message 119')
  const firstPage = section(await view(built, `threads/${thread.id}?messages=0`), 'Messages')
  t.equal(firstPage.entries[0].blocks[0].text, 'message 0')
  t.equal(section(await view(built, `threads/${thread.id}?messages=9999`), 'Messages').page.offset, 100, 'past the end: the last page')
})

t.test('assistants, files and vector stores: their lists, objects, file chunks and a search over a store', async t => {
  const built = await build(t)
  const assistant = (await built.call({ method: 'POST', url: '/openai/assistants', body: { model: 'gpt-4o', name: 'Librarian', instructions: 'Find things.', tools: [{ type: 'file_search' }], metadata: { team: 'docs' } }, apiVersion: V2 })).json()
  const text = 'Paris is the capital of France. '.repeat(300)
  const file = await uploadFile(built, text, 'paris.txt')
  const binary = await uploadFile(built, Buffer.from([0, 1, 2, 3]), 'blob.bin')
  const store = (await built.call({ method: 'POST', url: '/openai/vector_stores', body: { name: 'Capitals', file_ids: [file.id], chunking_strategy: { type: 'static', static: { max_chunk_size_tokens: 100, chunk_overlap_tokens: 50 } } }, apiVersion: '2024-07-01-preview' })).json()

  const assistants = await view(built, 'assistants?q=librarian')
  t.match(assistants.data, [{ id: assistant.id, cells: { name: 'Librarian', model: { type: 'code', text: 'gpt-4o' }, tools: { type: 'list', items: [{ type: 'code', text: 'file_search' }] } } }])
  const one = await view(built, `assistants/${assistant.id}`)
  t.equal(one.title, `Assistant Librarian (${assistant.id})`)
  t.match(section(one, 'Instructions and tools').blocks[0], { label: 'instructions', text: 'Find things.' })

  const files = await view(built, 'files')
  t.same(files.data.map((r: { id: string }) => r.id), [binary.id, file.id])
  t.match(files.data[1].cells, { filename: 'paris.txt', bytes: { type: 'bytes', bytes: text.length } })
  t.match(section(await view(built, `files/${file.id}`), 'Content').blocks[0], { text: text.slice(0, 4096), note: `the first 4096 of ${text.length} bytes` })
  t.match(section(await view(built, `files/${binary.id}`), 'Content').fields[0], { value: 'binary: not shown' })

  const processing = await view(built, 'vector_stores')
  t.match(processing.data[0], { id: store.id, cells: { status: { status: 'in_progress' }, files: '0 of 1' } })
  t.equal(processing.next_change_at, built.clock.now() + 500)
  built.clock.advance(500)
  const detail = await view(built, `vector_stores/${store.id}`)
  t.equal(detail.status, 'completed')
  // 9600 characters in chunks of 400 (100 tokens of 4), one every 200: 47 of them.
  t.match(section(detail, 'Files').rows, [{ id: file.id, cells: { filename: 'paris.txt', status: { status: 'completed' }, chunks: 47 } }])
  t.match(section(detail, 'Search this store'), { type: 'search', param: 'q', value: '' })
  t.notOk(detail.sections.some((s: Section) => s.title.startsWith('Results')))
  const searched = await view(built, `vector_stores/${store.id}?q=capital`)
  const results = section(searched, 'Results for “capital”')
  t.ok(results.entries.length > 0)
  t.match(results.entries[0], { title: '1. paris.txt', fields: [{ label: 'file', value: { ref: `files/${file.id}` } }, { label: 'score', value: 1 }], blocks: [{ text: /capital of France/ }] })
  t.same(section(await view(built, `vector_stores/${store.id}?q=zzzz`), 'Results for “zzzz”').entries, [])
})

t.test('the requests journal: filters, the bodies it kept, never its own requests or the control plane\'s bodies', async t => {
  const built = await build(t, { journalBodyBytes: 300 })
  await built.call({ method: 'POST', url: '/openai/assistants', body: { model: 'gpt-4o', name: 'A', instructions: 'é'.repeat(400) }, apiVersion: V2 })
  const missing = await built.call({ url: '/openai/threads/thread_missing', apiVersion: V2 })
  t.equal(missing.statusCode, 404)
  const form = multipart([{ name: 'purpose', value: 'assistants' }, { name: 'file', filename: 'a.txt', content: 'hello' }])
  await built.call({ method: 'POST', url: '/openai/files', body: form.body, headers: form.headers, apiVersion: V2 })
  await built.app.inject({ method: 'POST', url: '/_emulator/faults', payload: { match: { api_key: 'secret-key' }, fault: { type: 'status', status: 503 } } })
  await view(built, 'overview')
  await built.app.inject({ url: '/_emulator/ui/threads' })

  const all = await view(built, 'requests')
  t.same(all.data.map((r: { cells: { method: { text: string } } }) => r.cells.method.text), ['POST', 'POST', 'GET', 'POST'], 'newest first, the inspector\'s own requests left out')
  t.equal(all.data[0].cells.path.text, '/_emulator/faults')
  const errors = await view(built, 'requests?status=errors')
  t.equal(errors.total, 1)
  t.match(errors.data[0].cells, { status: { type: 'status', status: '404' }, path: { text: `/openai/threads/thread_missing?api-version=${V2}` } })
  t.same(errors.filters, [{ ...all.filters[0], value: 'errors' }])
  t.equal((await view(built, 'requests?q=assistants')).total, 1)

  const failed = await view(built, errors.data[0].ref)
  t.equal(failed.status, '404')
  const [request, response] = section(failed, 'Bodies').blocks
  t.match(request, { label: 'request body', note: 'no body' })
  t.match(response, { label: 'response body', format: 'json', text: /"message": "No thread found with id 'thread_missing'\."/ })

  const created = await view(built, all.data[3].ref)
  const bodies = section(created, 'Bodies').blocks
  const sent = JSON.stringify({ model: 'gpt-4o', name: 'A', instructions: 'é'.repeat(400) })
  t.match(bodies[0], { format: 'text', note: `application/json, the first 299 of ${Buffer.byteLength(sent)} bytes` })
  // 45 bytes, then 127 two-byte characters: the 128th would not fit whole.
  t.equal(bodies[0].text, sent.slice(0, 45 + 127), 'cut at --journal-body-bytes, before a character that would not fit whole')
  t.match(bodies[1], { format: 'text', note: /^application\/json; charset=utf-8, the first (29\d|300) of \d+ bytes$/ })
  const upload = section(await view(built, all.data[1].ref), 'Bodies').blocks[0]
  t.match(upload, { text: '', note: /^multipart\/form-data; boundary=emulator-test-boundary: not kept, \d+ bytes$/ })
  const control = section(await view(built, all.data[0].ref), 'Bodies')
  t.same(control.fields, [{ label: 'bodies', value: 'not kept for /_emulator requests' }])

  t.same(built.app.runtime.control.journal.list(1)[0], {
    method: 'POST', path: '/_emulator/faults', api_version: null, flavour: 'emulator', status: 201, duration_ms: built.app.runtime.control.journal.list(1)[0]!.duration_ms, request_id: all.data[0].id, fault: null
  }, 'GET /_emulator/requests lists no time and no bodies')

  const overview = await view(built, 'overview')
  t.match(section(overview, 'Latest failed requests').rows, [{ cells: { status: { status: '404' } } }])
  t.match(section(overview, 'Fault rules').rows, [{ cells: { match: { text: 'any method ** (one api key)' }, fault: { type: 'json', value: { type: 'status', status: 503 } }, hits: 0, remaining: 'every time' } }])
  t.notMatch(JSON.stringify(overview), /secret-key/, 'a rule\'s key is never shown')

  const none = await build(t, { journalBodyBytes: 0 })
  await none.call({ url: '/openai/assistants', apiVersion: V2 })
  const listed = await view(none, 'requests')
  t.same(section(await view(none, listed.data[0].ref), 'Bodies').fields, [{ label: 'bodies', value: 'not kept (--journal-body-bytes 0)' }])
})

t.test('the overview: evictions by kind under one budget', async t => {
  const built = await build(t, { maxStoreBytes: 64 * 1024 })
  for (let i = 0; i < 40; i++) {
    await built.call({ method: 'POST', url: '/openai/threads', apiVersion: V2, body: { messages: [{ role: 'user', content: 'x'.repeat(4000) }] } })
  }
  t.match(field(await view(built, 'overview'), 'evicted'), /^\d+ objects \(.+\): \d+ thread$/)
})

t.test('the overview: clock, store use, runs in flight, quotas, tenants', async t => {
  const built = await build(t, { rateLimitRpm: 10, isolateByKey: true }, { fixtures: { ...fixtures, threads: [{ id: 'thread_fixture', messages: [] } as never] } })
  await weatherRun(built)
  await built.call({ url: '/openai/assistants', apiVersion: V2, headers: { 'api-key': 'second-key' } })
  const overview = await view(built, 'overview')
  t.match(overview, { object: 'inspector.detail', kind: 'overview', title: 'Overview', clock: 'virtual', now: built.clock.now() })
  t.same(field(overview, 'clock'), { type: 'code', text: 'virtual' })
  t.match(field(overview, 'store use'), { type: 'meter', max: 128 * 1024 * 1024, text: / KiB of 128\.0 MiB$/ }, 'one budget over every tenant')
  t.equal(field(overview, 'evicted'), 'nothing')
  t.match(section(overview, 'In flight').rows, [{ cells: { status: { status: 'queued' }, scenario: 'weather lookup', parent: { type: 'link', ref: /^threads\/thread_/ } } }])
  t.equal(overview.next_change_at, built.clock.now() + 500)
  const quotas = section(overview, 'Quotas: 10 requests, no token limit per key per minute')
  t.equal(quotas.rows.length, 2)
  t.match(quotas.rows[0].cells, { key: { text: /^sha256:[0-9a-f]{12}…$/ }, requests: 3 }, 'the three requests of the first key')
  const tenants = section(overview, 'Tenants (--isolate-by-key)')
  t.equal(tenants.rows.length, 3, 'the shared tenant and one per key')

  // The fixture thread is in every tenant: refs name the owner, and a view finds the one named.
  const threads = await view(built, 'threads?q=thread_fixture')
  t.equal(threads.total, 3)
  const owned = threads.data.find((r: { ref: string }) => r.ref.includes('?tenant=sha256'))
  t.match(owned.ref, /^threads\/thread_fixture\?tenant=sha256%3A[0-9a-f]{64}$/)
  t.match(field(await view(built, owned.ref), 'tenant'), { type: 'code', text: /^sha256:/ })
  await view(built, 'threads/thread_fixture?tenant=sha256%3Anobody', 404)
})

t.test('what the inspector has not: the control plane\'s 404s', async t => {
  const built = await build(t)
  t.match(await view(built, 'threads/thread_nope', 404), { error: { message: "No thread found with id 'thread_nope'.", type: 'invalid_request_error' } })
  t.match(await view(built, 'requests/nope', 404), { error: { message: "No request found with id 'nope'." } })
  t.match(await view(built, 'widgets', 404), { error: { message: 'Invalid URL (GET /_emulator/inspector/widgets)' } })
  t.match(await view(built, 'widgets/x', 404), { error: { message: 'Invalid URL (GET /_emulator/inspector/widgets/x)' } })
  const { threadId } = await seedAssistantAndThread(built, V2)
  t.match(await view(built, `threads/${threadId}/runs/run_nope`, 404), { error: { message: "No run found with id 'run_nope'." } })
  t.match(await view(built, `threads/${threadId}/widgets/x`, 404), { error: { message: `Invalid URL (GET /_emulator/inspector/threads/${threadId}/widgets/x)` } })
  t.match(await view(built, 'threads?limit=0', 400), { error: { param: 'limit' } })
})

t.test('every part of a message, a streamed reply in progress, a file batch, a run seen ended', async t => {
  const built = await build(t, { streamChunkMs: 100 }, { fixtures: { ...fixtures, scenarios: [{ match: { message_contains: 'call' }, steps: [{ tool_calls: [{ name: 'f', arguments: 'not json' }] }, { reply: 'Done.' }] }] } })
  const file = await uploadFile(built, 'some notes', 'notes.txt')
  const image = await uploadFile(built, Buffer.from([0x89, 0x50, 0x4e, 0x47]), 'a.png')
  const thread = (await built.call({
    method: 'POST',
    url: '/openai/threads',
    body: {
      messages: [{
        role: 'user',
        content: [{ type: 'text', text: 'See these.' }, { type: 'image_file', image_file: { file_id: image.id } }, { type: 'image_url', image_url: { url: 'https://example.com/cat.png' } }],
        attachments: [{ file_id: file.id, tools: [{ type: 'code_interpreter' }] }],
        metadata: { from: 'test' }
      }]
    },
    apiVersion: V2
  })).json()
  const v1 = (await built.call({ method: 'POST', url: `/openai/threads/${thread.id}/messages`, body: { role: 'user', content: 'Old style.', file_ids: [file.id] } })).json()
  const message = section(await view(built, `threads/${thread.id}`), 'Messages').entries[0]
  t.match(message, { title: 'user', status: 'completed', blocks: [{ label: 'text', text: 'See these.' }] })
  const fields = Object.fromEntries(message.fields.map((f: { label: string, value: unknown }) => [f.label, f.value]))
  t.same(fields['image file'], { type: 'link', text: image.id, ref: `files/${image.id}` })
  t.same(fields['image url'], { type: 'code', text: 'https://example.com/cat.png' })
  t.same(fields.attachments, { type: 'list', items: [{ type: 'list', items: [{ type: 'link', text: file.id, ref: `files/${file.id}` }, { type: 'code', text: 'code_interpreter' }] }] })
  t.same(fields.metadata, { type: 'list', items: [{ type: 'code', text: 'from=test' }] })
  const old = section(await view(built, `threads/${thread.id}`), 'Messages').entries.find((e: { id: string }) => e.id === v1.id)
  t.match(old.fields, [{ label: 'id' }, { label: 'file_ids', value: { type: 'list', items: [{ ref: `files/${file.id}` }] } }])

  // A reply streamed at 100 ms a chunk: half-way, the step shows what is written so far.
  const assistant = (await built.call({ method: 'POST', url: '/openai/assistants', body: { model: 'gpt-4o', description: 'no name' }, apiVersion: V2 })).json()
  t.equal((await view(built, `assistants/${assistant.id}`)).title, `Assistant ${assistant.id}`)
  const chat = (await built.call({ method: 'POST', url: '/openai/threads/runs', body: { assistant_id: assistant.id, thread: { messages: [{ role: 'user', content: 'Tell me a rather long story about a cat.' }] } }, apiVersion: V2 })).json()
  built.clock.advance(700)
  const writing = await view(built, `threads/${chat.thread_id}/runs/${chat.id}`)
  t.equal(writing.status, 'in_progress')
  t.match(section(writing, 'Steps').entries[0].blocks, [{ label: 'reply so far', text: /^You said/ }])
  t.equal(section(await view(built, `threads/${chat.thread_id}`), 'Messages').entries[1].status, 'in_progress')
  t.match(section(await view(built, 'overview'), 'In flight').rows, [{ id: chat.id }])
  built.clock.advance(60_000)
  t.same(section(await view(built, 'overview'), 'In flight').rows, [], 'ended, though no client has read it yet')
  t.same(section(await view(built, 'overview'), 'In flight').rows, [], 'and not derived again')
  const list = await view(built, 'threads')
  t.match(list.data[0].cells, { latest_run: { text: chat.id }, latest_status: { status: 'completed' }, runs: 1 })

  // Tool call arguments that are not JSON are shown as they are.
  const tools = (await built.call({ method: 'POST', url: '/openai/assistants', body: { model: 'gpt-4o', tools: [{ type: 'function', function: { name: 'f', parameters: { type: 'object', properties: {} } } }] }, apiVersion: V2 })).json()
  const call = (await built.call({ method: 'POST', url: '/openai/threads/runs', body: { assistant_id: tools.id, thread: { messages: [{ role: 'user', content: 'call it' }] } }, apiVersion: V2 })).json()
  built.clock.advance(5000)
  t.match(section(await view(built, `threads/${call.thread_id}/runs/${call.id}`), 'Steps').entries[0].blocks[0], { text: 'not json', format: 'json' })

  const store = (await built.call({ method: 'POST', url: '/openai/vector_stores', body: { name: '' }, apiVersion: V2 })).json()
  await built.call({ method: 'POST', url: `/openai/vector_stores/${store.id}/file_batches`, body: { file_ids: [file.id] }, apiVersion: V2 })
  const withBatch = await view(built, `vector_stores/${store.id}`)
  t.equal(withBatch.title, `Vector store ${store.id}`)
  t.match(section(withBatch, 'File batches').rows, [{ cells: { id: { type: 'code', text: /^vsfb_/ }, status: { status: 'in_progress' }, files: 1 } }])
  await built.call({ method: 'DELETE', url: `/openai/files/${file.id}`, apiVersion: V2 })
  t.match(section(await view(built, `vector_stores/${store.id}`), 'Files').rows, [{ cells: { filename: '(deleted)', chunks: null } }])
})
