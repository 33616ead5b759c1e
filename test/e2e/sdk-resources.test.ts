/**
 * End to end with the official `openai` package: assistants, threads and messages through AzureOpenAI on
 * 2024-05-01-preview, including the SDK's own auto-pagination.
 */
import t, { type Test } from 'tap'
import { AzureOpenAI, BadRequestError, NotFoundError, toFile } from 'openai'
import type { EmulatorOptions, RunningEmulator } from '../../src/index.js'
import { listen } from '../helper.js'

async function client (t: Test, options: EmulatorOptions = {}, started?: (emulator: RunningEmulator) => void) {
  const emulator = await listen(t, { queuedMs: 50, inProgressMs: 100, ...options })
  started?.(emulator)
  return new AzureOpenAI({ endpoint: emulator.endpoint, apiKey: emulator.apiKey, apiVersion: '2024-05-01-preview', maxRetries: 0 })
}

t.test('auto-pagination walks 30 messages exactly once, in both orders', async t => {
  const openai = await client(t)
  const thread = await openai.beta.threads.create()
  const sent: string[] = []
  for (let i = 0; i < 30; i++) {
    const message = await openai.beta.threads.messages.create(thread.id, { role: 'user', content: `message ${i}` })
    sent.push(message.id)
  }

  const desc: string[] = []
  for await (const message of openai.beta.threads.messages.list(thread.id, { limit: 7 })) desc.push(message.id)
  t.same(desc, [...sent].reverse(), 'newest first, each once')

  const asc: string[] = []
  for await (const message of openai.beta.threads.messages.list(thread.id, { limit: 7, order: 'asc' })) asc.push(message.id)
  t.same(asc, sent)

  const page = await openai.beta.threads.messages.list(thread.id, { limit: 7 })
  t.equal(page.data.length, 7)
  t.ok(page.hasNextPage())

  const err = await openai.beta.threads.messages.list(thread.id, { limit: 0 }).catch(e => e)
  t.type(err, BadRequestError)
  t.equal(err.code, 'integer_below_min_value')
  t.equal(err.param, 'limit')
})

t.test('assistants: create, retrieve, update, list, delete', async t => {
  const openai = await client(t)
  const assistant = await openai.beta.assistants.create({ model: 'gpt-4o', name: 'first', metadata: { team: 'a' } })
  t.match(assistant, { object: 'assistant', name: 'first', tool_resources: {}, temperature: 1 })
  t.same(await openai.beta.assistants.retrieve(assistant.id), assistant)

  const updated = await openai.beta.assistants.update(assistant.id, { name: 'renamed', temperature: 0.3, metadata: { team: 'b' } })
  t.match(updated, { id: assistant.id, name: 'renamed', temperature: 0.3, metadata: { team: 'b' }, model: 'gpt-4o' })
  t.same(await openai.beta.assistants.update(assistant.id, {}), updated)

  const second = await openai.beta.assistants.create({ model: 'gpt-4o', name: 'second' })
  const all: string[] = []
  for await (const a of openai.beta.assistants.list({ limit: 1 })) all.push(a.id)
  t.same(all, [second.id, assistant.id])

  t.same(await openai.beta.assistants.delete(assistant.id), { id: assistant.id, object: 'assistant.deleted', deleted: true })
  const err = await openai.beta.assistants.retrieve(assistant.id).catch(e => e)
  t.type(err, NotFoundError)
  t.equal(err.error?.message, `No assistant found with id '${assistant.id}'.`)
})

t.test('threads: create, retrieve, update, delete', async t => {
  const openai = await client(t)
  const thread = await openai.beta.threads.create({ messages: [{ role: 'user', content: 'Hi' }], metadata: { a: '1' } })
  t.same(await openai.beta.threads.retrieve(thread.id), thread)
  const file = await openai.files.create({ file: await toFile(Buffer.from('data'), 'f.txt'), purpose: 'assistants' }) // referenced files must exist
  const updated = await openai.beta.threads.update(thread.id, { metadata: { b: '2' }, tool_resources: { code_interpreter: { file_ids: [file.id] } } })
  t.same(updated, { ...thread, metadata: { b: '2' }, tool_resources: { code_interpreter: { file_ids: [file.id] } } })
  t.same(await openai.beta.threads.delete(thread.id), { id: thread.id, object: 'thread.deleted', deleted: true })
  const err = await openai.beta.threads.messages.list(thread.id).catch(e => e)
  t.type(err, NotFoundError)
  t.equal(err.error?.message, `No thread found with id '${thread.id}'.`)
})

t.test('messages: create, retrieve, update, delete, and a run\'s reply by run_id', async t => {
  // A virtual clock: the run stays active until the test moves time, however slow the machine.
  let emulator: RunningEmulator | undefined
  const openai = await client(t, { clock: 'virtual' }, started => { emulator = started })
  const thread = await openai.beta.threads.create()
  const message = await openai.beta.threads.messages.create(thread.id, { role: 'user', content: 'What is 2 + 2?', metadata: { k: 'v' } })
  t.match(message, { object: 'thread.message', role: 'user', attachments: [], metadata: { k: 'v' } })
  t.same(await openai.beta.threads.messages.retrieve(message.id, { thread_id: thread.id }), message)
  const updated = await openai.beta.threads.messages.update(message.id, { thread_id: thread.id, metadata: { k: 'w' } })
  t.same(updated, { ...message, metadata: { k: 'w' } })

  const assistant = await openai.beta.assistants.create({ model: 'gpt-4o' })
  const run = await openai.beta.threads.runs.create(thread.id, { assistant_id: assistant.id })
  const locked = await openai.beta.threads.messages.create(thread.id, { role: 'user', content: 'wait' }).catch(e => e)
  t.type(locked, BadRequestError)
  t.equal(locked.error?.message, `Can't add messages to ${thread.id} while a run ${run.id} is active.`)
  emulator!.clock.advance(1000)
  const done = await openai.beta.threads.runs.poll(run.id, { thread_id: thread.id })
  t.equal(done.status, 'completed')
  const replies = await openai.beta.threads.messages.list(thread.id, { run_id: run.id })
  t.equal(replies.data.length, 1)
  t.match(replies.data[0], { role: 'assistant', run_id: run.id, assistant_id: assistant.id })

  t.same(await openai.beta.threads.messages.delete(message.id, { thread_id: thread.id }),
    { id: message.id, object: 'thread.message.deleted', deleted: true })
  const gone = await openai.beta.threads.messages.retrieve(message.id, { thread_id: thread.id }).catch(e => e)
  t.type(gone, NotFoundError)
  t.equal(gone.error?.message, `No message found with id '${message.id}'.`)
})
