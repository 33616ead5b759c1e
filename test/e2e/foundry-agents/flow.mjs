// Foundry's new agents with @azure/ai-projects 2.x, unmodified, in a child process: NODE_EXTRA_CA_CERTS (the
// emulator's generated certificate) is only read when a Node process starts. Env: FOUNDRY_ENDPOINT
// (https://localhost:<port>/api/projects/<project>), FOUNDRY_FLOWS (comma-separated names). Prints one line
// `ok <flow> <json facts>` per flow; a failure prints `not ok <flow> <error>` and exits 1.
import assert from 'node:assert/strict'
import { AgentsClient } from '@azure/ai-agents'
import { AIProjectClient } from '@azure/ai-projects'

/** A static TokenCredential: any object with getToken() will do; the scopes asked for are recorded. */
const scopesSeen = new Set()
const credential = {
  async getToken (scopes) {
    for (const scope of [scopes].flat()) scopesSeen.add(scope)
    return { token: 'static-test-token', expiresOnTimestamp: Date.now() + 3600_000 }
  }
}

const endpoint = process.env.FOUNDRY_ENDPOINT
const project = new AIProjectClient(endpoint, credential)
const openAI = project.getOpenAIClient()

const QUESTION = 'What is the weather in Lisbon?'
/** What the application does when the model calls get_weather. */
const getWeather = args => args.city === 'Lisbon' ? '22°C and sunny' : 'unknown'
const weatherTool = {
  type: 'function',
  name: 'get_weather',
  description: 'Current weather for a city',
  parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'], additionalProperties: false },
  strict: true
}
const agentBody = name => ({ body: { agent: { name, type: 'agent_reference' } } })

