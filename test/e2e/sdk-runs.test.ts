/**
 * The run lifecycle end to end with the official `openai` package over a real socket: what an
 * application's integration test does against the emulator with only the endpoint changed.
 */
import t, { type Test } from 'tap'
import { AzureOpenAI, BadRequestError } from 'openai'
import type { EmulatorOptions, FixturesFile } from '../../src/index.js'
import { listen } from '../helper.js'

const fixtures: FixturesFile = {
  scenarios: [{
    match: { message_contains: 'weather' },
    steps: [
      { tool_calls: [{ name: 'get_weather', arguments: { city: 'Paris' } }] },
      { reply: 'It is {{tool_outputs.0}} in Paris.' }
    ]
  }]
}

async function client (t: Test, overrides: EmulatorOptions = {}, apiVersion = '2024-05-01-preview') {
  const emulator = await listen(t, { queuedMs: 50, inProgressMs: 100, cancellingMs: 50, fixtures, ...overrides })
  return new AzureOpenAI({ endpoint: emulator.endpoint, apiKey: emulator.apiKey, apiVersion, maxRetries: 0 })
}

const textOf = (message: { content: Array<{ type: string, text?: { value: string } }> }) => message.content[0]?.text?.value

t.test('createAndPoll, then messages.list returns the reply', async t => {
  for (const apiVersion of ['2024-02-15-preview', '2024-05-01-preview']) {
    const openai = await client(t, {}, apiVersion)
    const assistant = await openai.beta.assistants.create({ model: 'gpt-4o', instructions: 'Be brief.' })
    const thread = await openai.beta.threads.create({ messages: [{ role: 'user', content: 'Say hi' }] })
    const run = await openai.beta.threads.runs.createAndPoll(thread.id, { assistant_id: assistant.id })
    t.equal(run.status, 'completed', apiVersion)
    const messages = await openai.beta.threads.messages.list(thread.id)
    t.equal(messages.data.length, 2)
    t.match(messages.data[0], { role: 'assistant', run_id: run.id, assistant_id: assistant.id })
    t.equal(textOf(messages.data[0]!), 'You said: "Say hi". This is a reply from the Azure OpenAI Assistants emulator.')
    const steps = await openai.beta.threads.runs.steps.list(run.id, { thread_id: thread.id })
    t.match(steps.data, [{ type: 'message_creation', status: 'completed', step_details: { message_creation: { message_id: messages.data[0]!.id } } }])
  }
})

t.test('function calling with submitToolOutputsAndPoll', async t => {
  const openai = await client(t)
  const assistant = await openai.beta.assistants.create({
    model: 'gpt-4o',
    tools: [{ type: 'function', function: { name: 'get_weather', parameters: { type: 'object', properties: { city: { type: 'string' } } } } }]
  })
  const thread = await openai.beta.threads.create({ messages: [{ role: 'user', content: 'What is the weather?' }] })
  const waiting = await openai.beta.threads.runs.createAndPoll(thread.id, { assistant_id: assistant.id })
  t.equal(waiting.status, 'requires_action')
  const call = waiting.required_action!.submit_tool_outputs.tool_calls[0]!
  t.match(call, { type: 'function', function: { name: 'get_weather', arguments: '{"city":"Paris"}' } })
  const locked = await openai.beta.threads.messages.create(thread.id, { role: 'user', content: 'more' }).catch(e => e)
  t.type(locked, BadRequestError)
  t.equal(locked.error?.message, `Can't add messages to ${thread.id} while a run ${waiting.id} is active.`)

  const done = await openai.beta.threads.runs.submitToolOutputsAndPoll(waiting.id, {
    thread_id: thread.id, tool_outputs: [{ tool_call_id: call.id, output: '21°C' }]
  })
  t.equal(done.status, 'completed')
  const [reply] = (await openai.beta.threads.messages.list(thread.id, { limit: 1 })).data
  t.equal(textOf(reply!), 'It is 21°C in Paris.')
})

t.test('cancel', async t => {
  const openai = await client(t, { queuedMs: 5000 })
  const assistant = await openai.beta.assistants.create({ model: 'gpt-4o' })
  const thread = await openai.beta.threads.create()
  const run = await openai.beta.threads.runs.create(thread.id, { assistant_id: assistant.id })
  const cancelling = await openai.beta.threads.runs.cancel(run.id, { thread_id: thread.id })
  t.equal(cancelling.status, 'cancelling')
  const cancelled = await openai.beta.threads.runs.poll(run.id, { thread_id: thread.id })
  t.equal(cancelled.status, 'cancelled')
  t.ok(cancelled.cancelled_at)
  const again = await openai.beta.threads.runs.cancel(run.id, { thread_id: thread.id }).catch(e => e)
  t.type(again, BadRequestError)
  t.equal(again.error?.message, "Cannot cancel run with status 'cancelled'.")
})

t.test('auto-pagination walks 250 runs exactly once', async t => {
  const openai = await client(t, { queuedMs: 0, inProgressMs: 0 })
  const assistant = await openai.beta.assistants.create({ model: 'gpt-4o' })
  const thread = await openai.beta.threads.create()
  const created: string[] = []
  for (let i = 0; i < 250; i++) created.push((await openai.beta.threads.runs.create(thread.id, { assistant_id: assistant.id })).id)
  const seen: string[] = []
  for await (const run of openai.beta.threads.runs.list(thread.id, { limit: 100 })) seen.push(run.id)
  t.equal(seen.length, 250)
  t.same(seen, [...created].reverse(), 'newest first, each once')
})

t.test('createAndRunPoll creates the thread and runs it', async t => {
  const openai = await client(t)
  const assistant = await openai.beta.assistants.create({ model: 'gpt-4o' })
  const run = await openai.beta.threads.createAndRunPoll({ assistant_id: assistant.id, thread: { messages: [{ role: 'user', content: 'Hello' }] } })
  t.equal(run.status, 'completed')
  const messages = await openai.beta.threads.messages.list(run.thread_id, { order: 'asc' })
  t.same(messages.data.map(m => m.role), ['user', 'assistant'])
})
