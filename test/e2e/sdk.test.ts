/**
 * End to end over a real socket with the official `openai` package's AzureOpenAI client: what a user's
 * integration test does, with nothing but the endpoint changed.
 */
import t, { type Test } from 'tap'
import { AzureOpenAI, AuthenticationError, BadRequestError, NotFoundError } from 'openai'
import type { EmulatorOptions } from '../../src/index.js'
import { listen } from '../helper.js'

async function start (t: Test, overrides: EmulatorOptions = {}) {
  const emulator = await listen(t, { queuedMs: 100, inProgressMs: 200, ...overrides })
  return emulator.endpoint
}

function client (endpoint: string, apiKey = 'any-key') {
  return new AzureOpenAI({ endpoint, apiKey, apiVersion: '2024-02-15-preview', maxRetries: 0 })
}

t.test('createAndPoll reaches completed in about the configured time', async t => {
  const openai = client(await start(t))
  const assistant = await openai.beta.assistants.create({ model: 'gpt-4o', name: 'e2e', instructions: 'Be brief.' })
  t.match(assistant, { object: 'assistant', model: 'gpt-4o', name: 'e2e', file_ids: [] })
  const thread = await openai.beta.threads.create({ messages: [{ role: 'user', content: 'What is 2 + 2?' }] })
  t.match(await openai.beta.threads.retrieve(thread.id), { id: thread.id, object: 'thread' })

  const queued = await openai.beta.threads.runs.create(thread.id, { assistant_id: assistant.id })
  t.equal(queued.status, 'queued')
  t.match(queued.id, /^run_[A-Za-z0-9]{24}$/)

  // Polled to the end before the timed run: a completed run counts its tokens, and the first count loads the
  // tokenizer, which can take seconds on a loaded machine; the timing below is about polling only.
  t.equal((await openai.beta.threads.runs.poll(queued.id, { thread_id: thread.id })).status, 'completed')

  const other = await openai.beta.threads.create({ messages: [{ role: 'user', content: 'Hello' }] })
  const started = Date.now()
  const run = await openai.beta.threads.runs.createAndPoll(other.id, { assistant_id: assistant.id })
  const elapsed = Date.now() - started
  t.equal(run.status, 'completed')
  t.ok(run.usage && run.usage.total_tokens > 0, 'usage is set once completed')
  // The SDK waits as `openai-poll-after-ms` says (about 300 ms here) instead of its 5 s default: a behaviour, not a speed.
  t.ok(elapsed >= 300 && elapsed < 4900, `polled to completion in ${elapsed} ms (configured 300 ms; the default wait would be 5000)`)

  const retrieved = await openai.beta.threads.runs.retrieve(run.id, { thread_id: other.id })
  t.equal(retrieved.status, 'completed')
})

t.test('a wrong key is an AuthenticationError when keys are configured', async t => {
  const endpoint = await start(t, { apiKeys: ['right-key'] })
  const err = await client(endpoint, 'wrong-key').beta.assistants.create({ model: 'gpt-4o' }).catch(e => e)
  t.type(err, AuthenticationError)
  t.match(err.message, /^401 Access denied due to invalid subscription key/)
  const assistant = await client(endpoint, 'right-key').beta.assistants.create({ model: 'gpt-4o' })
  t.match(assistant.id, /^asst_/)
})

t.test('an unknown thread is a NotFoundError carrying the service text', async t => {
  const openai = client(await start(t))
  const assistant = await openai.beta.assistants.create({ model: 'gpt-4o' })
  const err = await openai.beta.threads.runs.create('thread_nope', { assistant_id: assistant.id }).catch(e => e)
  t.type(err, NotFoundError)
  t.equal(err.status, 404)
  t.equal(err.error?.message, "No thread found with id 'thread_nope'.")
  t.ok(err.requestID, 'the x-request-id header reaches the SDK')
})

t.test('bad metadata is a BadRequestError with our message', async t => {
  const openai = client(await start(t))
  const assistant = await openai.beta.assistants.create({ model: 'gpt-4o' })
  const thread = await openai.beta.threads.create()
  const metadata = Object.fromEntries(Array.from({ length: 17 }, (_, i) => [`k${i}`, 'v']))
  const err = await openai.beta.threads.runs.create(thread.id, { assistant_id: assistant.id, metadata }).catch(e => e)
  t.type(err, BadRequestError)
  t.equal(err.code, 'object_above_max_properties')
  t.equal(err.param, 'metadata')
  t.match(err.message, /^400 Invalid 'metadata': too many properties/)
})
