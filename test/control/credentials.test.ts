/**
 * Issue 21, items 3, 5, 6 and 8: what each credential option guarantees, door by door and on the control
 * plane (docs/security.md). A refused credential costs nothing (no tenant, no quota window); the tenant and the
 * quota follow the credential each door checks; configured tokens or a secret close every door to anything
 * else; the control plane is as closed as the API.
 */
import { createHmac } from 'node:crypto'
import t from 'tap'
import { credentialIdentity } from '../../src/gates/credentials.js'
import { build, V2 } from '../helper.js'

const COGNITIVE = 'https://cognitiveservices.azure.com'
const part = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url')
function hs256 (claims: Record<string, unknown>, secret: string): string {
  const input = `${part({ alg: 'HS256', typ: 'JWT' })}.${part(claims)}`
  return `${input}.${createHmac('sha256', secret).update(input).digest('base64url')}`
}
const BETA = { 'openai-beta': 'assistants=v2' }

t.test('3. refused keys make no tenant and no quota window (20,000 over a socket, with the heap: test/e2e/hostile-neighbours)', async t => {
  const built = await build(t, { apiKeys: ['the-key'], isolateByKey: true, rateLimitRpm: 5 }, { inspectResponse: () => {} })
  const { tenants, control } = built.app.runtime
  const ok = await built.call({ url: '/openai/assistants', apiVersion: V2, headers: { 'api-key': 'the-key' } })
  t.equal(ok.statusCode, 200)
  const tenantsBefore = tenants.list().length
  const long = 'k'.repeat(8 * 1024)
  const statuses = new Set<number>()
  for (let i = 0; i < 2000; i++) {
    const res = await built.app.inject({
      url: [`/openai/assistants?api-version=${V2}`, '/v1/assistants', '/api/projects/p/assistants?api-version=v1'][i % 3]!,
      headers: i % 3 === 0 ? { 'api-key': `${long}-${i}` } : { authorization: `Bearer ${long}-${i}`, ...BETA }
    })
    statuses.add(res.statusCode)
  }
  t.same([...statuses], [401], 'every one refused')
  t.equal(tenants.list().length, tenantsBefore, 'no tenant was made for a refused key')
  t.equal(control.quotas.windowCount, 1, 'only the accepted key has a quota window')
})

t.test('3. quota windows are kept by a fixed-size name and dropped once their minute has passed', async t => {
  // No credential configured: every key is accepted, so each one is a caller with a window.
  const built = await build(t, { rateLimitRpm: 5 }, { inspectResponse: () => {} })
  const { control } = built.app.runtime
  const long = 'k'.repeat(8 * 1024)
  for (let i = 0; i < 3000; i++) {
    const res = await built.call({ url: '/openai/assistants', apiVersion: V2, headers: { 'api-key': `${long}-${i}` } })
    if (res.statusCode !== 200) t.fail(`${res.statusCode}`)
  }
  t.equal(control.quotas.windowCount, 3000, 'a window per caller within the minute')
  built.clock.advance(61_000)
  for (let i = 0; i < 2000; i++) await built.call({ url: '/openai/assistants', apiVersion: V2, headers: { 'api-key': `other-${i}` } })
  t.ok(control.quotas.windowCount <= 2000, `the expired windows were dropped: ${control.quotas.windowCount} kept`)
})

