/**
 * Property-based fuzzing (fast-check) over every route of the endpoint matrix, in both flavours: arbitrary
 * bodies (JSON shaped like the API's and not), queries, headers and ids never give a 5xx or a body outside
 * the API's envelopes, and a refused request leaves the store exactly as it was. Seeded, so a failure
 * reproduces; bounded to a few seconds per property.
 */
import fc from 'fast-check'
import t from 'tap'
import type { InjectOptions } from 'fastify'
import { matrixRows } from './contract/matrix.js'
import { API_KEY, V1, V2, build, seedAssistantAndThread, uploadFile, type Built } from './helper.js'

const RUNS = Number(process.env.AOAI_EMULATOR_FUZZ_RUNS ?? 1500)
const SEED = 20261130

const routes = matrixRows()

/** Every table's rows, serialised: equal snapshots mean an unchanged store. */
function snapshot (built: Built): string {
  const { store } = built.app.runtime.tenants.shared
  const threads = store.threads.list()
  const vectorStores = store.vectorStores.list()
  return JSON.stringify({
    assistants: store.assistants.list(),
    threads,
    messages: threads.map(th => store.messages.list(th.id)),
    runs: threads.map(th => store.runs.list(th.id)),
    files: store.files.list().map(f => ({ ...f, content: f.content.length })),
    vectorStores,
    vectorStoreFiles: vectorStores.map(vs => store.vectorStoreFiles.list(vs.id)),
    batches: vectorStores.map(vs => store.vectorStoreFileBatches.list(vs.id))
  })
}

/** Whether a body is one of the API's error envelopes. */
function isEnvelope (body: unknown): boolean {
  if (typeof body !== 'object' || body === null) return false
  const { error, statusCode, message } = body as Record<string, unknown>
  if (typeof error === 'object' && error !== null) return typeof (error as { message?: unknown }).message === 'string'
  return statusCode === 401 && typeof message === 'string'
}

const KEYS = ['model', 'name', 'instructions', 'tools', 'metadata', 'messages', 'role', 'content', 'assistant_id', 'thread',
  'tool_outputs', 'tool_choice', 'response_format', 'file_ids', 'file_id', 'tool_resources', 'truncation_strategy',
  'max_prompt_tokens', 'stream', 'additional_messages', 'chunking_strategy', 'expires_after', '__proto__', 'constructor', 'type']

/** JSON values biased towards the API's own field names, nested a few levels. */
const apiJson = fc.letrec<{ value: unknown }>(tie => ({
  value: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    fc.jsonValue({ maxDepth: 2 }),
    fc.dictionary(fc.constantFrom(...KEYS), tie('value'), { maxKeys: 5 }),
    fc.array(tie('value'), { maxLength: 4 })
  )
})).value

const idLike = fc.oneof(fc.constantFrom('REAL', 'asst_x', 'thread_abc', 'run_1', 'file-1', '%00', '..', '%F0%9F%92%A9', 'a'.repeat(300)),
  fc.string({ maxLength: 20 }).map(s => encodeURIComponent(s) || 'x'))

const requestArb = fc.record({
  route: fc.constantFrom(...routes),
  flavour: fc.constantFrom('azure', 'openai'),
  apiVersion: fc.oneof({ arbitrary: fc.constantFrom(V1, V2, '2024-08-01-preview'), weight: 6 }, fc.constantFrom('2025-01-01-preview', 'garbage', '')),
  ids: fc.array(idLike, { minLength: 4, maxLength: 4 }),
  query: fc.dictionary(fc.constantFrom('limit', 'order', 'after', 'before', 'include[]', 'filter', 'purpose', 'x'),
    fc.oneof(fc.string({ maxLength: 12 }), fc.integer().map(String)), { maxKeys: 3 }),
  body: fc.option(apiJson, { nil: undefined }),
  rawBody: fc.option(fc.oneof(fc.string({ maxLength: 40 }), fc.constantFrom('{"a":', '[]', 'null', '"x"', '{"__proto__":{"a":1}}')), { nil: undefined, freq: 4 }),
  contentType: fc.oneof({ arbitrary: fc.constant('application/json'), weight: 6 },
    fc.constantFrom('application/json; charset=utf-8', 'text/plain', 'multipart/form-data; boundary=x', undefined)),
  auth: fc.oneof({ arbitrary: fc.constant('good'), weight: 8 }, fc.constantFrom('none', 'bad', 'jwt-none')),
  beta: fc.oneof({ arbitrary: fc.constant('assistants=v2'), weight: 6 }, fc.constantFrom('assistants=v1', undefined))
})

