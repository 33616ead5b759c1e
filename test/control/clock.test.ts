/** The virtual clock: GET/POST /_emulator/clock, and a run driven through its statuses with no sleep. */
import t from 'tap'
import { AzureOpenAI } from 'openai'
import { startEmulator } from '../../src/index.js'
import { build } from '../helper.js'

const weather = {
  scenarios: [{ match: { message_contains: 'weather' }, steps: [{ tool_calls: [{ name: 'get_weather', arguments: { city: 'Paris' } }] }, { reply: 'Sunny.' }] }]
}

t.test('queued → in_progress → requires_action → expired with the virtual clock, no sleep', async t => {
  const emulator = await startEmulator({ clock: 'virtual', fixtures: weather })
  t.teardown(() => emulator.close())
  const client = new AzureOpenAI({ endpoint: emulator.endpoint, apiKey: emulator.apiKey, apiVersion: '2024-05-01-preview', maxRetries: 0 })
  const assistant = await client.beta.assistants.create({ model: 'gpt-4o', tools: [{ type: 'function', function: { name: 'get_weather' } }] })
  const thread = await client.beta.threads.create({ messages: [{ role: 'user', content: 'What is the weather?' }] })
  const run = await client.beta.threads.runs.create(thread.id, { assistant_id: assistant.id })
  const status = async () => (await client.beta.threads.runs.retrieve(run.id, { thread_id: thread.id })).status
  t.equal(run.status, 'queued')
  t.equal(await status(), 'queued', 'time stands still')
  emulator.clock.advance(500)
  t.equal(await status(), 'in_progress')
  emulator.clock.advance(1500)
  const waiting = await client.beta.threads.runs.retrieve(run.id, { thread_id: thread.id })
  t.equal(waiting.status, 'requires_action')
  t.equal(waiting.required_action?.submit_tool_outputs.tool_calls[0]?.function.name, 'get_weather')

  // Over HTTP, as a test in another language would: one advance of 601000 ms expires the waiting run.
  const advanced = await fetch(`${emulator.url}/_emulator/clock/advance`, {
    method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ ms: 601000 })
  })
  t.equal(advanced.status, 200)
  t.same(await advanced.json(), { mode: 'virtual', now: emulator.clock.now() })
  const expired = await client.beta.threads.runs.retrieve(run.id, { thread_id: thread.id })
  t.equal(expired.status, 'expired')
  t.equal(expired.expires_at, null)
  const steps = await client.beta.threads.runs.steps.list(run.id, { thread_id: thread.id })
  t.equal(steps.data[0]?.status, 'expired')
})

t.test('GET /_emulator/clock answers in both modes; a real clock cannot be advanced (409)', async t => {
  const manual = await build(t)
  t.same((await manual.app.inject({ method: 'GET', url: '/_emulator/clock' })).json(), { mode: 'virtual', now: manual.clock.now() }, 'an injected manual clock is virtual')

  const emulator = await startEmulator()
  t.teardown(() => emulator.close())
  const clock = await (await fetch(`${emulator.url}/_emulator/clock`)).json() as { mode: string, now: number }
  t.equal(clock.mode, 'real')
  t.ok(Math.abs(clock.now - Date.now()) < 5000)
  const refused = await fetch(`${emulator.url}/_emulator/clock/advance`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"ms":1000}' })
  t.equal(refused.status, 409)
  t.match(await refused.json(), { error: { message: /The clock is real: it cannot be advanced\. Start the emulator with --clock virtual/, code: 'conflict' } })
  t.throws(() => emulator.clock.advance(1), /The clock is real/)

  const bad = await fetch(`${emulator.url}/_emulator/clock/advance`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"ms":-5}' })
  t.equal(bad.status, 400)
  t.match(await bad.json(), { error: { param: 'ms' } })
})

t.test('a virtual clock starts at the real time, or at 2025-01-01 with a seed', async t => {
  const before = Date.now()
  const plain = await startEmulator({ clock: 'virtual' })
  t.teardown(() => plain.close())
  t.ok(plain.clock.now() >= before && plain.clock.now() <= Date.now())
  const seeded = await startEmulator({ clock: 'virtual', seed: 1 })
  t.teardown(() => seeded.close())
  t.equal(seeded.clock.now(), Date.UTC(2025, 0, 1))
  const response = await fetch(`${seeded.url}/_emulator/health`)
  t.equal(response.headers.get('date'), 'Wed, 01 Jan 2025 00:00:00 GMT', 'the Date header follows the virtual clock')
})
