/**
 * The two flavours' gates: `--api-version-check` modes on Azure's /openai, and OpenAI's /v1 (Bearer key,
 * `OpenAI-Beta`, v2 shapes, OpenAI's 404). Every response here also goes through the contract inspector.
 */
import t from 'tap'
import { compareApiVersions, resolveApiVersion, NEWEST_ASSISTANTS_VERSION, FIRST_ASSISTANTS_VERSION } from '../../src/api-versions.js'
import { maskApiKey } from '../../src/errors.js'
import { build, openAIError, API_KEY, V1, V2 } from '../helper.js'

const RESOURCE_NOT_FOUND = '{"error":{"code":"404","message": "Resource not found"}}'
const NOT_SUPPORTED = { error: { code: 'BadRequest', message: 'API version not supported' } }
const WARNING = 'x-aoai-emulator-warning'
const BETA = { 'openai-beta': 'assistants=v2' }
const bearer = (key = API_KEY) => ({ authorization: `Bearer ${key}` })

t.test('api-version ordering and resolution', async t => {
  t.ok(compareApiVersions('2024-10-01-preview', '2024-10-01') < 0, 'a preview comes before the GA of its date')
  t.ok(compareApiVersions('2024-05-01-preview', '2024-02-15-preview') > 0)
  t.equal(compareApiVersions('2024-05-01-preview', '2024-05-01-preview'), 0)
  t.equal(FIRST_ASSISTANTS_VERSION, '2024-02-15-preview')

  t.same(resolveApiVersion(V2, 'strict'), { outcome: 'served', version: V2, generation: 'v2' })
  t.same(resolveApiVersion('2099-01-01-preview', 'strict'), { outcome: 'not-supported' })
  t.same(resolveApiVersion(undefined, 'lenient'), { outcome: 'not-found' })
  t.same(resolveApiVersion('2024-06-01', 'lenient'), { outcome: 'not-found' }, 'a known version without Assistants stays 404')
  t.same(resolveApiVersion('2024-02-14-preview', 'lenient'), { outcome: 'not-found' }, 'older than the first Assistants version')
  t.same(resolveApiVersion('latest', 'lenient'), { outcome: 'not-supported' })
  t.same(resolveApiVersion('2024-13-01', 'lenient'), { outcome: 'not-supported' }, 'month 13 is not well-formed')
  t.same(resolveApiVersion('2024-02-15', 'lenient'),
    { outcome: 'served', version: '2024-02-15-preview', generation: 'v1', substitutedFrom: '2024-02-15' })
  t.same(resolveApiVersion('2024-04-30-preview', 'lenient'),
    { outcome: 'served', version: '2024-04-01-preview', generation: 'v1', substitutedFrom: '2024-04-30-preview' })
  t.same(resolveApiVersion('2099-01-01', 'lenient'),
    { outcome: 'served', version: NEWEST_ASSISTANTS_VERSION, generation: 'v2', substitutedFrom: '2099-01-01' })
  t.same(resolveApiVersion(V1, 'off'), { outcome: 'served', version: V1, generation: 'v1' }, 'off keeps a known version')
  t.same(resolveApiVersion(undefined, 'off'),
    { outcome: 'served', version: NEWEST_ASSISTANTS_VERSION, generation: 'v2', substitutedFrom: '' })
  t.same(resolveApiVersion('2023-05-15', 'off'),
    { outcome: 'served', version: NEWEST_ASSISTANTS_VERSION, generation: 'v2', substitutedFrom: '2023-05-15' })
})

t.test('strict (the default) answers as Azure does', async t => {
  const built = await build(t)
  const missing = await built.call({ url: '/openai/assistants', apiVersion: null })
  t.equal(missing.statusCode, 404)
  t.equal(missing.body, RESOURCE_NOT_FOUND)
  const unknown = await built.call({ url: '/openai/assistants', apiVersion: '2099-01-01-preview' })
  t.equal(unknown.statusCode, 400)
  t.same(unknown.json(), NOT_SUPPORTED)
  t.notOk(unknown.headers[WARNING])
})

