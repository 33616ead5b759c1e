/** Fault rules: each type as an SDK sees it, matching, times and probability, and the admin endpoints. */
import t, { type Test } from 'tap'
import OpenAI, { APIConnectionError, AzureOpenAI, InternalServerError, RateLimitError } from 'openai'
import type { FastifyRequest } from 'fastify'
import { streamCutFor, type EmulatorOptions, type RunningEmulator } from '../../src/index.js'
import { build, listen, V2 } from '../helper.js'

const azure = (emulator: RunningEmulator, maxRetries = 0) =>
  new AzureOpenAI({ endpoint: emulator.endpoint, apiKey: emulator.apiKey, apiVersion: V2, maxRetries })
const openai = (emulator: RunningEmulator, maxRetries = 0) =>
  new OpenAI({ baseURL: `${emulator.url}/v1`, apiKey: emulator.apiKey, maxRetries })

async function running (t: Test, options: EmulatorOptions = {}) {
  const emulator = await listen(t, options)
  return emulator
}

t.test('the openai client retries a one-shot 429 after the hint and succeeds; the 429 changed nothing', async t => {
  const emulator = await running(t)
  const client = azure(emulator, 2)
  const assistant = await client.beta.assistants.create({ model: 'gpt-4o' })
  const thread = await client.beta.threads.create()
  emulator.faults.add({ match: { method: 'POST', path: '/openai/threads/*/runs' }, fault: { type: 'status', status: 429, retry_after_ms: 1500 }, times: 1 })
  const started = Date.now()
  const run = await client.beta.threads.runs.create(thread.id, { assistant_id: assistant.id })
  t.ok(Date.now() - started >= 1400, 'waited for the hint (the default backoff is under 1 s)')
  t.equal(run.status, 'queued')
  const [retried, refused] = emulator.requests(2)
  t.match(refused, { method: 'POST', status: 429, fault: 'status' })
  t.match(retried, { method: 'POST', status: 200, fault: null })
  t.equal((await client.beta.threads.runs.list(thread.id)).data.length, 1, 'one run: the faulted request created none')
  const listed = await (await fetch(`${emulator.url}/_emulator/faults`)).json() as { data: Array<{ hits: number, remaining: number }> }
  t.match(listed.data, [{ id: 'fault_1', hits: 1, remaining: 0 }])
})

t.test('Azure 429: body and headers as the service sends them', async t => {
  const emulator = await running(t)
  emulator.faults.add({ match: { path: '/openai/assistants' }, fault: { type: 'status', status: 429 } })
  const response = await fetch(`${emulator.url}/openai/assistants?api-version=${V2}`, { headers: { 'api-key': 'k' } })
  t.equal(response.status, 429)
  t.equal(await response.text(), '{"error":{"code":"429","message": "Rate limit is exceeded. Try again in 1 seconds."}}')
  t.equal(response.headers.get('retry-after'), '1')
  t.equal(response.headers.get('retry-after-ms'), '1000')
  t.equal(response.headers.get('x-ratelimit-remaining-requests'), '0')
  t.equal(response.headers.get('x-ratelimit-remaining-tokens'), '0')
  t.ok(response.headers.get('apim-request-id'))
  const error = await azure(emulator).beta.assistants.list().catch(e => e)
  t.type(error, RateLimitError)
  t.equal(error.status, 429)
  t.equal(error.code, '429')
})

t.test('OpenAI 429 on /v1', async t => {
  const emulator = await running(t)
  emulator.faults.add({ match: { path: '/v1/**' }, fault: { type: 'status', status: 429, retry_after_ms: 20000 } })
  const error = await openai(emulator).beta.assistants.list().catch(e => e)
  t.type(error, RateLimitError)
  t.match(error.error, { message: /^Rate limit reached for requests\. Please try again in 20s\./, type: 'requests', code: 'rate_limit_exceeded' })
  t.equal(error.headers.get('retry-after'), '20')
})

