/** The app shell: health, unknown routes, api-version gate, auth, response headers and request bodies. */
import { createHmac } from 'node:crypto'
import t, { type Test } from 'tap'
import type { LightMyRequestResponse } from 'fastify'
import { API_KEY, V1, V2, build, openAIError } from './helper.js'

const NOT_FOUND = '{"error":{"code":"404","message": "Resource not found"}}'
const VERSION_NOT_SUPPORTED = '{"error":{"code":"BadRequest","message":"API version not supported"}}'
const ACCESS_DENIED = '{"error":{"code":"401","message":"Access denied due to invalid subscription key or wrong API endpoint. ' +
  'Make sure to provide a valid key for an active subscription and use a correct regional API endpoint for your resource."}}'
const TOKEN_REJECTED = '{"statusCode": 401, "message": "Unauthorized. Access token is missing, invalid, audience is incorrect ' +
  '(https://cognitiveservices.azure.com), or have expired."}'
const AUDIENCE = 'https://cognitiveservices.azure.com'

const JWT_SECRET = 'test-jwt-secret'

/** A JWT with the given claims: HS256-signed with `secret`, or with a fake RS256 signature when none is given. */
function jwt (claims: Record<string, unknown>, secret?: string): string {
  const part = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url')
  if (secret === undefined) return `${part({ alg: 'RS256', typ: 'JWT' })}.${part(claims)}.${Buffer.from('not-a-signature').toString('base64url')}`
  const input = `${part({ alg: 'HS256', typ: 'JWT' })}.${part(claims)}`
  return `${input}.${createHmac('sha256', secret).update(input).digest('base64url')}`
}

function assertBody (t: Test, res: LightMyRequestResponse, status: number, body: string, what = '') {
  t.equal(res.statusCode, status, `${what} status`.trim())
  t.equal(res.body, body, `${what} body byte for byte`.trim())
  t.match(res.headers['content-type'], /^application\/json/, `${what} content type`.trim())
}

/** Not Fastify's default `{statusCode, error, message}` body: an `error` object, or the token validator's body. */
function assertNotFastifyDefault (t: Test, res: LightMyRequestResponse, what: string) {
  const body: unknown = JSON.parse(res.body)
  t.ok(typeof body === 'object' && body !== null, `${what}: a JSON object`)
  const record = body as Record<string, unknown>
  if (res.body === TOKEN_REJECTED) return
  t.notOk('statusCode' in record, `${what}: no top-level statusCode`)
  t.type(record.error, 'object', `${what}: error is an object, not Fastify's string`)
  t.same(Object.keys(record), ['error'], `${what}: only the error envelope`)
}

const threadUrl = '/openai/threads/thread_nope'

t.test('GET /_emulator/health answers without auth or api-version', async t => {
  const { app } = await build(t, { apiKeys: [API_KEY] })
  const res = await app.inject({ url: '/_emulator/health' })
  t.equal(res.statusCode, 200)
  t.equal(res.body, '{"status":"ok"}')
  t.match(res.headers['content-type'], /^application\/json/)
  t.ok(res.headers['x-request-id'])
  const withJunk = await app.inject({ url: '/_emulator/health?api-version=banana', headers: { 'api-key': 'wrong' } })
  t.equal(withJunk.statusCode, 200, 'auth and api-version are not looked at')
})

t.test('unknown routes answer Azure\'s 404 byte for byte', async t => {
  const { app, call } = await build(t)
  const cases: Array<[string, Promise<LightMyRequestResponse>]> = [
    ['root', app.inject({ url: '/' })],
    ['outside /openai', app.inject({ url: '/nope' })],
    ['unknown /openai path', call({ url: '/openai/nope' })],
    ['deployment-scoped assistants', call({ url: '/openai/deployments/gpt-4o/assistants' })],
    ['wrong method on a known path', call({ method: 'DELETE', url: '/openai/threads/thread_x/runs' })],
    ['PUT on a known path', call({ method: 'PUT', url: '/openai/threads', body: {} })],
    ['v1 assistant files on a v2 version', call({ url: '/openai/assistants/asst_x/files', apiVersion: V2 })],
    ['unknown route without credentials', app.inject({ url: '/openai/nope?api-version=' + V1 })],
    ['malformed percent-encoding', call({ url: '/openai/threads/%E0%A4%A' })]
  ]
  for (const [name, pending] of cases) {
    const res = await pending
    assertBody(t, res, 404, NOT_FOUND, name)
    t.equal(res.headers['content-length'], '56', `${name}: Content-Length 56 as on the wire`)
    t.equal(res.headers['content-type'], 'application/json', `${name}: Content-Type exactly as on the wire`)
  }
})

