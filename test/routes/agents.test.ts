/**
 * Foundry's new agents in process (`/api/projects/{project}/agents…`, api-version `v1`): versions made, read, listed
 * and deleted, the agent with its latest version, the preview opt-in, and responses made with an agent on the
 * project's OpenAI v1 door (`agent_reference`, or the older `agent`). Every answer is checked against the contract
 * derived from spec/foundry-tsp (test/contract/foundry-agents.ts) or Foundry's Responses document.
 */
import t from 'tap'
import { API_KEY, build, type Built } from '../helper.js'

const PROJECT = '/api/projects/proj1'
const AUTH = { authorization: `Bearer ${API_KEY}` }

function agents (built: Built, method: 'GET' | 'POST' | 'DELETE', path: string, body?: unknown, headers: Record<string, string> = {}, apiVersion = 'v1') {
  const separator = path.includes('?') ? '&' : '?'
  return built.app.inject({
    method,
    url: `${PROJECT}${path}${separator}api-version=${apiVersion}`,
    headers: { ...AUTH, ...headers },
    ...(body === undefined ? {} : { payload: body as object })
  })
}

function openai (built: Built, method: 'GET' | 'POST' | 'DELETE', path: string, body?: unknown) {
  return built.app.inject({ method, url: `${PROJECT}/openai/v1${path}`, headers: AUTH, ...(body === undefined ? {} : { payload: body as object }) })
}

const WEATHER_TOOL = {
  type: 'function',
  name: 'get_weather',
  description: 'The weather in a city',
  parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'], additionalProperties: false },
  strict: true
}

t.test('a version is made, read and listed; ids and numbers as the service forms them', async t => {
  const built = await build(t)
  const first = await agents(built, 'POST', '/agents/travel-agent/versions', {
    description: 'Plans trips',
    metadata: { team: 'travel' },
    definition: { kind: 'prompt', model: 'gpt-4o', instructions: 'You plan trips.' }
  })
  t.equal(first.statusCode, 200, first.body)
  t.same(first.json(), {
    metadata: { team: 'travel' },
    object: 'agent.version',
    id: 'travel-agent:1',
    name: 'travel-agent',
    version: '1',
    description: 'Plans trips',
    created_at: Math.floor(built.clock.now() / 1000),
    definition: { kind: 'prompt', model: 'gpt-4o', instructions: 'You plan trips.' }
  })
  built.clock.advance(1000)
  const second = (await agents(built, 'POST', '/agents/travel-agent/versions', { definition: { kind: 'prompt', model: 'gpt-4o-mini' } })).json()
  t.equal(second.id, 'travel-agent:2')
  t.same(second.metadata, {}, 'no metadata: an empty map')
  t.notOk('description' in second, 'no description: left out')

  const agent = (await agents(built, 'GET', '/agents/travel-agent')).json()
  t.same({ object: agent.object, id: agent.id, name: agent.name, latest: agent.versions.latest.id }, { object: 'agent', id: 'travel-agent', name: 'travel-agent', latest: 'travel-agent:2' })
  t.equal((await agents(built, 'GET', '/agents/travel-agent/versions/1')).json().definition.instructions, 'You plan trips.')

  const versions = (await agents(built, 'GET', '/agents/travel-agent/versions')).json()
  t.same(versions, { data: [second, first.json()], first_id: 'travel-agent:2', last_id: 'travel-agent:1', has_more: false }, 'newest first by default')
  const page = (await agents(built, 'GET', '/agents/travel-agent/versions?order=asc&limit=1')).json()
  t.same([page.data.map((v: { id: string }) => v.id), page.has_more], [['travel-agent:1'], true])
  const next = (await agents(built, 'GET', `/agents/travel-agent/versions?order=asc&limit=1&after=${page.last_id}`)).json()
  t.same([next.data.map((v: { id: string }) => v.id), next.has_more], [['travel-agent:2'], false])

  await agents(built, 'POST', '/agents/support/versions', { definition: { kind: 'prompt', model: 'gpt-4o' } })
  const list = (await agents(built, 'GET', '/agents')).json()
  t.same(list.data.map((a: { id: string, versions: { latest: { version: string } } }) => [a.id, a.versions.latest.version]), [['support', '1'], ['travel-agent', '2']])
  t.same((await agents(built, 'GET', '/agents?kind=hosted')).json(), { data: [], has_more: false }, 'an empty page has no first or last id')
})

