// The @azure/ai-agents 1.1.0 flows, run unmodified in a child process: NODE_EXTRA_CA_CERTS (the emulator's
// generated certificate) is only read when a Node process starts, so the parent test cannot set it for itself.
// Env: AGENTS_ENDPOINT (https://localhost:<port>/api/projects/<project>), AGENTS_FLOWS (comma-separated names).
// Prints one line `ok <flow> <json facts>` per flow; any failure prints `not ok <flow> <error>` and exits 1.
import assert from 'node:assert/strict'
import { Readable } from 'node:stream'
import { AgentsClient } from '@azure/ai-agents'

/** A static TokenCredential: any object with getToken() will do; scopes are recorded to check the audience. */
const scopesSeen = new Set()
const credential = {
  async getToken (scopes) {
    for (const scope of [scopes].flat()) scopesSeen.add(scope)
    return { token: 'static-test-token', expiresOnTimestamp: Date.now() + 3600_000 }
  }
}

const client = new AgentsClient(process.env.AGENTS_ENDPOINT, credential)
const polling = { pollingOptions: { intervalInMs: 20 } }

const textOf = message => message.content.find(part => part.type === 'text')?.text.value

const flows = {
  async agents () {
    const agent = await client.createAgent('gpt-4o', { name: 'helper', instructions: 'Be brief.', tools: [{ type: 'code_interpreter' }] })
    assert.equal(agent.object, 'assistant')
    assert.deepEqual(agent.tools, [{ type: 'code_interpreter' }])
    const updated = await client.updateAgent(agent.id, { name: 'renamed', metadata: { team: 'a' } })
    assert.equal(updated.name, 'renamed')
    assert.deepEqual(updated.metadata, { team: 'a' })
    const fetched = await client.getAgent(agent.id)
    assert.equal(fetched.name, 'renamed')
    const ids = []
    for await (const a of client.listAgents()) ids.push(a.id)
    assert.ok(ids.includes(agent.id))
    const deleted = await client.deleteAgent(agent.id)
    assert.equal(deleted.deleted, true)
    const gone = await client.getAgent(agent.id).catch(err => err)
    assert.equal(gone.statusCode, 404)
    assert.equal(gone.message, `No assistant found with id '${agent.id}'.`)
    return { scopes: [...scopesSeen] }
  },

  async threads () {
    const thread = await client.threads.create({ metadata: { topic: 'x' } })
    const other = await client.threads.create()
    const listed = []
    for await (const t of client.threads.list()) listed.push(t.id)
    assert.ok(listed.includes(thread.id) && listed.includes(other.id))
    assert.equal((await client.threads.update(thread.id, { metadata: { topic: 'y' } })).metadata.topic, 'y')
    const message = await client.messages.create(thread.id, 'user', 'Hello there')
    assert.equal(textOf(message), 'Hello there')
    assert.deepEqual(message.content[0].text.annotations, [])
    const edited = await client.messages.update(thread.id, message.id, { metadata: { seen: 'yes' } })
    assert.equal(edited.metadata.seen, 'yes')
    assert.equal((await client.messages.get(thread.id, message.id)).id, message.id)
    const messages = []
    for await (const m of client.messages.list(thread.id)) messages.push(m)
    assert.equal(messages.length, 1)
    assert.equal((await client.threads.delete(other.id)).deleted, true)
    return { listed: listed.length }
  },

  async toolCall () {
    // fixtures/weather.json: asst_weather asks for get_weather when the message mentions the weather.
    const thread = await client.threads.create({ messages: [{ role: 'user', content: 'What is the weather in Paris?' }] })
    const poller = client.runs.createAndPoll(thread.id, 'asst_weather', polling)
    let submitted
    poller.onProgress(state => {
      const run = state.result
      if (run?.status !== 'requires_action' || submitted) return
      const call = run.requiredAction.submitToolOutputs.toolCalls[0]
      assert.equal(call.function.name, 'get_weather')
      assert.deepEqual(JSON.parse(call.function.arguments), { city: 'Paris', unit: 'c' })
      // An AgentRunResponse sends its request only when awaited (it is a PromiseLike, so that .stream() can choose).
      submitted = Promise.resolve(client.runs.submitToolOutputs(thread.id, run.id, [{ toolCallId: call.id, output: '18°C, cloudy' }]))
    })
    const run = await poller.pollUntilDone()
    assert.ok(submitted, 'the run asked for the tool')
    assert.equal((await submitted).id, run.id)
    assert.equal(run.status, 'completed')
    const messages = []
    for await (const m of client.messages.list(thread.id, { order: 'asc' })) messages.push(m)
    assert.equal(textOf(messages.at(-1)), 'The weather in Paris: 18°C, cloudy')
    const steps = []
    for await (const s of client.runSteps.list(thread.id, run.id, { include: ['step_details.tool_calls[*].file_search.results[*].content'] })) steps.push(s)
    assert.deepEqual(steps.map(s => s.type).sort(), ['message_creation', 'tool_calls'])
    const toolStep = steps.find(s => s.type === 'tool_calls')
    // The SDK's RunStepFunctionToolCallDetails keeps name and arguments only (it drops `output`).
    assert.equal(toolStep.stepDetails.toolCalls[0].function.name, 'get_weather')
    assert.equal((await client.runSteps.get(thread.id, run.id, toolStep.id)).id, toolStep.id)
    return { steps: steps.length }
  },

  async cancel () {
    // A run that asks for a tool waits in requires_action, so the cancel cannot race the run's own completion.
    const thread = await client.threads.create({ messages: [{ role: 'user', content: 'Any weather news?' }] })
    const run = await client.runs.create(thread.id, 'asst_weather')
    const waitFor = async (wanted) => {
      let status = run.status
      for (let i = 0; i < 500 && status !== wanted; i++) {
        await new Promise(resolve => setTimeout(resolve, 20))
        status = (await client.runs.get(thread.id, run.id)).status
      }
      return status
    }
    assert.equal(await waitFor('requires_action'), 'requires_action')
    const cancelling = await client.runs.cancel(thread.id, run.id)
    assert.equal(cancelling.status, 'cancelling')
    const status = await waitFor('cancelled')
    assert.equal(status, 'cancelled')
    const runs = []
    for await (const r of client.runs.list(thread.id)) runs.push(r.id)
    assert.deepEqual(runs, [run.id])
    return { status }
  },

  async files () {
    const file = await client.files.upload(Readable.from([Buffer.from('The emulator answers offline.')]), 'assistants', { fileName: 'notes.txt' })
    assert.equal(file.status, 'processed')
    assert.equal(file.filename, 'notes.txt')
    assert.equal((await client.files.get(file.id)).bytes, 29)
    assert.ok((await client.files.list()).data.some(f => f.id === file.id))
    const store = await client.vectorStores.createAndPoll({ fileIds: [file.id], name: 'docs', pollingOptions: { intervalInMs: 20 } })
    assert.equal(store.status, 'completed')
    assert.equal(store.fileCounts.completed, 1)
    const storeFiles = []
    for await (const f of client.vectorStoreFiles.list(store.id)) storeFiles.push(f)
    assert.equal(storeFiles[0].id, file.id)
    const second = await client.files.upload(Readable.from([Buffer.from('more')]), 'assistants', { fileName: 'more.txt' })
    const batch = await client.vectorStoreFileBatches.createAndPoll(store.id, { fileIds: [second.id], pollingOptions: { intervalInMs: 20 } })
    assert.equal(batch.status, 'completed')
    assert.equal(batch.fileCounts.completed, 1)
    assert.equal((await client.vectorStores.delete(store.id)).deleted, true)
    assert.equal((await client.files.delete(file.id)).deleted, true)
    return { fileId: file.id }
  },

  async fileSearch () {
    // The SDK's own way: upload, a vector store, an agent with file_search over it; then a polled run and a streamed one.
    const text = 'Owls hunt at night. The barn owl nests in old buildings.'
    const file = await client.files.upload(Readable.from([Buffer.from(text)]), 'assistants', { fileName: 'owls.txt' })
    const store = await client.vectorStores.createAndPoll({ fileIds: [file.id], pollingOptions: { intervalInMs: 20 } })
    const agent = await client.createAgent('gpt-4o', {
      tools: [{ type: 'file_search' }], toolResources: { fileSearch: { vectorStoreIds: [store.id] } }
    })
    const thread = await client.threads.create({ messages: [{ role: 'user', content: 'Where does the barn owl nest?' }] })
    const run = await client.runs.createAndPoll(thread.id, agent.id, polling)
    assert.equal(run.status, 'completed')
    const messages = []
    for await (const m of client.messages.list(thread.id)) messages.push(m)
    const cited = messages[0].content[0].text
    assert.equal(cited.value, 'I found this in your files:\n\n- "The barn owl nests in old buildings."【2:0†owls.txt】')
    assert.equal(cited.annotations.length, 1)
    const annotation = cited.annotations[0]
    assert.equal(annotation.type, 'file_citation')
    assert.equal(annotation.fileCitation.fileId, file.id)
    assert.equal(cited.value.slice(annotation.startIndex, annotation.endIndex), annotation.text)
    const steps = []
    for await (const s of client.runSteps.list(thread.id, run.id, { include: ['step_details.tool_calls[*].file_search.results[*].content'], order: 'asc' })) steps.push(s)
    const search = steps[0].stepDetails.toolCalls[0]
    assert.equal(search.type, 'file_search')
    assert.equal(search.fileSearch.results[0].fileName, 'owls.txt')
    assert.equal(search.fileSearch.results[0].content[0].text, text)
    assert.equal(search.fileSearch.rankingOptions.ranker, 'default_2024_08_21')

    const streamed = await client.threads.create({ messages: [{ role: 'user', content: 'When do owls hunt?' }] })
    const events = []
    let value = ''
    const annotations = []
    for await (const event of await client.runs.create(streamed.id, agent.id).stream()) {
      events.push(event.event)
      if (event.event === 'thread.run.step.delta') assert.equal(event.data.delta.stepDetails.toolCalls[0].fileSearch.results[0].fileName, 'owls.txt')
      if (event.event !== 'thread.message.delta') continue
      for (const part of event.data.delta.content) {
        value += part.text.value
        annotations.push(...(part.text.annotations ?? []))
      }
    }
    assert.equal(events.at(-1), 'done')
    assert.equal(annotations.length, 1)
    assert.equal(value.slice(annotations[0].startIndex, annotations[0].endIndex), annotations[0].text)
    assert.equal(annotations[0].fileCitation.fileId, file.id)
    return { value }
  },

  async codeInterpreter () {
    // fixtures/analyst.json: asst_analyst's scripted code_interpreter step draws a chart, stored as a file.
    const thread = await client.threads.create({ messages: [{ role: 'user', content: 'Chart the monthly sales' }] })
    let input = ''
    for await (const event of await client.runs.create(thread.id, 'asst_analyst').stream()) {
      if (event.event !== 'thread.run.step.delta') continue
      for (const call of event.data.delta.stepDetails.toolCalls) input += call.codeInterpreter?.input ?? ''
    }
    assert.match(input, /^import matplotlib\.pyplot as plt\n/)
    const messages = []
    for await (const m of client.messages.list(thread.id)) messages.push(m)
    const [image, text] = messages[0].content
    assert.equal(image.type, 'image_file')
    assert.equal(text.text.annotations[0].type, 'file_path')
    assert.equal(text.text.annotations[0].filePath.fileId, image.imageFile.fileId)
    const file = await client.files.get(image.imageFile.fileId)
    assert.equal(file.purpose, 'assistants_output')
    const content = await client.files.getContent(image.imageFile.fileId).asNodeStream()
    const chunks = []
    for await (const chunk of content.body) chunks.push(chunk)
    const bytes = Buffer.concat(chunks)
    assert.equal(bytes.length, file.bytes)
    assert.equal(bytes.subarray(1, 4).toString(), 'PNG')
    return { input: input.length, bytes: bytes.length }
  },

  async stream () {
    // Needs streaming (branch i9): the wire format of wire-behaviour §1.7.
    const agent = await client.createAgent('gpt-4o')
    const thread = await client.threads.create({ messages: [{ role: 'user', content: 'Say hi' }] })
    const stream = await client.runs.create(thread.id, agent.id).stream()
    const events = []
    let text = ''
    for await (const event of stream) {
      events.push(event.event)
      if (event.event === 'thread.message.delta') {
        for (const part of event.data.delta.content) if (part.type === 'text') text += part.text.value
      }
    }
    assert.equal(events[0], 'thread.run.created')
    assert.ok(events.includes('thread.message.delta'))
    assert.ok(events.includes('thread.run.completed'))
    assert.equal(events.at(-1), 'done')
    assert.ok(text.length > 0)
    return { events: events.length, text }
  }
}

let failed = false
for (const name of (process.env.AGENTS_FLOWS ?? Object.keys(flows).join(',')).split(',')) {
  try {
    const facts = await flows[name]()
    process.stdout.write(`ok ${name} ${JSON.stringify(facts)}\n`)
  } catch (err) {
    failed = true
    process.stdout.write(`not ok ${name} ${String(err?.stack ?? err).replace(/\n/g, '\\n')}\n`)
  }
}
process.exit(failed ? 1 : 0)
