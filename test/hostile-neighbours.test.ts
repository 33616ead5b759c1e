/**
 * Issue 21 ("hostile input and hostile neighbours, third pass"), the findings that need no socket: secrets in
 * logs and the journal scrubbed by one function (12), state documents near the clock's ceiling and over the
 * API's limits (14), and generated arguments for deeply nested schemas (15). The others have their own files:
 * credentials and tenancy (control/credentials.test.ts), fault globs (control/glob.test.ts), search
 * (routes/search-bounds.test.ts), state export (control/state-export.test.ts), and everything over a socket
 * (http-guards.test.ts, tls.test.ts, e2e/hostile-neighbours.test.ts).
 */
import Ajv from 'ajv'
import t from 'tap'
import { REDACTED, looksLikeSecret, scrubSecrets, scrubUrl } from '../src/logging.js'
import { SampleTooLarge, sampleFromSchema } from '../src/runs/json-sample.js'
import { API_KEY, V2, build } from './helper.js'

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