t.test('lenient serves an unknown well-formed version as the nearest older Assistants version', async t => {
  const lines: string[] = []
  const built = await build(t, { apiVersionCheck: 'lenient', logLevel: 'warn' }, { logStream: { write: (line: string) => { lines.push(line) } } })

  const newer = await built.call({ method: 'POST', url: '/openai/assistants', apiVersion: '2099-01-01-preview', body: { model: 'gpt-4o' } })
  t.equal(newer.statusCode, 200)
  t.equal(newer.headers[WARNING], `api-version 2099-01-01-preview is not known to the emulator; served as ${NEWEST_ASSISTANTS_VERSION}`)
  t.match(newer.json(), { tool_resources: {} }, 'v2 shapes')
  t.notOk('file_ids' in newer.json())

  const v1ish = await built.call({ url: `/openai/assistants/${newer.json().id}`, apiVersion: '2024-04-30-preview' })
  t.equal(v1ish.headers[WARNING], 'api-version 2024-04-30-preview is not known to the emulator; served as 2024-04-01-preview')
  t.match(v1ish.json(), { file_ids: [] }, 'v1 shapes')
  t.notOk('tool_resources' in v1ish.json())

  await built.call({ url: '/openai/assistants', apiVersion: '2099-01-01-preview' })
  const warnings = lines.map(line => JSON.parse(line)).filter(entry => entry.level === 40)
  t.same(warnings.map(w => w.requestedApiVersion), ['2099-01-01-preview', '2024-04-30-preview'], 'one log line per distinct version')
  t.equal(warnings[0].servedApiVersion, NEWEST_ASSISTANTS_VERSION)

  const known = await built.call({ url: '/openai/assistants', apiVersion: V2 })
  t.notOk(known.headers[WARNING], 'known versions carry no warning')

  for (const [version, status] of [['2023-12-31', 404], ['2024-06-01', 404], ['latest', 400], [null, 404]] as const) {
    const res = await built.call({ url: '/openai/assistants', apiVersion: version })
    t.equal(res.statusCode, status, `${version} → ${status}`)
  }
})

t.test('off serves any value, even none, and keeps known versions', async t => {
  const built = await build(t, { apiVersionCheck: 'off' })
  for (const version of [null, 'whatever', '2023-05-15']) {
    const res = await built.call({ method: 'POST', url: '/openai/threads', apiVersion: version, body: {} })
    t.equal(res.statusCode, 200, String(version))
    t.equal(res.headers[WARNING], `api-version check is off; served as ${NEWEST_ASSISTANTS_VERSION}`)
    t.match(res.json(), { tool_resources: {} })
  }
  const v1 = await built.call({ method: 'POST', url: '/openai/assistants', apiVersion: V1, body: { model: 'gpt-4o' } })
  t.match(v1.json(), { file_ids: [] })
  t.notOk(v1.headers[WARNING])
})

t.test('x-ms-client-request-id is echoed on every response', async t => {
  const built = await build(t)
  const ok = await built.call({ url: '/openai/assistants', headers: { 'x-ms-client-request-id': 'abc-123' } })
  t.equal(ok.headers['x-ms-client-request-id'], 'abc-123')
  const notFound = await built.call({ url: '/openai/nowhere', headers: { 'x-ms-client-request-id': 'def-456' } })
  t.equal(notFound.headers['x-ms-client-request-id'], 'def-456')
  const none = await built.call({ url: '/openai/assistants' })
  t.notOk(none.headers['x-ms-client-request-id'])
})

t.test('OpenAI flavour: Bearer key required, OpenAI texts', async t => {
  const built = await build(t, { apiKeys: ['sk-right-key-0123456789abcdefghij'] })
  const missing = await built.app.inject({ url: '/v1/assistants', headers: BETA })
  t.equal(missing.statusCode, 401)
  t.same(missing.json(), openAIError('You didn\'t provide an API key. You need to provide your API key in an Authorization ' +
    'header using Bearer auth (i.e. Authorization: Bearer YOUR_KEY). You can obtain an API key from ' +
    'https://platform.openai.com/account/api-keys.'))
  const apiKeyHeader = await built.app.inject({ url: '/v1/assistants', headers: { ...BETA, 'api-key': 'sk-right-key-0123456789abcdefghij' } })
  t.equal(apiKeyHeader.statusCode, 401, 'Azure\'s api-key header means nothing to OpenAI')

  const wrong = await built.app.inject({ url: '/v1/assistants', headers: { ...BETA, ...bearer('sk-wrongkey-abcdefghijklmnopqrstuvwxyz') } })
  t.equal(wrong.statusCode, 401)
  t.same(wrong.json(), openAIError('Incorrect API key provided: sk-wrong**************************wxyz. ' +
    'You can find your API key at https://platform.openai.com/account/api-keys.', null, 'invalid_api_key'))

  const right = await built.app.inject({ url: '/v1/assistants', headers: { ...BETA, ...bearer('sk-right-key-0123456789abcdefghij') } })
  t.equal(right.statusCode, 200)
})

