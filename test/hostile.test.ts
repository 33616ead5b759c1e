/**
 * The faults a hostile caller found, one test per repro, each judged as a kind: work that grows
 * with the input stays linear or capped, client schemas cannot drive generation, Bearer tokens must be
 * proven once secrets are configured, special keys are plain data, the store is weighed at any depth, and
 * secrets in URLs never reach the log.
 */
import { createHmac } from 'node:crypto'
import t from 'tap'
import { proveBearer, secretEquals, secretIn } from '../src/gates/credentials.js'
import { makeConfig } from '../src/config.js'
import { scrubSecrets, secretScrubber } from '../src/logging.js'
import { tokenizer } from '../src/runs/tokens.js'
import { SAMPLE_BUDGET, SampleTooLarge, sampleFromSchema } from '../src/runs/json-sample.js'
import { chunkText, MAX_CHUNK_CHARS } from '../src/runs/token-chunks.js'
import { createMemoryStore, weigh } from '../src/store/memory-store.js'
import { MAX_TOOL_OUTPUT_CHARS, SubmitToolOutputsBodySchema } from '../src/schemas/run.js'
import { validate } from '../src/checks/schema.js'
import { API_KEY, V2, build, seedAssistantAndThread } from './helper.js'

const AUDIENCE = 'https://cognitiveservices.azure.com'
const TOKEN_REJECTED = '{"statusCode": 401, "message": "Unauthorized. Access token is missing, invalid, audience is incorrect ' +
  '(https://cognitiveservices.azure.com), or have expired."}'

const part = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url')
function unsignedJwt (claims: Record<string, unknown>): string {
  return `${part({ alg: 'none', typ: 'JWT' })}.${part(claims)}.`
}
function hs256 (claims: Record<string, unknown>, secret: string, alg = 'HS256'): string {
  const input = `${part({ alg, typ: 'JWT' })}.${part(claims)}`
  return `${input}.${createHmac('sha256', secret).update(input).digest('base64url')}`
}

t.test('1. token counting is linear in one unbroken word', async t => {
  const { encode } = tokenizer()
  // Linear by construction, checked as work rather than time: a text is encoded as the encodings of its chunks, and
  // no chunk is longer than MAX_CHUNK_CHARS (+1 for a surrogate pair), so the BPE never sees a long word whole.
  for (const text of ['x'.repeat(256_000), '日本語'.repeat(40_000)]) {
    const start = performance.now()
    const tokens = encode(text)
    t.comment(`${text.length} characters counted in ${Math.round(performance.now() - start)} ms (speed: npm run bench)`)
    const chunks = chunkText(text)
    t.ok(chunks.every(c => c.length <= MAX_CHUNK_CHARS + 1), `${text.slice(0, 3)}…: every chunk is bounded`)
    t.same(tokens, chunks.flatMap(chunk => encode(chunk)), `${text.slice(0, 3)}…: the encoding is its chunks' encodings`)
  }
  const word = encode('x'.repeat(256_000)).length
  t.ok(word > 256_000 / 16 && word < 256_000 / 4, `a realistic count: ${word} tokens`)

  const prose = 'The quick brown fox jumps over the lazy dog; 1234 times, or so. '.repeat(200)
  const { encode: whole } = await import('gpt-tokenizer/encoding/o200k_base')
  t.equal(encode(prose).length, whole(prose).length, 'prose counts exactly as the unchunked encoder')
  t.equal(tokenizer().decode(encode(prose)), prose, 'chunked tokens decode back to the text')

  const chunks = chunkText('a'.repeat(2000) + ' b'.repeat(600) + '😀'.repeat(600))
  t.equal(chunks.join(''), 'a'.repeat(2000) + ' b'.repeat(600) + '😀'.repeat(600), 'chunks concatenate back')
  t.ok(chunks.every(c => c.length <= MAX_CHUNK_CHARS + 1), 'every chunk is bounded')
  t.ok(chunks.every(c => !/^[\uDC00-\uDFFF]/.test(c)), 'no chunk starts inside a surrogate pair')
})

