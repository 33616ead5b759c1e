/**
 * Property-based fuzzing (fast-check) over every route of the endpoint matrix, in both flavours, and over the
 * control plane: arbitrary bodies (JSON shaped like the API's and not), queries, headers, ids, fault globs,
 * state documents and credentials never give a 5xx or a body outside the envelopes, and a refused request
 * leaves the store (and the fault rules) exactly as they were. Seeded, so a failure reproduces; bounded to a
 * few seconds per property. Raw bytes over TLS and plain sockets: test/e2e/fuzz-sockets.test.ts.
 */
import fc from 'fast-check'
import t from 'tap'
import type { InjectOptions } from 'fastify'
import { exportState } from '../src/control/state.js'
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

/** An error answer's body as JSON; throws naming the exchange (`what`) when it is not JSON. */
function jsonOf (text: string, what: string): unknown {
  try {
    return JSON.parse(text)
  } catch {
    throw new Error(`not JSON: ${what}`)
  }
}

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
      const body = jsonOf(res.body, what)
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

/** Every object of every tenant, the fault rules and the clock: equal snapshots mean an unchanged emulator. */
function controlSnapshot (built: Built): string {
  const { tenants, control, clock } = built.app.runtime
  return JSON.stringify({
    state: exportState(tenants.list(), clock.now()),
    faults: control.faults.list()
  })
}

/** Glob text biased towards what makes matchers work hard: wildcards, sets, alternatives, extglobs, escapes. */
const globArb = fc.array(fc.constantFrom('*', '**', '?', '/', 'a', 'b', '[a-c]', '[!a]', '{a,b*}', '{', '}', '[', ']', ',', '@(', '*(', '+(', '!(', ')', '|', '\\', '.'), { maxLength: 24 })
  .map(parts => parts.join(''))

const controlArb = fc.oneof(
  fc.record({
    kind: fc.constant('fault' as const),
    path: fc.option(globArb, { nil: undefined }),
    method: fc.option(fc.constantFrom('GET', 'POST', 'get', 'X'), { nil: undefined }),
    fault: fc.oneof(fc.constant({ type: 'status', status: 503 }), fc.constant({ type: 'latency', ms: 0 }), apiJson),
    times: fc.option(fc.integer({ min: -1, max: 3 }), { nil: undefined })
  }),
  fc.record({ kind: fc.constant('state' as const), edits: fc.array(fc.tuple(fc.constantFrom('format', 'version', 'now', 'tenants', 'owner', 'messages', 'runs', 'files', 'createdAt', 'content', 'metadata'), apiJson), { maxLength: 3 }) }),
  fc.record({ kind: fc.constant('advance' as const), body: fc.oneof(fc.record({ ms: fc.oneof(fc.integer(), fc.double()) }), apiJson) }),
  fc.record({ kind: fc.constant('run' as const), id: idLike, body: fc.oneof(fc.record({ to: fc.constantFrom('completed', 'failed', 'requires_action', 'expired', 'nope') }), apiJson) }),
  fc.record({
    kind: fc.constant('other' as const),
    method: fc.constantFrom('GET', 'POST', 'PUT', 'DELETE', 'PATCH'),
    path: fc.constantFrom('/clock', '/requests?limit=0', '/requests?limit=x', '/faults/fault_1', '/faults/%00', '/state', '/nope', '/tls/certificate'),
    body: fc.option(apiJson, { nil: undefined })
  }),
  fc.record({ kind: fc.constant('credential' as const), headers: fc.dictionary(fc.constantFrom('api-key', 'authorization', 'x-emulator-admin-key'), fc.string({ maxLength: 30 }).map(s => s.replace(/[^\x20-\x7e]/g, '')), { maxKeys: 2 }) })
)

/** Replaces the value at every `key` (at any depth) of a copy of `document`. */
function edited (document: unknown, edits: ReadonlyArray<readonly [string, unknown]>): unknown {
  const copy = structuredClone(document) as Record<string, unknown>
  const visit = (value: unknown, key: string, replacement: unknown): boolean => {
    if (typeof value !== 'object' || value === null) return false
    for (const [k, v] of Object.entries(value)) {
      if (k === key) {
        (value as Record<string, unknown>)[k] = replacement
        return true
      }
      if (visit(v, key, replacement)) return true
    }
    return false
  }
  for (const [key, replacement] of edits) visit(copy, key, replacement)
  return copy
}