t.test('deleting versions and agents; a number is never given twice', async t => {
  const built = await build(t)
  for (let i = 0; i < 3; i++) await agents(built, 'POST', '/agents/a1/versions', { definition: { kind: 'prompt', model: 'gpt-4o' } })
  t.same((await agents(built, 'DELETE', '/agents/a1/versions/3')).json(), { object: 'agent.version.deleted', name: 'a1', version: '3', deleted: true })
  t.equal((await agents(built, 'GET', '/agents/a1')).json().versions.latest.version, '2', 'the latest is the newest left')
  t.equal((await agents(built, 'POST', '/agents/a1/versions', { definition: { kind: 'prompt', model: 'gpt-4o' } })).json().version, '4')
  const missing = await agents(built, 'GET', '/agents/a1/versions/3')
  t.equal(missing.statusCode, 404)
  t.same(missing.json(), { error: { message: "Agent 'a1' version '3' not found.", type: 'invalid_request_error', param: null, code: 'not_found' } })
  t.same((await agents(built, 'DELETE', '/agents/a1?force=true')).json(), { object: 'agent.deleted', name: 'a1', deleted: true })
  const gone = await agents(built, 'GET', '/agents/a1')
  t.same([gone.statusCode, gone.json().error.message], [404, "Agent 'a1' not found."])
  await agents(built, 'POST', '/agents/b1/versions', { definition: { kind: 'prompt', model: 'gpt-4o' } })
  await agents(built, 'DELETE', '/agents/b1/versions/1')
  t.equal((await agents(built, 'GET', '/agents/b1')).statusCode, 404, 'an agent goes with its last version')
  t.equal((await agents(built, 'POST', '/agents/b1/versions', { definition: { kind: 'prompt', model: 'gpt-4o' } })).json().id, 'b1:1', 'a new agent of the same name starts again')
})

t.test('checks: names, definitions, the preview opt-in, the api-version', async t => {
  const built = await build(t)
  const badName = await agents(built, 'POST', '/agents/-bad-/versions', { definition: { kind: 'prompt', model: 'gpt-4o' } })
  t.equal(badName.statusCode, 400)
  t.equal(badName.json().error.param, 'agent_name')
  const noModel = await agents(built, 'POST', '/agents/ok/versions', { definition: { kind: 'prompt' } })
  t.equal(noModel.statusCode, 400, noModel.body)
  const badTool = await agents(built, 'POST', '/agents/ok/versions', { definition: { kind: 'prompt', model: 'gpt-4o', tools: [{ type: 'function' }] } })
  t.equal(badTool.statusCode, 400, badTool.body)

  const hosted = { definition: { kind: 'hosted', cpu: '0.25', memory: '0.5Gi', container_protocol_versions: [{ protocol: 'responses', version: 'v0.1.1' }] } }
  const refused = await agents(built, 'POST', '/agents/h1/versions', hosted)
  t.equal(refused.statusCode, 403)
  t.same(refused.json(), {
    error: {
      message: "Hosted agents is in preview. This operation requires the following opt-in preview feature(s): HostedAgents=V1Preview. Include the 'Foundry-Features: HostedAgents=V1Preview' header in your request.",
      type: 'invalid_request_error',
      param: 'Foundry-Features',
      code: 'preview_feature_required'
    }
  })
  t.equal((await agents(built, 'POST', '/agents/h1/versions', hosted, { 'foundry-features': 'HostedAgents=V1Preview' })).statusCode, 200)
  t.equal((await agents(built, 'POST', '/agents/h1/versions', hosted, { 'foundry-beta': 'HostedAgents=v1' })).json().version, '2', 'the older header too')
  const workflow = await agents(built, 'POST', '/agents/w1/versions', { definition: { kind: 'workflow', workflow: 'kind: workflow' } }, { 'foundry-features': 'HostedAgents=V1Preview' })
  t.match(workflow.json().error.message, /^Workflow agents is in preview\./, 'each kind its own opt-in')

  const dated = await agents(built, 'GET', '/agents', undefined, {}, '2025-05-15-preview')
  t.equal(dated.statusCode, 404, 'the classic Agents api-versions do not have them')
  const elsewhere = await built.app.inject({ method: 'GET', url: '/v1/agents', headers: AUTH })
  t.equal(elsewhere.statusCode, 404, 'nor do the other doors')
})