t.test('key masking keeps the first 8 and last 4 characters', async t => {
  t.equal(maskApiKey('sk-abcdefghijklmnopqrstuvwxyz'), 'sk-abcde*****************wxyz')
  t.equal(maskApiKey('short-key'), 'short-key')
  t.equal(maskApiKey('123456789012'), '123456789012')
  t.equal(maskApiKey('1234567890123'), '12345678*0123')
})

t.test('OpenAI flavour: the beta header', async t => {
  const built = await build(t)
  const none = await built.app.inject({ url: '/v1/assistants', headers: bearer() })
  t.equal(none.statusCode, 400)
  t.same(none.json(), openAIError('You must provide the \'OpenAI-Beta\' header to access the Assistants API. Please try again ' +
    'by setting the header \'OpenAI-Beta: assistants=v2\'.', null, 'invalid_beta'))
  const v1 = await built.app.inject({ url: '/v1/threads', method: 'POST', headers: { ...bearer(), 'openai-beta': 'assistants=v1' } })
  t.equal(v1.statusCode, 400)
  t.same(v1.json(), openAIError('The v1 Assistants API has been deprecated. Please try again by setting the header ' +
    '\'OpenAI-Beta: assistants=v2\'. See the migration guide for more information: ' +
    'https://platform.openai.com/docs/assistants/migration.', null, 'invalid_beta'))
  const among = await built.app.inject({ url: '/v1/assistants', headers: { ...bearer(), 'openai-beta': 'realtime=v1, assistants=v2' } })
  t.equal(among.statusCode, 200, 'assistants=v2 among other betas')
  const files = await built.app.inject({ url: '/v1/files', headers: bearer() })
  t.not(files.statusCode, 400, 'files need no beta header')
})

t.test('OpenAI flavour: v2 shapes, shared objects, OpenAI 404s', async t => {
  const built = await build(t)
  const headers = { ...bearer(), ...BETA }
  const created = await built.app.inject({ method: 'POST', url: '/v1/assistants', headers, payload: { model: 'gpt-4o', tool_resources: { code_interpreter: { file_ids: [] } } } })
  t.equal(created.statusCode, 200)
  t.match(created.json(), { object: 'assistant', tool_resources: {} })
  t.notOk('file_ids' in created.json())
  const v1Field = await built.app.inject({ method: 'POST', url: '/v1/assistants', headers, payload: { model: 'gpt-4o', file_ids: [] } })
  t.same(v1Field.json(), openAIError('Unknown parameter: \'file_ids\'.', 'file_ids', 'unknown_parameter'))
  t.notOk(created.headers['x-aoai-emulator-warning'])

  const viaAzure = await built.call({ url: `/openai/assistants/${created.json().id}`, apiVersion: V1 })
  t.equal(viaAzure.statusCode, 200, 'one store behind both flavours')

  const unknown = await built.app.inject({ url: '/v1/nothing/here?x=1', headers })
  t.equal(unknown.statusCode, 404)
  t.same(unknown.json(), openAIError('Invalid URL (GET /v1/nothing/here)'))
  const wrongMethod = await built.app.inject({ method: 'PUT', url: '/v1/assistants', headers })
  t.same(wrongMethod.json(), openAIError('Invalid URL (PUT /v1/assistants)'))
  const bare = await built.app.inject({ url: '/v1' })
  t.same(bare.json(), openAIError('Invalid URL (GET /v1)'))
  const azure = await built.app.inject({ url: '/openai/nothing?api-version=2024-05-01-preview' })
  t.equal(azure.body, RESOURCE_NOT_FOUND, 'Azure keeps its own 404')
  const other = await built.app.inject({ url: '/v10/assistants' })
  t.equal(other.body, RESOURCE_NOT_FOUND, 'unknown prefixes get Azure\'s 404')
})

t.test('OpenAI flavour ignores api-version and Azure ignores OpenAI-Beta', async t => {
  const built = await build(t)
  const res = await built.app.inject({ url: '/v1/assistants?api-version=2024-02-15-preview', headers: { ...bearer(), ...BETA } })
  t.equal(res.statusCode, 200)
  const azure = await built.call({ url: '/openai/assistants', headers: { 'openai-beta': 'assistants=v1' } })
  t.equal(azure.statusCode, 200)
})
