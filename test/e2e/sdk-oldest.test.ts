/**
 * The oldest `openai` release we promise, 4.x (installed as `openai-v4`, an npm alias): the line Azure's
 * Assistants quickstarts were written for. The quickstart's own flow (create, add a message, run, poll with
 * `runs.retrieve(threadId, runId)` as 4.x spells it, read the reply), the 4.x helpers `createAndPoll` and
 * `submitToolOutputsAndPoll`, and a streamed run, over a real socket.
 */
import t, { type Test } from 'tap'
import { AzureOpenAI } from 'openai-v4'
import { fileURLToPath } from 'node:url'
import { listen } from '../helper.js'

const WEATHER = fileURLToPath(new URL('../../fixtures/weather.json', import.meta.url))

async function client (t: Test) {
  const emulator = await listen(t, { queuedMs: 50, inProgressMs: 100, fixtures: WEATHER })
  return new AzureOpenAI({ endpoint: emulator.endpoint, apiKey: 'any-key', apiVersion: '2024-05-01-preview', maxRetries: 0 })
}

t.test('openai 4.x: the quickstart flow, polling runs.retrieve(threadId, runId)', async t => {
  const openai = await client(t)
  const { VERSION } = await import('openai-v4/version')
  t.match(VERSION, /^4\./, `openai ${VERSION}`)
  const assistant = await openai.beta.assistants.create({ model: 'gpt-4o', name: 'Math Assist', instructions: 'You are an AI assistant that can write code to help answer math questions.', tools: [{ type: 'code_interpreter' }] })
  const thread = await openai.beta.threads.create({})
  await openai.beta.threads.messages.create(thread.id, { role: 'user', content: 'I need to solve the equation `3x + 11 = 14`. Can you help me?' })
  let run = await openai.beta.threads.runs.create(thread.id, { assistant_id: assistant.id })
  for (let polls = 0; run.status === 'queued' || run.status === 'in_progress'; polls++) {
    t.ok(polls < 100, 'finishes')
    await new Promise(resolve => setTimeout(resolve, 20))
    run = await openai.beta.threads.runs.retrieve(thread.id, run.id)
  }
  t.equal(run.status, 'completed')
  const messages = await openai.beta.threads.messages.list(thread.id)
  t.same(messages.data.map(m => m.role), ['assistant', 'user'])
  const reply = messages.data[0]!.content[0]
  t.ok(reply?.type === 'text' && reply.text.value.length > 0, 'the reply has text')
})

t.test('openai 4.x: createAndPoll through a tool call, submitToolOutputsAndPoll, then a streamed run', async t => {
  const openai = await client(t)
  const thread = await openai.beta.threads.create({ messages: [{ role: 'user', content: 'What is the weather in Paris?' }] })
  const run = await openai.beta.threads.runs.createAndPoll(thread.id, { assistant_id: 'asst_weather' }, { pollIntervalMs: 20 })
  t.equal(run.status, 'requires_action')
  const call = run.required_action!.submit_tool_outputs.tool_calls[0]!
  t.equal(call.function.name, 'get_weather')
  const done = await openai.beta.threads.runs.submitToolOutputsAndPoll(thread.id, run.id, {
    tool_outputs: [{ tool_call_id: call.id, output: '18 °C and sunny' }]
  }, { pollIntervalMs: 20 })
  t.equal(done.status, 'completed')
  const [latest] = (await openai.beta.threads.messages.list(thread.id, { limit: 1 })).data
  t.match(latest?.content[0], { type: 'text', text: { value: 'The weather in Paris: 18 °C and sunny' } })

  const other = await openai.beta.threads.create({ messages: [{ role: 'user', content: 'Say hello.' }] })
  const assistant = await openai.beta.assistants.create({ model: 'gpt-4o' })
  const events: string[] = []
  const stream = openai.beta.threads.runs.stream(other.id, { assistant_id: assistant.id })
  for await (const event of stream) events.push(event.event)
  const final = await stream.finalRun()
  t.equal(final.status, 'completed')
  t.equal(events[0], 'thread.run.created')
  t.ok(events.includes('thread.message.delta'), 'the reply arrives in deltas')
  t.equal(events.at(-1), 'thread.run.completed')
})
