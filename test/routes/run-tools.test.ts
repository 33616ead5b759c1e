/**
 * Hosted tools in runs, through the routes: file_search runs that search the run's vector stores and reply with
 * exact citations (every flavour and generation, `include[]`, usage, tool_choice, scripted searches), and scripted
 * code_interpreter steps whose image is a downloadable `assistants_output` file. Every response is checked against
 * the official documents by `build(t)`.
 */
import { readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import t, { type Test } from 'tap'
import type { Fixtures } from '../../src/fixtures.js'
import { loadFixtures } from '../../src/fixtures.js'
import { codePointSlice } from '../../src/tools/citations.js'
import { V1, V2, build, uploadFile, type Built } from '../helper.js'

const FIXTURES_DIR = fileURLToPath(new URL('../../fixtures/', import.meta.url))
const CHART = readFileSync(new URL('../../fixtures/images/monthly-sales.png', import.meta.url))
const HANDBOOK = (name: string) => readFileSync(new URL(`../../fixtures/handbook/${name}`, import.meta.url), 'utf8')
const INCLUDE = 'include[]=step_details.tool_calls[*].file_search.results[*].content'
/** The first Azure api-version that takes `include[]`. */
const INFERENCE = '2025-04-01-preview'
const zero = { queuedMs: 0, inProgressMs: 100 }
/** The OpenAI flavour's headers. */
const OPENAI = { authorization: 'Bearer k', 'openai-beta': 'assistants=v2' }

interface Annotation {
  type: string
  text: string
  start_index: number
  end_index: number
  file_citation?: { file_id: string, quote?: string }
  file_path?: { file_id: string }
}

async function runToEnd (built: Built, threadId: string, body: Record<string, unknown>, apiVersion = V2, base = '/openai') {
  const created = await built.call({ method: 'POST', url: `${base}/threads/${threadId}/runs`, body, apiVersion })
  if (created.statusCode !== 200) throw new Error(`create run: ${created.body}`)
  built.clock.advance(5000)
  const run = (await built.call({ url: `${base}/threads/${threadId}/runs/${created.json().id}`, apiVersion })).json()
  return run
}

async function newThread (built: Built, content: string, apiVersion = V2, extra: Record<string, unknown> = {}) {
  return (await built.call({ method: 'POST', url: '/openai/threads', body: { messages: [{ role: 'user', content, ...extra }] }, apiVersion })).json().id as string
}

async function stepsOf (built: Built, threadId: string, runId: string, apiVersion = V2, query = '', base = '/openai') {
  const res = await built.call({ url: `${base}/threads/${threadId}/runs/${runId}/steps?order=asc${query === '' ? '' : `&${query}`}`, apiVersion })
  if (res.statusCode !== 200) throw new Error(`list steps: ${res.body}`)
  return res.json().data as Array<{ id: string, type: string, step_details: any, usage: { prompt_tokens: number, completion_tokens: number, total_tokens: number } }>
}

async function replyOf (built: Built, threadId: string, apiVersion = V2, base = '/openai') {
  return (await built.call({ url: `${base}/threads/${threadId}/messages?limit=1`, apiVersion })).json().data[0] as {
    content: Array<{ type: string, text?: { value: string, annotations: Annotation[] }, image_file?: { file_id: string } }>
  }
}

/** Every annotation's offsets cover exactly its text, counted in code points. */
function checkOffsets (tt: Test, value: string, annotations: readonly Annotation[]) {
  for (const a of annotations) tt.equal(codePointSlice(value, a.start_index, a.end_index), a.text, `${a.text} is at ${a.start_index}..${a.end_index}`)
}

t.test('an assistant with file_search searches its vector store and its reply cites the right characters of the right file', async t => {
  const built = await build(t, { fixtures: FIXTURES_DIR, ...zero })
  const run = await runToEnd(built, 'thread_handbook', { assistant_id: 'asst_handbook' })
  t.equal(run.status, 'completed')

  const [search, message] = await stepsOf(built, 'thread_handbook', run.id)
  t.match(search, { type: 'tool_calls', step_details: { type: 'tool_calls', tool_calls: [{ id: /^call_/, type: 'file_search' }] } })
  const call = search!.step_details.tool_calls[0].file_search
  t.same(call.ranking_options, { ranker: 'default_2024_08_21', score_threshold: 0 })
  t.equal(call.results[0].file_name, 'warranty.txt', 'the file that answers comes first')
  t.equal(call.results[0].score, 1)
  t.ok(call.results.every((r: { content?: unknown }) => r.content === undefined), 'no content unless include[] asks')
  t.equal(message!.type, 'message_creation')

  const files = (await built.call({ url: '/openai/vector_stores/vs_handbook/files', apiVersion: V2 })).json().data
  t.same(files.map((f: { status: string }) => f.status), ['completed', 'completed', 'completed'], 'the fixture store is ready from the start')
  const warranty = (await built.call({ url: `/openai/files/${call.results[0].file_id}`, apiVersion: V2 })).json()
  t.equal(warranty.filename, 'warranty.txt')

  const reply = await replyOf(built, 'thread_handbook')
  const text = reply.content[0]!.text!
  t.equal(text.value, 'I found this in your files:\n\n- "Every Contoso Outdoor tent, backpack and sleeping bag comes with a two-year warranty ' +
    'against defects in materials and workmanship."【2:0†warranty.txt】')
  t.same(text.annotations, [{
    type: 'file_citation', text: '【2:0†warranty.txt】', start_index: 163, end_index: 181, file_citation: { file_id: warranty.id }
  }])
  checkOffsets(t, text.value, text.annotations)
  const quoted = /"([^"]+)"【/.exec(text.value)![1]!
  t.ok(HANDBOOK('warranty.txt').includes(quoted), 'the quote is the file\'s own text')

  t.ok(message!.usage.prompt_tokens > search!.usage.prompt_tokens + 30, 'the reply\'s prompt counts the retrieved text')
  t.equal(run.usage.total_tokens, search!.usage.total_tokens + message!.usage.total_tokens)
  t.equal(run.usage.prompt_tokens, search!.usage.prompt_tokens + message!.usage.prompt_tokens)
})