t.test('1. a run on a thread holding a 256,000-character word is created at once', async t => {
  const built = await build(t)
  const { assistantId } = await seedAssistantAndThread(built, V2)
  const thread = await built.call({ method: 'POST', url: '/openai/threads', apiVersion: V2, body: { messages: [{ role: 'user', content: 'x'.repeat(256_000) }] } })
  t.equal(thread.statusCode, 200)
  const run = await built.call({ method: 'POST', url: `/openai/threads/${thread.json().id}/runs`, apiVersion: V2, body: { assistant_id: assistantId } })
  // Whether it stalls the event loop is test/runs/no-stall.test.ts's question (event-loop delay, not a stopwatch).
  t.equal(run.statusCode, 200)
})

t.test('1. tool outputs are capped at the service\'s string limit', async t => {
  const built = await build(t, {}, {})
  const { assistantId, threadId } = await seedAssistantAndThread(built, V2)
  const tools = [{ type: 'function', function: { name: 'f', parameters: { type: 'object', properties: {} } } }]
  const run = (await built.call({
    method: 'POST', url: `/openai/threads/${threadId}/runs`, apiVersion: V2, body: { assistant_id: assistantId, tools, tool_choice: 'required' }
  })).json()
  built.clock.advance(60_000)
  const waiting = (await built.call({ url: `/openai/threads/${threadId}/runs/${run.id}`, apiVersion: V2 })).json()
  t.equal(waiting.status, 'requires_action')
  const callId = waiting.required_action.submit_tool_outputs.tool_calls[0].id
  const tooLong = await built.call({
    method: 'POST',
    url: `/openai/threads/${threadId}/runs/${run.id}/submit_tool_outputs`,
    apiVersion: V2,
    body: { tool_outputs: [{ tool_call_id: callId, output: 'x'.repeat(1024 * 1024 + 1) }] }
  })
  // Refused either by the body limit (when it is under the output cap) or by the cap itself.
  if (tooLong.statusCode === 413) {
    t.equal(tooLong.json().error.code, 'request_too_large')
  } else {
    t.equal(tooLong.statusCode, 400)
    t.equal(tooLong.json().error.code, 'string_above_max_length')
    t.equal(tooLong.json().error.param, 'tool_outputs[0].output')
  }
  const body = { tool_outputs: [{ tool_call_id: 'c', output: 'x'.repeat(MAX_TOOL_OUTPUT_CHARS + 1) }] }
  let refused: unknown
  try {
    validate(SubmitToolOutputsBodySchema, body, { generation: 'v2' })
  } catch (err) {
    refused = err
  }
  t.match(refused, { statusCode: 400, fields: { code: 'string_above_max_length' } }, 'the schema caps one output')
  t.doesNotThrow(() => validate(SubmitToolOutputsBodySchema, { tool_outputs: [{ tool_call_id: 'c', output: 'x'.repeat(MAX_TOOL_OUTPUT_CHARS) }] }, { generation: 'v2' }))
})

t.test('2. client schemas cannot drive unbounded generation', async t => {
  const nested = { type: 'array', minItems: 1000, items: { type: 'array', minItems: 1000, items: { type: 'array', minItems: 1000, items: { type: 'integer' } } } }
  const hostile = {
    'nested minItems 1000': nested,
    'minItems 1e6': { type: 'array', minItems: 1_000_000, items: { type: 'string' } },
    'minLength 6e8': { type: 'string', minLength: 600_000_000 },
    'wide object of wide arrays': { type: 'object', properties: Object.fromEntries(Array.from({ length: 200 }, (_, i) => [`p${i}`, { type: 'array', minItems: 100 }])) }
  }
  for (const [name, schema] of Object.entries(hostile)) {
    // Refused by the sample budget (SAMPLE_BUDGET values), a count of work, before any of it is built.
    t.throws(() => sampleFromSchema(schema), SampleTooLarge, name)
  }
  const fits = { type: 'object', properties: { list: { type: 'array', minItems: 50, items: { type: 'string', minLength: 10 } } } }
  const value = sampleFromSchema(fits) as { list: string[] }
  t.equal(value.list.length, 50, 'a schema within the budget is still honoured')
  t.ok(value.list.every(s => s.length >= 10))
  t.ok(JSON.stringify(sampleFromSchema({ type: 'string', minLength: SAMPLE_BUDGET.chars - 100 })).length <= SAMPLE_BUDGET.chars)

  const built = await build(t)
  const { assistantId, threadId } = await seedAssistantAndThread(built, V2)
  for (const [name, schema] of Object.entries(hostile)) {
    const tools = [{ type: 'function', function: { name: 'f', parameters: { type: 'object', properties: { a: schema } } } }]
    const created = await built.call({
      method: 'POST', url: `/openai/threads/${threadId}/runs`, apiVersion: V2, body: { assistant_id: assistantId, tools, tool_choice: 'required' }
    })
    t.equal(created.statusCode, 200, `${name}: the run is created`)
    built.clock.advance(60_000)
    const run = (await built.call({ url: `/openai/threads/${threadId}/runs/${created.json().id}`, apiVersion: V2 })).json()
    t.equal(run.status, 'failed', `${name}: the forced call cannot be written, so the run fails`)
    t.same(run.last_error, { code: 'server_error', message: 'Sorry, something went wrong.' })
  }
  const formatted = await built.call({
    method: 'POST',
    url: `/openai/threads/${threadId}/runs`,
    apiVersion: '2024-08-01-preview',
    body: { assistant_id: assistantId, response_format: { type: 'json_schema', json_schema: { name: 'r', schema: { type: 'object', properties: { a: nested } } } } }
  })
  t.equal(formatted.statusCode, 200, formatted.body)
  built.clock.advance(60_000)
  t.equal((await built.call({ url: `/openai/threads/${threadId}/runs/${formatted.json().id}`, apiVersion: '2024-08-01-preview' })).json().status, 'failed',
    'a json_schema reply beyond the budget fails the run too')
})