t.test('a response made with an agent: its instructions, tools and model; the latest version or the one named', async t => {
  const built = await build(t)
  await agents(built, 'POST', '/agents/weather/versions', { definition: { kind: 'prompt', model: 'gpt-4o', instructions: 'Answer briefly.' } })
  await agents(built, 'POST', '/agents/weather/versions', {
    definition: { kind: 'prompt', model: 'gpt-4o-mini', instructions: 'You know the weather in {{city}}.', tools: [WEATHER_TOOL], temperature: 0.2, structured_inputs: { city: { default_value: 'Porto' } } }
  })
  const latest = await openai(built, 'POST', '/responses', { input: 'Hello', agent: { type: 'agent_reference', name: 'weather' } })
  t.equal(latest.statusCode, 200, latest.body)
  const body = latest.json()
  t.same(body.agent_reference, { type: 'agent_reference', name: 'weather', version: '2' })
  t.same([body.model, body.instructions, body.temperature, body.tools.map((tool: { name: string }) => tool.name)],
    ['gpt-4o-mini', 'You know the weather in Porto.', 0.2, ['get_weather']])
  const inputs = (await openai(built, 'POST', '/responses', { input: 'Hi', agent_reference: { type: 'agent_reference', name: 'weather' }, structured_inputs: { city: 'Lisbon' } })).json()
  t.equal(inputs.instructions, 'You know the weather in Lisbon.', 'structured inputs fill the placeholders')
  const pinned = (await openai(built, 'POST', '/responses', { input: 'Hello', agent_reference: { type: 'agent_reference', name: 'weather', version: '1' } })).json()
  t.same([pinned.model, pinned.instructions, pinned.tools, pinned.agent_reference.version], ['gpt-4o', 'Answer briefly.', [], '1'])
  t.same((await openai(built, 'GET', `/responses/${pinned.id}`)).json().agent_reference, pinned.agent_reference, 'reads show it too')

  const unknown = await openai(built, 'POST', '/responses', { input: 'x', agent_reference: { type: 'agent_reference', name: 'nobody' } })
  t.same([unknown.statusCode, unknown.json().error.message], [404, "Agent 'nobody' not found."])
  const unknownVersion = await openai(built, 'POST', '/responses', { input: 'x', agent_reference: { type: 'agent_reference', name: 'weather', version: '9' } })
  t.same([unknownVersion.statusCode, unknownVersion.json().error.code], [404, 'not_found'])
  const both = await openai(built, 'POST', '/responses', { input: 'x', tools: [WEATHER_TOOL], agent_reference: { type: 'agent_reference', name: 'weather' } })
  t.same(both.json(), { error: { message: 'Not allowed when agent is specified.', type: 'invalid_request_error', param: 'tools', code: 'invalid_payload' } })
  const noModel = await openai(built, 'POST', '/responses', { input: 'x' })
  t.same([noModel.statusCode, noModel.json().error.code, noModel.json().error.param], [400, 'missing_required_parameter', 'model'])

  const onOpenAI = await built.app.inject({ method: 'POST', url: '/v1/responses', headers: AUTH, payload: { model: 'gpt-4o', input: 'x', agent_reference: { type: 'agent_reference', name: 'weather' } } })
  t.same([onOpenAI.statusCode, onOpenAI.json().error.code], [400, 'unknown_parameter'], 'OpenAI has no agents')
})

