/**
 * Issue 19, kinds 2, 4 and 5, on every flavour (Azure `/openai`, OpenAI `/v1`, Foundry Agents): the file types
 * the service refuses, tool outputs checked item by item before the set, and how a run that ends incomplete looks.
 */
import t from 'tap'
import type { Fixtures } from '../../src/fixtures.js'
import { FILE_SEARCH_EXTENSIONS } from '../../src/checks/file-types.js'
import { build, openAIError, type Built } from '../helper.js'
import { api, type Api, type Flavour } from './support.js'

const FLAVOURS: readonly Flavour[] = ['azure', 'openai', 'agents']

/** The service's refusal of files file_search cannot read, in the flavour's words. */
function unsupported (flavour: Flavour, extensions: string) {
  const refused = `Files with extensions [${extensions}] are not supported for retrieval.`
  return openAIError(flavour === 'openai'
    ? `${refused} See https://platform.openai.com/docs/assistants/tools/file-search/supported-files`
    : `${refused} Supported file types include: [.c, .cpp, .cs, .css, .doc, .docx, .go, .html, .java, .js, .json, .md, .pdf, .php, .pptx, .py, .rb, .sh, .tex, .ts, .txt].`,
  'file_ids', 'unsupported_file')
}

t.test('the published file_search list is the one Azure quotes', async t => {
  t.same(FILE_SEARCH_EXTENSIONS, ['.c', '.cpp', '.cs', '.css', '.doc', '.docx', '.go', '.html', '.java', '.js', '.json', '.md', '.pdf', '.php',
    '.pptx', '.py', '.rb', '.sh', '.tex', '.ts', '.txt'])
})

t.test('kind 2: every way into a vector store refuses a file file_search cannot read, on every flavour', async t => {
  const built = await build(t)
  for (const flavour of FLAVOURS) {
    const client = api(built, flavour)
    const png = await client.upload('\x89PNG', 'chart.png')
    const csv = await client.upload('a,b\n1,2', 'table.csv')
    const txt = await client.upload('plain words', 'notes.txt')
    const pdf = await client.upload('%PDF-1.4', 'REPORT.PDF')
    const stores = async () => (await client.request('GET', '/vector_stores?limit=100')).json().data.length as number
    const before = await stores()
    const expect = async (name: string, res: Awaited<ReturnType<Api['request']>>, extensions: string) => {
      t.equal(res.statusCode, 400, `${client.label} ${name}`)
      t.same(res.json(), unsupported(flavour, extensions), `${client.label} ${name}`)
    }
    // The quoted reply: a .png in a new vector store's file_ids.
    await expect('create with file_ids', await client.request('POST', '/vector_stores', { file_ids: [txt, png] }), '.png')
    const store = (await client.request('POST', '/vector_stores', { file_ids: [txt, pdf] }))
    t.equal(store.statusCode, 200, `${client.label}: .txt and an upper-case .PDF are read ${store.body}`)
    const storeId = store.json().id as string
    await expect('add a file', await client.request('POST', `/vector_stores/${storeId}/files`, { file_id: png }), '.png')
    await expect('a file batch', await client.request('POST', `/vector_stores/${storeId}/file_batches`, { file_ids: [txt, png, csv, png] }), '.png, .csv')
    await expect('an inline store on an assistant', await client.request('POST', '/assistants', {
      model: 'gpt-4o', tool_resources: { file_search: { vector_stores: [{ file_ids: [csv] }] } }
    }), '.csv')
    await expect('an inline store on a thread', await client.request('POST', '/threads', {
      tool_resources: { file_search: { vector_stores: [{ file_ids: [png] }] } }
    }), '.png')
    const thread = (await client.request('POST', '/threads', {})).json()
    await expect('a message attachment for file_search', await client.request('POST', `/threads/${thread.id}/messages`, {
      role: 'user', content: 'see the chart', attachments: [{ file_id: txt, tools: [{ type: 'file_search' }] }, { file_id: png, tools: [{ type: 'file_search' }] }]
    }), '.png')
    const forCode = await client.request('POST', `/threads/${thread.id}/messages`, {
      role: 'user', content: 'plot it', attachments: [{ file_id: csv, tools: [{ type: 'code_interpreter' }] }]
    })
    t.equal(forCode.statusCode, 200, `${client.label}: code_interpreter takes a .csv`)
    const missing = await client.request('POST', '/vector_stores', { file_ids: [png, flavour === 'openai' ? 'file-gone' : 'assistant-gone'] })
    t.equal(missing.statusCode, 404, `${client.label}: a missing file is answered before a type`)
    t.equal(await stores(), before + 1, `${client.label}: refused requests created no vector store`)
  }
})

