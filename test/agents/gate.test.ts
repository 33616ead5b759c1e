/** The Agents flavour's gate and envelope: api-version rules, Bearer tokens, the error body the SDK can read. */
import t from 'tap'
import { build } from '../helper.js'
import { Errors } from '../../src/errors.js'
import { checkAgentsApiVersion, proveAgentsBearer } from '../../src/gates/agents.js'

const P = '/api/projects/proj1'
const bearer = { authorization: 'Bearer token-1' }

function jwt (claims: Record<string, unknown>): string {
  const part = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url')
  return `${part({ alg: 'none' })}.${part(claims)}.sig`
}

t.test('api-version: v1, 2025-05-01, 2025-05-15-preview and the api%2Dversion spelling are served', async t => {
  const { app } = await build(t)
  for (const query of ['api-version=v1', 'api-version=2025-05-01', 'api-version=2025-05-15-preview', 'api%2Dversion=v1']) {
    const res = await app.inject({ url: `${P}/assistants?${query}`, headers: bearer })
    t.equal(res.statusCode, 200, query)
    t.match(res.json(), { data: [], has_more: false })
  }
})

t.test('api-version strict, lenient and off', async t => {
  const { app } = await build(t)
  const missing = await app.inject({ url: `${P}/assistants`, headers: bearer })
  t.equal(missing.statusCode, 400)
  t.same(missing.json(), JSON.parse(Errors.agentsMissingApiVersion(['v1', '2025-05-01', '2025-05-15-preview']).body))
  const unknown = await app.inject({ url: `${P}/assistants?api-version=2024-05-01-preview`, headers: bearer })
  t.equal(unknown.statusCode, 400)
  t.match(unknown.json(), { error: { param: 'api-version', code: 'unsupported_api_version' } })

  t.match(checkAgentsApiVersion('2026-01-01-preview', 'lenient'), { version: 'v1', warning: /2026-01-01-preview/ })
  t.throws(() => checkAgentsApiVersion('banana', 'lenient'))
  t.throws(() => checkAgentsApiVersion(undefined, 'lenient'))
  t.match(checkAgentsApiVersion(undefined, 'off'), { version: 'v1', warning: /off/ })
  t.same(checkAgentsApiVersion('v1', 'strict'), { flavour: 'agents', version: 'v1', generation: 'v2' })

  const lenient = await build(t, { apiVersionCheck: 'lenient' })
  const res = await lenient.app.inject({ url: `${P}/assistants?api-version=2026-01-01`, headers: bearer })
  t.equal(res.statusCode, 200)
  t.match(res.headers['x-aoai-emulator-warning'], /served as v1/)
})

