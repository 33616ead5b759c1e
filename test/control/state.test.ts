/** Reset, state export/import, --state-file, the requests journal and ready. */
import { mkdtempSync, readFileSync, writeFileSync, existsSync, readdirSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import t from 'tap'
import { buildApp } from '../../src/app.js'
import { makeConfig } from '../../src/config.js'
import { startEmulator } from '../../src/index.js'
import type { Fixtures } from '../../src/fixtures.js'
import { createJournal } from '../../src/control/journal.js'
import { scrubUrl } from '../../src/logging.js'
import { build, seedAssistantAndThread, uploadFile, API_KEY, V2, type Built } from '../helper.js'

const fixtures: Fixtures = { assistants: [{ id: 'asst_fixture', model: 'gpt-4o' }], threads: [{ id: 'thread_fixture' }], scenarios: [] }

const listIds = async (built: Built, url: string) => (await built.call({ url, apiVersion: V2 })).json().data.map((o: { id: string }) => o.id)

t.test('POST /_emulator/reset empties every store and seeds the fixtures again (204)', async t => {
  const built = await build(t, {}, { fixtures })
  await seedAssistantAndThread(built, V2)
  await uploadFile(built)
  t.equal((await listIds(built, '/openai/assistants')).length, 2)
  const reset = await built.app.inject({ method: 'POST', url: '/_emulator/reset' })
  t.equal(reset.statusCode, 204)
  t.equal(reset.body, '')
  t.same(await listIds(built, '/openai/assistants'), ['asst_fixture'])
  t.same(await listIds(built, '/openai/files'), [])
  t.equal((await built.call({ url: '/openai/threads/thread_fixture', apiVersion: V2 })).statusCode, 200)
})

t.test('a suite resets between tests through the in-process API', async t => {
  const emulator = await startEmulator({ fixtures: { assistants: [{ id: 'asst_fixture', model: 'gpt-4o' }] } })
  t.teardown(() => emulator.close())
  const headers = { 'api-key': emulator.apiKey, 'content-type': 'application/json' }
  const list = async () => ((await (await fetch(`${emulator.url}/openai/assistants?api-version=${V2}`, { headers })).json()) as { data: unknown[] }).data.length
  for (const name of ['first test', 'second test']) {
    await t.test(name, async t => {
      t.teardown(() => emulator.reset())
      t.equal(await list(), 1, 'starts from the fixtures alone')
      await fetch(`${emulator.url}/openai/assistants?api-version=${V2}`, { method: 'POST', headers, body: '{"model":"gpt-4o"}' })
      t.equal(await list(), 2)
    })
  }
})

t.test('GET /_emulator/state exports everything; PUT brings it back, file bytes included', async t => {
  const built = await build(t)
  const { threadId, assistantId } = await seedAssistantAndThread(built, V2)
  const run = (await built.call({ method: 'POST', url: `/openai/threads/${threadId}/runs`, body: { assistant_id: assistantId }, apiVersion: V2 })).json()
  const file = await uploadFile(built, Buffer.from([0, 1, 2, 255]), 'bytes.txt')
  const vs = (await built.call({ method: 'POST', url: '/openai/vector_stores', body: { name: 'v', file_ids: [file.id] }, apiVersion: V2 })).json()
  built.clock.advance(60000)
  const exported = await built.app.inject({ method: 'GET', url: '/_emulator/state' })
  t.equal(exported.statusCode, 200)
  const document = exported.json()
  t.match(document, { format: 'aoai-assistants-emulator-state', version: 2, now: built.clock.now() })
  t.equal(document.tenants.length, 1)
  t.match(document.tenants[0], { owner: '', runs: [{ id: run.id, threadId }], vector_stores: [{ id: vs.id }], vector_store_files: [{ id: file.id }] })
  t.equal(document.tenants[0].files[0].content, Buffer.from([0, 1, 2, 255]).toString('base64'))

  const readRun = async () => (await built.call({ url: `/openai/threads/${threadId}/runs/${run.id}`, apiVersion: V2 })).body
  const before = await readRun()
  await built.app.inject({ method: 'POST', url: '/_emulator/reset' })
  t.equal((await built.call({ url: `/openai/threads/${threadId}/runs/${run.id}`, apiVersion: V2 })).statusCode, 404)
  const put = await built.app.inject({ method: 'PUT', url: '/_emulator/state', payload: document })
  t.equal(put.statusCode, 204)
  t.same((await built.app.inject({ method: 'GET', url: '/_emulator/state' })).json(), document, 'the export round-trips')
  t.equal(await readRun(), before, 'the run reads back byte for byte')
  const content = await built.call({ url: `/openai/files/${file.id}/content`, apiVersion: V2 })
  t.same([...content.rawPayload], [0, 1, 2, 255])
})

t.test('a bad state document is a 400 that changes nothing', async t => {
  const built = await build(t)
  const { assistantId } = await seedAssistantAndThread(built, V2)
  const good = (await built.app.inject({ method: 'GET', url: '/_emulator/state' })).json()
  const cases: Array<[unknown, RegExp]> = [
    [{ ...good, version: 99 }, /at \$\.version/],
    [{ ...good, format: 'other' }, /at \$\.format/],
    [[], /at \$/],
    [{ ...good, tenants: [{ ...good.tenants[0], messages: [{ ...good.tenants[0].messages[0], threadId: 'thread_gone' }] }] }, /no thread 'thread_gone'/],
    [{ ...good, tenants: [good.tenants[0], good.tenants[0]] }, /owner '' appears twice/],
    [{ ...good, tenants: [{ ...good.tenants[0], files: [{ id: 'f', createdAt: 1, filename: 'a', purpose: 'assistants', bytes: 1, content: '!!' }] }] }, /files\[0\]\.content/]
  ]
  for (const [document, message] of cases) {
    const res = await built.app.inject({ method: 'PUT', url: '/_emulator/state', payload: document as object })
    t.equal(res.statusCode, 400)
    t.match(res.json(), { error: { message, type: 'invalid_request_error', code: 'invalid_state' } })
  }
  const notJson = await built.app.inject({ method: 'PUT', url: '/_emulator/state', payload: '{', headers: { 'content-type': 'application/json' } })
  t.equal(notJson.statusCode, 400)
  t.same(await listIds(built, '/openai/assistants'), [assistantId], 'nothing changed')
})

t.test('--state-file: loaded at start when present, written atomically on close', async t => {
  const dir = mkdtempSync(join(tmpdir(), 'aoai-state-'))
  const path = join(dir, 'state.json')
  const first = await buildApp(makeConfig({ logLevel: 'silent', stateFile: path }))
  t.notOk(existsSync(path), 'no file yet: nothing loaded')
  const created = await first.inject({ method: 'POST', url: `/openai/assistants?api-version=${V2}`, headers: { 'api-key': API_KEY }, payload: { model: 'gpt-4o', name: 'kept' } })
  await first.close()
  t.ok(existsSync(path))
  t.same(readdirSync(dir), ['state.json'], 'no temporary file left')
  t.equal(JSON.parse(readFileSync(path, 'utf8')).tenants[0].assistants[0].id, created.json().id)

  const second = await buildApp(makeConfig({ logLevel: 'silent', stateFile: path }))
  t.teardown(() => second.close())
  const read = await second.inject({ url: `/openai/assistants/${created.json().id}?api-version=${V2}`, headers: { 'api-key': API_KEY } })
  t.equal(read.json().name, 'kept')

  writeFileSync(join(dir, 'bad.json'), '{"format":1}')
  await t.rejects(buildApp(makeConfig({ logLevel: 'silent', stateFile: join(dir, 'bad.json') })), { name: 'StateFileError', message: /Invalid state file .*bad\.json: Invalid state document at \$\.(format|version)/ })
  writeFileSync(join(dir, 'broken.json'), '{')
  await t.rejects(buildApp(makeConfig({ logLevel: 'silent', stateFile: join(dir, 'broken.json') })), { name: 'StateFileError', message: /Cannot read state file/ })
})

t.test('GET /_emulator/requests: newest first, limited, no keys or bodies; DELETE clears it', async t => {
  const built = await build(t)
  const created = await built.call({ method: 'POST', url: '/openai/assistants', body: { model: 'gpt-4o', instructions: 'secret-instructions' }, apiVersion: V2 })
  await built.app.inject({ method: 'GET', url: '/v1/assistants?limit=2&api_key=sk-leak', headers: { authorization: 'Bearer sk-bearer-secret', 'openai-beta': 'assistants=v2' } })
  await built.app.inject({ method: 'GET', url: '/openai/assistants' })
  const agents = await built.app.inject({ method: 'GET', url: '/api/projects/p1/threads?api-version=v1', headers: { authorization: 'Bearer some-token' } })
  const agentsEntry = (await built.app.inject({ method: 'GET', url: '/_emulator/requests?limit=1' })).json().data[0]
  t.match(agentsEntry, { method: 'GET', path: '/api/projects/p1/threads?api-version=v1', flavour: 'agents', status: agents.statusCode })
  await built.app.inject({ method: 'GET', url: '/openai/assistants' })
  const journal = await built.app.inject({ method: 'GET', url: '/_emulator/requests?limit=3' })
  t.equal(journal.statusCode, 200)
  const entries = journal.json().data
  t.equal(entries.length, 3)
  t.match(entries[0], { method: 'GET', path: '/openai/assistants', api_version: null, flavour: 'azure', status: 404, request_id: String })
  t.match(entries[1], { method: 'GET', path: '/_emulator/requests?limit=1', flavour: 'emulator', status: 200 })
  t.match(entries[2], { path: '/api/projects/p1/threads?api-version=v1', flavour: 'agents' })
  const all = (await built.app.inject({ method: 'GET', url: '/_emulator/requests' })).json().data
  t.match(all.at(-2), { method: 'GET', path: '/v1/assistants?limit=2&api_key=***', api_version: null, flavour: 'openai', status: 200 })
  t.match(all.at(-1), { method: 'POST', path: `/openai/assistants?api-version=${V2}`, api_version: V2, flavour: 'azure', status: 200, duration_ms: Number, fault: null })
  t.equal(all.at(-1).request_id, created.headers['x-request-id'], 'the request id the client saw')
  const text = JSON.stringify(all)
  for (const secret of [API_KEY, 'sk-bearer-secret', 'sk-leak', 'secret-instructions']) t.notMatch(text, secret)
  t.equal((await built.app.inject({ method: 'DELETE', url: '/_emulator/requests' })).statusCode, 204)
  t.same((await built.app.inject({ method: 'GET', url: '/_emulator/requests' })).json().data.map((e: { path: string }) => e.path), ['/_emulator/requests'])
})

t.test('the journal is a bounded ring; secret-looking query values are masked', async t => {
  const journal = createJournal(3)
  for (let i = 0; i < 5; i++) journal.record({ method: 'GET', path: `/${i}`, api_version: null, flavour: 'azure', status: 200, duration_ms: 0, request_id: String(i), fault: null })
  t.same(journal.list().map(e => e.path), ['/4', '/3', '/2'])
  t.same(journal.list(1).map(e => e.path), ['/4'])
  t.equal(scrubUrl('/a?api-version=1&sig=abc&token=x&%ZZ=1&flag', { mask: '***' }), '/a?api-version=1&sig=***&token=***&%ZZ=1&flag')
  t.equal(scrubUrl('/plain', { mask: '***' }), '/plain')
})

t.test('GET /_emulator/ready: 503 until the server listens, then 200', async t => {
  const app = await buildApp(makeConfig({ logLevel: 'silent' }))
  t.teardown(() => app.close())
  const before = await app.inject({ method: 'GET', url: '/_emulator/ready' })
  t.equal(before.statusCode, 503)
  t.same(before.json(), { status: 'starting' })
  const url = await app.listen({ host: '127.0.0.1', port: 0 })
  const after = await fetch(`${url}/_emulator/ready`)
  t.equal(after.status, 200)
  t.same(await after.json(), { status: 'ready' })
})

t.test('a run that called a hosted tool (file_search, code_interpreter) exports and imports again', async t => {
  const dir = new URL('../../fixtures/', import.meta.url).pathname
  const built = await build(t, { fixtures: [join(dir, 'handbook.json'), join(dir, 'analyst.json')], vectorStoreProcessingMs: 0 })
  built.clock.advance(1000)
  for (const [assistantId, question] of [['asst_handbook', 'How long is the warranty on a tent?'], ['asst_analyst', 'Chart the monthly sales']]) {
    const res = await built.call({
      method: 'POST',
      url: '/openai/threads/runs',
      apiVersion: V2,
      body: { assistant_id: assistantId, thread: { messages: [{ role: 'user', content: question }] } }
    })
    t.equal(res.statusCode, 200, `a run of ${assistantId}`)
  }
  built.clock.advance(60000)
  const document = (await built.app.inject({ method: 'GET', url: '/_emulator/state' })).json()
  t.same(document.tenants[0].runs.map((r: { script: Array<{ kind: string }> }) => r.script[0]!.kind).sort(), ['code_interpreter', 'file_search'])
  const put = await built.app.inject({ method: 'PUT', url: '/_emulator/state', payload: document })
  t.equal(put.statusCode, 204, put.body)
  t.same((await built.app.inject({ method: 'GET', url: '/_emulator/state' })).json(), document, 'the export round-trips')
  const written = structuredClone(document)
  written.tenants[0].runs[0].segments[0].replies[0].text = 'a hosted tool step writes no reply'
  const refused = await built.app.inject({ method: 'PUT', url: '/_emulator/state', payload: written })
  t.equal(refused.statusCode, 400, 'a hosted tool step with a reply of its own is still refused')
  t.match(refused.json(), { error: { param: '$.tenants[0].runs[0].segments', code: 'invalid_state' } })
})