t.test('kind 2: an upload whose purpose needs .jsonl, and Foundry\'s refusal of an extension no tool reads', async t => {
  const built = await build(t)
  const wrongSuffix = 'fileName contains an invalid filename: wrong suffix.'
  for (const flavour of FLAVOURS) {
    const client = api(built, flavour)
    for (const [purpose, apiName] of [['batch', 'Batch'], ['fine-tune', 'Fine-Tuning']] as const) {
      const res = await client.uploadResponse('{"a":1}', 'requests.json', purpose)
      t.equal(res.statusCode, 400, `${client.label} ${purpose}`)
      if (flavour === 'azure') t.equal(res.body, `{"error":{"code":"invalidPayload","message":"${wrongSuffix}"}}`, `${client.label} ${purpose}`)
      else t.same(res.json(), flavour === 'openai' ? openAIError(`Invalid file format for ${apiName} API. Must be .jsonl`) : openAIError(wrongSuffix, null, 'invalidPayload'))
      // (The Agents document lists no batch or fine-tune purpose: only the refusal is looked at there.)
      if (flavour !== 'agents') t.equal((await client.uploadResponse('{"a":1}', 'requests.jsonl', purpose)).statusCode, 200, `${client.label} ${purpose} .jsonl`)
    }
    const geojson = await client.uploadResponse('{}', 'map.geojson')
    if (flavour === 'agents') {
      t.equal(geojson.statusCode, 400)
      t.same(geojson.json(), openAIError('Invalid extension geojson.'))
      t.equal((await client.uploadResponse('a,b', 'table.csv')).statusCode, 200, 'agents: a .csv is a code_interpreter file')
    } else {
      t.equal(geojson.statusCode, 200, `${client.label}: uploads for assistants are not checked`)
    }
  }
})

const weatherTool = { type: 'function', function: { name: 'get_weather', parameters: { type: 'object' } } }
const LONG_REPLY = Array.from({ length: 400 }, (_, i) => `word${i}`).join(' ')
const fixtures: Fixtures = {
  assistants: [
    { id: 'asst_weather', model: 'gpt-4o', name: 'Weather', tools: [weatherTool as never] },
    { id: 'asst_flaky', model: 'gpt-4o', name: 'Flaky' }
  ],
  threads: [],
  scenarios: [
    { match: { assistant_id: 'asst_weather' }, steps: [{ tool_calls: [{ name: 'get_weather', arguments: { city: 'Paris' } }, { name: 'get_weather', arguments: { city: 'Oslo' } }] }, { reply: 'Done.' }] },
    { match: { assistant_id: 'asst_flaky', message_contains: 'long essay' }, steps: [{ reply: 'Here is the start of a very long essay...' }, { incomplete: { reason: 'max_completion_tokens' } }] },
    { match: { assistant_id: 'asst_flaky', message_contains: 'budget' }, steps: [{ reply: LONG_REPLY }] },
    { match: { assistant_id: 'asst_flaky', message_contains: 'prompt' }, steps: [{ reply: 'One.' }, { incomplete: { reason: 'max_prompt_tokens' } }] },
    { match: { assistant_id: 'asst_flaky', message_contains: 'fail' }, steps: [{ fail: { code: 'server_error' } }] }
  ]
}

async function runOn (built: Built, client: Api, assistantId: string, content: string, extra: object = {}) {
  const thread = (await client.request('POST', '/threads', { messages: [{ role: 'user', content }] })).json()
  const res = await client.request('POST', `/threads/${thread.id}/runs`, { assistant_id: assistantId, ...extra })
  t.equal(res.statusCode, 200, res.body)
  return { threadId: thread.id as string, runId: res.json().id as string, createdAt: res.json().created_at as number }
}

t.test('kind 4: tool outputs are checked item by item, then as a set, on every flavour', async t => {
  const built = await build(t, {}, { fixtures })
  for (const flavour of FLAVOURS) {
    const client = api(built, flavour)
    const { threadId, runId } = await runOn(built, client, 'asst_weather', 'Weather please')
    await built.clock.advance(5000)
    const waiting = (await client.request('GET', `/threads/${threadId}/runs/${runId}`)).json()
    t.equal(waiting.status, 'requires_action')
    const [a, b] = waiting.required_action.submit_tool_outputs.tool_calls.map((call: { id: string }) => call.id) as [string, string]
    const submit = (outputs: unknown) => client.request('POST', `/threads/${threadId}/runs/${runId}/submit_tool_outputs`, { tool_outputs: outputs })

    // The quoted replies.
    const missing = await submit([{ output: '18' }, { tool_call_id: b, output: '3' }])
    t.equal(missing.statusCode, 400)
    t.same(missing.json(), openAIError("Missing required parameter: 'tool_outputs[0].tool_call_id'.", 'tool_outputs[0].tool_call_id', 'missing_required_parameter'),
      `${client.label}: an output without its call id`)
    const twice = await submit([{ tool_call_id: a, output: '18' }, { tool_call_id: a, output: '19' }])
    t.equal(twice.statusCode, 400)
    t.same(twice.json(), openAIError(`Duplicate call_ids submitted: ['${a}', '${a}']`), `${client.label}: the same call twice`)
    const again = await submit([{ tool_call_id: a, output: '18' }, { tool_call_id: b, output: '3' }, { tool_call_id: a, output: '19' }])
    t.same(again.json(), openAIError(`Duplicate call_ids submitted: ['${a}', '${a}']`), `${client.label}: a duplicate among a full set`)
    // Then the set, as before.
    const short = await submit([{ tool_call_id: a, output: '18' }])
    t.same(short.json(), openAIError(`Expected tool outputs for call_ids ['${a}', '${b}'], got ['${a}']`), `${client.label}: the set`)
    t.equal((await client.request('GET', `/threads/${threadId}/runs/${runId}`)).json().status, 'requires_action', 'refusals change nothing')
    const ok = await submit([{ tool_call_id: b, output: '3' }, { tool_call_id: a }])
    t.equal(ok.statusCode, 200, `${client.label}: an output may be left out ${ok.body}`)
    await built.clock.advance(5000)
  }
})