t.test(`fuzz: ${Math.round(RUNS / 2)} arbitrary control-plane requests: fault globs, state documents, clock and run advances, credentials`, async t => {
  const built = await build(t, { apiKeys: [API_KEY] }, { inspectResponse: () => {} })
  const { assistantId, threadId } = await seedAssistantAndThread(built, V2)
  await uploadFile(built)
  const run = (await built.call({ method: 'POST', url: `/openai/threads/${threadId}/runs`, body: { assistant_id: assistantId }, apiVersion: V2 })).json()
  const document = exportState(built.app.runtime.tenants.list(), built.clock.now())
  const auth = { 'api-key': API_KEY }
  let count = 0
  const statuses = new Map<number, number>()
  await fc.assert(fc.asyncProperty(controlArb, async (r) => {
    let request: InjectOptions
    switch (r.kind) {
      case 'fault': {
        const match: Record<string, unknown> = {}
        if (r.path !== undefined) match.path = r.path
        if (r.method !== undefined) match.method = r.method
        request = { method: 'POST', url: '/_emulator/faults', headers: auth, payload: { match, fault: r.fault, ...(r.times === undefined ? {} : { times: r.times }) } as object }
        break
      }
      case 'state': request = { method: 'PUT', url: '/_emulator/state', headers: auth, payload: edited(document, r.edits) as object }; break
      case 'advance': request = { method: 'POST', url: '/_emulator/clock/advance', headers: auth, payload: r.body as object }; break
      case 'run': request = { method: 'POST', url: `/_emulator/runs/${r.id === 'REAL' ? run.id as string : r.id}/advance`, headers: auth, payload: r.body as object }; break
      case 'other': request = { method: r.method, url: `/_emulator${r.path}`, headers: auth, ...(r.body === undefined ? {} : { payload: JSON.stringify(r.body) }) }; break
      case 'credential': request = { method: 'GET', url: '/_emulator/state', headers: r.headers }; break
    }
    const before = controlSnapshot(built)
    const res = await built.app.inject(request)
    count++
    statuses.set(res.statusCode, (statuses.get(res.statusCode) ?? 0) + 1)
    const what = `${request.method} ${request.url} ${JSON.stringify(request.payload ?? '').slice(0, 200)} → ${res.statusCode} ${res.body.slice(0, 300)}`
    if (res.statusCode >= 500) throw new Error(`5xx: ${what}`)
    if (res.statusCode >= 400) {
      const body = jsonOf(res.body, what)
      if (!isEnvelope(body) || (body as { error: { type?: unknown } }).error.type === undefined) throw new Error(`outside OpenAI's envelope: ${what}`)
      if (controlSnapshot(built) !== before) throw new Error(`a refused request changed the emulator: ${what}`)
    }
    // Whatever rules were added, an API request is still answered in an envelope (a hostile glob does not hang
    // it); a 5xx only from a rule that said so.
    const probe = await built.call({ url: `/openai/${'a'.repeat(64)}/threads`, apiVersion: V2 })
    const [probed] = built.app.runtime.control.journal.list(1)
    if (probe.statusCode >= 500 && probed?.fault === null) throw new Error(`the API broke: ${probe.statusCode} ${probe.body}`)
    if (probe.statusCode >= 400 && !isEnvelope(JSON.parse(probe.body))) throw new Error(`the API answered outside its envelope: ${probe.body}`)
    if (built.app.runtime.control.faults.size > 20) built.app.runtime.control.faults.clear()
  }), { numRuns: Math.round(RUNS / 2), seed: SEED, endOnFailure: true })
  t.equal(count, Math.round(RUNS / 2), `${count} requests, statuses ${JSON.stringify(Object.fromEntries([...statuses].sort((a, b) => a[0] - b[0])))}`)
  t.ok(statuses.has(201) && statuses.has(400) && statuses.has(204), 'rules were added, documents refused and accepted')
})