t.test('Bearer tokens for https://ai.azure.com; no api-key', async t => {
  const { app } = await build(t)
  const none = await app.inject({ url: `${P}/assistants?api-version=v1` })
  t.equal(none.statusCode, 401)
  t.same(Object.keys(none.json().error), ['message', 'type', 'param', 'code'])
  const key = await app.inject({ url: `${P}/assistants?api-version=v1`, headers: { 'api-key': 'k' } })
  t.equal(key.statusCode, 401)
  const future = Math.floor(Date.now() / 1000) + 3600
  const good = await app.inject({ url: `${P}/assistants?api-version=v1`, headers: { authorization: `Bearer ${jwt({ aud: 'https://ai.azure.com', exp: future })}` } })
  t.equal(good.statusCode, 200)
  const wrongAudience = await app.inject({ url: `${P}/assistants?api-version=v1`, headers: { authorization: `Bearer ${jwt({ aud: 'https://cognitiveservices.azure.com', exp: future })}` } })
  t.equal(wrongAudience.statusCode, 401)
  t.same(wrongAudience.json(), JSON.parse(Errors.agentsUnauthorized().body))

  const open = { apiKeys: [], entraTokens: [], jwtSecret: null }
  const keyed1 = { ...open, apiKeys: ['k1'] }
  t.equal(proveAgentsBearer(jwt({ aud: ['x', 'https://ai.azure.com/'], exp: 10 }), 'https://ai.azure.com', open, 1000), true)
  t.equal(proveAgentsBearer(jwt({ aud: 'https://ai.azure.com', exp: 1 }), 'https://ai.azure.com', open, 5000), false, 'expired')
  t.equal(proveAgentsBearer('opaque', 'https://ai.azure.com', keyed1, 0), false)
  t.equal(proveAgentsBearer('k1', 'https://ai.azure.com', keyed1, 0), true, 'a configured key sent as the Bearer token')
  t.equal(proveAgentsBearer(jwt({ aud: 'https://ai.azure.com', exp: 10 }), 'https://ai.azure.com', keyed1, 1000), false,
    'with keys configured an unproven JWT is refused (src/auth.ts)')
  t.equal(proveAgentsBearer('tok', 'https://ai.azure.com', { ...keyed1, entraTokens: ['tok'] }, 0), true, 'a configured --entra-token')
  t.equal(proveAgentsBearer('a.%%%.c', 'https://ai.azure.com', open, 0), true, 'not a JWT: opaque')

  const keyed = await build(t, { apiKeys: ['secret'] })
  t.equal((await keyed.app.inject({ url: `${P}/assistants?api-version=v1`, headers: bearer })).statusCode, 401)
  t.equal((await keyed.app.inject({ url: `${P}/assistants?api-version=v1`, headers: { authorization: 'Bearer secret' } })).statusCode, 200)
})

t.test('every error is in the AgentV1Error envelope, 429 and 503 carry Retry-After', async t => {
  const { app } = await build(t)
  const notFound = await app.inject({ url: `${P}/nothing?api-version=v1`, headers: bearer })
  t.equal(notFound.statusCode, 404)
  t.match(notFound.json(), { error: { message: 'Resource not found: GET /api/projects/proj1/nothing', type: 'invalid_request_error', code: 'not_found' } })
  const badJson = await app.inject({ method: 'POST', url: `${P}/assistants?api-version=v1`, headers: { ...bearer, 'content-type': 'application/json' }, payload: '{' })
  t.equal(badJson.statusCode, 400)
  t.same(Object.keys(badJson.json().error), ['message', 'type', 'param', 'code'])
  const noThread = await app.inject({ url: `${P}/threads/thread_nope?api-version=v1`, headers: bearer })
  t.match(noThread.json(), { error: { message: "No thread found with id 'thread_nope'." } })
  const badUrl = await app.inject({ url: `${P}/assistants/%E0%A4%A?api-version=v1`, headers: bearer })
  t.equal(badUrl.statusCode, 404)

  // Faults and quotas answer in the Agents envelope too; 429 and 503 carry Retry-After (a 503 rule without one: 1 s).
  const faulty = await build(t, { rateLimitRpm: 1 })
  faulty.app.runtime.control.faults.add({ match: { path: '/api/projects/*/throttled' }, fault: { type: 'status', status: 429 } })
  faulty.app.runtime.control.faults.add({ match: { path: '/api/projects/*/down' }, fault: { type: 'status', status: 503 } })
  faulty.app.runtime.control.faults.add({ match: { path: '/api/projects/*/gone' }, fault: { type: 'status', status: 404 } })
  faulty.app.runtime.control.faults.add({ match: { path: '/api/projects/*/denied' }, fault: { type: 'status', status: 401 } })
  faulty.app.runtime.control.faults.add({ match: { path: '/openai/throttled' }, fault: { type: 'status', status: 429 } })
  const throttled = await faulty.app.inject({ url: '/api/projects/p/throttled', headers: bearer })
  t.equal(throttled.headers['retry-after'], '1')
  t.same(throttled.json(), { error: { message: 'Rate limit is exceeded. Try again in 1 seconds.', type: 'invalid_request_error', param: null, code: '429' } })
  const down = await faulty.app.inject({ url: '/api/projects/p/down', headers: bearer })
  t.equal(down.headers['retry-after'], '1')
  t.same(down.json(), {
    error: { message: 'The service is temporarily unable to process your request. Please try again later.', type: 'server_error', param: null, code: '503' }
  })
  t.same((await faulty.app.inject({ url: '/api/projects/p/gone', headers: bearer })).json(),
    { error: { message: 'Resource not found', type: 'invalid_request_error', param: null, code: '404' } })
  t.match((await faulty.app.inject({ url: '/api/projects/p/denied', headers: bearer })).json(),
    { error: { message: /^Access denied/, type: 'invalid_request_error', param: null, code: '401' } })
  t.equal((await faulty.app.inject({ url: '/openai/throttled' })).body,
    '{"error":{"code":"429","message": "Rate limit is exceeded. Try again in 1 seconds."}}', 'other flavours keep their own envelope')
  t.equal((await faulty.app.inject({ url: `${P}/assistants?api-version=v1`, headers: bearer })).statusCode, 200, 'faulted requests took no quota')
  const quota = await faulty.app.inject({ url: `${P}/assistants?api-version=v1`, headers: bearer })
  t.equal(quota.statusCode, 429, 'the second request in the minute')
  t.match(quota.json(), { error: { type: 'invalid_request_error', param: null, code: '429' } })
  t.ok(Number(quota.headers['retry-after']) >= 1)
})