t.test('include[] adds each result\'s text to the steps (both spellings), on the api-versions that take it', async t => {
  const built = await build(t, { fixtures: FIXTURES_DIR, ...zero })
  const run = await runToEnd(built, 'thread_handbook', { assistant_id: 'asst_handbook' })
  for (const query of [INCLUDE, INCLUDE.replace('include[]', 'include%255B%255D')]) {
    const [search] = await stepsOf(built, 'thread_handbook', run.id, INFERENCE, query)
    const result = search!.step_details.tool_calls[0].file_search.results[0]
    t.same(result.content, [{ type: 'text', text: HANDBOOK('warranty.txt') }], query)
    const one = await built.call({ url: `/openai/threads/thread_handbook/runs/${run.id}/steps/${search!.id}?${query}`, apiVersion: INFERENCE })
    t.same(one.json().step_details.tool_calls[0].file_search.results[0].content, result.content)
  }
  const openai = await built.app.inject({
    url: `/v1/threads/thread_handbook/runs/${run.id}/steps?${INCLUDE}`, headers: OPENAI
  })
  t.ok(openai.json().data.some((s: any) => s.step_details.tool_calls?.[0]?.file_search?.results[0]?.content), '/v1 too')
})

t.test('every flavour and generation shows the same search in its own shapes', async t => {
  const built = await build(t, { fixtures: FIXTURES_DIR, ...zero })
  const run = await runToEnd(built, 'thread_handbook', { assistant_id: 'asst_handbook' })

  // v1 (2024-02-15-preview): the retrieval call, and citations that quote.
  const [search] = await stepsOf(built, 'thread_handbook', run.id, V1)
  t.match(search!.step_details.tool_calls, [{ id: /^call_/, type: 'retrieval', retrieval: {} }])
  t.same(Object.keys(search!.step_details.tool_calls[0]), ['id', 'type', 'retrieval'])
  const v1 = await replyOf(built, 'thread_handbook', V1)
  const annotation = v1.content[0]!.text!.annotations[0]!
  t.equal(annotation.file_citation!.quote, 'Every Contoso Outdoor tent, backpack and sleeping bag comes with a two-year warranty against defects in materials and workmanship.')

  // /v1 and the Foundry Agents door: v2 shapes.
  const openai = await built.app.inject({ url: '/v1/threads/thread_handbook/messages?limit=1', headers: OPENAI })
  t.same(openai.json().data[0].content[0].text.annotations[0].file_citation, { file_id: annotation.file_citation!.file_id })
  const agents = await built.app.inject({
    url: `/api/projects/p/threads/thread_handbook/runs/${run.id}/steps?api-version=v1&order=asc`, headers: { authorization: 'Bearer token' }
  })
  t.equal(agents.statusCode, 200)
  t.equal(agents.json().data[0].step_details.tool_calls[0].type, 'file_search')
})