t.test('5. without --admin-key the control plane is as closed as the API', async t => {
  const open = await build(t)
  t.equal((await open.app.inject({ url: '/_emulator/state' })).statusCode, 200, 'nothing configured: open, like the API')

  const keyed = await build(t, { apiKeys: ['team-key'] })
  const refused = await keyed.app.inject({ url: '/_emulator/state' })
  t.equal(refused.statusCode, 401, 'no credential: refused')
  t.match(refused.json(), { error: { code: 'invalid_api_key', type: 'invalid_request_error', param: null } })
  t.equal((await keyed.app.inject({ method: 'POST', url: '/_emulator/reset' })).statusCode, 401, 'reset too')
  t.equal((await keyed.app.inject({ url: '/_emulator/state', headers: { 'api-key': 'wrong' } })).statusCode, 401)
  t.equal((await keyed.app.inject({ url: '/_emulator/state', headers: { 'api-key': 'team-key' } })).statusCode, 200, 'a key the API takes opens it')
  t.equal((await keyed.app.inject({ url: '/_emulator/clock', headers: { authorization: 'Bearer team-key' } })).statusCode, 200, 'as a Bearer key too')
  t.equal((await keyed.app.inject({ url: '/_emulator/health' })).statusCode, 200, 'health stays open')
  const basic = (password: string) => `Basic ${Buffer.from(`inspector:${password}`).toString('base64')}`
  t.equal((await keyed.app.inject({ url: '/_emulator/ui/', headers: { authorization: basic('team-key') } })).statusCode, 200,
    'a browser opening the inspector sends a configured key as the Basic password')
  t.equal((await keyed.app.inject({ url: '/_emulator/inspector/overview', headers: { authorization: basic('team-key') } })).statusCode, 200)
  const challenged = await keyed.app.inject({ url: '/_emulator/inspector/overview', headers: { authorization: basic('wrong') } })
  t.equal(challenged.statusCode, 401)
  t.equal(challenged.headers['www-authenticate'], 'Basic realm="aoai-emulator control plane (password: an API key)", charset="UTF-8"',
    'the refusal asks a browser for an API key')

  const secret = 's3cret'
  const tokens = await build(t, { jwtSecret: secret, entraTokens: ['entra-1'] })
  const exp = Math.floor(tokens.clock.now() / 1000) + 3600
  t.equal((await tokens.app.inject({ url: '/_emulator/clock', headers: { authorization: 'Bearer entra-1' } })).statusCode, 200)
  t.equal((await tokens.app.inject({ url: '/_emulator/clock', headers: { authorization: `Bearer ${hs256({ aud: COGNITIVE, exp }, secret)}` } })).statusCode, 200)
  t.equal((await tokens.app.inject({ url: '/_emulator/clock', headers: { authorization: `Bearer ${hs256({ aud: 'https://ai.azure.com', exp }, secret)}` } })).statusCode, 200,
    'a token for the Agents audience is one of the API\'s credentials too')
  t.equal((await tokens.app.inject({ url: '/_emulator/clock', headers: { 'api-key': 'anything' } })).statusCode, 401)

  const isolated = await build(t, { apiKeys: ['alice', 'bob'], isolateByKey: true })
  const forbidden = await isolated.app.inject({ url: '/_emulator/state', headers: { 'api-key': 'alice' } })
  t.equal(forbidden.statusCode, 403, 'isolated keys: no key may read or reset the others\' objects')
  t.match(forbidden.json(), { error: { code: 'admin_key_not_configured' } })
  t.equal((await isolated.app.inject({ url: '/_emulator/health' })).statusCode, 200)

  const admin = await build(t, { apiKeys: ['alice'], isolateByKey: true, adminKey: 'root' })
  t.equal((await admin.app.inject({ url: '/_emulator/state', headers: { 'api-key': 'alice' } })).statusCode, 401, 'with an admin key, only it opens the control plane')
  t.equal((await admin.app.inject({ url: '/_emulator/state', headers: { 'x-emulator-admin-key': 'root' } })).statusCode, 200)
})

t.test('6. on /v1 and Foundry the tenant and the quota follow the Bearer token, never an api-key header', async t => {
  const built = await build(t, { isolateByKey: true, rateLimitRpm: 5 })
  const v1 = (headers: Record<string, string>) => built.app.inject({ url: '/v1/assistants', headers: { ...BETA, ...headers } })
  const created = await built.app.inject({
    method: 'POST', url: '/v1/assistants', headers: { ...BETA, authorization: 'Bearer dave' }, payload: { model: 'gpt-4o' }
  })
  t.equal(created.statusCode, 200)
  const listed = await v1({ authorization: 'Bearer dave', 'api-key': '' })
  t.equal(listed.statusCode, 200)
  t.same(listed.json().data.map((a: { id: string }) => a.id), [created.json().id], 'an empty api-key header does not move dave to the shared space')
  t.equal(built.app.runtime.tenants.shared.store.assistants.list().length, 0, 'nothing landed in the shared space')

  // The issue's repro: rotating the api-key header, which /v1 never checks, no longer buys requests.
  const statuses = []
  for (let i = 0; i < 20; i++) statuses.push((await v1({ authorization: 'Bearer erin', 'api-key': `rotated-${i}` })).statusCode)
  t.equal(statuses.filter(s => s === 200).length, 5, `5 of 20 answered: ${statuses.join(' ')}`)

  const agents = (headers: Record<string, string>) => built.app.inject({ url: '/api/projects/p/threads?api-version=v1', headers })
  const agentStatuses = []
  for (let i = 0; i < 8; i++) agentStatuses.push((await agents({ authorization: 'Bearer frank', 'api-key': `rotated-${i}` })).statusCode)
  t.equal(agentStatuses.filter(s => s === 200).length, 5, 'Foundry too')

  // On Azure the api-key header is the credential (it wins), and the same key is the same tenant on every door.
  const azure = await built.call({ url: '/openai/assistants', apiVersion: V2, headers: { 'api-key': 'dave' } })
  t.same(azure.json().data.map((a: { id: string }) => a.id), [created.json().id], 'dave as an api-key on Azure is dave')
})

