/**
 * Streaming with the official `openai` package over a real socket, unmodified: `AzureOpenAI`
 * (2024-05-01-preview) and `OpenAI` on /v1 — runs.stream with textDelta and finalRun / finalMessages,
 * threads.createAndRunStream, the function-calling loop on fixtures/weather.json, and the
 * toReadableStream / AssistantStream.fromReadableStream round trip.
 */
import t, { type Test } from 'tap'
import { AzureOpenAI, OpenAI } from 'openai'
import { AssistantStream } from 'openai/lib/AssistantStream'
import { buildApp } from '../../src/app.js'
import { makeConfig } from '../../src/config.js'
import { loadFixtures } from '../../src/fixtures.js'
import { SDK_KEEP_ALIVE_MS } from '../support/process.js'

async function clients (t: Test) {
  const app = await buildApp(makeConfig({ logLevel: 'silent', queuedMs: 20, inProgressMs: 60, cancellingMs: 20, keepAliveTimeoutMs: SDK_KEEP_ALIVE_MS }), { fixtures: loadFixtures('fixtures/weather.json') })
  t.teardown(() => app.close())
  const endpoint = await app.listen({ host: '127.0.0.1', port: 0 })
  return [
    ['AzureOpenAI 2024-05-01-preview', new AzureOpenAI({ endpoint, apiKey: 'k', apiVersion: '2024-05-01-preview', maxRetries: 0 })],
    ['OpenAI /v1', new OpenAI({ baseURL: `${endpoint}/v1`, apiKey: 'sk-test', maxRetries: 0 })]
  ] as const
}

const textOf = (message: { content: Array<{ type: string, text?: { value: string } }> }) => message.content[0]?.text?.value

t.test('runs.stream: textDelta, finalRun, finalMessages', async t => {
  for (const [label, openai] of await clients(t)) {
    const assistant = await openai.beta.assistants.create({ model: 'gpt-4o' })
    const thread = await openai.beta.threads.create({ messages: [{ role: 'user', content: 'Say hi' }] })
    let streamed = ''
    let completed: unknown
    const stream = openai.beta.threads.runs.stream(thread.id, { assistant_id: assistant.id })
      .on('textDelta', delta => { streamed += delta.value ?? '' })
      .on('event', event => { if (event.event === 'thread.message.completed') completed = event.data })
    const run = await stream.finalRun()
    t.equal(run.status, 'completed', label)
    const expected = 'You said: "Say hi". This is a reply from the Azure OpenAI Assistants emulator.'
    t.equal(streamed, expected, `${label}: the deltas add up to the reply`)
    const messages = await stream.finalMessages()
    t.equal(messages.length, 1)
    t.equal(textOf(messages[0]!), expected)
    const listed = await openai.beta.threads.messages.list(thread.id)
    t.same(listed.data[0], completed, `${label}: list messages shows the message the stream completed`)
    t.equal(listed.data[0]!.id, messages[0]!.id)
    t.same(await openai.beta.threads.runs.retrieve(run.id, { thread_id: thread.id }), run, `${label}: GET run = finalRun()`)
  }
})

t.test('threads.createAndRunStream', async t => {
  for (const [label, openai] of await clients(t)) {
    const assistant = await openai.beta.assistants.create({ model: 'gpt-4o' })
    const events: string[] = []
    const stream = openai.beta.threads.createAndRunStream({ assistant_id: assistant.id, thread: { messages: [{ role: 'user', content: 'Hello' }] } })
      .on('event', e => events.push(e.event))
    const run = await stream.finalRun()
    t.equal(run.status, 'completed', label)
    t.equal(events[0], 'thread.created')
    t.equal(events.at(-1), 'thread.run.completed')
    const messages = await openai.beta.threads.messages.list(run.thread_id, { order: 'asc' })
    t.same(messages.data.map(m => m.role), ['user', 'assistant'])
  }
})

t.test('the function-calling loop on fixtures/weather.json: requires_action, then submitToolOutputsStream', async t => {
  for (const [label, openai] of await clients(t)) {
    const thread = await openai.beta.threads.create({ messages: [{ role: 'user', content: 'What is the weather in Paris?' }] })
    const toolCalls: string[] = []
    let text = ''
    const onEvent = async (event: { event: string, data: any }) => {
      if (event.event !== 'thread.run.requires_action') return
      const outputs = event.data.required_action.submit_tool_outputs.tool_calls.map((call: { id: string, function: { arguments: string } }) => {
        t.same(JSON.parse(call.function.arguments), { city: 'Paris', unit: 'c' })
        return { tool_call_id: call.id, output: '18°C and sunny' }
      })
      const next = openai.beta.threads.runs.submitToolOutputsStream(event.data.id, { thread_id: thread.id, tool_outputs: outputs })
        .on('textDelta', delta => { text += delta.value ?? '' })
      const done = await next.finalRun()
      t.equal(done.status, 'completed', `${label}: completed after the outputs`)
    }
    const pending: Array<Promise<void>> = []
    const stream = openai.beta.threads.runs.stream(thread.id, { assistant_id: 'asst_weather' })
      .on('toolCallCreated', call => toolCalls.push(call.type === 'function' ? call.function.name : call.type))
      .on('event', event => { pending.push(onEvent(event)) })
    const waiting = await stream.finalRun()
    t.equal(waiting.status, 'requires_action')
    await Promise.all(pending)
    t.same(toolCalls, ['get_weather'])
    t.equal(text, 'The weather in Paris: 18°C and sunny')
    const [reply] = (await openai.beta.threads.messages.list(thread.id, { limit: 1 })).data
    t.equal(textOf(reply!), text)
  }
})

t.test('toReadableStream and AssistantStream.fromReadableStream round trip', async t => {
  const [[, openai]] = await clients(t)
  const assistant = await openai.beta.assistants.create({ model: 'gpt-4o' })
  const thread = await openai.beta.threads.create({ messages: [{ role: 'user', content: 'Round trip' }] })
  const readable = openai.beta.threads.runs.stream(thread.id, { assistant_id: assistant.id }).toReadableStream()
  let text = ''
  const rebuilt = AssistantStream.fromReadableStream(readable).on('textDelta', delta => { text += delta.value ?? '' })
  const run = await rebuilt.finalRun()
  t.equal(run.status, 'completed')
  t.equal(text, 'You said: "Round trip". This is a reply from the Azure OpenAI Assistants emulator.')
  t.equal(textOf((await rebuilt.finalMessages())[0]!), text)
})