t.test('a search that finds nothing: a step with no results, and a reply that says so without citations', async t => {
  const built = await build(t, { fixtures: FIXTURES_DIR, ...zero })
  const thread = await newThread(built, 'xyzzy plugh')
  const run = await runToEnd(built, thread, { assistant_id: 'asst_handbook' })
  const [search] = await stepsOf(built, thread, run.id)
  t.same(search!.step_details.tool_calls[0].file_search.results, [])
  const reply = await replyOf(built, thread)
  t.same(reply.content[0]!.text, { value: 'I searched your files but found nothing about "xyzzy plugh".', annotations: [] })
})

t.test('when a run does not search: no file_search tool, nothing to search, an empty question, tool_choice none or a forced function', async t => {
  const built = await build(t, { fixtures: FIXTURES_DIR, ...zero })
  const plain = (await built.call({ method: 'POST', url: '/openai/assistants', body: { model: 'gpt-4o' }, apiVersion: V2 })).json().id
  const noStores = (await built.call({ method: 'POST', url: '/openai/assistants', body: { model: 'gpt-4o', tools: [{ type: 'file_search' }] }, apiVersion: V2 })).json().id
  const fn = { type: 'function', function: { name: 'lookup', parameters: { type: 'object', properties: {} } } }
  const cases: Array<[string, Record<string, unknown>, string?]> = [
    ['no file_search tool', { assistant_id: plain }],
    ['no vector store', { assistant_id: noStores }],
    ['tool_choice none', { assistant_id: 'asst_handbook', tool_choice: 'none' }],
    ['a forced function', { assistant_id: 'asst_handbook', tools: [{ type: 'file_search' }, fn], tool_choice: { type: 'function', function: { name: 'lookup' } } }],
    ['an empty question', { assistant_id: 'asst_handbook' }, ' ']
  ]
  for (const [name, body, question] of cases) {
    const thread = await newThread(built, question ?? 'How long is the warranty?')
    const created = await built.call({ method: 'POST', url: `/openai/threads/${thread}/runs`, body, apiVersion: V2 })
    built.clock.advance(5000)
    const steps = await stepsOf(built, thread, created.json().id)
    t.notOk(steps.some(s => s.step_details.tool_calls?.[0]?.type === 'file_search'), name)
  }
})

