/** The Agents flavour's gate and envelope: api-version rules, Bearer tokens, the error body the SDK can read. */
import { Readable } from 'node:stream'
import t from 'tap'
import { build } from '../helper.js'
import { Errors } from '../../src/errors.js'
import { checkAgentsApiVersion, proveAgentsBearer } from '../../src/plugins/agents-gate.js'

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

  // Whatever answers 429/503 under the prefix (faults, a proxy-like hook), the body is re-wrapped and Retry-After added.
  const gateway = (status: number) => ({ error: { code: String(status), message: 'Busy' } })
  const { default: Fastify } = await import('fastify')
  const { installAgentsErrorEnvelope } = await import('../../src/plugins/agents-gate.js')
  const shim = Fastify()
  installAgentsErrorEnvelope(shim)
  shim.get('/api/projects/p/throttled', async (_req, reply) => reply.code(429).send(gateway(429)))
  shim.get('/api/projects/p/down', async (_req, reply) => reply.code(503).header('retry-after', '7').send('gone'))
  shim.get('/openai/throttled', async (_req, reply) => reply.code(429).send(gateway(429)))
  shim.get('/api/projects/p/token', async (_req, reply) => reply.code(401).send({ statusCode: 401, message: 'Token expired' }))
  shim.get('/api/projects/p/stream', async (_req, reply) => reply.code(500).type('text/plain').send(Readable.from(['boom'])))
  shim.get('/api/projects/p/number', async (_req, reply) => reply.code(400).send({ message: 42 }))
  t.teardown(() => shim.close())
  const throttled = await shim.inject({ url: '/api/projects/p/throttled' })
  t.equal(throttled.headers['retry-after'], '1')
  t.same(throttled.json(), { error: { message: 'Busy', type: 'invalid_request_error', param: null, code: '429' } })
  const down = await shim.inject({ url: '/api/projects/p/down' })
  t.equal(down.headers['retry-after'], '7')
  t.same(down.json(), { error: { message: 'Request failed with status 503.', type: 'server_error', param: null, code: '503' } })
  const token = await shim.inject({ url: '/api/projects/p/token' })
  t.same(token.json(), { error: { message: 'Token expired', type: 'invalid_request_error', param: null, code: '401' } })
  const stream = await shim.inject({ url: '/api/projects/p/stream' })
  t.same(stream.json(), { error: { message: 'Request failed with status 500.', type: 'server_error', param: null, code: '500' } })
  const numeric = await shim.inject({ url: '/api/projects/p/number' })
  t.equal(numeric.json().error.message, 'Request failed with status 400.')
  const azure = await shim.inject({ url: '/openai/throttled' })
  t.same(azure.json(), gateway(429), 'other flavours are left alone')
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