t.test('api-version', async t => {
  t.test('missing → Azure 404, byte for byte', async t => {
    const { call } = await build(t)
    assertBody(t, await call({ url: '/openai/threads/thread_x', apiVersion: null }), 404, NOT_FOUND)
    assertBody(t, await call({ method: 'POST', url: '/openai/threads', body: {}, apiVersion: null }), 404, NOT_FOUND, 'POST')
    assertBody(t, await call({ url: '/openai/threads/thread_x?api-version=' }), 404, NOT_FOUND, 'empty value')
  })

  t.test('a real Azure version without Assistants → the same 404', async t => {
    const { call } = await build(t)
    for (const version of ['2023-05-15', '2024-02-01', '2024-06-01', '2024-10-21', '2023-12-01-preview']) {
      assertBody(t, await call({ method: 'POST', url: '/openai/threads', body: {}, apiVersion: version }), 404, NOT_FOUND, version)
    }
  })

  t.test('a value that is no Azure version → 400 API version not supported', async t => {
    const { call } = await build(t)
    for (const version of ['banana', '2024-13-45', '2024-02-15', 'v1', '2024-05-01-PREVIEW']) {
      assertBody(t, await call({ method: 'POST', url: '/openai/threads', body: {}, apiVersion: version }), 400,
        VERSION_NOT_SUPPORTED, version)
    }
  })

  t.test('api-version is checked before credentials', async t => {
    const { app } = await build(t, { apiKeys: [API_KEY] })
    assertBody(t, await app.inject({ url: '/openai/threads' }), 404, NOT_FOUND, 'no version, no key')
    assertBody(t, await app.inject({ url: '/openai/threads/x?api-version=banana' }), 400, VERSION_NOT_SUPPORTED, 'bad version, no key')
  })

  t.test('v1 and v2 Assistants versions are served', async t => {
    const { call } = await build(t)
    for (const version of [V1, '2024-03-01-preview', '2024-04-01-preview', V2, '2024-07-01-preview', '2024-08-01-preview',
      '2024-10-01-preview', '2025-01-01-preview']) {
      const res = await call({ method: 'POST', url: '/openai/threads', body: {}, apiVersion: version })
      t.equal(res.statusCode, 200, version)
      t.match(res.json(), { object: 'thread' }, version)
    }
  })
})