t.test('500 and 503 with the service bodies', async t => {
  const emulator = await running(t)
  emulator.faults.add({ match: { method: 'GET', path: '/openai/assistants' }, fault: { type: 'status', status: 500 }, times: 1 })
  const e500 = await azure(emulator).beta.assistants.list().catch(e => e)
  t.type(e500, InternalServerError)
  t.match(e500.error, {
    message: 'The server had an error processing your request. Sorry about that! You can retry your request, or contact us through an ' +
      'Azure support request at: https://go.microsoft.com/fwlink/?linkid=2213926 if you keep seeing this error. ' +
      `(Please include the request ID ${e500.headers.get('x-request-id')} in your email.)`,
    type: 'server_error'
  })
  emulator.faults.add({ match: { path: '/openai/assistants' }, fault: { type: 'status', status: 503, retry_after_ms: 2000 }, times: 1 })
  const e503 = await azure(emulator).beta.assistants.list().catch(e => e)
  t.type(e503, InternalServerError)
  t.equal(e503.status, 503)
  t.equal(e503.code, 'ServiceUnavailable')
  t.equal(e503.headers.get('retry-after'), '2')
  emulator.faults.add({ match: { path: '/v1/assistants' }, fault: { type: 'status', status: 503 }, times: 1 })
  const v1 = await openai(emulator).beta.assistants.list().catch(e => e)
  t.match(v1.error, { message: 'The engine is currently overloaded, please try again later.', type: 'server_error' })
  emulator.faults.add({ match: { path: '/openai/assistants' }, fault: { type: 'status', status: 404 }, times: 1 })
  emulator.faults.add({ match: { path: '/openai/assistants' }, fault: { type: 'status', status: 401 }, times: 1 })
  emulator.faults.add({ match: { path: '/openai/assistants' }, fault: { type: 'status', status: 502 }, times: 1 })
  const codes = []
  for (let i = 0; i < 4; i++) codes.push((await fetch(`${emulator.url}/openai/assistants?api-version=${V2}`, { headers: { 'api-key': 'k' } })).status)
  t.same(codes, [404, 401, 502, 200])
})

t.test('latency delays the real answer', async t => {
  const emulator = await running(t)
  emulator.faults.add({ match: { path: '/openai/assistants' }, fault: { type: 'latency', ms: 300 }, times: 1 })
  const started = Date.now()
  const created = await azure(emulator).beta.assistants.create({ model: 'gpt-4o' })
  t.ok(Date.now() - started >= 290)
  t.ok(created.id.startsWith('asst_'), 'then answers for real')
  t.equal(emulator.requests(1)[0]?.fault, 'latency')
})

t.test('drop: the connection is destroyed before any byte; the SDK sees a connection error; nothing changed', async t => {
  const emulator = await running(t)
  emulator.faults.add({ match: { method: 'POST', path: '/openai/assistants' }, fault: { type: 'drop' } })
  const error = await azure(emulator).beta.assistants.create({ model: 'gpt-4o' }).catch(e => e)
  t.type(error, APIConnectionError)
  t.match(emulator.requests(1)[0], { method: 'POST', status: 0, fault: 'drop' })
  t.equal((await azure(emulator).beta.assistants.list()).data.length, 0)
})