t.test('fixtures seed agent versions and OpenAI prompts; a response made from a prompt', async t => {
  const built = await build(t, {}, {
    fixtures: {
      assistants: [],
      threads: [],
      scenarios: [],
      agents: [
        { name: 'seeded', definition: { kind: 'prompt', model: 'gpt-4o', instructions: 'One.' } },
        { name: 'seeded', description: 'Second', definition: { kind: 'prompt', model: 'gpt-4o', instructions: 'Two.' } },
        // A preview kind's own fields are kept as sent (the schema's type names `kind` only).
        { name: 'flow', definition: { kind: 'workflow', workflow: 'kind: workflow' } as { kind: 'workflow' } }
      ],
      prompts: [
        { id: 'pmpt_guide', instructions: 'You guide visitors in {{city}}.', variables: { city: 'Paris' }, model: 'gpt-4o-mini' },
        { id: 'pmpt_guide', version: '2', instructions: 'You guide visitors in {{city}}, briefly.' }
      ]
    }
  })
  const agent = (await agents(built, 'GET', '/agents/seeded')).json()
  t.same([agent.versions.latest.id, agent.versions.latest.description], ['seeded:2', 'Second'], 'entries of one name are its versions')
  t.equal((await agents(built, 'GET', '/agents/flow')).json().versions.latest.definition.kind, 'workflow', 'a preview kind needs no opt-in in fixtures')
  const workflow = (await openai(built, 'POST', '/responses', { input: 'Go', agent_reference: { type: 'agent_reference', name: 'flow' } })).json()
  t.same([workflow.status, workflow.model, workflow.agent_reference.name], ['completed', 'flow', 'flow'], 'a workflow agent answers through the scenarios')

  const latest = (await openai(built, 'POST', '/responses', { model: 'gpt-4o', input: 'Hi', prompt: { id: 'pmpt_guide', variables: { city: 'Lisbon' } } })).json()
  t.same([latest.instructions, latest.prompt], ['You guide visitors in Lisbon, briefly.', { id: 'pmpt_guide', variables: { city: 'Lisbon' }, version: '2' }], 'the highest version')
  const first = await built.app.inject({ method: 'POST', url: '/v1/responses', headers: AUTH, payload: { input: 'Hi', prompt: { id: 'pmpt_guide', version: '1' } } })
  t.same([first.json().instructions, first.json().model], ['You guide visitors in Paris.', 'gpt-4o-mini'], 'on OpenAI\'s door too: defaults, and the prompt\'s model')
  const typed = (await openai(built, 'POST', '/responses', { model: 'gpt-4o', input: 'Hi', prompt: { id: 'pmpt_guide', version: '1', variables: { city: { type: 'input_text', text: 'Rome' } } } })).json()
  t.equal(typed.instructions, 'You guide visitors in Rome.')
  const missing = await openai(built, 'POST', '/responses', { model: 'gpt-4o', input: 'Hi', prompt: { id: 'pmpt_guide', version: '3' } })
  t.same([missing.statusCode, missing.json().error.message], [404, "Prompt with id 'pmpt_guide' and version '3' not found."])
  const withAgent = await openai(built, 'POST', '/responses', { input: 'Hi', prompt: { id: 'pmpt_guide' }, agent_reference: { type: 'agent_reference', name: 'seeded' } })
  t.equal(withAgent.json().error.param, 'prompt', 'an agent brings its own instructions')
})

