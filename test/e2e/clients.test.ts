/**
 * End to end over a real socket with three real clients, each doing what an application does first:
 * assistant → thread → message → run → poll until completed → list messages shows the reply.
 * - `openai` AzureOpenAI on /openai with a v1 and a v2 api-version;
 * - `openai` OpenAI on /v1 (Bearer key, `OpenAI-Beta: assistants=v2` sent by the SDK);
 * - `@azure/openai-assistants` 1.0.0-beta.6 (2024-02-15-preview, sends `x-ms-client-request-id`).
 * Every response the app sends is checked against the official documents (test/contract) on the way out.
 */
import t, { type Test } from 'tap'
import { AzureOpenAI, OpenAI, AuthenticationError, BadRequestError, NotFoundError } from 'openai'
import { AssistantsClient, AzureKeyCredential } from '@azure/openai-assistants'
import type { EmulatorOptions } from '../../src/index.js'
import { listen } from '../helper.js'

/** An emulator in this process through the package's in-process API; answers its endpoint. */
async function start (t: Test, overrides: EmulatorOptions = {}) {
  const emulator = await listen(t, { queuedMs: 50, inProgressMs: 100, ...overrides })
  return emulator.endpoint
}

const textOf = (message: { content: Array<{ type: string, text?: { value: string } }> }) =>
  message.content.map(part => part.type === 'text' ? part.text?.value ?? '' : '').join('')

for (const apiVersion of ['2024-02-15-preview', '2024-05-01-preview']) {
  t.test(`openai AzureOpenAI, ${apiVersion}`, async t => {
    const client = new AzureOpenAI({ endpoint: await start(t), apiKey: 'k', apiVersion, maxRetries: 0 })
    const assistant = await client.beta.assistants.create({ model: 'gpt-4o', instructions: 'Be brief.' })
    const thread = await client.beta.threads.create()
    await client.beta.threads.messages.create(thread.id, { role: 'user', content: 'What is 2 + 2?' })
    const run = await client.beta.threads.runs.createAndPoll(thread.id, { assistant_id: assistant.id })
    t.equal(run.status, 'completed')
    const messages = await client.beta.threads.messages.list(thread.id)
    t.equal(messages.data.length, 2)
    t.match(messages.data[0], { role: 'assistant', run_id: run.id, assistant_id: assistant.id })
    t.ok(textOf(messages.data[0]!).length > 0, 'the reply has text')
    if (apiVersion === '2024-02-15-preview') t.match(assistant, { file_ids: [] })
    else t.match(assistant, { tool_resources: {} })
  })
}

t.test('openai OpenAI on /v1', async t => {
  const baseURL = `${await start(t)}/v1`
  const client = new OpenAI({ baseURL, apiKey: 'sk-test', maxRetries: 0 })
  const assistant = await client.beta.assistants.create({ model: 'gpt-4o', instructions: 'Be brief.' })
  t.match(assistant, { object: 'assistant', tool_resources: {} })
  t.notOk('file_ids' in assistant, 'v2 shapes')
  const thread = await client.beta.threads.create({ messages: [{ role: 'user', content: 'Hello' }] })
  await client.beta.threads.messages.create(thread.id, { role: 'user', content: 'What is 2 + 2?' })
  const run = await client.beta.threads.runs.createAndPoll(thread.id, { assistant_id: assistant.id })
  t.equal(run.status, 'completed')
  const steps = await client.beta.threads.runs.steps.list(run.id, { thread_id: thread.id })
  t.ok(steps.data.length > 0)
  const messages = await client.beta.threads.messages.list(thread.id, { order: 'asc' })
  t.same(messages.data.map(m => m.role), ['user', 'user', 'assistant'])
  t.ok(textOf(messages.data[2]!).length > 0)
  t.match(await client.beta.threads.messages.delete(messages.data[0]!.id, { thread_id: thread.id }), { deleted: true })
  t.match(await client.beta.assistants.delete(assistant.id), { deleted: true })

  const err = await client.beta.threads.retrieve('thread_nope').catch(e => e)
  t.type(err, NotFoundError)
  t.equal(err.error?.message, "No thread found with id 'thread_nope'.")
  const unknown = await client.get('/_stainless_unknown_path').catch(e => e) as NotFoundError
  t.type(unknown, NotFoundError, 'unknown paths are 404 (what openai-node\'s own tests expect)')
  t.match(unknown.error, { message: 'Invalid URL (GET /v1/_stainless_unknown_path)' })
})

t.test('openai OpenAI on /v1: keys and the beta header', async t => {
  const baseURL = `${await start(t, { apiKeys: ['sk-right-0123456789'] })}/v1`
  const wrong = await new OpenAI({ baseURL, apiKey: 'sk-wrong-0123456789', maxRetries: 0 }).beta.assistants.list().catch(e => e)
  t.type(wrong, AuthenticationError)
  t.match(wrong.error, { code: 'invalid_api_key', message: /^Incorrect API key provided: sk-wrong\*+6789\./ })
  const right = new OpenAI({ baseURL, apiKey: 'sk-right-0123456789', maxRetries: 0 })
  t.match(await right.beta.assistants.list(), { data: [] })
  const noBeta = await right.get('/assistants', { headers: { 'OpenAI-Beta': null } }).catch(e => e) as BadRequestError
  t.type(noBeta, BadRequestError)
  t.match(noBeta.error, { code: 'invalid_beta' })
})

t.test('@azure/openai-assistants 1.0.0-beta.6 (2024-02-15-preview)', async t => {
  const client = new AssistantsClient(await start(t), new AzureKeyCredential('k'), { allowInsecureConnection: true })
  const assistant = await client.createAssistant({ model: 'gpt-4o', instructions: 'Be brief.' })
  t.match(assistant, { id: /^asst_/, model: 'gpt-4o' })
  t.same(assistant.fileIds, [], 'v1 shapes: file_ids')
  const thread = await client.createThread()
  const message = await client.createMessage(thread.id, 'user', 'What is 2 + 2?')
  t.equal(message.threadId, thread.id)
  let run = await client.createRun(thread.id, { assistantId: assistant.id })
  const deadline = Date.now() + 5000
  while (['queued', 'in_progress'].includes(run.status) && Date.now() < deadline) {
    await new Promise(resolve => setTimeout(resolve, 50))
    run = await client.getRun(thread.id, run.id)
  }
  t.equal(run.status, 'completed')
  const messages = await client.listMessages(thread.id)
  t.equal(messages.data.length, 2)
  const reply = messages.data[0]!
  t.equal(reply.role, 'assistant')
  const text = reply.content.map(part => part.type === 'text' ? (part as { text: { value: string } }).text.value : '').join('')
  t.ok(text.length > 0, 'the reply has text')
})

t.test('@azure/openai-assistants: x-ms-client-request-id comes back', async t => {
  const endpoint = await start(t)
  const client = new AssistantsClient(endpoint, new AzureKeyCredential('k'), { allowInsecureConnection: true })
  let sent: string | undefined
  let echoed: string | undefined
  await client.listAssistants({
    onResponse: (response) => {
      sent = response.request.headers.get('x-ms-client-request-id')
      echoed = response.headers.get('x-ms-client-request-id')
    }
  })
  t.ok(sent, 'the SDK sends one')
  t.equal(echoed, sent, 'the response echoes it')
})