t.test('kind 5: a run that ends incomplete has ended: completed_at, its reason, no expiry; the reply being written is incomplete', async t => {
  const built = await build(t, {}, { fixtures })
  for (const flavour of FLAVOURS) {
    const client = api(built, flavour)
    for (const [name, content, extra, reason, cut] of [
      ['a scripted end for the completion budget', 'write a long essay', {}, 'max_completion_tokens', true],
      ['max_completion_tokens', 'spend the budget', { max_completion_tokens: 256 }, 'max_completion_tokens', true],
      ['a scripted end for the prompt budget', 'prompt me', {}, 'max_prompt_tokens', false]
    ] as const) {
      const { threadId, runId, createdAt } = await runOn(built, client, 'asst_flaky', content, extra)
      await built.clock.advance(5000)
      const run = (await client.request('GET', `/threads/${threadId}/runs/${runId}`)).json()
      t.match(run, { status: 'incomplete', incomplete_details: { reason }, expires_at: null, failed_at: null, cancelled_at: null, last_error: null },
        `${client.label} ${name}`)
      t.ok(run.completed_at !== null && run.completed_at >= run.started_at && run.started_at >= createdAt, `${client.label} ${name}: completed_at is when it ended`)
      const reply = (await client.request('GET', `/threads/${threadId}/messages?run_id=${runId}`)).json().data[0]
      t.match(reply, cut
        ? { status: 'incomplete', incomplete_details: { reason: 'max_tokens' }, completed_at: null, incomplete_at: run.completed_at }
        : { status: 'completed', incomplete_details: null }, `${client.label} ${name}: the reply`)
      const step = (await client.request('GET', `/threads/${threadId}/runs/${runId}/steps`)).json().data[0]
      t.match(step, { type: 'message_creation', status: 'completed' }, `${client.label} ${name}: its step`)
    }
  }
})

t.test('kind 5: the other terminal states keep their own timestamps', async t => {
  const built = await build(t, {}, { fixtures })
  for (const flavour of FLAVOURS) {
    const client = api(built, flavour)
    const failed = await runOn(built, client, 'asst_flaky', 'please fail')
    const plain = (await client.request('POST', '/assistants', { model: 'gpt-4o' })).json()
    const completed = await runOn(built, client, plain.id, 'hello')
    await built.clock.advance(5000)
    const f = (await client.request('GET', `/threads/${failed.threadId}/runs/${failed.runId}`)).json()
    t.match(f, { status: 'failed', completed_at: null, expires_at: null, cancelled_at: null, last_error: { code: 'server_error', message: 'Sorry, something went wrong.' } })
    t.ok(f.failed_at >= f.started_at, `${client.label}: failed_at`)
    const c = (await client.request('GET', `/threads/${completed.threadId}/runs/${completed.runId}`)).json()
    t.match(c, { status: 'completed', failed_at: null, expires_at: null, incomplete_details: null })
    t.ok(c.completed_at >= c.started_at, `${client.label}: completed_at`)
  }
})

t.test('kind 5: a stream of such a run sends thread.message.incomplete before thread.run.incomplete', async t => {
  const built = await build(t, { queuedMs: 0, inProgressMs: 0, streamChunkMs: 0 }, { fixtures })
  for (const flavour of FLAVOURS) {
    const client = api(built, flavour)
    for (const [content, extra] of [['write a long essay', {}], ['spend the budget', { max_completion_tokens: 256 }]] as const) {
      const thread = (await client.request('POST', '/threads', { messages: [{ role: 'user', content }] })).json()
      const res = await client.request('POST', `/threads/${thread.id}/runs`, { assistant_id: 'asst_flaky', stream: true, ...extra })
      const events = [...res.body.matchAll(/^event: (.+)$/gm)].map(m => m[1]!)
      t.notOk(events.includes('thread.message.completed'), `${client.label} ${content}: no message completes`)
      const tail = events.filter(e => !e.endsWith('.delta')).slice(-4)
      t.same(tail, ['thread.message.incomplete', 'thread.run.step.completed', 'thread.run.incomplete', 'done'], `${client.label} ${content}`)
      const last = res.body.split('\n').filter(line => line.startsWith('data: {')).map(line => JSON.parse(line.slice(6)))
      const message = last.findLast(d => d.object === 'thread.message')
      const run = last.findLast(d => d.object === 'thread.run')
      t.match(message, { status: 'incomplete', incomplete_details: { reason: 'max_tokens' } })
      t.match(run, { status: 'incomplete', expires_at: null, incomplete_details: { reason: 'max_completion_tokens' } })
      t.not(run.completed_at, null)
    }
  }
})