const flows = {
  /** Agent versions: createVersion, get, getVersion, list, listVersions, deleteVersion, delete. */
  async versions () {
    const first = await project.agents.createVersion('helper', { kind: 'prompt', model: 'gpt-4o', instructions: 'Be brief.' }, { metadata: { team: 'a' }, description: 'First' })
    assert.equal(first.id, 'helper:1')
    assert.ok(first.created_at instanceof Date && !Number.isNaN(first.created_at.getTime()))
    const second = await project.agents.createVersion('helper', { kind: 'prompt', model: 'gpt-4o-mini', instructions: 'Be very brief.' })
    const agent = await project.agents.get('helper')
    const version = await project.agents.getVersion('helper', '1')
    const names = []
    for await (const a of project.agents.list()) names.push(`${a.name}@${a.versions.latest.version}`)
    const versions = []
    for await (const v of project.agents.listVersions('helper', { order: 'asc', limit: 1 })) versions.push(v.id)
    const deleted = await project.agents.deleteVersion('helper', '2')
    const after = await project.agents.get('helper')
    const missing = await project.agents.getVersion('helper', '2').catch(err => err)
    const removed = await project.agents.delete('helper')
    const gone = await project.agents.get('helper').catch(err => err)
    return {
      first: { id: first.id, version: first.version, metadata: first.metadata, description: first.description, kind: first.definition.kind },
      second: second.id,
      latest: agent.versions.latest.id,
      version: { id: version.id, model: version.definition.model, instructions: version.definition.instructions },
      names,
      versions,
      deleted: { object: deleted.object, version: deleted.version, deleted: deleted.deleted },
      after: after.versions.latest.id,
      missing: { status: missing.statusCode, message: missing.message },
      removed: removed.deleted,
      gone: gone.statusCode
    }
  },

  /** The README's flow: a conversation, responses with the agent (body `agent`), a second message, streaming. */
  async conversation () {
    const agent = await project.agents.createVersion('my-agent-basic', { kind: 'prompt', model: 'gpt-4o', instructions: 'You are a helpful assistant that answers general questions' })
    const conversation = await openAI.conversations.create({ items: [{ type: 'message', role: 'user', content: 'What is the size of France in square miles?' }] })
    const response = await openAI.responses.create({ conversation: conversation.id }, agentBody(agent.name))
    await openAI.conversations.items.create(conversation.id, { items: [{ type: 'message', role: 'user', content: 'And what is the capital city?' }] })
    const response2 = await openAI.responses.create({ conversation: conversation.id }, agentBody(agent.name))
    const items = []
    for await (const item of openAI.conversations.items.list(conversation.id, { order: 'asc' })) items.push(item.type === 'message' ? item.role : item.type)
    const events = []
    const stream = await openAI.responses.create({ input: 'Stream this', stream: true }, { body: { agent_reference: { name: agent.name, version: '1', type: 'agent_reference' } } })
    let streamed
    for await (const event of stream) {
      events.push(event.type)
      if (event.type === 'response.completed') streamed = event.response
    }
    let background = await openAI.responses.create({ input: 'Later', background: true }, agentBody(agent.name))
    while (background.status === 'queued' || background.status === 'in_progress') {
      await new Promise(resolve => setTimeout(resolve, 20))
      background = await openAI.responses.retrieve(background.id)
    }
    await openAI.conversations.delete(conversation.id)
    await project.agents.deleteVersion(agent.name, agent.version)
    return {
      first: { text: response.output_text, agent: response.agent_reference, instructions: response.instructions, model: response.model },
      second: response2.output_text,
      items,
      stream: { first: events[0], last: events.at(-1), deltas: events.filter(type => type === 'response.output_text.delta').length, agent: streamed?.agent_reference },
      background: { status: background.status, agent: background.agent_reference?.name }
    }
  },

  /** A function tool round trip: the agent calls get_weather; the app's output goes back with the agent again. */
  async functions () {
    const agent = await project.agents.createVersion('weather-agent', { kind: 'prompt', model: 'gpt-4o', instructions: 'Use get_weather for the weather.', tools: [weatherTool] })
    const asked = await openAI.responses.create({ input: QUESTION }, agentBody(agent.name))
    const calls = asked.output.filter(item => item.type === 'function_call')
    const answered = await openAI.responses.create({
      previous_response_id: asked.id,
      input: calls.map(call => ({ type: 'function_call_output', call_id: call.call_id, output: getWeather(JSON.parse(call.arguments)) }))
    }, agentBody(agent.name))
    return { calls: calls.map(call => [call.name, JSON.parse(call.arguments)]), tools: asked.tools.map(tool => tool.name), text: answered.output_text }
  },

  /**
   * The migration example: a classic agent (`@azure/ai-agents`, seeded as asst_travel) and its new-agent equivalent
   * (`@azure/ai-projects`, seeded as travel-helper) answer the same question the same way, in one project.
   */
  async migration () {
    // Before: a classic agent (Assistants API on the project): thread, run, tool outputs, the reply.
    const classic = new AgentsClient(endpoint, credential)
    const thread = await classic.threads.create({ messages: [{ role: 'user', content: QUESTION }] })
    const poller = classic.runs.createAndPoll(thread.id, 'asst_travel', { pollingOptions: { intervalInMs: 20 } })
    let submitted
    poller.onProgress(state => {
      const run = state.result
      if (run?.status !== 'requires_action' || submitted) return
      const toolCalls = run.requiredAction.submitToolOutputs.toolCalls
      // An AgentRunResponse sends its request only when awaited (a PromiseLike).
      submitted = Promise.resolve(classic.runs.submitToolOutputs(thread.id, run.id,
        toolCalls.map(call => ({ toolCallId: call.id, output: getWeather(JSON.parse(call.function.arguments)) }))))
    })
    const run = await poller.pollUntilDone()
    assert.ok(submitted, 'the run asked for get_weather')
    await submitted
    let before
    for await (const message of classic.messages.list(thread.id, { order: 'desc', limit: 1 })) {
      before ??= message.content.find(part => part.type === 'text')?.text.value
    }

    // After: the new agent (its seeded version) through Responses, in a conversation.
    const agent = await project.agents.get('travel-helper')
    const conversation = await openAI.conversations.create({ items: [{ type: 'message', role: 'user', content: QUESTION }] })
    const asked = await openAI.responses.create({ conversation: conversation.id }, agentBody(agent.name))
    const answered = await openAI.responses.create({
      conversation: conversation.id,
      input: asked.output.filter(item => item.type === 'function_call')
        .map(call => ({ type: 'function_call_output', call_id: call.call_id, output: getWeather(JSON.parse(call.arguments)) }))
    }, agentBody(agent.name))
    return { run: run.status, before, after: answered.output_text, agent: answered.agent_reference }
  }
}

let failed = false
for (const name of (process.env.FOUNDRY_FLOWS ?? Object.keys(flows).join(',')).split(',')) {
  try {
    console.log(`ok ${name} ${JSON.stringify(await flows[name]())}`)
  } catch (err) {
    failed = true
    console.log(`not ok ${name} ${err?.stack ?? err}`.replace(/\n/g, ' | '))
  }
}
console.log(`scopes ${JSON.stringify([...scopesSeen].sort())}`)
process.exitCode = failed ? 1 : 0
