/**
 * Issue 21 ("hostile input and hostile neighbours, third pass"), the findings that need no socket: secrets in
 * logs and the journal scrubbed by one function (12), state documents near the clock's ceiling and over the
 * API's limits (14), and generated arguments for deeply nested schemas (15). The others have their own files:
 * credentials and tenancy (control/credentials.test.ts), fault globs (control/glob.test.ts), search
 * (routes/search-bounds.test.ts), state export (control/state-export.test.ts), and everything over a socket
 * (http-guards.test.ts, tls.test.ts, e2e/hostile-neighbours.test.ts).
 */
import { Ajv } from 'ajv'
import { join } from 'node:path'
import t from 'tap'
import { buildApp } from '../src/app.js'
import { MAX_CLOCK_MS, manualClock } from '../src/clock.js'
import { makeConfig } from '../src/config.js'
import { REDACTED, looksLikeSecret, scrubSecrets, scrubUrl } from '../src/logging.js'
import { SampleTooLarge, sampleFromSchema } from '../src/runs/json-sample.js'
import { API_KEY, V2, build, seedAssistantAndThread } from './helper.js'

const part = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url')
const JWT = `${part({ alg: 'HS256', typ: 'JWT' })}.${part({ sub: 'someone', exp: 4e9 })}.c2lnbmF0dXJlLXNlY3JldA`

t.test('12. the log and the journal mask secrets by name and by shape, with one function', async t => {
  const lines: string[] = []
  // The default level (info): the repros were at the default level.
  const built = await build(t, { logLevel: 'info', apiKeys: [API_KEY, 'configured-secret-key'] }, { logStream: { write: line => { lines.push(line) } } })
  const secrets = {
    'Bearer%20bearer-secret-1': 'bearer-secret-1',
    'Bearer+bearer-secret-2': 'bearer-secret-2',
    'basic%20YmFzaWMtc2VjcmV0': 'YmFzaWMtc2VjcmV0',
    'jwt-value': JWT,
    'configured-secret-key': 'configured-secret-key',
    'sk-proj-abcdefghijklmnop0123': 'sk-proj-abcdefghijklmnop0123',
    q8Jm2ZrT7wXc1Vn4Bf6Hk9Ls3Pd5Ga0Ye2Ui8Oq4Rt: 'q8Jm2ZrT7wXc1Vn4Bf6Hk9Ls3Pd5Ga0Ye2Ui8Oq4Rt'
  }
  const urls = [
    ...Object.keys(secrets).map(value => `/openai/assistants?api-version=${V2}&x=${value === 'jwt-value' ? JWT : value}`),
    `/openai/assistants?api-version=${V2}&api%2Dkey=encoded-name-secret`,
    `/openai/assistants?api-version=${V2}&code=oauth-code-secret`,
    `/openai/assistants?api-version=${V2}&client%5Fsecret=cs-secret`,
    `/openai/${JWT}/assistants?api-version=${V2}`
  ]
  for (const url of urls) await built.app.inject({ url, headers: { 'api-key': API_KEY } })
  const log = lines.join('')
  const journal = (await built.app.inject({ url: '/_emulator/requests', headers: { 'api-key': API_KEY } })).json().data as Array<{ path: string }>
  const paths = journal.map(entry => entry.path)
  const hidden = [...Object.values(secrets), 'encoded-name-secret', 'oauth-code-secret', 'cs-secret', 'c2lnbmF0dXJlLXNlY3JldA']
  for (const secret of hidden) {
    t.notOk(log.includes(secret), `${secret.slice(0, 24)} is not in the log`)
    t.notOk(paths.some(path => path.includes(secret)), `${secret.slice(0, 24)} is not in the journal`)
  }
  const logged = lines.map(line => JSON.parse(line) as { msg?: string, url?: string }).filter(line => line.msg === 'request completed').map(line => line.url!)
  const fromJournal = paths.filter(path => !path.startsWith('/_emulator')).reverse()
  t.same(fromJournal, logged.slice(0, fromJournal.length).map(url => url.replaceAll(REDACTED, '***')), 'the journal shows what the log shows, with its own mask')
  t.match(log, `api-version=${V2}`, 'ordinary values stay')

  t.equal(scrubUrl('/a?x=Bearer%20abc'), `/a?x=${REDACTED}`)
  t.equal(scrubUrl('/a?api%2Dkey=abc&b=1'), `/a?api%2Dkey=${REDACTED}&b=1`)
  t.equal(scrubUrl(`/a?q=${JWT}`, { mask: '***' }), '/a?q=***')
  t.equal(scrubUrl('/openai/threads/thread_abc123/runs/run_abc123?after=msg_abc123&limit=20'), '/openai/threads/thread_abc123/runs/run_abc123?after=msg_abc123&limit=20',
    'ids and ordinary values are left alone')
  t.equal(scrubUrl(scrubUrl('/a?sig=v&x=Bearer%20y')), scrubUrl('/a?sig=v&x=Bearer%20y'), 'idempotent')
  t.equal(scrubSecrets(`"msg":"token ${JWT} refused"`), `"msg":"token ${REDACTED} refused"`, 'a JWT anywhere in a line')
  t.notOk(looksLikeSecret('assistant-AbCdEfGhIjKlMnOpQrStUv12'), 'a file id is no secret')
  t.ok(looksLikeSecret('0123456789abcdef0123456789ABCDEF'), 'an Azure key is')
})