t.test('6. a JWT caller is its subject: a refreshed token keeps its tenant', async t => {
  const secret = 's3cret'
  const built = await build(t, { jwtSecret: secret, isolateByKey: true })
  const exp = Math.floor(built.clock.now() / 1000) + 3600
  const token = (claims: Record<string, unknown>) => ({ authorization: `Bearer ${hs256({ aud: COGNITIVE, exp, ...claims }, secret)}` })
  const list = (claims: Record<string, unknown>) => built.app.inject({ url: `/openai/assistants?api-version=${V2}`, headers: token(claims) })
  const first = await built.app.inject({ method: 'POST', url: `/openai/assistants?api-version=${V2}`, headers: token({ oid: 'o-1', tid: 't', iat: 1 }), payload: { model: 'gpt-4o' } })
  t.equal(first.statusCode, 200)
  const refreshed = await list({ oid: 'o-1', tid: 't', iat: 2 })
  t.same(refreshed.json().data.map((a: { id: string }) => a.id), [first.json().id], 'another token of the same subject')
  t.same((await list({ oid: 'o-2', tid: 't' })).json().data, [], 'another subject is another tenant')
  t.same((await list({ oid: 'o-1', tid: 'u' })).json().data, [], 'the same object id in another directory is another tenant')
  t.equal(credentialIdentity('plain-key'), 'plain-key', 'a key stands for itself')
  t.equal(credentialIdentity(hs256({ sub: 's' }, 'x')), credentialIdentity(hs256({ sub: 's', exp: 1 }, 'y')), 'sub when there is no oid')
  t.equal(credentialIdentity('a.b.c'), 'a.b.c', 'not a JWT: itself')
})

t.test('8. --jwt-secret or --entra-token alone accept no api-key, and no Bearer on /v1', async t => {
  const secret = 's3cret'
  for (const config of [{ jwtSecret: secret }, { entraTokens: ['entra-1'] }]) {
    const built = await build(t, config)
    const what = JSON.stringify(config)
    const key = await built.call({ url: '/openai/assistants', apiVersion: V2, headers: { 'api-key': 'any-key' } })
    t.equal(key.statusCode, 401, `${what}: an api-key that is not configured`)
    t.match(key.json(), { error: { code: '401' } }, 'Azure\'s access-denied answer')
    const v1 = await built.app.inject({ url: '/v1/assistants', headers: { ...BETA, authorization: 'Bearer any-key' } })
    t.equal(v1.statusCode, 401, `${what}: any Bearer on /v1`)
    t.equal(v1.json().error.code, 'invalid_api_key')
    const exp = Math.floor(built.clock.now() / 1000) + 3600
    const proven = 'jwtSecret' in config ? hs256({ aud: COGNITIVE, exp }, secret) : 'entra-1'
    t.equal((await built.app.inject({ url: `/openai/assistants?api-version=${V2}`, headers: { authorization: `Bearer ${proven}` } })).statusCode, 200,
      `${what}: the configured token passes on Azure`)
    t.equal((await built.app.inject({ url: '/v1/assistants', headers: { ...BETA, authorization: `Bearer ${proven}` } })).statusCode, 401,
      `${what}: but not on /v1, which takes api keys only`)
  }
  const both = await build(t, { jwtSecret: secret, apiKeys: ['k'] })
  t.equal((await both.call({ url: '/openai/assistants', apiVersion: V2, headers: { 'api-key': 'k' } })).statusCode, 200, 'a configured key still passes')
  t.equal((await both.app.inject({ url: '/v1/assistants', headers: { ...BETA, authorization: 'Bearer k' } })).statusCode, 200)
})