t.test('3. with keys configured, a Bearer token must be proven', async t => {
  const now = Date.now()
  const claims = { aud: AUDIENCE, exp: Math.floor(now / 1000) + 3600 }
  const none = { apiKeys: [], entraTokens: [], jwtSecret: null }
  t.ok(proveBearer(unsignedJwt(claims), AUDIENCE, none, now), 'nothing configured: a well-formed JWT passes, as before')
  t.ok(proveBearer('opaque-token', AUDIENCE, none, now), 'nothing configured: an opaque token passes')
  t.notOk(proveBearer(unsignedJwt({ ...claims, aud: 'x' }), AUDIENCE, none, now), 'nothing configured: a wrong audience is still refused')
  t.notOk(proveBearer('', AUDIENCE, none, now))

  const keys = { apiKeys: ['k'], entraTokens: [], jwtSecret: null }
  t.notOk(proveBearer(unsignedJwt(claims), AUDIENCE, keys, now), 'keys configured: alg none is refused')
  t.notOk(proveBearer(hs256(claims, 'guess'), AUDIENCE, keys, now), 'keys configured, no secret: no JWT passes')

  const secret = { apiKeys: ['k'], entraTokens: ['entra-1', 'entra-2'], jwtSecret: 's3cret' }
  t.ok(proveBearer(hs256(claims, 's3cret'), AUDIENCE, secret, now), 'signed with the secret')
  t.ok(proveBearer(hs256({ ...claims, aud: `${AUDIENCE}/` }, 's3cret'), AUDIENCE, secret, now), 'audience with a slash')
  t.notOk(proveBearer(hs256(claims, 'other'), AUDIENCE, secret, now), 'another secret')
  t.notOk(proveBearer(hs256(claims, 's3cret', 'HS512'), AUDIENCE, secret, now), 'another algorithm named')
  t.notOk(proveBearer(hs256({ ...claims, exp: Math.floor(now / 1000) - 1 }, 's3cret'), AUDIENCE, secret, now), 'expired')
  t.notOk(proveBearer(hs256({ ...claims, nbf: Math.floor(now / 1000) + 60 }, 's3cret'), AUDIENCE, secret, now), 'not yet valid')
  t.notOk(proveBearer(hs256({ ...claims, aud: 'https://ai.azure.com' }, 's3cret'), AUDIENCE, secret, now), 'another audience')
  t.ok(proveBearer(hs256({ ...claims, aud: 'https://ai.azure.com' }, 's3cret'), 'https://ai.azure.com', secret, now), 'the audience is the caller\'s')
  t.notOk(proveBearer(unsignedJwt(claims), AUDIENCE, secret, now), 'unsigned')
  const [h, p] = hs256(claims, 's3cret').split('.')
  t.notOk(proveBearer(`${h}.${p}.`, AUDIENCE, secret, now), 'signature stripped')
  t.ok(proveBearer('entra-2', AUDIENCE, secret, now), 'a configured Entra token')
  t.notOk(proveBearer('entra-3', AUDIENCE, secret, now), 'an unconfigured one')
  t.ok(secretEquals('a', 'a') && !secretEquals('a', 'ab') && secretIn('b', ['a', 'b']) && !secretIn('c', ['a', 'b']))

  const built = await build(t, { apiKeys: [API_KEY], entraTokens: ['entra-token-1'], jwtSecret: 's3cret' })
  const send = (authorization: string) => built.app.inject({
    method: 'POST', url: `/openai/threads?api-version=${V2}`, payload: {}, headers: { authorization }
  })
  const refused = await send(`Bearer ${unsignedJwt(claims)}`)
  t.equal(refused.statusCode, 401, 'the alg none repro is refused on the wire')
  t.equal(refused.body, TOKEN_REJECTED, 'with Azure\'s token text')
  t.equal((await send(`Bearer ${hs256(claims, 's3cret')}`)).statusCode, 200, 'a signed token passes')
  t.equal((await send('Bearer entra-token-1')).statusCode, 200, 'a configured token passes')
  t.equal((await send(`Bearer ${API_KEY}`)).statusCode, 401, 'an api key is not a Bearer token')
  t.equal(built.app.runtime.tenants.shared.store.threads.list().length, 2, 'only the accepted requests created threads')
})

