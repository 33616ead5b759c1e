/**
 * The control plane meets event streams: a `stream_cut` rule ends a real stream after N events with no
 * `done`, and an open stream under --isolate-by-key follows a virtual clock advanced by another request
 * while reading its own key's objects.
 */
import t, { type Test } from 'tap'
import { AzureOpenAI } from 'openai'
import type { EmulatorOptions } from '../../src/index.js'
import { listen, V2 } from '../helper.js'

async function running (t: Test, options: EmulatorOptions) {
  const emulator = await listen(t, options)
  return emulator
}

/** The event names of a raw stream, read until the server ends or cuts it. */
async function eventNames (response: Response): Promise<{ names: string[], cut: boolean }> {
  let text = ''
  let cut = false
  try {
    for await (const chunk of response.body!) text += Buffer.from(chunk).toString('utf8')
  } catch {
    cut = true
  }
  return { names: [...text.matchAll(/^event: (.+)$/gm)].map(m => m[1]!), cut }
}

t.test('stream_cut: the stream ends after N events, without done, and the next stream is whole', async t => {
  const emulator = await running(t, { queuedMs: 0, inProgressMs: 0 })
  const client = new AzureOpenAI({ endpoint: emulator.endpoint, apiKey: emulator.apiKey, apiVersion: V2, maxRetries: 0 })
  const assistant = await client.beta.assistants.create({ model: 'gpt-4o' })
  emulator.faults.add({ match: { method: 'POST', path: '/openai/threads/runs' }, fault: { type: 'stream_cut', after_events: 3 }, times: 1 })
  const start = () => fetch(`${emulator.url}/openai/threads/runs?api-version=${V2}`, {
    method: 'POST',
    headers: { 'api-key': emulator.apiKey, 'content-type': 'application/json' },
    body: JSON.stringify({ assistant_id: assistant.id, thread: { messages: [{ role: 'user', content: 'hi' }] }, stream: true })
  })
  const first = await eventNames(await start())
  t.same(first.names, ['thread.created', 'thread.run.created', 'thread.run.queued'])
  t.notOk(first.names.includes('done'))
  const second = await eventNames(await start())
  t.equal(second.cut, false)
  t.equal(second.names.at(-1), 'done')
  t.equal(second.names.at(-2), 'thread.run.completed')
})

t.test('an isolated key\'s open stream follows a virtual clock advanced by another request', async t => {
  const emulator = await running(t, { clock: 'virtual', isolateByKey: true, queuedMs: 1000, inProgressMs: 1000 })
  const client = new AzureOpenAI({ endpoint: emulator.endpoint, apiKey: 'tenant-a', apiVersion: V2, maxRetries: 0 })
  const assistant = await client.beta.assistants.create({ model: 'gpt-4o' })
  const thread = await client.beta.threads.create({ messages: [{ role: 'user', content: 'hello' }] })
  const stream = client.beta.threads.runs.stream(thread.id, { assistant_id: assistant.id })
  const seen: string[] = []
  stream.on('event', event => {
    seen.push(event.event)
    if (event.event === 'thread.run.queued') {
      // Another caller, with no key of its own, moves the clock past both phases.
      fetch(`${emulator.url}/_emulator/clock/advance`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"ms":5000}' })
        .catch(err => t.error(err))
    }
  })
  const run = await stream.finalRun()
  t.equal(run.status, 'completed')
  t.ok(seen.includes('thread.message.completed'), 'the reply was streamed from tenant-a\'s store')
  const messages = await client.beta.threads.messages.list(thread.id)
  t.equal(messages.data.length, 2)
})