t.test('stream_cut: streamCutFor matches the stream request and counts hits; ordinary requests ignore it', async t => {
  const built = await build(t)
  const added = await built.app.inject({
    method: 'POST', url: '/_emulator/faults', payload: { match: { method: 'POST', path: '/openai/threads/*/runs' }, fault: { type: 'stream_cut', after_events: 3 }, times: 1 }
  })
  t.equal(added.statusCode, 201)
  const request = (url: string, method = 'POST') => ({ url, method, headers: {}, server: built.app }) as unknown as FastifyRequest
  t.equal(streamCutFor(request('/openai/assistants')), undefined, 'another path')
  t.equal(streamCutFor(request('/openai/threads/thread_1/runs?api-version=x', 'GET')), undefined, 'another method')
  t.equal(streamCutFor(request('/openai/threads/thread_1/runs?api-version=x')), 3)
  t.equal(streamCutFor(request('/openai/threads/thread_1/runs')), undefined, 'times: 1')
  built.app.runtime.control.faults.add({ match: { path: '/openai/threads/*/runs' }, fault: { type: 'stream_cut', after_events: 0 } })
  const { threadId, assistantId } = await import('../helper.js').then(h => h.seedAssistantAndThread(built, V2))
  const run = await built.call({ method: 'POST', url: `/openai/threads/${threadId}/runs`, body: { assistant_id: assistantId }, apiVersion: V2 })
  t.equal(run.statusCode, 200, 'a non-stream request is not cut')
  t.equal(streamCutFor({ url: '/x', method: 'GET', headers: {}, server: {} } as unknown as FastifyRequest), undefined, 'an app without faults')
})

t.test('matching: glob segments, api_key, times, probability from the seeded generator', async t => {
  const built = await build(t, { seed: 5 })
  const add = (rule: object) => built.app.inject({ method: 'POST', url: '/_emulator/faults', payload: rule })
  await add({ match: { path: '/openai/threads/*' }, fault: { type: 'status', status: 500 } })
  await add({ match: { api_key: 'other-key' }, fault: { type: 'status', status: 503 } })
  const status = async (url: string, key = 'test-key') => (await built.app.inject({ url: `${url}?api-version=${V2}`, headers: { 'api-key': key } })).statusCode
  t.equal(await status('/openai/threads/thread_x'), 500, '* is one segment')
  t.equal(await status('/openai/threads/thread_x/messages'), 404, '* does not cross a slash')
  t.equal(await status('/openai/assistants', 'other-key'), 503)
  t.equal(await status('/_emulator/faults'), 200, 'the control plane is never faulted')

  const sample = async () => {
    const seeded = await build(t, { seed: 5 })
    seeded.app.runtime.control.faults.add({ match: { path: '/openai/assistants' }, fault: { type: 'status', status: 500 }, probability: 0.5 })
    const codes = []
    for (let i = 0; i < 16; i++) codes.push(await seeded.call({ url: '/openai/assistants', apiVersion: V2 }).then(r => r.statusCode))
    return codes
  }
  const first = await sample()
  t.same(await sample(), first, 'the same seed draws the same faults')
  t.ok(first.includes(500) && first.includes(200), 'about half fire')

  const listed = (await built.app.inject({ url: '/_emulator/faults' })).json().data
  t.match(listed, [{ id: 'fault_1', hits: 1, remaining: null }, { id: 'fault_2', hits: 1 }])
  t.equal((await built.app.inject({ method: 'DELETE', url: '/_emulator/faults/fault_1' })).statusCode, 204)
  const missing = await built.app.inject({ method: 'DELETE', url: '/_emulator/faults/fault_1' })
  t.equal(missing.statusCode, 404)
  t.equal(missing.json().error.message, "No fault rule found with id 'fault_1'.")
  t.equal((await built.app.inject({ method: 'DELETE', url: '/_emulator/faults' })).statusCode, 204)
  t.same((await built.app.inject({ url: '/_emulator/faults' })).json().data, [])
  const bad = await add({ match: {}, fault: { type: 'explode' } })
  t.equal(bad.statusCode, 400)
})

t.test('fault rules from the fixtures are in force at start and again after reset', async t => {
  const emulator = await running(t, { fixtures: { faults: [{ match: { path: '/openai/assistants' }, fault: { type: 'status', status: 503 }, times: 1 }] } })
  const get = () => fetch(`${emulator.url}/openai/assistants?api-version=${V2}`, { headers: { 'api-key': 'k' } }).then(r => r.status)
  t.equal(await get(), 503)
  t.equal(await get(), 200)
  emulator.faults.clear()
  emulator.reset()
  t.equal(await get(), 503, 'reset restores the fixtures\' rules')
})