/** An object schema nested `depth` levels, each level requiring the next. */
function nested (depth: number): Record<string, unknown> {
  let schema: Record<string, unknown> = { type: 'object', properties: { leaf: { type: 'string' } }, required: ['leaf'] }
  for (let i = 0; i < depth; i++) schema = { type: 'object', properties: { [`level${i}`]: schema, note: { type: 'string' } }, required: [`level${i}`] }
  return schema
}

t.test('15. generated arguments are valid for schemas nested deeper than 8 levels, or the run fails', async t => {
  const ajv = new Ajv({ strict: false })
  const tree = {
    $defs: { node: { type: 'object', properties: { name: { type: 'string' }, children: { type: 'array', items: { $ref: '#/$defs/node' } } }, required: ['name'] } },
    type: 'object',
    properties: { root: { $ref: '#/$defs/node' } },
    required: ['root']
  }
  const linked = {
    $defs: { item: { type: 'object', properties: { value: { type: 'integer' }, next: { anyOf: [{ $ref: '#/$defs/item' }, { type: 'null' }] } }, required: ['value', 'next'] } },
    type: 'object',
    properties: { head: { $ref: '#/$defs/item' } },
    required: ['head']
  }
  const nullable = {
    $defs: { n: { type: ['object', 'null'], properties: { next: { $ref: '#/$defs/n' } }, required: ['next'] } },
    type: 'object',
    properties: { n: { $ref: '#/$defs/n' } },
    required: ['n']
  }
  for (const [name, schema] of Object.entries({ 'nested 12': nested(12), 'nested 40': nested(40), tree, linked, nullable })) {
    const value = sampleFromSchema(schema)
    t.ok(ajv.validate(schema, value), `${name}: ${JSON.stringify(ajv.errors?.[0] ?? 'valid')}`)
  }
  const endless = {
    $defs: { n: { type: 'object', properties: { next: { $ref: '#/$defs/n' } }, required: ['next'] } },
    type: 'object',
    properties: { n: { $ref: '#/$defs/n' } },
    required: ['n']
  }
  t.throws(() => sampleFromSchema(endless), SampleTooLarge, 'a schema with no finite value is refused, never sampled as null')
  t.throws(() => sampleFromSchema(nested(300)), SampleTooLarge, 'nesting beyond the sampler\'s depth is refused too')

  const built = await build(t)
  const assistant = (await built.call({ method: 'POST', url: '/openai/assistants', apiVersion: V2, body: { model: 'gpt-4o' } })).json()
  for (const [name, parameters, expected] of [['nested 12', nested(12), 'requires_action'], ['endless', endless, 'failed']] as const) {
    const thread = (await built.call({ method: 'POST', url: '/openai/threads', apiVersion: V2, body: {} })).json()
    const tools = [{ type: 'function', function: { name: 'f', parameters } }]
    const run = await built.call({ method: 'POST', url: `/openai/threads/${thread.id}/runs`, apiVersion: V2, body: { assistant_id: assistant.id, tools, tool_choice: 'required' } })
    t.equal(run.statusCode, 200, `${name}: ${run.body.slice(0, 200)}`)
    built.clock.advance(60_000)
    const read = (await built.call({ url: `/openai/threads/${thread.id}/runs/${run.json().id}`, apiVersion: V2 })).json()
    t.equal(read.status, expected, name)
    if (expected === 'requires_action') {
      const args = JSON.parse(read.required_action.submit_tool_outputs.tool_calls[0].function.arguments)
      t.ok(ajv.validate(parameters, args), `${name}: the arguments validate against the function's parameters`)
    }
  }
})