t.test('the tool\'s max_num_results and ranking_options, the model\'s default, and the thread\'s own vector store', async t => {
  const built = await build(t, { ...zero })
  const files = []
  for (let i = 0; i < 7; i++) files.push((await uploadFile(built, `Kayak note ${i}: paddles float.${' x'.repeat(i * 40)}`, `k${i}.txt`)).id)
  const store = (await built.call({ method: 'POST', url: '/openai/vector_stores', body: { file_ids: files }, apiVersion: V2 })).json().id
  built.clock.advance(60_000)
  const resources = { file_search: { vector_store_ids: [store] } }
  const assistant = async (model: string, tool: Record<string, unknown>) =>
    (await built.call({ method: 'POST', url: '/openai/assistants', body: { model, tools: [tool], tool_resources: resources }, apiVersion: INFERENCE })).json().id
  const count = async (assistantId: string) => {
    const thread = await newThread(built, 'kayak paddles')
    const run = await runToEnd(built, thread, { assistant_id: assistantId }, INFERENCE)
    return (await stepsOf(built, thread, run.id, INFERENCE))[0]!.step_details.tool_calls[0].file_search.results.length
  }
  t.equal(await count(await assistant('gpt-4o', { type: 'file_search' })), 7, 'gpt-4*: up to 20')
  t.equal(await count(await assistant('gpt-35-turbo', { type: 'file_search' })), 5, 'gpt-3.5: up to 5')
  t.equal(await count(await assistant('gpt-4o', { type: 'file_search', file_search: { max_num_results: 2 } })), 2, 'max_num_results')

  // ranking_options (OpenAI flavour): results under the threshold are left out, and the step says so.
  const openai = (path: string, body?: unknown) => built.app.inject({
    method: body === undefined ? 'GET' : 'POST', url: `/v1${path}`, headers: OPENAI, ...(body === undefined ? {} : { payload: body as object })
  })
  const strict = (await openai('/assistants', {
    model: 'gpt-4o', tools: [{ type: 'file_search', file_search: { ranking_options: { score_threshold: 0.99 } } }], tool_resources: resources
  })).json().id
  const thread = (await openai('/threads', { messages: [{ role: 'user', content: 'Kayak note 3' }] })).json().id
  const run = (await openai(`/threads/${thread}/runs`, { assistant_id: strict })).json()
  built.clock.advance(5000)
  const [search] = (await openai(`/threads/${thread}/runs/${run.id}/steps?order=asc`)).json().data
  t.same(search.step_details.tool_calls[0].file_search.ranking_options, { ranker: 'default_2024_08_21', score_threshold: 0.99 })
  t.ok(search.step_details.tool_calls[0].file_search.results.every((r: { score: number }) => r.score >= 0.99))

  // A file attached to a message for file_search.
  const own = await uploadFile(built, 'The canoe weighs 31 kilograms.', 'canoe.txt')
  const attached = await newThread(built, 'How heavy is the canoe?', V2, { attachments: [{ file_id: own.id, tools: [{ type: 'file_search' }] }] })
  const noStore = (await built.call({ method: 'POST', url: '/openai/assistants', body: { model: 'gpt-4o', tools: [{ type: 'file_search' }] }, apiVersion: V2 })).json().id
  const fromAttachment = await runToEnd(built, attached, { assistant_id: noStore })
  t.equal((await stepsOf(built, attached, fromAttachment.id))[0]!.step_details.tool_calls[0].file_search.results[0].file_name, 'canoe.txt')
  t.match((await replyOf(built, attached)).content[0]!.text!.value, /"The canoe weighs 31 kilograms\."【2:0†canoe\.txt】/)

  // The thread's own vector store.
  const withStore = (await built.call({
    method: 'POST', url: '/openai/threads', body: { messages: [{ role: 'user', content: 'kayak' }], tool_resources: resources }, apiVersion: V2
  })).json().id
  const fromThread = await runToEnd(built, withStore, { assistant_id: noStore })
  t.equal((await stepsOf(built, withStore, fromThread.id))[0]!.step_details.tool_calls[0].file_search.results.length, 7)
})

const scripted: Fixtures = {
  assistants: [
    { id: 'asst_scripted', model: 'gpt-4o', tools: [{ type: 'file_search' }] as never, tool_resources: { file_search: { vector_store_ids: ['vs_docs'] } } },
    { id: 'asst_retrieval', model: 'gpt-4o', tools: [{ type: 'retrieval' }] as never },
    { id: 'asst_code', model: 'gpt-4o', tools: [{ type: 'code_interpreter' }] as never }
  ],
  threads: [],
  vectorStores: [{ id: 'vs_docs', name: 'Docs', files: [{ filename: 'guide.md', content: Buffer.from('Line one.\nThe answer is 42 🎉 and always was.\n') }] }],
  files: new Map([['/fixtures/chart.png', CHART]]),
  scenarios: [
    {
      match: { message_contains: 'forced' },
      steps: [
        {
          file_search: {
            query: 'the answer',
            results: [
              { file_name: 'guide.md', text: 'The answer is 42 🎉 and always was.', score: 0.8 },
              { file_name: 'nowhere.md', text: 'dropped' },
              { file_id: 'file-elsewhere', text: 'Taken as given.', score: 0.1 }
            ]
          }
        },
        { reply: 'It is 42 🎉{{citation.0}}, said the guide{{citation.5}}.' }
      ]
    },
    { match: { message_contains: 'search for' }, steps: [{ file_search: { query: 'always' } }, { reply: '' }] },
    { match: { message_contains: 'long' }, steps: [{ file_search: { query: 'answer' } }, { reply: `Start{{citation.0}} ${'word '.repeat(300)}end{{citation.0}}` }] },
    {
      match: { assistant_id: 'asst_code' },
      steps: [
        { code_interpreter: { input: 'import matplotlib\nprint("plotted chart")', logs: 'plotted chart\n', image: '/fixtures/chart.png' } },
        { code_interpreter: { input: 'print(1)', image: '/fixtures/missing.png' } },
        { reply: 'Here: {{file_path.0}} {{file_path.3}}' }
      ]
    }
  ]
}