t.test('auth', async t => {
  const get = { method: 'POST' as const, url: '/openai/threads', body: {} }

  t.test('no credentials → 401 with Azure\'s exact 224-byte body', async t => {
    for (const apiKeys of [[], [API_KEY]]) {
      const { app } = await build(t, { apiKeys })
      const res = await app.inject({ method: 'POST', url: `/openai/threads?api-version=${V1}`, payload: {} })
      assertBody(t, res, 401, ACCESS_DENIED, `keys ${JSON.stringify(apiKeys)}`)
      t.equal(Buffer.byteLength(res.body), 224)
      t.equal(res.headers['content-length'], '224')
      t.equal(res.headers['content-type'], 'application/json')
    }
  })

  t.test('no keys configured: any non-empty api-key is accepted, an empty one is not', async t => {
    const { call } = await build(t)
    t.equal((await call({ ...get, headers: { 'api-key': 'anything-at-all' } })).statusCode, 200)
    t.equal((await call({ ...get, headers: { 'api-key': 'x' } })).statusCode, 200)
    assertBody(t, await call({ ...get, headers: { 'api-key': '' } }), 401, ACCESS_DENIED, 'empty key')
  })

  t.test('keys configured: only those keys are accepted', async t => {
    const { call } = await build(t, { apiKeys: ['key-one', 'key-two'] })
    t.equal((await call({ ...get, headers: { 'api-key': 'key-one' } })).statusCode, 200)
    t.equal((await call({ ...get, headers: { 'api-key': 'key-two' } })).statusCode, 200)
    for (const key of ['key-three', 'key-on', 'key-one ', 'KEY-ONE', '']) {
      assertBody(t, await call({ ...get, headers: { 'api-key': key } }), 401, ACCESS_DENIED, JSON.stringify(key))
    }
  })

  t.test('401s are answered on every route, including unknown ids', async t => {
    const { app } = await build(t, { apiKeys: [API_KEY] })
    for (const url of ['/openai/threads/thread_x', '/openai/assistants/asst_x', '/openai/threads/thread_x/runs/run_x']) {
      assertBody(t, await app.inject({ url: `${url}?api-version=${V1}`, headers: { 'api-key': 'wrong' } }), 401, ACCESS_DENIED, url)
    }
  })

  t.test('api-key wins over Authorization', async t => {
    const { call } = await build(t, { apiKeys: [API_KEY] })
    const goodKeyJunkBearer = await call({ ...get, headers: { 'api-key': API_KEY, authorization: 'Bearer junk' } })
    t.equal(goodKeyJunkBearer.statusCode, 200, 'good api-key + junk bearer')
    const goodKeyExpiredJwt = await call({ ...get, headers: { 'api-key': API_KEY, authorization: `Bearer ${jwt({ aud: 'x', exp: 1 })}` } })
    t.equal(goodKeyExpiredJwt.statusCode, 200, 'good api-key + rejected JWT')
    const badKeyGoodBearer = await call({ ...get, headers: { 'api-key': 'wrong', authorization: `Bearer ${API_KEY}` } })
    assertBody(t, badKeyGoodBearer, 401, ACCESS_DENIED, 'bad api-key + the key as bearer')
    const now = Math.floor(Date.now() / 1000)
    const badKeyGoodJwt = await call({ ...get, headers: { 'api-key': 'wrong', authorization: `Bearer ${jwt({ aud: AUDIENCE, exp: now + 3600 })}` } })
    assertBody(t, badKeyGoodJwt, 401, ACCESS_DENIED, 'bad api-key + a good JWT')
  })

  t.test('the Python SDK\'s key-mode pair (api-key and the same key as Bearer) is accepted', async t => {
    const { call } = await build(t, { apiKeys: [API_KEY] })
    t.equal((await call({ ...get, headers: { 'api-key': API_KEY, authorization: `Bearer ${API_KEY}` } })).statusCode, 200)
  })

  t.test('opaque Bearer token', async t => {
    const open = await build(t)
    const res = await open.app.inject({ method: 'POST', url: `/openai/threads?api-version=${V1}`, payload: {}, headers: { authorization: 'Bearer some-opaque-token' } })
    t.equal(res.statusCode, 200, 'accepted when no keys are configured')

    const locked = await build(t, { apiKeys: [API_KEY] })
    for (const authorization of ['Bearer some-opaque-token', `Bearer ${API_KEY}`]) {
      const rejected = await locked.app.inject({ method: 'POST', url: `/openai/threads?api-version=${V1}`, payload: {}, headers: { authorization } })
      assertBody(t, rejected, 401, TOKEN_REJECTED, `${authorization} with keys configured`)
    }
  })

  t.test('Authorization that is not a Bearer token → the key 401', async t => {
    const { app } = await build(t)
    for (const authorization of ['Basic dXNlcjpwYXNz', 'Bearer', 'Bearer ', 'token']) {
      const res = await app.inject({ method: 'POST', url: `/openai/threads?api-version=${V1}`, payload: {}, headers: { authorization } })
      assertBody(t, res, 401, ACCESS_DENIED, JSON.stringify(authorization))
    }
  })

  t.test('Bearer JWT signed with the configured secret', async t => {
    const { app, clock } = await build(t, { apiKeys: [API_KEY], jwtSecret: JWT_SECRET })
    const nowSeconds = Math.floor(clock.now() / 1000)
    const send = (claims: Record<string, unknown>) => app.inject({
      method: 'POST', url: `/openai/threads?api-version=${V1}`, payload: {}, headers: { authorization: `Bearer ${jwt(claims, JWT_SECRET)}` }
    })
    t.equal((await send({ aud: AUDIENCE, exp: nowSeconds + 3600 })).statusCode, 200, 'right audience, future exp, even with keys configured')
    t.equal((await send({ aud: `${AUDIENCE}/`, exp: nowSeconds + 60 })).statusCode, 200, 'audience with a trailing slash')
    t.equal((await send({ aud: ['api://other', AUDIENCE], exp: nowSeconds + 60 })).statusCode, 200, 'audience list containing it')
    assertBody(t, await send({ aud: 'https://management.azure.com', exp: nowSeconds + 3600 }), 401, TOKEN_REJECTED, 'wrong audience')
    assertBody(t, await send({ exp: nowSeconds + 3600 }), 401, TOKEN_REJECTED, 'no audience')
    assertBody(t, await send({ aud: AUDIENCE, exp: nowSeconds - 1 }), 401, TOKEN_REJECTED, 'expired')
    assertBody(t, await send({ aud: AUDIENCE, exp: nowSeconds }), 401, TOKEN_REJECTED, 'expiring this second')
    assertBody(t, await send({ aud: AUDIENCE }), 401, TOKEN_REJECTED, 'no exp')
    assertBody(t, await send({ aud: AUDIENCE, exp: String(nowSeconds + 3600) }), 401, TOKEN_REJECTED, 'exp not a number')

    const token = jwt({ aud: AUDIENCE, exp: nowSeconds + 10 }, JWT_SECRET)
    const withToken = () => app.inject({ method: 'POST', url: `/openai/threads?api-version=${V1}`, payload: {}, headers: { authorization: `Bearer ${token}` } })
    t.equal((await withToken()).statusCode, 200, 'valid now')
    clock.advance(10_000)
    assertBody(t, await withToken(), 401, TOKEN_REJECTED, 'the same token once the clock passes exp')
  })

  t.test('a Bearer JWT is also judged when no keys are configured', async t => {
    const { app, clock } = await build(t)
    const exp = Math.floor(clock.now() / 1000) + 60
    const res = await app.inject({ method: 'POST', url: `/openai/threads?api-version=${V1}`, payload: {}, headers: { authorization: `Bearer ${jwt({ aud: 'x', exp })}` } })
    assertBody(t, res, 401, TOKEN_REJECTED)
  })
})