t.test('with an agent: a function-call loop, a background response, a stream, the lists by agent', async t => {
  const built = await build(t, { queuedMs: 100, inProgressMs: 200 }, {
    fixtures: {
      assistants: [],
      threads: [],
      scenarios: [{ match: { message_contains: 'weather' }, steps: [{ tool_calls: [{ name: 'get_weather', arguments: { city: 'Lisbon' } }] }, { reply: 'It is {{tool_outputs.0}}.' }] }]
    }
  })
  await agents(built, 'POST', '/agents/weather/versions', { definition: { kind: 'prompt', model: 'gpt-4o', tools: [{ type: 'function', name: 'get_weather', parameters: { type: 'object', properties: { city: { type: 'string' } } } }] } })
  const stored = (await agents(built, 'GET', '/agents/weather/versions/1')).json().definition.tools[0]
  t.same([stored.strict, stored.parameters.type], [null, 'object'], 'a function tool kept with strict (null when not given)')
  const agent = { type: 'agent_reference', name: 'weather' }
  const asked = (await openai(built, 'POST', '/responses', { input: 'The weather?', agent_reference: agent })).json()
  const call = asked.output.find((item: { type: string }) => item.type === 'function_call')
  t.equal(call.name, 'get_weather')
  const answered = (await openai(built, 'POST', '/responses', {
    previous_response_id: asked.id, agent_reference: agent, input: [{ type: 'function_call_output', call_id: call.call_id, output: 'sunny' }]
  })).json()
  t.equal(answered.output.at(-1).content[0].text, 'It is sunny.')

  const background = (await openai(built, 'POST', '/responses', { input: 'Later', background: true, agent_reference: agent })).json()
  t.same([background.status, background.agent_reference.name], ['queued', 'weather'])
  built.clock.advance(1000)
  t.equal((await openai(built, 'GET', `/responses/${background.id}`)).json().status, 'completed')

  const stream = await openai(built, 'POST', '/responses', { input: 'Stream', stream: true, agent_reference: agent })
  const created = JSON.parse(/data: (.*)/.exec(stream.body)![1]!)
  t.same([created.type, created.response.agent_reference], ['response.created', { type: 'agent_reference', name: 'weather', version: '1' }])

  await openai(built, 'POST', '/responses', { model: 'gpt-4o', input: 'No agent' })
  const byName = (await openai(built, 'GET', '/responses?agent_name=weather')).json().data
  t.equal(byName.length, 4)
  t.equal((await openai(built, 'GET', '/responses?agent_id=weather:1')).json().data.length, 4)
  t.same((await openai(built, 'GET', '/responses?agent_id=weather:2')).json().data, [])
  t.equal((await openai(built, 'GET', '/responses')).json().data.length, 5)
})

t.test('classic and new agents in one project, on one store; agents in the state document', async t => {
  const built = await build(t)
  const classic = (await agents(built, 'POST', '/assistants', { model: 'gpt-4o', name: 'classic' })).json()
  const store = (await agents(built, 'POST', '/vector_stores', { name: 'docs' })).json()
  await agents(built, 'POST', '/agents/search/versions', { definition: { kind: 'prompt', model: 'gpt-4o', tools: [{ type: 'file_search', vector_store_ids: [store.id] }] } })
  t.same((await agents(built, 'GET', '/assistants')).json().data.map((a: { id: string }) => a.id), [classic.id], 'the classic list has the assistant only')
  t.same((await agents(built, 'GET', '/agents')).json().data.map((a: { id: string }) => a.id), ['search'], 'the new list has the new agent only')
  const response = (await openai(built, 'POST', '/responses', { input: 'Find it', agent_reference: { type: 'agent_reference', name: 'search' } })).json()
  t.same(response.tools[0].vector_store_ids, [store.id], 'the agent\'s file_search uses a vector store made through the classic door')

  const state = (await built.app.inject({ method: 'GET', url: '/_emulator/state' })).json()
  t.same(state.tenants[0].agents.map((a: { id: string, versionCount: number }) => [a.id, a.versionCount]), [['search', 1]])
  await agents(built, 'DELETE', '/agents/search')
  t.equal((await built.app.inject({ method: 'PUT', url: '/_emulator/state', payload: state })).statusCode, 204)
  t.equal((await agents(built, 'GET', '/agents/search/versions/1')).json().id, 'search:1', 'restored from the document')
})
