/**
 * The Responses API with the official `openai` package over a real socket, unmodified, on three doors:
 * `OpenAI` on /v1, an `OpenAI` client on /openai/v1 with an `api-key` header, `AzureOpenAI` on /openai/v1
 * (api-version `preview`) and `AzureOpenAI` with only an endpoint (/openai/responses, a dated api-version):
 * responses.create and output_text, responses.stream with finalResponse(), background create polled with
 * retrieve, a background stream resumed with responses.stream({response_id}), cancel, conversations and their
 * items, the function-call loop on fixtures/migration.json; then the 4.x package (`openai-v4`) where it has the
 * API. Every JSON answer is checked against the document on its way out, and every event the SDK sees too.
 */
import t, { type Test } from 'tap'
import { AzureOpenAI, OpenAI } from 'openai'
import OpenAIv4 from 'openai-v4'
import { startEmulator } from '../../src/index.js'
import { contractInspector } from '../contract/inspect.js'
import { checkStreamEvent } from '../contract/spec.js'

const API_KEY = 'sdk-responses-key'

async function start (t: Test) {
  const emulator = await startEmulator({ queuedMs: 20, inProgressMs: 60, apiKeys: [API_KEY], fixtures: 'fixtures/migration.json' },
    { inspectResponse: contractInspector(t) })
  t.teardown(() => emulator.close())
  return emulator
}

/** The clients a migration meets, by label. */
function clients (endpoint: string) {
  return [
    ['OpenAI /v1', new OpenAI({ baseURL: `${endpoint}/v1`, apiKey: API_KEY, maxRetries: 0 })],
    ['OpenAI /openai/v1 with api-key', new OpenAI({ baseURL: `${endpoint}/openai/v1`, apiKey: 'unused', defaultHeaders: { 'api-key': API_KEY }, maxRetries: 0 })],
    ['AzureOpenAI /openai/v1 (preview)', new AzureOpenAI({ baseURL: `${endpoint}/openai/v1`, apiKey: API_KEY, apiVersion: 'preview', maxRetries: 0 })],
    ['AzureOpenAI endpoint (2025-04-01-preview)', new AzureOpenAI({ endpoint, apiKey: API_KEY, apiVersion: '2025-04-01-preview', maxRetries: 0 })]
  ] as const
}

/** Checks an event the SDK handed over against the document (its own copy, as parsed from the wire). */
function checkEvent (t: Test, label: string, event: unknown) {
  const result = checkStreamEvent('openai', event)
  if (!result.ok) t.fail(`${label}: event contract: ${result.errors.join('; ')}`)
}