t.test('headers', async t => {
  t.test('every response carries x-request-id and apim-request-id', async t => {
    const { app, call } = await build(t, { apiKeys: [API_KEY] })
    const responses: Array<[string, LightMyRequestResponse]> = [
      ['health', await app.inject({ url: '/_emulator/health' })],
      ['unknown route', await app.inject({ url: '/nope' })],
      ['missing api-version', await call({ url: threadUrl, apiVersion: null })],
      ['bad api-version', await call({ url: threadUrl, apiVersion: 'banana' })],
      ['401', await call({ url: threadUrl, headers: { 'api-key': 'wrong' } })],
      ['unknown id', await call({ url: threadUrl })],
      ['validation error', await call({ method: 'POST', url: '/openai/threads', body: { x: 1 } })],
      ['invalid JSON', await call({ method: 'POST', url: '/openai/threads', body: '{', headers: { 'content-type': 'application/json' } })],
      ['success', await call({ method: 'POST', url: '/openai/threads', body: {} })]
    ]
    const ids = new Set<string>()
    for (const [name, res] of responses) {
      const requestId = res.headers['x-request-id']
      t.type(requestId, 'string', `${name}: x-request-id`)
      t.match(requestId, /^[0-9a-f-]{36}$/, `${name}: a UUID`)
      t.equal(res.headers['apim-request-id'], requestId, `${name}: apim-request-id`)
      ids.add(String(requestId))
    }
    t.equal(ids.size, responses.length, 'a new id per request')
  })

  t.test('x-ms-client-request-id is echoed', async t => {
    const { app, call } = await build(t)
    const clientId = 'c0ffee00-1111-2222-3333-444455556666'
    const ok = await call({ method: 'POST', url: '/openai/threads', body: {}, headers: { 'x-ms-client-request-id': clientId } })
    t.equal(ok.headers['x-ms-client-request-id'], clientId)
    const failed = await app.inject({ url: '/nope', headers: { 'x-ms-client-request-id': clientId } })
    t.equal(failed.headers['x-ms-client-request-id'], clientId, 'on errors too')
    const none = await call({ method: 'POST', url: '/openai/threads', body: {} })
    t.equal(none.headers['x-ms-client-request-id'], undefined, 'not invented when not sent')
  })
})