t.test('5. every stored object is weighed exactly, at any depth', async t => {
  const deepen = (value: unknown, depth: number): unknown => {
    for (let i = 0; i < depth; i++) value = { d: value }
    return value
  }
  // What V8 holds for a string: a byte a character when every character fits in one, else two (weigh's rule).
  const payload = 'x'.repeat(90_000)
  const wide = 'ж'.repeat(45_000)
  for (const [text, held] of [[payload, payload.length], [wide, wide.length * 2]] as const) {
    t.ok(weigh(deepen(text, 17)) >= held, `a string 17 levels down counts in full (${held} bytes)`)
    t.ok(weigh(deepen(text, 100_000)) >= held, '100,000 levels: no recursion limit')
    t.ok(weigh(deepen(text, 100_000)) >= held + 100_000 * 32, 'and every level counts its object')
  }
  t.ok(weigh({ a: [payload.slice(1) + 'ж'] }) >= 2 * payload.length - 2, 'one wide character: the whole string is two bytes a character')
  const shared = { s: payload }
  const fan: unknown[] = Array.from({ length: 1000 }, () => shared)
  t.ok(weigh({ fan }) < payload.length * 3, 'an object reached many times counts once')
  const cycle: Record<string, unknown> = { s: payload }
  cycle.self = { list: Array.from({ length: 500 }, () => cycle) }
  t.ok(weigh(cycle) < payload.length * 3, 'a cycle ends, and counts once')

  // The repro, scaled down (600 × 900 KB under 8 MiB → 60 × 90 KB under 1 MiB): the budget holds.
  const budget = 1024 * 1024
  const built = await build(t, { maxStoreBytes: budget })
  for (let i = 0; i < 60; i++) {
    // An object schema (as the service requires of `parameters`) carrying the deep payload.
    const parameters = { type: 'object', properties: {}, description: deepen(`${i}${payload}`, 17) }
    const res = await built.call({
      method: 'POST', url: '/openai/assistants', apiVersion: V2, body: { model: 'gpt-4o', tools: [{ type: 'function', function: { name: 'f', parameters } }] }
    })
    t.equal(res.statusCode, 200)
  }
  const kept = built.app.runtime.tenants.shared.store.assistants.list()
  t.ok(kept.length < 60, `older assistants were evicted: ${kept.length} kept`)
  const bytes = kept.reduce((sum, record) => sum + weigh(record), 0)
  t.ok(bytes <= budget, `kept ${bytes} bytes within the ${budget}-byte budget`)

  const store = createMemoryStore({ maxBytes: 10_000 })
  store.assistants.put({ id: 'a', deep: deepen('y'.repeat(8000), 30) } as never)
  store.assistants.put({ id: 'b', deep: deepen('y'.repeat(8000), 30) } as never)
  t.same(store.assistants.list().map(a => a.id), ['b'], 'the store itself evicts by the exact weight')
})