const WEATHER = { type: 'function' as const, name: 'get_weather', parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'], additionalProperties: false }, strict: true }

t.test('create, output_text, stream with finalResponse()', async t => {
  const emulator = await start(t)
  for (const [label, client] of clients(emulator.endpoint)) {
    const response = await client.responses.create({ model: 'gpt-4o', input: 'Hello there', instructions: 'Be brief.' })
    t.equal(response.status, 'completed', label)
    t.equal(response.output_text, 'You said: "Hello there". This is a reply from the Azure OpenAI Assistants emulator.', `${label}: output_text`)
    t.ok((response.usage?.total_tokens ?? 0) > 0)

    let deltas = ''
    const stream = client.responses.stream({ model: 'gpt-4o', input: 'Stream this' })
      .on('response.output_text.delta', event => { deltas += event.delta })
      .on('event', event => checkEvent(t, label, event))
    const final = await stream.finalResponse()
    t.equal(final.status, 'completed')
    t.equal(deltas, final.output_text, `${label}: the deltas add up to output_text`)
    const read = await client.responses.retrieve(final.id)
    // finalResponse() is the SDK's parsed response: it adds `parsed: null` to each text part.
    const unparsed = JSON.parse(JSON.stringify(final.output, (key, value) => key === 'parsed' ? undefined : value))
    t.same(read.output, unparsed, `${label}: retrieve shows what the stream finished`)
    const items = await client.responses.inputItems.list(final.id)
    t.equal(items.data.length, 1)
    await client.responses.delete(final.id)
    t.equal((await client.responses.retrieve(final.id).catch(err => err)).status, 404, `${label}: deleted`)
  }
})

t.test('background: create, poll with retrieve, cancel, and a stream resumed by response_id', async t => {
  const emulator = await start(t)
  for (const [label, client] of clients(emulator.endpoint)) {
    let response = await client.responses.create({ model: 'gpt-4o', input: 'In the background', background: true })
    t.equal(response.status, 'queued', label)
    const deadline = Date.now() + 5000
    while ((response.status === 'queued' || response.status === 'in_progress') && Date.now() < deadline) {
      await new Promise(resolve => setTimeout(resolve, 20))
      response = await client.responses.retrieve(response.id)
    }
    t.equal(response.status, 'completed', `${label}: polled to completed`)

    const toCancel = await client.responses.create({ model: 'gpt-4o', input: 'Cancel me', background: true })
    const cancelled = await client.responses.cancel(toCancel.id)
    t.equal(cancelled.status, 'cancelled', `${label}: cancelled`)

    // A background stream read to its second event and dropped, then resumed from there by the SDK's helper.
    const first = await client.responses.create({ model: 'gpt-4o', input: 'Resume me', background: true, stream: true })
    let id = ''
    let seen = -1
    for await (const event of first) {
      if (event.type === 'response.created') id = event.response.id
      seen = event.sequence_number
      if (seen >= 1) break
    }
    const resumed: number[] = []
    const stream = client.responses.stream({ response_id: id, starting_after: seen })
      .on('event', event => { resumed.push(event.sequence_number); checkEvent(t, label, event) })
    const final = await stream.finalResponse()
    t.equal(final.status, 'completed', `${label}: the resumed stream completes`)
    t.equal(resumed[0], seen + 1, 'it goes on after the last event seen')
    t.equal(final.output_text, 'You said: "Resume me". This is a reply from the Azure OpenAI Assistants emulator.')
  }
})

t.test('the function-call loop on fixtures/migration.json, and a conversation', async t => {
  const emulator = await start(t)
  for (const [label, client] of clients(emulator.endpoint)) {
    const asked = await client.responses.create({ model: 'gpt-4o', input: 'What is the weather in Lisbon?', tools: [WEATHER] })
    const call = asked.output.find(item => item.type === 'function_call')
    if (call?.type !== 'function_call') throw new Error(`${label}: no function call`)
    t.same(JSON.parse(call.arguments), { city: 'Lisbon' }, label)
    const answered = await client.responses.create({
      model: 'gpt-4o', previous_response_id: asked.id, tools: [WEATHER], input: [{ type: 'function_call_output', call_id: call.call_id, output: '22°C and sunny' }]
    })
    t.equal(answered.output_text, 'In Lisbon it is 22°C and sunny today.', `${label}: answered with the tool's output`)

    const conversation = await client.conversations.create({ items: [{ type: 'message', role: 'user', content: 'Hello from a conversation' }], metadata: { via: label } })
    const reply = await client.responses.create({ model: 'gpt-4o', conversation: conversation.id, input: 'And now?' })
    t.equal(reply.conversation?.id, conversation.id)
    const items = []
    for await (const item of client.conversations.items.list(conversation.id, { order: 'asc', limit: 2 })) items.push(item)
    t.same(items.map(item => item.type), ['message', 'message', 'message'], `${label}: every item, through auto-pagination`)
    await client.conversations.delete(conversation.id)
    t.equal((await client.conversations.retrieve(conversation.id).catch(err => err)).status, 404)
  }
})

t.test('the 4.x package (openai-v4) where it has the API', async t => {
  const emulator = await start(t)
  const client = new OpenAIv4({ baseURL: `${emulator.endpoint}/v1`, apiKey: API_KEY, maxRetries: 0 })
  const response = await client.responses.create({ model: 'gpt-4o', input: 'Hello from 4.x' })
  t.equal(response.output_text, 'You said: "Hello from 4.x". This is a reply from the Azure OpenAI Assistants emulator.')
  const final = await client.responses.stream({ model: 'gpt-4o', input: 'Stream from 4.x' }).finalResponse()
  t.equal(final.status, 'completed')
  const background = await client.responses.create({ model: 'gpt-4o', input: 'x', background: true })
  await client.responses.cancel(background.id)
  t.equal((await client.responses.retrieve(background.id)).status, 'cancelled')
  await client.responses.del(final.id)
})

t.test('file_search with annotations: a vector store made with the SDK and the fixtures\' one, created and streamed', async t => {
  const emulator = await startEmulator({ queuedMs: 20, inProgressMs: 60, apiKeys: [API_KEY], fixtures: 'fixtures/handbook.json' },
    { inspectResponse: contractInspector(t) })
  t.teardown(() => emulator.close())
  const question = 'How long is the warranty on a tent?'
  for (const [label, client] of clients(emulator.endpoint)) {
    const tools = [{ type: 'file_search' as const, vector_store_ids: ['vs_handbook'] }]
    const response = await client.responses.create({ model: 'gpt-4o', input: question, tools, include: ['file_search_call.results'] })
    t.equal(response.status, 'completed', label)
    const search = response.output[0]
    t.equal(search?.type, 'file_search_call', `${label}: the search comes first`)
    if (search?.type === 'file_search_call') {
      t.same(search.queries, [question])
      t.equal(search.results?.[0]?.filename, 'warranty.txt', `${label}: results, as include asked`)
    }
    const message = response.output[1]
    t.equal(message?.type, 'message')
    if (message?.type === 'message' && message.content[0]?.type === 'output_text') {
      const [first] = message.content[0].annotations
      t.match(first, { type: 'file_citation', filename: 'warranty.txt' }, `${label}: the answer cites the file`)
      t.match(response.output_text, /warranty/i)
    }

    const added: unknown[] = []
    const statuses: string[] = []
    const stream = client.responses.stream({ model: 'gpt-4o', input: question, tools })
      .on('response.output_text.annotation.added', event => added.push(event.annotation))
      .on('response.file_search_call.searching', () => statuses.push('searching'))
      .on('response.file_search_call.completed', () => statuses.push('completed'))
      .on('event', event => checkEvent(t, label, event))
    const final = await stream.finalResponse()
    t.same(statuses, ['searching', 'completed'], `${label}: the search's events`)
    const part = final.output[1]?.type === 'message' ? final.output[1].content[0] : undefined
    t.same(added, part?.type === 'output_text' ? part.annotations : [], `${label}: each annotation streamed, as the snapshot has it`)
    t.ok(added.length > 0)
  }

  // Files and vector stores are the Assistants API's: one made with the SDK is searched by a response.
  const client = new OpenAI({ baseURL: `${emulator.endpoint}/v1`, apiKey: API_KEY, maxRetries: 0 })
  const file = await client.files.create({ file: new File(['Kayaks may be rented for 45 dollars a day, paddles included.'], 'rentals.txt'), purpose: 'assistants' })
  const store = await client.vectorStores.create({ name: 'rentals', file_ids: [file.id] })
  for (let i = 0; i < 50 && (await client.vectorStores.retrieve(store.id)).status !== 'completed'; i++) await new Promise(resolve => setTimeout(resolve, 20))
  const answer = await client.responses.create({ model: 'gpt-4o', input: 'How much is a kayak rental?', tools: [{ type: 'file_search', vector_store_ids: [store.id] }] })
  t.match(answer.output_text, /45 dollars/)
  const cited = answer.output[1]?.type === 'message' && answer.output[1].content[0]?.type === 'output_text' ? answer.output[1].content[0].annotations : []
  t.match(cited, [{ type: 'file_citation', file_id: file.id, filename: 'rentals.txt' }])
})
