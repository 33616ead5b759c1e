/** Quotas per key (--rate-limit-rpm / --rate-limit-tpm) and the admin guard (--no-admin, --admin-key). */
import t from 'tap'
import { createQuotas } from '../../src/control/quotas.js'
import { build, V2 } from '../helper.js'

t.test('--rate-limit-rpm: beyond it, Azure\'s 429 with retry-after counting the seconds until the window frees', async t => {
  const built = await build(t, { rateLimitRpm: 2 })
  const get = (key = 'test-key') => built.call({ url: '/openai/assistants', apiVersion: V2, headers: { 'api-key': key } })
  const first = await get()
  t.equal(first.headers['x-ratelimit-remaining-requests'], '1')
  built.clock.advance(15000)
  t.equal((await get()).statusCode, 200)
  const limited = await get()
  t.equal(limited.statusCode, 429)
  t.equal(limited.body, '{"error":{"code":"429","message": "Rate limit is exceeded. Try again in 45 seconds."}}')
  t.equal(limited.headers['retry-after'], '45')
  t.equal(limited.headers['retry-after-ms'], '45000')
  t.equal(limited.headers['x-ratelimit-remaining-requests'], '0')
  t.equal(limited.headers['x-ratelimit-remaining-tokens'], undefined, 'no tokens quota, no tokens header (never "Infinity")')
  t.equal((await get('another-key')).statusCode, 200, 'per key')
  built.clock.advance(45000)
  t.equal((await get()).statusCode, 200, 'the window has freed')
  const v1 = await built.app.inject({ url: '/v1/assistants', headers: { authorization: 'Bearer test-key', 'openai-beta': 'assistants=v2' } })
  t.equal(v1.statusCode, 429)
  t.equal(v1.json().error.code, 'rate_limit_exceeded')
  t.equal((await built.app.inject({ url: '/_emulator/clock' })).statusCode, 200, 'the control plane is not limited')
})

t.test('--rate-limit-tpm counts estimated tokens (body bytes / 4)', async t => {
  const built = await build(t, { rateLimitTpm: 100 })
  const post = (instructions: string) => built.call({ method: 'POST', url: '/openai/assistants', body: { model: 'gpt-4o', instructions }, apiVersion: V2 })
  const ok = await post('x'.repeat(200))
  t.equal(ok.statusCode, 200)
  t.ok(Number(ok.headers['x-ratelimit-remaining-tokens']) < 50)
  const limited = await post('x'.repeat(200))
  t.equal(limited.statusCode, 429)
  t.equal(limited.headers['retry-after'], '60')
  t.equal(limited.headers['x-ratelimit-remaining-requests'], undefined, 'no requests quota, no requests header')
  const quotas = createQuotas({ rpm: 0, tpm: 10 })
  t.equal(quotas.admit('k', 6, 0).retryAfterMs, null)
  t.equal(quotas.admit('k', 3, 1000).retryAfterMs, null)
  t.equal(quotas.admit('k', 5, 2000).retryAfterMs, 58000, 'the first entry must leave')
  t.equal(quotas.admit('k', 50, 2000).retryAfterMs, 59000, 'more than the limit: the whole window')
})

t.test('--no-admin: everything under /_emulator but health and ready is a 404', async t => {
  const built = await build(t, { noAdmin: true })
  t.equal((await built.app.inject({ url: '/_emulator/health' })).statusCode, 200)
  t.equal((await built.app.inject({ url: '/_emulator/ready' })).statusCode, 503)
  for (const [method, url] of [['GET', '/_emulator/clock'], ['POST', '/_emulator/reset'], ['GET', '/_emulator/state'], ['POST', '/_emulator/faults'], ['GET', '/_emulator/requests']] as const) {
    const res = await built.app.inject({ method, url })
    t.equal(res.statusCode, 404, url)
    t.same(res.json(), { error: { message: `Invalid URL (${method} ${url})`, type: 'invalid_request_error', param: null, code: null } }, 'the control plane\'s OpenAI envelope')
  }
})

t.test('--admin-key: x-emulator-admin-key is required on the admin endpoints (401 otherwise)', async t => {
  const built = await build(t, { adminKey: 'admin-secret' })
  t.equal((await built.app.inject({ url: '/_emulator/health' })).statusCode, 200)
  t.equal((await built.app.inject({ url: '/_emulator/ready' })).statusCode, 503)
  for (const headers of [{}, { 'x-emulator-admin-key': 'wrong' }]) {
    const res = await built.app.inject({ method: 'POST', url: '/_emulator/reset', headers })
    t.equal(res.statusCode, 401)
    t.match(res.json(), { error: { message: "This endpoint needs the header 'x-emulator-admin-key' with the emulator's admin key.", code: 'invalid_admin_key' } })
  }
  t.equal((await built.app.inject({ method: 'POST', url: '/_emulator/reset', headers: { 'x-emulator-admin-key': 'admin-secret' } })).statusCode, 204)
})