t.test('scripted searches: given results (by file name) and citations placed by {{citation.N}}, or a search with its own query', async t => {
  const built = await build(t, { ...zero }, { fixtures: scripted })
  const thread = await newThread(built, 'forced please')
  const run = await runToEnd(built, thread, { assistant_id: 'asst_scripted' })
  const [search] = await stepsOf(built, thread, run.id, INFERENCE, INCLUDE)
  const results = search!.step_details.tool_calls[0].file_search.results
  t.equal(results.length, 2, 'a result naming no file is dropped')
  t.match(results[0], { file_name: 'guide.md', score: 0.8, content: [{ type: 'text', text: 'The answer is 42 🎉 and always was.' }] })
  t.match(results[1], { file_id: 'file-elsewhere', file_name: 'file-elsewhere', score: 0.1 }, 'a file id is taken as given')
  const text = (await replyOf(built, thread)).content[0]!.text!
  t.equal(text.value, 'It is 42 🎉【2:0†guide.md】, said the guide.', 'an out-of-range citation writes nothing')
  t.equal(text.annotations.length, 1)
  t.equal(text.annotations[0]!.start_index, 10, 'offsets count code points: the emoji is one')
  checkOffsets(t, text.value, text.annotations)

  const own = await newThread(built, 'search for it')
  const searched = await runToEnd(built, own, { assistant_id: 'asst_scripted' })
  const [ownSearch] = await stepsOf(built, own, searched.id)
  t.equal(ownSearch!.step_details.tool_calls[0].file_search.results[0].file_name, 'guide.md')
  const answer = (await replyOf(built, own)).content[0]!.text!
  t.equal(answer.value, 'I found this in your files:\n\n- "The answer is 42 🎉 and always was."【2:0†guide.md】')
  checkOffsets(t, answer.value, answer.annotations)
})

t.test('a v1 retrieval assistant searches its file_ids and cites in the v1 form', async t => {
  const built = await build(t, { ...zero }, { fixtures: scripted })
  const file = await uploadFile(built, 'Retrieval finds the lighthouse keeper\'s log.', 'log.txt', V1)
  const assistant = (await built.call({ method: 'POST', url: '/openai/assistants', body: { model: 'gpt-4', file_ids: [file.id] }, apiVersion: V1 })).json().id
  built.app.runtime.tenants.shared.store.assistants.put({ ...built.app.runtime.tenants.shared.store.assistants.get(assistant)!, tools: [{ type: 'retrieval' }] })
  const thread = await newThread(built, 'Where is the lighthouse log?', V1)
  const run = await runToEnd(built, thread, { assistant_id: assistant }, V1)
  const [search] = await stepsOf(built, thread, run.id, V1)
  t.equal(search!.step_details.tool_calls[0].type, 'retrieval')
  const text = (await replyOf(built, thread, V1)).content[0]!.text!
  t.equal(text.value, 'I found this in your files:\n\n- "Retrieval finds the lighthouse keeper\'s log."【2†source】')
  t.same(text.annotations[0]!.file_citation, { file_id: file.id, quote: 'Retrieval finds the lighthouse keeper\'s log.' })
  checkOffsets(t, text.value, text.annotations)
})