t.test('//openai/... with a doubled slash is served', async t => {
  const { call } = await build(t)
  const created = await call({ method: 'POST', url: '//openai/threads', body: {} })
  t.equal(created.statusCode, 200)
  const id = created.json().id
  const read = await call({ url: `//openai/threads/${id}` })
  t.equal(read.statusCode, 200)
  t.equal(read.json().id, id)
})

t.test('request bodies', async t => {
  const post = (body: string | Buffer, contentType = 'application/json') =>
    ({ method: 'POST' as const, url: '/openai/threads', body, headers: { 'content-type': contentType } })

  t.test('invalid JSON → 400 in the OpenAI envelope', async t => {
    const { call } = await build(t)
    for (const text of ['{', '{"metadata": }', 'not json', '{"a":1}}', '\'{}\'']) {
      const res = await call(post(text))
      t.equal(res.statusCode, 400, text)
      const body = res.json()
      t.match(body, { error: { type: 'invalid_request_error', param: null, code: null } }, text)
      t.match(body.error.message, /^We could not parse the JSON body of your request\./, text)
    }
  })

  t.test('a JSON value that is not an object → 400 invalid_type', async t => {
    const { call } = await build(t)
    t.same((await call(post('[]'))).json(),
      openAIError('Invalid type for the request body: expected an object, but got an array instead.', null, 'invalid_type'))
    t.same((await call(post('"x"'))).json(),
      openAIError('Invalid type for the request body: expected an object, but got a string instead.', null, 'invalid_type'))
    t.equal((await call(post('5'))).statusCode, 400)
  })

  t.test('a content type other than JSON → 400 in the OpenAI envelope naming it', async t => {
    const { call } = await build(t)
    for (const contentType of ['text/plain', 'application/x-www-form-urlencoded', 'application/xml']) {
      const res = await call(post('{}', contentType))
      t.equal(res.statusCode, 400, contentType)
      t.same(res.json(), openAIError(`Unsupported content type: '${contentType}'. This API method only accepts 'application/json' ` +
        `requests, but you specified the header 'Content-Type: ${contentType}'. Please try again with a supported content type.`),
      contentType)
    }
  })

  t.test('application/json with a charset parameter is JSON', async t => {
    const { call } = await build(t)
    t.equal((await call(post('{"metadata":{"a":"b"}}', 'application/json; charset=utf-8'))).statusCode, 200)
  })

  t.test('a body over --max-body-bytes (default 4 MiB) → 413 in the OpenAI envelope', async t => {
    const { call, app } = await build(t)
    const big = JSON.stringify({ metadata: { a: 'x'.repeat(4 * 1024 * 1024) } })
    const res = await call(post(big))
    t.equal(res.statusCode, 413)
    t.same(res.json(), openAIError('The request body is too large. The maximum size is 4194304 bytes.', null, 'request_too_large'))
    t.same(app.runtime.tenants.shared.store.threads.list(), [], 'nothing was created')
    const small = await build(t, { maxBodyBytes: 1000 })
    const refused = await small.call(post(JSON.stringify({ metadata: { a: 'x'.repeat(1000) } })))
    t.equal(refused.statusCode, 413)
    t.match(refused.json().error.message, /maximum size is 1000 bytes/)
  })

  t.test('a body of exactly the limit is not refused for its size', async t => {
    const { call } = await build(t, { maxBodyBytes: 1024 * 1024 })
    const prefix = '{"metadata":{"a":"'
    const suffix = '"}}'
    const exact = prefix + 'x'.repeat(1024 * 1024 - prefix.length - suffix.length) + suffix
    t.equal(Buffer.byteLength(exact), 1024 * 1024)
    const res = await call(post(exact))
    t.equal(res.statusCode, 400, 'refused for the metadata value, not the size')
    t.equal(res.json().error.code, 'string_above_max_length')
  })

  t.test('a 2 MB message reaches validation: the service\'s 400 on content, not a 413', async t => {
    const { call } = await build(t)
    const thread = (await call(post('{}'))).json()
    const res = await call({ method: 'POST', url: `/openai/threads/${thread.id as string}/messages`, body: { role: 'user', content: 'x'.repeat(1620133) } })
    t.equal(res.statusCode, 400)
    t.same(res.json(), openAIError('Invalid \'content\': string too long. Expected a string with maximum length 256000, ' +
      'but got a string with length 1620133 instead.', 'content', 'string_above_max_length'))
  })

  t.test('POST with content-type application/json and an empty body creates a thread', async t => {
    const { call } = await build(t)
    const res = await call(post(''))
    t.equal(res.statusCode, 200)
    t.match(res.json(), { id: /^thread_[A-Za-z0-9]{24}$/, object: 'thread', metadata: {} })
    const noBody = await call({ method: 'POST', url: '/openai/threads' })
    t.equal(noBody.statusCode, 200, 'no body and no content type either')
  })
})