t.test(`fuzz: ${RUNS} arbitrary requests over ${routes.length} routes in both flavours`, async t => {
  const built = await build(t, { apiKeys: [API_KEY] }, { inspectResponse: () => {} })
  const { assistantId, threadId } = await seedAssistantAndThread(built, V2)
  const file = await uploadFile(built)
  const realIds = [threadId, assistantId, file.id]
  let count = 0
  const statuses = new Map<number, number>()

  await fc.assert(fc.asyncProperty(requestArb, async (r) => {
    let index = 0
    const path = r.route.path.replace(/\{[^}]+\}/g, () => {
      const id = r.ids[index++ % r.ids.length]!
      return id === 'REAL' ? realIds[index % realIds.length]! : id
    })
    const query = new URLSearchParams(r.query)
    if (r.flavour === 'azure' && r.apiVersion !== '') query.set('api-version', r.apiVersion)
    const url = `${r.flavour === 'azure' ? '/openai' : '/v1'}${path}${query.size > 0 ? `?${query}` : ''}`
    const headers: Record<string, string> = {}
    if (r.contentType !== undefined) headers['content-type'] = r.contentType
    const jwtNone = `${Buffer.from('{"alg":"none"}').toString('base64url')}.${Buffer.from(JSON.stringify({ aud: 'https://cognitiveservices.azure.com', exp: 4e9 })).toString('base64url')}.`
    if (r.auth === 'good') Object.assign(headers, r.flavour === 'azure' ? { 'api-key': API_KEY } : { authorization: `Bearer ${API_KEY}` })
    if (r.auth === 'bad') Object.assign(headers, r.flavour === 'azure' ? { 'api-key': 'wrong' } : { authorization: 'Bearer wrong' })
    if (r.auth === 'jwt-none') headers.authorization = `Bearer ${jwtNone}`
    if (r.beta !== undefined) headers['openai-beta'] = r.beta
    const payload = r.rawBody ?? (r.body === undefined ? undefined : JSON.stringify(r.body))

    const before = snapshot(built)
    const res = await built.app.inject({
      method: r.route.method as InjectOptions['method'], url, headers, ...(payload === undefined ? {} : { payload })
    })
    count++
    statuses.set(res.statusCode, (statuses.get(res.statusCode) ?? 0) + 1)
    const what = `${r.route.method} ${url} → ${res.statusCode} ${res.body.slice(0, 300)}`
    if (res.statusCode >= 500) throw new Error(`5xx: ${what}`)
    if (res.statusCode >= 400) {
      let body: unknown
      try {
        body = JSON.parse(res.body)
      } catch {
        throw new Error(`not JSON: ${what}`)
      }
      if (!isEnvelope(body)) throw new Error(`outside the envelope: ${what}`)
      if (snapshot(built) !== before) throw new Error(`a refused request changed the store: ${what}`)
    }
  }), { numRuns: RUNS, seed: SEED, endOnFailure: true })

  t.equal(count, RUNS, `${count} requests, statuses ${JSON.stringify(Object.fromEntries([...statuses].sort((a, b) => a[0] - b[0])))}`)
  t.ok([...statuses.keys()].some(s => s < 300), 'some requests were accepted')
})

t.test('fuzz: arbitrary raw query strings, paths and header values', async t => {
  const built = await build(t, { apiKeys: [API_KEY] }, { inspectResponse: () => {} })
  await seedAssistantAndThread(built, V1)
  let count = 0
  await fc.assert(fc.asyncProperty(
    fc.constantFrom('/openai', '/v1', '/', '/_emulator'),
    fc.string({ maxLength: 60 }),
    fc.string({ maxLength: 40 }),
    fc.constantFrom('GET', 'POST', 'DELETE', 'PUT', 'PATCH', 'OPTIONS', 'HEAD'),
    async (prefix, rest, headerValue, method) => {
      const before = snapshot(built)
      const url = `${prefix}/${encodeURI(rest).replace(/%25/g, '%')}`
      const safeHeader = headerValue.replace(/[^\x20-\x7e]/g, '')
      const res = await built.app.inject({
        method: method as InjectOptions['method'], url, headers: { 'api-key': safeHeader, authorization: safeHeader, 'x-ms-client-request-id': safeHeader }
      })
      count++
      if (res.statusCode >= 500) throw new Error(`5xx: ${method} ${url} → ${res.body}`)
      if (res.statusCode >= 400) {
        if (method === 'HEAD') return
        if (!isEnvelope(JSON.parse(res.body))) throw new Error(`outside the envelope: ${method} ${url} → ${res.body}`)
        if (snapshot(built) !== before) throw new Error(`store changed: ${method} ${url}`)
      }
    }), { numRuns: Math.round(RUNS / 3), seed: SEED })
  t.equal(count, Math.round(RUNS / 3), `${count} requests`)
})