t.test('GET /threads lists threads (Agents only) and the same store serves every flavour', async t => {
  const { app } = await build(t)
  const created = await app.inject({ method: 'POST', url: '/openai/threads?api-version=2024-05-01-preview', headers: { 'api-key': 'k' }, payload: {} })
  const second = await app.inject({ method: 'POST', url: `${P}/threads?api-version=v1`, headers: bearer, payload: {} })
  const list = await app.inject({ url: `${P}/threads?api-version=v1&limit=1`, headers: bearer })
  t.match(list.json(), { data: [{ id: second.json().id, object: 'thread' }], has_more: true, last_id: second.json().id })
  const rest = await app.inject({ url: `${P}/threads?api-version=v1&after=${second.json().id}`, headers: bearer })
  t.match(rest.json(), { data: [{ id: created.json().id }], has_more: false })
  const azureList = await app.inject({ url: '/openai/threads?api-version=2024-05-01-preview', headers: { 'api-key': 'k' } })
  t.equal(azureList.statusCode, 404, 'Azure has no thread list')
  const v1Files = await app.inject({ url: `${P}/assistants/asst_x/files?api-version=v1`, headers: bearer })
  t.equal(v1Files.statusCode, 404)
  t.match(v1Files.json(), { error: { code: 'not_found' } })
})

t.test('include%5B%5D and include[] are both accepted on runs and steps', async t => {
  const { app } = await build(t, { queuedMs: 0, inProgressMs: 0 })
  const assistant = (await app.inject({ method: 'POST', url: `${P}/assistants?api-version=v1`, headers: bearer, payload: { model: 'gpt-4o' } })).json()
  const thread = (await app.inject({ method: 'POST', url: `${P}/threads?api-version=v1`, headers: bearer, payload: { messages: [{ role: 'user', content: 'hi' }] } })).json()
  const include = 'step_details.tool_calls%5B%2A%5D.file_search.results%5B%2A%5D.content'
  const run = await app.inject({ method: 'POST', url: `${P}/threads/${thread.id}/runs?api-version=v1&include%255B%255D=${include}`, headers: bearer, payload: { assistant_id: assistant.id } })
  t.equal(run.statusCode, 200, run.body)
  for (const key of ['include%255B%255D', 'include%5B%5D', 'include[]']) {
    const steps = await app.inject({ url: `${P}/threads/${thread.id}/runs/${run.json().id}/steps?api-version=v1&${key}=${include}`, headers: bearer })
    t.equal(steps.statusCode, 200, key)
    t.match(steps.json(), { data: [{ object: 'thread.run.step', step_details: { type: 'message_creation' } }] })
  }
})
