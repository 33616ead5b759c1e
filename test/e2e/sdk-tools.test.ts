/**
 * Hosted tools through the official JavaScript clients, over a socket, on the shipped example fixtures:
 * openai-node's `runs.stream` (the current major and 4.x) reading the cited reply with `on('textDone')` and the
 * code with `on('toolCallDelta')`, then downloading the chart with `files.content`; and the `ai` package's (4.x)
 * `AssistantResponse` forwarding a cited run. Every response is checked against the official documents.
 */
import { readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import t, { type Test } from 'tap'
import { AssistantResponse } from 'ai'
import { processAssistantStream } from '@ai-sdk/ui-utils'
import { AzureOpenAI, OpenAI } from 'openai'
import { AzureOpenAI as AzureOpenAIv4 } from 'openai-v4'
import { buildApp } from '../../src/app.js'
import { makeConfig } from '../../src/config.js'
import { loadFixtures } from '../../src/fixtures.js'
import { codePointSlice } from '../../src/tools/citations.js'
import { contractInspector } from '../contract/inspect.js'

const FIXTURES_DIR = fileURLToPath(new URL('../../fixtures/', import.meta.url))
const CHART = readFileSync(new URL('../../fixtures/images/monthly-sales.png', import.meta.url))
const WARRANTY = readFileSync(new URL('../../fixtures/handbook/warranty.txt', import.meta.url), 'utf8')

async function emulator (t: Test) {
  const app = await buildApp(makeConfig({ logLevel: 'silent', queuedMs: 10, inProgressMs: 60 }),
    { fixtures: loadFixtures(FIXTURES_DIR), inspectResponse: contractInspector(t) })
  t.teardown(() => app.close())
  return app.listen({ host: '127.0.0.1', port: 0 })
}

type Client = InstanceType<typeof AzureOpenAI>
const clients = (endpoint: string): Array<[string, Client]> => [
  ['openai (current)', new AzureOpenAI({ endpoint, apiKey: 'k', apiVersion: '2024-05-01-preview', maxRetries: 0 })],
  ['openai 4.x', new AzureOpenAIv4({ endpoint, apiKey: 'k', apiVersion: '2024-05-01-preview', maxRetries: 0 }) as unknown as Client],
  ['OpenAI /v1', new OpenAI({ baseURL: `${endpoint}/v1`, apiKey: 'k', maxRetries: 0 }) as unknown as Client]
]

t.test('runs.stream: a file_search run\'s tool call, and on(\'textDone\') with citations at the right characters of the right file', async t => {
  const endpoint = await emulator(t)
  for (const [name, client] of clients(endpoint)) {
    const thread = await client.beta.threads.create({ messages: [{ role: 'user', content: 'How long is the warranty on a tent?' }] })
    const calls: string[] = []
    const texts: Array<{ value: string, annotations: any[] }> = []
    const stream = client.beta.threads.runs.stream(thread.id, { assistant_id: 'asst_handbook' })
      .on('toolCallCreated', call => { calls.push(call.type) })
      .on('textDone', content => { texts.push(content) })
    const run = await stream.finalRun()
    t.equal(run.status, 'completed', name)
    t.same(calls, ['file_search'], `${name}: the search call`)
    t.equal(texts.length, 1)
    const { value, annotations } = texts[0]!
    t.equal(annotations.length, 1)
    const [citation] = annotations
    t.equal(codePointSlice(value, citation.start_index, citation.end_index), citation.text, `${name}: the offsets cover the marker`)
    t.equal(citation.text, '【2:0†warranty.txt】')
    const file = await client.files.retrieve(citation.file_citation.file_id)
    t.equal(file.filename, 'warranty.txt', `${name}: the right file`)
    const quote = /"([^"]+)"【/.exec(value)![1]!
    t.ok(WARRANTY.includes(quote), `${name}: the quote is the file's own text`)
    t.equal(await (await client.files.content(file.id)).text(), WARRANTY, `${name}: and the file downloads`)
  }
})

t.test('runs.stream: a scripted code_interpreter run\'s input through on(\'toolCallDelta\'), its image, and the chart downloads', async t => {
  const endpoint = await emulator(t)
  for (const [name, client] of clients(endpoint)) {
    const thread = await client.beta.threads.create({ messages: [{ role: 'user', content: 'Chart the monthly sales' }] })
    let input = ''
    const logs: string[] = []
    const images: string[] = []
    const texts: Array<{ value: string, annotations: any[] }> = []
    const stream = client.beta.threads.runs.stream(thread.id, { assistant_id: 'asst_analyst' })
      .on('toolCallDelta', delta => {
        if (delta.type !== 'code_interpreter') return
        input += delta.code_interpreter?.input ?? ''
        for (const output of delta.code_interpreter?.outputs ?? []) if (output.type === 'logs') logs.push(output.logs ?? '')
      })
      .on('imageFileDone', image => { images.push(image.file_id) })
      .on('textDone', content => { texts.push(content) })
    const run = await stream.finalRun()
    t.equal(run.status, 'completed', name)
    t.match(input, /^import matplotlib\.pyplot as plt\nsales = \[40, 75, 60, 110, 95, 125\]/, `${name}: the code, delta by delta`)
    t.same(logs, ['Best month: 6 (125 units)\n'])
    t.equal(images.length, 1, `${name}: the image before the text`)
    const [text] = texts
    t.same(text!.annotations.map((a: { type: string, file_path: { file_id: string } }) => [a.type, a.file_path.file_id]), [['file_path', images[0]]])
    const file = await client.files.retrieve(images[0]!)
    t.equal(file.purpose, 'assistants_output')
    t.same(Buffer.from(await (await client.files.content(file.id)).arrayBuffer()), CHART, `${name}: the chart's bytes`)
  }
})

t.test('ai 4.x AssistantResponse forwards a cited file_search run', async t => {
  const endpoint = await emulator(t)
  const openai = new AzureOpenAI({ endpoint, apiKey: 'k', apiVersion: '2024-05-01-preview', maxRetries: 0 })
  const thread = await openai.beta.threads.create()
  const message = await openai.beta.threads.messages.create(thread.id, { role: 'user', content: 'How long is the warranty on a tent?' })
  const response = AssistantResponse({ threadId: thread.id, messageId: message.id }, async ({ forwardStream }) => {
    const run = await forwardStream(openai.beta.threads.runs.stream(thread.id, { assistant_id: 'asst_handbook' }))
    t.equal(run?.status, 'completed')
  })
  let text = ''
  const errors: string[] = []
  await processAssistantStream({ stream: response.body!, onTextPart: part => { text += part }, onErrorPart: error => { errors.push(error) } })
  t.same(errors, [])
  const [reply] = (await openai.beta.threads.messages.list(thread.id, { limit: 1 })).data
  t.equal(text, (reply!.content[0] as { text: { value: string } }).text.value, 'the text the client renders is the cited reply')
  t.match(text, /【2:0†warranty\.txt】$/)
})