t.test('9. special keys are data: stored as sent, never behaviour', async t => {
  const built = await build(t)
  const metadata = await built.call({ method: 'POST', url: '/openai/threads', apiVersion: V2, body: '{"metadata":{"__proto__":"x","a":"b"}}', headers: { 'content-type': 'application/json' } })
  t.equal(metadata.statusCode, 200)
  t.equal(JSON.stringify(metadata.json().metadata), '{"__proto__":"x","a":"b"}', 'metadata answered as sent')
  const read = await built.call({ url: `/openai/threads/${metadata.json().id}`, apiVersion: V2 })
  t.equal(JSON.parse(read.body).metadata.a, 'b')
  t.match(read.body, /"metadata":\{"__proto__":"x","a":"b"\}/, 'and read back as sent')

  const parameters = '{"__proto__":{"default":"INJECTED"},"type":"object","properties":{"constructor":{"type":"string"}}}'
  const assistant = await built.call({
    method: 'POST',
    url: '/openai/assistants',
    apiVersion: V2,
    body: `{"model":"gpt-4o","tools":[{"type":"function","function":{"name":"f","parameters":${parameters}}}]}`,
    headers: { 'content-type': 'application/json' }
  })
  t.equal(assistant.statusCode, 200)
  t.match(assistant.body, /"parameters":\{"__proto__":\{"default":"INJECTED"\}/, 'parameters answered as sent')
  const thread = (await built.call({ method: 'POST', url: '/openai/threads', apiVersion: V2, body: {} })).json()
  const run = (await built.call({ method: 'POST', url: `/openai/threads/${thread.id}/runs`, apiVersion: V2, body: { assistant_id: assistant.json().id, tool_choice: 'required' } })).json()
  built.clock.advance(60_000)
  const waiting = (await built.call({ url: `/openai/threads/${thread.id}/runs/${run.id}`, apiVersion: V2 })).json()
  const args = waiting.required_action.submit_tool_outputs.tool_calls[0].function.arguments
  t.notMatch(args, /INJECTED/, 'the special key did not drive the arguments')
  t.same(JSON.parse(args), { constructor: 'example' }, 'a property named constructor is sampled like any other')

  t.same(sampleFromSchema(JSON.parse('{"__proto__":{"type":"string"}}')), {}, '__proto__ is not a schema keyword')
  t.same(sampleFromSchema({ $ref: '#/$defs/constructor' }), null, 'a $ref to an inherited name resolves to nothing')
})

t.test('10. secrets in URLs never reach the log, at any level', async t => {
  const lines: string[] = []
  const key = '0123456789abcdef0123456789abcdef'
  const built = await build(t, { logLevel: 'trace', apiKeys: [API_KEY, 'configured-secret-key'] }, { logStream: { write: line => { lines.push(line) } } })
  const urls = [
    `/openai/threads?api-version=${V2}&key=${key}-query`,
    `/openai/threads?api-version=${V2}&sig=SIGNATURE123&token=TOKEN123&client_secret=CS123`,
    `/openai/${key}/threads?api-version=${V2}`,
    `/openai/configured-secret-key/threads?api-version=${V2}`,
    '/v1/sk-proj-abcdefghijklmnopqrstuvwxyz/threads'
  ]
  for (const url of urls) await built.app.inject({ url, headers: { 'api-key': API_KEY } })
  const log = lines.join('')
  t.ok(lines.length >= urls.length, 'the requests were logged')
  for (const secret of [key, 'SIGNATURE123', 'TOKEN123', 'CS123', 'configured-secret-key', 'sk-proj-abcdefghijklmnopqrstuvwxyz']) {
    t.notOk(log.includes(secret), `${secret} is not in the log`)
  }
  t.match(log, /api-version=2024-05-01-preview/, 'ordinary query values stay')
  t.equal(scrubSecrets('"url":"/a?x=1&apiKey=v&b=2"'), '"url":"/a?x=1&apiKey=[redacted]&b=2"')
  t.equal(scrubSecrets(scrubSecrets('"url":"/a?sig=v"')), '"url":"/a?sig=[redacted]"', 'idempotent')
  t.equal(secretScrubber(['ab'])('x ab y'), 'x ab y', 'very short configured secrets are left to the patterns')
  t.equal(makeConfig().jwtSecret, null)
})
