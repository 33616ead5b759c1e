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