t.test('a scripted code_interpreter step: input, logs and an image stored as an assistants_output file, shown and linked by the reply', async t => {
  const built = await build(t, { ...zero }, { fixtures: scripted })
  const thread = await newThread(built, 'plot it')
  const run = await runToEnd(built, thread, { assistant_id: 'asst_code' })
  t.equal(run.status, 'completed')
  const [code, noImage, message] = await stepsOf(built, thread, run.id)
  const call = code!.step_details.tool_calls[0]
  t.match(call, { id: /^call_/, type: 'code_interpreter', code_interpreter: { input: 'import matplotlib\nprint("plotted chart")' } })
  t.same(call.code_interpreter.outputs.map((o: { type: string }) => o.type), ['logs', 'image'])
  t.equal(call.code_interpreter.outputs[0].logs, 'plotted chart\n')
  t.same(noImage!.step_details.tool_calls[0].code_interpreter, { input: 'print(1)', outputs: [] }, 'an image that is not to be had is left out')
  t.equal(message!.type, 'message_creation')
  t.ok(code!.usage.completion_tokens > 0)

  const fileId: string = call.code_interpreter.outputs[1].image.file_id
  t.match(fileId, /^assistant-/)
  t.match((await built.call({ url: `/openai/files/${fileId}`, apiVersion: V2 })).json(), { purpose: 'assistants_output', filename: 'chart.png', bytes: CHART.length })
  const download = await built.call({ url: `/openai/files/${fileId}/content`, apiVersion: V2 })
  t.equal(download.statusCode, 200)
  t.same(download.rawPayload, CHART, 'the fixture\'s bytes')
  const outputs = (await built.call({ url: '/openai/files?purpose=assistants_output', apiVersion: V2 })).json().data
  t.same(outputs.map((f: { id: string }) => f.id), [fileId])

  const reply = await replyOf(built, thread)
  t.same(reply.content[0], { type: 'image_file', image_file: { file_id: fileId } })
  t.same(reply.content[1]!.text, {
    value: 'Here: sandbox:/mnt/data/chart.png ',
    annotations: [{ type: 'file_path', text: 'sandbox:/mnt/data/chart.png', start_index: 6, end_index: 33, file_path: { file_id: fileId } }]
  })

  // Through /v1 the generated file has OpenAI's id form; tool_choice none drops the calls, and their files.
  const v1 = await built.app.inject({
    method: 'POST',
    url: '/v1/threads/runs',
    headers: OPENAI,
    payload: { assistant_id: 'asst_code', thread: { messages: [{ role: 'user', content: 'plot' }] } }
  })
  built.clock.advance(5000)
  const steps = (await built.app.inject({ url: `/v1/threads/${v1.json().thread_id}/runs/${v1.json().id}/steps?order=asc`, headers: OPENAI })).json()
  t.match(steps.data[0].step_details.tool_calls[0].code_interpreter.outputs[1].image.file_id, /^file-/)
  const none = await newThread(built, 'plot')
  await runToEnd(built, none, { assistant_id: 'asst_code', tool_choice: 'none' })
  t.equal((await built.call({ url: '/openai/files?purpose=assistants_output', apiVersion: V2 })).json().data.length, 2, 'no file for the dropped call')
})

t.test('a reply cut at max_completion_tokens keeps the citations it holds whole; a JSON reply has none', async t => {
  const built = await build(t, { ...zero }, { fixtures: scripted })
  const thread = await newThread(built, 'a long answer')
  const run = await runToEnd(built, thread, { assistant_id: 'asst_scripted', max_completion_tokens: 256 })
  t.equal(run.status, 'incomplete')
  const cut = (await replyOf(built, thread)).content[0]!.text!
  t.match(cut.value, /^Start【2:0†guide\.md】 word word/)
  t.notMatch(cut.value, /end【/, 'the end is cut off')
  t.equal(cut.annotations.length, 1, 'only the citation the cut text holds')
  checkOffsets(t, cut.value, cut.annotations)

  const forced = await newThread(built, 'forced')
  t.equal((await runToEnd(built, forced, { assistant_id: 'asst_scripted', response_format: { type: 'json_object' } })).status, 'completed')
  const json = (await replyOf(built, forced)).content[0]!.text!
  t.same(json.annotations, [], 'the JSON object has no markers')
  t.same(JSON.parse(json.value), { reply: 'It is 42 🎉【2:0†guide.md】, said the guide.' })
})

t.test('the example fixtures load a vector store from a folder and an image; bad ones stop with one line naming the place', async t => {
  const fixtures = loadFixtures(FIXTURES_DIR)
  t.same(fixtures.vectorStores!.map(s => [s.id, s.files.map(f => f.filename)]), [
    ['vs_handbook', ['returns.txt', 'shipping.txt', 'warranty.txt']],
    ['vs_travel', ['lisbon.txt']]
  ])
  t.same([...fixtures.files!.values()], [CHART])
})
