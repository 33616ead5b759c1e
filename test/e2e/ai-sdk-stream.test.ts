/**
 * The Vercel `ai` package (4.x) `AssistantResponse` forwarding emulator runs to a client, the way a chat
 * route handler does, parsed back with its own stream-protocol parser (`processAssistantStream` from
 * @ai-sdk/ui-utils): a plain reply, and the tool-call loop on fixtures/weather.json.
 */
import t from 'tap'
import { AssistantResponse } from 'ai'
import { processAssistantStream } from '@ai-sdk/ui-utils'
import { AzureOpenAI } from 'openai'
import { buildApp } from '../../src/app.js'
import { makeConfig } from '../../src/config.js'
import { loadFixtures } from '../../src/fixtures.js'
import { SDK_KEEP_ALIVE_MS } from '../support/process.js'

async function parse (response: Response) {
  const parts: { text: string, messages: string[], control: unknown[], errors: string[] } = { text: '', messages: [], control: [], errors: [] }
  await processAssistantStream({
    stream: response.body!,
    onTextPart: text => { parts.text += text },
    onAssistantMessagePart: message => { parts.messages.push(message.id) },
    onAssistantControlDataPart: data => { parts.control.push(data) },
    onErrorPart: error => { parts.errors.push(error) }
  })
  return parts
}

t.test('AssistantResponse forwards a streamed run and a tool-call round trip', async t => {
  const app = await buildApp(makeConfig({ logLevel: 'silent', queuedMs: 0, inProgressMs: 30, keepAliveTimeoutMs: SDK_KEEP_ALIVE_MS }),
    { fixtures: loadFixtures('fixtures/weather.json') })
  t.teardown(() => app.close())
  const endpoint = await app.listen({ host: '127.0.0.1', port: 0 })
  const openai = new AzureOpenAI({ endpoint, apiKey: 'k', apiVersion: '2024-05-01-preview', maxRetries: 0 })

  const assistant = await openai.beta.assistants.create({ model: 'gpt-4o' })
  const thread = await openai.beta.threads.create()
  const message = await openai.beta.threads.messages.create(thread.id, { role: 'user', content: 'Hi there' })
  const plain = await parse(AssistantResponse({ threadId: thread.id, messageId: message.id }, async ({ forwardStream }) => {
    const run = await forwardStream(openai.beta.threads.runs.stream(thread.id, { assistant_id: assistant.id }))
    t.equal(run?.status, 'completed')
  }))
  t.same(plain.errors, [])
  t.same(plain.control, [{ threadId: thread.id, messageId: message.id }])
  t.equal(plain.text, 'You said: "Hi there". This is a reply from the Azure OpenAI Assistants emulator.')
  const [reply] = (await openai.beta.threads.messages.list(thread.id, { limit: 1 })).data
  t.same(plain.messages, [reply!.id])

  const weather = await openai.beta.threads.create()
  const question = await openai.beta.threads.messages.create(weather.id, { role: 'user', content: 'weather in Paris?' })
  const loop = await parse(AssistantResponse({ threadId: weather.id, messageId: question.id }, async ({ forwardStream }) => {
    let run = await forwardStream(openai.beta.threads.runs.stream(weather.id, { assistant_id: 'asst_weather' }))
    while (run?.status === 'requires_action') {
      const outputs = run.required_action.submit_tool_outputs.tool_calls.map((call: { id: string }) => ({ tool_call_id: call.id, output: '18°C' }))
      run = await forwardStream(openai.beta.threads.runs.submitToolOutputsStream(run.id, { thread_id: weather.id, tool_outputs: outputs }))
    }
    t.equal(run?.status, 'completed')
  }))
  t.same(loop.errors, [])
  t.equal(loop.text, 'The weather in Paris: 18°C')
  t.equal(loop.messages.length, 1)
})