t.test('14. an export made near the clock\'s ceiling imports again, also as a --state-file restart', async t => {
  const dir = t.testdir({})
  const stateFile = join(dir, 'state.json')
  const clock = manualClock(MAX_CLOCK_MS - 1000)
  const first = await buildApp(makeConfig({ logLevel: 'silent', stateFile }), { clock })
  const call = (method: 'GET' | 'POST', url: string, payload?: object) =>
    first.inject({ method, url: `${url}?api-version=${V2}`, headers: { 'api-key': 'k' }, ...(payload ? { payload } : {}) })
  const assistant = (await call('POST', '/openai/assistants', { model: 'gpt-4o' })).json()
  const thread = (await call('POST', '/openai/threads', { messages: [{ role: 'user', content: 'hi' }] })).json()
  t.equal((await call('POST', `/openai/threads/${thread.id}/runs`, { assistant_id: assistant.id })).statusCode, 200, 'a run whose expiry is past the ceiling')
  const file = (await first.inject({ method: 'POST', url: `/openai/files?api-version=${V2}`, headers: { 'api-key': 'k', 'content-type': 'multipart/form-data; boundary=b' }, payload: '--b\r\nContent-Disposition: form-data; name="purpose"\r\n\r\nassistants\r\n--b\r\nContent-Disposition: form-data; name="file"; filename="a.txt"\r\n\r\nhello\r\n--b--\r\n' })).json()
  t.equal((await call('POST', '/openai/vector_stores', { file_ids: [file.id] })).statusCode, 200, 'a file that is ready past the ceiling')
  const exported = await first.inject({ url: '/_emulator/state' })
  const imported = await first.inject({ method: 'PUT', url: '/_emulator/state', payload: exported.body, headers: { 'content-type': 'application/json' } })
  t.equal(imported.statusCode, 204, `the export imports again: ${imported.body.slice(0, 200)}`)
  await first.close()
  const second = await buildApp(makeConfig({ logLevel: 'silent', stateFile }), { clock: manualClock(MAX_CLOCK_MS - 1000) })
  t.equal((await second.inject({ url: `/openai/assistants/${assistant.id}?api-version=${V2}`, headers: { 'api-key': 'k' } })).statusCode, 200, 'and the --state-file restart starts')
  await second.close()
})

t.test('14. a state document cannot hold what the API would refuse', async t => {
  const built = await build(t)
  const { threadId } = await seedAssistantAndThread(built, V2)
  const document = (await built.app.inject({ url: '/_emulator/state' })).json()
  const put = (doc: unknown) => built.app.inject({ method: 'PUT', url: '/_emulator/state', payload: doc as object })
  const tooLong = structuredClone(document)
  tooLong.tenants[0].messages[0].content[0].text.value = 'x'.repeat(256_001)
  const refused = await put(tooLong)
  t.equal(refused.statusCode, 400)
  t.match(refused.json(), { error: { code: 'invalid_state', param: '$.tenants[0].messages[0].content[0].text.value', message: /longer than 256000 characters/ } })
  const metadata = structuredClone(document)
  metadata.tenants[0].threads[0].metadata = Object.fromEntries(Array.from({ length: 17 }, (_, i) => [`k${i}`, 'v']))
  t.match((await put(metadata)).json(), { error: { param: '$.tenants[0].threads[0].metadata', message: /more than 16 pairs/ } })
  const instructions = structuredClone(document)
  instructions.tenants[0].assistants[0].instructions = 'i'.repeat(256_001)
  t.match((await put(instructions)).json(), { error: { param: '$.tenants[0].assistants[0].instructions' } })
  const reply = structuredClone(document)
  reply.tenants[0].messages[0].role = 'assistant'
  reply.tenants[0].messages[0].content[0].text.value = 'x'.repeat(256_100)
  t.equal((await put(reply)).statusCode, 204, 'a reply the emulator wrote may quote a whole user message')
  const parts = await built.call({ method: 'POST', url: `/openai/threads/${threadId}/messages`, apiVersion: V2, body: { role: 'user', content: [{ type: 'text', text: 'x'.repeat(256_001) }] } })
  t.equal(parts.statusCode, 400, 'the API holds a text part to the same limit as string content')
  t.equal(parts.json().error.code, 'string_above_max_length')
})