t.test('no response is Fastify\'s default error body', async t => {
  const { app, call } = await build(t, { apiKeys: [API_KEY] })
  const json = { 'content-type': 'application/json' }
  const cases: Array<[string, Promise<LightMyRequestResponse>]> = [
    ['unknown route', app.inject({ url: '/nope' })],
    ['missing api-version', call({ url: threadUrl, apiVersion: null })],
    ['bad api-version', call({ url: threadUrl, apiVersion: 'banana' })],
    ['no credentials', app.inject({ url: `${threadUrl}?api-version=${V1}` })],
    ['bad key', call({ url: threadUrl, headers: { 'api-key': 'nope' } })],
    ['token', app.inject({ url: `${threadUrl}?api-version=${V1}`, headers: { authorization: 'Bearer x' } })],
    ['unknown thread', call({ url: threadUrl })],
    ['unknown run', call({ url: `${threadUrl}/runs/run_x` })],
    ['invalid JSON', call({ method: 'POST', url: '/openai/threads', body: '{', headers: json })],
    ['text/plain', call({ method: 'POST', url: '/openai/threads', body: '{}', headers: { 'content-type': 'text/plain' } })],
    ['empty content type', call({ method: 'POST', url: '/openai/threads', body: '{}', headers: { 'content-type': '' } })],
    ['bad content-length', app.inject({ method: 'POST', url: `/openai/threads?api-version=${V1}`, payload: '{}', headers: { 'api-key': API_KEY, ...json, 'content-length': '50' } })],
    ['too large', call({ method: 'POST', url: '/openai/threads', body: 'x'.repeat(4 * 1024 * 1024 + 1), headers: json })],
    ['unknown field', call({ method: 'POST', url: '/openai/threads', body: { nope: 1 } })],
    ['bad query', call({ url: '/openai/assistants?limit=abc' })],
    ['bad url', call({ url: '/openai/threads/%E0%A4%A' })],
    ['stream of an unknown thread', call({ method: 'POST', url: `${threadUrl}/runs`, body: { assistant_id: 'asst_x', stream: true } })]
  ]
  for (const [name, pending] of cases) {
    const res = await pending
    t.ok(res.statusCode >= 400 && res.statusCode < 500, `${name}: a client error (${res.statusCode})`)
    assertNotFastifyDefault(t, res, name)
  }
})
