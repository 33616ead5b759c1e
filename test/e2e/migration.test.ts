/**
 * The migration example of docs/responses.md, run as written: one fixture (fixtures/migration.json) drives the
 * same conversation as a run of the Assistants API and as responses of the Responses API, so a team moving one
 * flow at a time can assert that old and new code see the same result: a function call answered, and a function
 * call answered and then a search of a vector store, cited. Both with the official `openai` package
 * over a real socket: the Assistants code on AzureOpenAI 2024-05-01-preview, the Responses code on /openai/v1.
 */
import t from 'tap'
import { AzureOpenAI } from 'openai'
import { startEmulator } from '../../src/index.js'
import { contractInspector } from '../contract/inspect.js'

const QUESTION = 'What is the weather in Lisbon?'
const WEATHER_NOW = '22°C and sunny'
/** What our application does when the model calls get_weather. */
const getWeather = (args: { city: string }) => args.city === 'Lisbon' ? WEATHER_NOW : 'unknown'

t.test('one fixture, the same answer as a run and as a response', async t => {
  const emulator = await startEmulator({ fixtures: 'fixtures/migration.json', queuedMs: 20, inProgressMs: 40 }, { inspectResponse: contractInspector(t) })
  t.teardown(() => emulator.close())

  // Before: the Assistants API (a thread, a run that waits for the tool output).
  const assistants = new AzureOpenAI({ endpoint: emulator.endpoint, apiKey: emulator.apiKey, apiVersion: '2024-05-01-preview' })
  const thread = await assistants.beta.threads.create({ messages: [{ role: 'user', content: QUESTION }] })
  let run = await assistants.beta.threads.runs.createAndPoll(thread.id, { assistant_id: 'asst_travel' }, { pollIntervalMs: 20 })
  t.equal(run.status, 'requires_action')
  const calls = run.required_action!.submit_tool_outputs.tool_calls
  run = await assistants.beta.threads.runs.submitToolOutputsAndPoll(run.id, {
    thread_id: thread.id,
    tool_outputs: calls.map(call => ({ tool_call_id: call.id, output: getWeather(JSON.parse(call.function.arguments)) }))
  }, { pollIntervalMs: 20 })
  t.equal(run.status, 'completed')
  const [reply] = (await assistants.beta.threads.messages.list(thread.id, { limit: 1 })).data
  const before = reply!.content[0]!.type === 'text' ? reply!.content[0]!.text.value : ''

  // After: the Responses API (a function call ends the response; its output starts the next).
  const responses = new AzureOpenAI({ baseURL: `${emulator.endpoint}/openai/v1`, apiKey: emulator.apiKey, apiVersion: 'preview' })
  const tools = [{ type: 'function' as const, name: 'get_weather', parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'], additionalProperties: false }, strict: true }]
  const asked = await responses.responses.create({ model: 'gpt-4o', input: QUESTION, tools })
  const answered = await responses.responses.create({
    model: 'gpt-4o',
    previous_response_id: asked.id,
    tools,
    input: asked.output.flatMap(item => item.type === 'function_call'
      ? [{ type: 'function_call_output' as const, call_id: item.call_id, output: getWeather(JSON.parse(item.arguments)) }]
      : [])
  })
  const after = answered.output_text

  t.equal(before, 'In Lisbon it is 22°C and sunny today.')
  t.equal(after, before, 'the Responses code sees what the Assistants code saw')
})

t.test('one fixture, the same cited answer as a run and as a response: a tool call, then a search of the travel guide', async t => {
  const emulator = await startEmulator({ fixtures: 'fixtures/migration.json', queuedMs: 20, inProgressMs: 40 }, { inspectResponse: contractInspector(t) })
  t.teardown(() => emulator.close())
  const question = 'What should I pack for Lisbon?'

  // Before: a run that waits for the tool output, then searches the assistant's vector store and cites it.
  const assistants = new AzureOpenAI({ endpoint: emulator.endpoint, apiKey: emulator.apiKey, apiVersion: '2024-05-01-preview' })
  const thread = await assistants.beta.threads.create({ messages: [{ role: 'user', content: question }] })
  let run = await assistants.beta.threads.runs.createAndPoll(thread.id, { assistant_id: 'asst_travel' }, { pollIntervalMs: 20 })
  const calls = run.required_action!.submit_tool_outputs.tool_calls
  run = await assistants.beta.threads.runs.submitToolOutputsAndPoll(run.id, {
    thread_id: thread.id,
    tool_outputs: calls.map(call => ({ tool_call_id: call.id, output: getWeather(JSON.parse(call.function.arguments)) }))
  }, { pollIntervalMs: 20 })
  t.equal(run.status, 'completed')
  const [reply] = (await assistants.beta.threads.messages.list(thread.id, { limit: 1 })).data
  const text = reply!.content[0]!.type === 'text' ? reply!.content[0]!.text : { value: '', annotations: [] }
  const [marker] = text.annotations
  t.equal(marker?.type, 'file_citation')
  const runCitedFile = marker?.type === 'file_citation' ? marker.file_citation.file_id : ''

  // After: responses with the function and the vector store as tools.
  const responses = new AzureOpenAI({ baseURL: `${emulator.endpoint}/openai/v1`, apiKey: emulator.apiKey, apiVersion: 'preview' })
  const tools = [
    { type: 'function' as const, name: 'get_weather', parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'], additionalProperties: false }, strict: true },
    { type: 'file_search' as const, vector_store_ids: ['vs_travel'] }
  ]
  const asked = await responses.responses.create({ model: 'gpt-4o', input: question, tools })
  const answered = await responses.responses.create({
    model: 'gpt-4o',
    previous_response_id: asked.id,
    tools,
    input: asked.output.flatMap(item => item.type === 'function_call'
      ? [{ type: 'function_call_output' as const, call_id: item.call_id, output: getWeather(JSON.parse(item.arguments)) }]
      : [])
  })
  t.same(answered.output.map(item => item.type), ['file_search_call', 'message'])
  const message = answered.output[1]
  const part = message?.type === 'message' ? message.content[0] : undefined
  const [citation] = part?.type === 'output_text' ? part.annotations : []

  t.equal(answered.output_text, 'It is 22°C and sunny in Lisbon. Wear shoes with a good grip.')
  t.equal(answered.output_text, text.value.replace(/【[^】]*】/, ''), 'the Responses code sees the run\'s answer, without the marker')
  t.match(citation, { type: 'file_citation', filename: 'lisbon.txt', index: text.value.indexOf('【') })
  t.equal(citation?.type === 'file_citation' ? citation.file_id : undefined, runCitedFile, 'and the same file cited')
})
