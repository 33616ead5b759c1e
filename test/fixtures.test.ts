/** Fixtures: the shipped example, the reference's curl example against it, folders, and every way a file can be wrong. */
import t, { type Test } from 'tap'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { buildApp } from '../src/app.js'
import { manualClock } from '../src/clock.js'
import { makeConfig } from '../src/config.js'
import { FixturesError, loadFixtures, parseFixturesFile } from '../src/fixtures.js'
import { startEmulator } from '../src/index.js'
import { V1, V2, build } from './helper.js'

const EXAMPLE = fileURLToPath(new URL('../fixtures/example.json', import.meta.url))
const FIXTURES_DIR = fileURLToPath(new URL('../fixtures/', import.meta.url))

/** The FixturesError `fn` throws: one line. */
function fixturesError (t: Test, fn: () => unknown): string {
  try {
    fn()
  } catch (err) {
    t.type(err, FixturesError)
    t.equal((err as Error).name, 'FixturesError')
    t.notMatch((err as Error).message, /\n/, 'one line')
    return (err as Error).message
  }
  t.fail('expected a FixturesError')
  return ''
}

const json = (value: unknown) => JSON.stringify(value, null, 2)

t.test('the shipped example loads and seeds asst_abc123 and thread_abc123', async t => {
  const fixtures = loadFixtures(EXAMPLE)
  t.same(fixtures.assistants.map(a => a.id), ['asst_abc123'])
  t.same(fixtures.threads.map(th => th.id), ['thread_abc123'])

  const { call } = await build(t, { fixtures: EXAMPLE })
  const assistant = await call({ url: '/openai/assistants/asst_abc123' })
  t.equal(assistant.statusCode, 200)
  t.match(assistant.json(), { id: 'asst_abc123', object: 'assistant', model: 'gpt-4-1106-preview', name: 'Math Tutor', tools: [{ type: 'code_interpreter' }] })
  const thread = await call({ url: '/openai/threads/thread_abc123' })
  t.equal(thread.statusCode, 200)
  t.match(thread.json(), { id: 'thread_abc123', object: 'thread', metadata: {} })
})

t.test('the reference\'s curl example works verbatim against a fresh app with the example fixtures', async t => {
  // curl https://YOUR_RESOURCE_NAME.openai.azure.com/openai/threads/thread_abc123/runs?api-version=2024-02-15-preview \
  //   -H "api-key: $AZURE_OPENAI_API_KEY" -H 'Content-Type: application/json' -d '{"assistant_id": "asst_abc123"}'
  const clock = manualClock()
  const app = await buildApp(makeConfig({ logLevel: 'silent', fixtures: EXAMPLE }), { clock })
  t.teardown(() => app.close())
  const res = await app.inject({
    method: 'POST',
    url: '/openai/threads/thread_abc123/runs?api-version=2024-02-15-preview',
    headers: { 'api-key': 'any-key-at-all', 'Content-Type': 'application/json' },
    payload: '{"assistant_id": "asst_abc123"}'
  })
  t.equal(res.statusCode, 200, res.body)
  const run = res.json()
  t.match(run, {
    id: /^run_[A-Za-z0-9]{24}$/,
    object: 'thread.run',
    thread_id: 'thread_abc123',
    assistant_id: 'asst_abc123',
    status: 'queued',
    model: 'gpt-4-1106-preview',
    instructions: 'You are a personal math tutor. When asked a question, write and run Python code to answer the question.',
    tools: [{ type: 'code_interpreter' }],
    file_ids: [],
    metadata: {},
    usage: null
  })
  clock.advance(2000)
  const done = await app.inject({
    url: `/openai/threads/thread_abc123/runs/${run.id}?api-version=2024-02-15-preview`,
    headers: { 'api-key': 'any-key-at-all' }
  })
  t.equal(done.json().status, 'completed')
})

t.test('--fixtures seeds the store through config.fixtures (the path server.ts takes)', async t => {
  const app = await buildApp(makeConfig({ logLevel: 'silent', fixtures: EXAMPLE }), { clock: manualClock() })
  t.teardown(() => app.close())
  t.ok(app.runtime.tenants.shared.store.assistants.get('asst_abc123'))
  t.ok(app.runtime.tenants.shared.store.threads.get('thread_abc123'))
  t.equal(app.runtime.tenants.shared.store.messages.list('thread_abc123').length, 1, 'the thread\'s message is seeded')
  t.equal(app.runtime.tenants.shared.store.threads.get('thread_abc123')?.activeRunId, null)
})

t.test('every shipped fixtures file loads, alone and as a folder', async t => {
  const all = loadFixtures(FIXTURES_DIR)
  t.ok(all.assistants.some(a => a.id === 'asst_abc123'))
  t.ok(all.threads.some(th => th.id === 'thread_abc123'))
  const app = await buildApp(makeConfig({ logLevel: 'silent', fixtures: FIXTURES_DIR }), { clock: manualClock() })
  t.teardown(() => app.close())
  t.ok(app.runtime.tenants.shared.store.assistants.get('asst_abc123'))
})

t.test('a folder of files loads in name order; other files are ignored', async t => {
  const dir = t.testdir({
    '20-second.json': json({ assistants: [{ id: 'asst_second', model: 'm' }], threads: [{ id: 'thread_second' }] }),
    '10-first.json': json({ assistants: [{ id: 'asst_first', model: 'm' }], threads: [{ id: 'thread_first' }] }),
    '30-third.json': json({ assistants: [{ id: 'asst_third', model: 'm' }] }),
    'README.md': '# not a fixtures file',
    'broken.json.bak': '{'
  })
  const fixtures = loadFixtures(dir)
  t.same(fixtures.assistants.map(a => a.id), ['asst_first', 'asst_second', 'asst_third'])
  t.same(fixtures.threads.map(th => th.id), ['thread_first', 'thread_second'])
})

t.test('the fixtures format accepts the documented fields', async t => {
  const dir = t.testdir({
    'full.json': json({
      $schema: './schema.json',
      description: 'everything',
      assistants: [{
        id: 'asst_full',
        model: 'gpt-4o',
        name: 'Full',
        description: 'd',
        instructions: 'i',
        tools: [{ type: 'function', function: { name: 'f', parameters: { type: 'object' } } }],
        metadata: { a: 'b' }
      }],
      threads: [{ id: 'thread_full', messages: [{ role: 'user', content: 'Hi' }], metadata: { c: 'd' } }]
    })
  })
  const fixtures = loadFixtures(join(dir, 'full.json'))
  t.match(fixtures.assistants[0], { id: 'asst_full', name: 'Full', metadata: { a: 'b' } })
  t.match(fixtures.threads[0], { id: 'thread_full', metadata: { c: 'd' } })
})

t.test('duplicate ids → FixturesError naming the file, the JSON path and the first file', async t => {
  const dir = t.testdir({
    'a.json': json({ assistants: [{ id: 'asst_same', model: 'm' }], threads: [{ id: 'thread_same' }] }),
    'b.json': json({ assistants: [{ id: 'asst_other', model: 'm' }, { id: 'asst_same', model: 'm' }] })
  })
  const message = fixturesError(t, () => loadFixtures(dir))
  t.equal(message, `Invalid fixtures file ${join(dir, 'b.json')} at $.assistants[1].id: 'asst_same' is already defined in ${join(dir, 'a.json')} ` +
    '(an id is defined once per fixtures path; a later --fixtures path may redefine it)')

  const threads = t.testdir({
    'a.json': json({ threads: [{ id: 'thread_same' }] }),
    'b.json': json({ threads: [{ id: 'thread_same' }] })
  })
  t.match(fixturesError(t, () => loadFixtures(threads)), `${join(threads, 'b.json')} at $.threads[0].id: 'thread_same' is already defined`)

  const oneFile = t.testdir({ 'a.json': json({ assistants: [{ id: 'asst_x', model: 'm' }, { id: 'asst_x', model: 'n' }] }) })
  t.match(fixturesError(t, () => loadFixtures(join(oneFile, 'a.json'))), /at \$\.assistants\[1\]\.id: 'asst_x' is already defined/, 'within one file too')
})

t.test('a file that is not JSON → FixturesError naming the file', async t => {
  const dir = t.testdir({ 'bad.json': '{ "assistants": [ }' })
  const file = join(dir, 'bad.json')
  t.match(fixturesError(t, () => loadFixtures(file)), new RegExp(`^Invalid fixtures file ${file.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}: not JSON \\(`))
  const folder = t.testdir({ 'a.json': json({}), 'b.json': 'nope' })
  t.match(fixturesError(t, () => loadFixtures(folder)), `Invalid fixtures file ${join(folder, 'b.json')}: not JSON`, 'in a folder, the bad file is named')
})

t.test('schema violations → FixturesError with the file and the JSON path', async t => {
  const cases: Array<[string, unknown, string]> = [
    ['missing model', { assistants: [{ id: 'asst_a' }] }, "at $.assistants[0].model: Missing required parameter: 'assistants[0].model'."],
    ['missing id', { assistants: [{ model: 'm' }] }, "at $.assistants[0].id: Missing required parameter: 'assistants[0].id'."],
    ['bad assistant id prefix', { assistants: [{ id: 'assistant_a', model: 'm' }] }, 'at $.assistants[0].id: Invalid \'assistants[0].id\': string does not match pattern.'],
    ['bad thread id prefix', { threads: [{ id: 'asst_a' }] }, 'at $.threads[0].id: Invalid \'threads[0].id\': string does not match pattern.'],
    ['unknown key in an assistant', { assistants: [{ id: 'asst_a', model: 'm', colour: 'blue' }] }, "at $.assistants[0].colour: Unknown parameter: 'assistants[0].colour'."],
    ['unknown top-level key', { assistant: [] }, "at $.assistant: Unknown parameter: 'assistant'."],
    ['wrong type', { assistants: { id: 'asst_a' } }, "at $.assistants: Invalid type for 'assistants': expected an array of objects, but got an object instead."],
    ['not an object', [], 'at $: Invalid type for the request body: expected an object, but got an array instead.'],
    ['bad nested message', { threads: [{ id: 'thread_a', messages: [{ role: 'user' }] }] }, "at $.threads[0].messages[0].content: Missing required parameter: 'threads[0].messages[0].content'."],
    ['metadata over the limit', { threads: [{ id: 'thread_a', metadata: { k: 'v'.repeat(513) } }] }, "at $.threads[0].metadata.k: Invalid 'threads[0].metadata.k': string too long."]
  ]
  for (const [name, content, expected] of cases) {
    t.test(name, async t => {
      const dir = t.testdir({ 'f.json': json(content) })
      const file = join(dir, 'f.json')
      const message = fixturesError(t, () => loadFixtures(file))
      t.ok(message.startsWith(`Invalid fixtures file ${file} `), message)
      t.ok(message.includes(expected), `${message}\n  should include\n${expected}`)
    })
  }
})

t.test('parseFixturesFile checks a text without touching the disk', async t => {
  t.same(parseFixturesFile('x.json', '{}'), {})
  t.match(fixturesError(t, () => parseFixturesFile('x.json', '{"threads":[{"id":"nope"}]}')), /^Invalid fixtures file x\.json at \$\.threads\[0\]\.id: /)
})

t.test('unreadable paths → FixturesError naming the path', async t => {
  const dir = t.testdir({ empty: {}, 'notes.txt': 'x' })
  const missing = join(dir, 'missing.json')
  t.equal(fixturesError(t, () => loadFixtures(missing)), `Cannot read fixtures ${missing}: ENOENT`)
  t.equal(fixturesError(t, () => loadFixtures(join(dir, 'empty'))), `No .json fixtures files in folder ${join(dir, 'empty')}`)
  const unreadable = t.testdir({ 'x.json': { 'inner.json': '{}' } })
  t.match(fixturesError(t, () => loadFixtures(unreadable)), `Cannot read fixtures file ${join(unreadable, 'x.json')}: EISDIR`,
    'a .json entry that is a folder')
})

t.test('buildApp rejects bad fixtures before serving anything', async t => {
  const dir = t.testdir({ 'bad.json': json({ assistants: [{ id: 'asst_a' }] }) })
  await t.rejects(buildApp(makeConfig({ logLevel: 'silent', fixtures: join(dir, 'bad.json') })), FixturesError)
  await t.rejects(buildApp(makeConfig({ logLevel: 'silent', fixtures: join(dir, 'none.json') })), FixturesError)
})

t.test('seeded objects behave like created ones', async t => {
  const built = await build(t, { fixtures: EXAMPLE })
  const run = await built.call({ method: 'POST', url: '/openai/threads/thread_abc123/runs', body: { assistant_id: 'asst_abc123' }, apiVersion: V1 })
  t.equal(run.statusCode, 200)
  const again = await built.call({ method: 'POST', url: '/openai/threads/thread_abc123/runs', body: { assistant_id: 'asst_abc123' }, apiVersion: V1 })
  t.equal(again.statusCode, 400, 'the seeded thread locks like any other')
  t.equal(again.json().error.message, `Thread thread_abc123 already has an active run ${run.json().id}.`)
})

t.test('several paths: a later one overrides an earlier one\'s assistants and threads by id', async t => {
  const base = t.testdir({
    'shared.json': json({
      assistants: [{ id: 'asst_kept', model: 'm', name: 'kept' }, { id: 'asst_over', model: 'm', name: 'shipped' }],
      threads: [{ id: 'thread_over', messages: [{ role: 'user', content: 'shipped' }] }]
    }),
    'mine.json': json({
      assistants: [{ id: 'asst_over', model: 'gpt-4o', name: 'mine' }, { id: 'asst_new', model: 'm' }],
      threads: [{ id: 'thread_over', metadata: { from: 'mine' } }]
    })
  })
  const fixtures = loadFixtures([join(base, 'shared.json'), join(base, 'mine.json')])
  t.same(fixtures.assistants.map(a => [a.id, a.name ?? null]), [['asst_kept', 'kept'], ['asst_over', 'mine'], ['asst_new', null]],
    'replaced where it stood, whole')
  t.same(fixtures.threads, [{ id: 'thread_over', metadata: { from: 'mine' } }])
  t.same(loadFixtures([join(base, 'mine.json'), join(base, 'shared.json')]).assistants.find(a => a.id === 'asst_over')?.name, 'shipped',
    'the order of the paths decides')
  t.same(loadFixtures([]), { assistants: [], threads: [], scenarios: [], faults: [], vectorStores: [], files: new Map(), agents: [], prompts: [] }, 'no path, nothing')

  // A folder (the shipped examples) then one's own file: what `--fixtures fixtures --fixtures mine.json` does.
  const { call } = await build(t, { fixtures: [FIXTURES_DIR, join(base, 'mine.json')] })
  t.match((await call({ url: '/openai/assistants/asst_abc123' })).json(), { name: 'Math Tutor' }, 'the shipped examples are there')
  t.match((await call({ url: '/openai/assistants/asst_over' })).json(), { name: 'mine', model: 'gpt-4o' })
  const messages = await call({ url: '/openai/threads/thread_over/messages', apiVersion: V2 })
  t.same(messages.json().data, [], 'the overriding thread has none of the earlier one\'s messages')
})

t.test('several paths: a later one replaces every version of an agent of the same name, and a prompt of the same id and version', async t => {
  const prompt = (version: string, instructions: string) => ({ id: 'pmpt_a', version, instructions })
  const base = t.testdir({
    'shared.json': json({
      agents: [{ name: 'kept', definition: { kind: 'prompt', model: 'm' } }, { name: 'over', definition: { kind: 'prompt', model: 'm1' } }, { name: 'over', definition: { kind: 'prompt', model: 'm2' } }],
      prompts: [prompt('1', 'shipped one'), prompt('2', 'shipped two')]
    }),
    'mine.json': json({ agents: [{ name: 'over', definition: { kind: 'prompt', model: 'mine' } }], prompts: [prompt('2', 'mine')] })
  })
  const fixtures = loadFixtures([join(base, 'shared.json'), join(base, 'mine.json')])
  t.same(fixtures.agents?.map(a => [a.name, (a.definition as { model: string }).model]), [['kept', 'm'], ['over', 'mine']])
  t.same(fixtures.prompts?.map(p => [p.version, p.instructions]), [['1', 'shipped one'], ['2', 'mine']])
  const bad = t.testdir({ 'f.json': json({ agents: [{ name: '-x', definition: { kind: 'prompt', model: 'm' } }] }) })
  t.match(fixturesError(t, () => loadFixtures(join(bad, 'f.json'))), /at \$\.agents\[0\]\.name: /)
})

t.test('several paths: a later one\'s scenarios replace same-named ones and are tried first; so are its faults', async t => {
  const base = t.testdir({
    'a.json': json({
      assistants: [{ id: 'asst_s', model: 'm' }],
      scenarios: [
        { name: 'greeting', match: { message_contains: 'hello' }, steps: [{ reply: 'A greeting' }] },
        { name: 'fallback', steps: [{ reply: 'A fallback' }] },
        { steps: [{ reply: 'A unnamed' }] }
      ],
      faults: [{ match: { path: '/openai/files' }, fault: { type: 'status', status: 500 } }]
    }),
    'b.json': json({
      scenarios: [
        { name: 'greeting', match: { message_contains: 'hi' }, steps: [{ reply: 'B greeting' }] },
        { name: 'weather', match: { message_contains: 'weather' }, steps: [{ reply: 'B weather' }] }
      ],
      faults: [{ match: { path: '/openai/files' }, fault: { type: 'status', status: 503 } }]
    })
  })
  const fixtures = loadFixtures([join(base, 'a.json'), join(base, 'b.json')])
  t.same(fixtures.scenarios.map(s => s.steps[0]), [{ reply: 'B greeting' }, { reply: 'B weather' }, { reply: 'A fallback' }, { reply: 'A unnamed' }])
  t.same(fixtures.faults?.map(f => f.fault), [{ type: 'status', status: 503 }, { type: 'status', status: 500 }])

  const built = await build(t, { fixtures: [join(base, 'a.json'), join(base, 'b.json')] })
  const replyTo = async (content: string) => {
    const thread = (await built.call({ method: 'POST', url: '/openai/threads', body: { messages: [{ role: 'user', content }] } })).json()
    await built.call({ method: 'POST', url: `/openai/threads/${thread.id}/runs`, body: { assistant_id: 'asst_s' } })
    built.clock.advance(5000)
    const list = (await built.call({ url: `/openai/threads/${thread.id}/messages` })).json()
    return list.data[0].content[0].text.value as string
  }
  t.equal(await replyTo('hello, what is the weather?'), 'B weather', 'the earlier greeting is gone; the later file\'s rules come first')
  t.equal(await replyTo('hi there'), 'B greeting')
  t.equal(await replyTo('Good morning'), 'A fallback')
})

t.test('several paths: an id defined twice within one path is still an error naming the file and the JSON path', async t => {
  const base = t.testdir({
    'first.json': json({ assistants: [{ id: 'asst_x', model: 'm' }] }),
    folder: {
      '1.json': json({ threads: [{ id: 'thread_x' }] }),
      '2.json': json({ threads: [{ id: 'thread_y' }, { id: 'thread_x' }] })
    }
  })
  t.equal(fixturesError(t, () => loadFixtures([join(base, 'first.json'), join(base, 'folder')])),
    `Invalid fixtures file ${join(base, 'folder', '2.json')} at $.threads[1].id: 'thread_x' is already defined in ${join(base, 'folder', '1.json')} ` +
    '(an id is defined once per fixtures path; a later --fixtures path may redefine it)')
})

t.test('several paths: a bad document in any of them names its file and the JSON path, and nothing is served', async t => {
  const base = t.testdir({
    'good.json': json({ assistants: [{ id: 'asst_good', model: 'm' }] }),
    'bad.json': json({ scenarios: [{ name: 'x', steps: [{ reply: 'r' }], match: { message_matches: '(' } }] }),
    'not-json.json': '{ nope'
  })
  const paths = [join(base, 'good.json'), join(base, 'bad.json')]
  t.match(fixturesError(t, () => loadFixtures(paths)),
    new RegExp(`^Invalid fixtures file ${join(base, 'bad.json').replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')} at \\$\\.scenarios\\[0\\]\\.match\\.message_matches: not a valid regular expression`))
  await t.rejects(buildApp(makeConfig({ logLevel: 'silent', fixtures: paths })), FixturesError)
  t.match(fixturesError(t, () => loadFixtures([join(base, 'good.json'), join(base, 'not-json.json')])), `Invalid fixtures file ${join(base, 'not-json.json')}: not JSON`)
  t.equal(fixturesError(t, () => loadFixtures([join(base, 'good.json'), join(base, 'missing.json')])), `Cannot read fixtures ${join(base, 'missing.json')}: ENOENT`)
})

t.test('startEmulator takes several fixtures paths too', async t => {
  const base = t.testdir({ 'mine.json': json({ assistants: [{ id: 'asst_abc123', model: 'gpt-4o', name: 'Mine' }] }) })
  const emulator = await startEmulator({ fixtures: [EXAMPLE, join(base, 'mine.json')] })
  t.teardown(() => emulator.close())
  const res = await fetch(`${emulator.url}/openai/assistants/asst_abc123?api-version=${V1}`, { headers: { 'api-key': 'k' } })
  t.match(await res.json(), { id: 'asst_abc123', name: 'Mine', model: 'gpt-4o' })
  const thread = await fetch(`${emulator.url}/openai/threads/thread_abc123?api-version=${V1}`, { headers: { 'api-key': 'k' } })
  t.equal(thread.status, 200, 'the first path\'s thread is still there')
})

t.test('vector_stores: files and folders beside the fixtures file, seeded ready; a later path replaces a store by id', async t => {
  const base = t.testdir({
    'stores.json': json({
      vector_stores: [{
        id: 'vs_docs', name: 'Docs', files: ['docs', 'extra/note.md'], chunking_strategy: { type: 'static', static: { max_chunk_size_tokens: 100, chunk_overlap_tokens: 50 } }, metadata: { a: 'b' }
      }],
      assistants: [{ id: 'asst_docs', model: 'gpt-4o', tools: [{ type: 'file_search' }], tool_resources: { file_search: { vector_store_ids: ['vs_docs'] } } }]
    }),
    docs: { 'b.txt': 'Bees make honey.', 'a.txt': 'Ants carry leaves.', '.hidden': 'no', sub: { 'c.txt': 'not read' } },
    extra: { 'note.md': 'A note about owls.' },
    'later.json': json({ vector_stores: [{ id: 'vs_docs', files: ['extra'] }] })
  })
  const fixtures = loadFixtures(join(base, 'stores.json'))
  t.same(fixtures.vectorStores!.map(s => [s.id, s.name, s.files.map(f => [f.filename, f.content.toString()])]), [
    ['vs_docs', 'Docs', [['a.txt', 'Ants carry leaves.'], ['b.txt', 'Bees make honey.'], ['note.md', 'A note about owls.']]]
  ], 'a folder\'s files in name order, no dot files or sub-folders; then the file')
  t.same(loadFixtures([join(base, 'stores.json'), join(base, 'later.json')]).vectorStores!.map(s => s.files.length), [1], 'replaced by id')

  const { call } = await build(t, { fixtures: join(base, 'stores.json') })
  const store = (await call({ url: '/openai/vector_stores/vs_docs', apiVersion: V2 })).json()
  t.match(store, { id: 'vs_docs', name: 'Docs', status: 'completed', file_counts: { completed: 3, total: 3 }, metadata: { a: 'b' } })
  const files = (await call({ url: '/openai/vector_stores/vs_docs/files', apiVersion: '2024-07-01-preview' })).json().data
  t.same(files.map((f: { chunking_strategy: { type: string } }) => f.chunking_strategy.type), ['static', 'static', 'static'])
  const uploaded = (await call({ url: '/openai/files', apiVersion: V2 })).json().data
  t.same(uploaded.map((f: { filename: string, purpose: string }) => [f.filename, f.purpose]).sort(), [['a.txt', 'assistants'], ['b.txt', 'assistants'], ['note.md', 'assistants']])
  const search = await call({ method: 'POST', url: '/openai/vector_stores/vs_docs/search', body: { query: 'owls' }, apiVersion: '2025-04-01-preview' })
  t.equal(search.json().data[0].filename, 'note.md', 'searchable at once')
})

t.test('files a fixture names must be there: one line naming the file, the JSON path and the path', async t => {
  const base = t.testdir({
    'missing.json': json({ vector_stores: [{ id: 'vs_a', files: ['nowhere.txt'] }] }),
    'empty.json': json({ vector_stores: [{ id: 'vs_a', files: ['empty'] }] }),
    empty: { '.only-hidden': 'x' },
    'image.json': json({ scenarios: [{ steps: [{ code_interpreter: { input: 'x', image: 'plot.png' } }] }] }),
    'twice.json': json({ vector_stores: [{ id: 'vs_a', files: ['empty'] }, { id: 'vs_a', files: ['empty'] }] }),
    'unnamed.json': json({ scenarios: [{ steps: [{ file_search: { results: [{ text: 'orphan' }] } }] }] })
  })
  t.equal(fixturesError(t, () => loadFixtures(join(base, 'missing.json'))),
    `Invalid fixtures file ${join(base, 'missing.json')} at $.vector_stores[0].files[0]: cannot read ${join(base, 'nowhere.txt')} (ENOENT)`)
  t.equal(fixturesError(t, () => loadFixtures(join(base, 'empty.json'))),
    `Invalid fixtures file ${join(base, 'empty.json')} at $.vector_stores[0].files[0]: the folder ${join(base, 'empty')} has no files`)
  t.equal(fixturesError(t, () => loadFixtures(join(base, 'image.json'))),
    `Invalid fixtures file ${join(base, 'image.json')} at $.scenarios[0].steps[0].code_interpreter.image: cannot read ${join(base, 'plot.png')} (ENOENT)`)
  t.match(fixturesError(t, () => loadFixtures(join(base, 'twice.json'))), /at \$\.vector_stores\[1\]\.id: 'vs_a' is already defined/)
  t.equal(fixturesError(t, () => loadFixtures(join(base, 'unnamed.json'))),
    `Invalid fixtures file ${join(base, 'unnamed.json')} at $.scenarios[0].steps[0].file_search.results[0]: a result names its file by file_id or file_name`)
})

t.test('a file a fixture names must be a regular file: a device or a FIFO stops the start with one line instead of hanging it', async t => {
  const base = t.testdir({
    'device.json': json({ vector_stores: [{ id: 'vs_a', files: ['/dev/zero'] }] }),
    'image.json': json({ scenarios: [{ steps: [{ code_interpreter: { input: 'x', image: '/dev/zero' } }] }] })
  })
  t.equal(fixturesError(t, () => loadFixtures(join(base, 'device.json'))),
    `Invalid fixtures file ${join(base, 'device.json')} at $.vector_stores[0].files[0]: /dev/zero is not a regular file`)
  t.equal(fixturesError(t, () => loadFixtures(join(base, 'image.json'))),
    `Invalid fixtures file ${join(base, 'image.json')} at $.scenarios[0].steps[0].code_interpreter.image: /dev/zero is not a regular file`)
})

t.test('startEmulator\'s inline fixtures name files relative to the working folder', async t => {
  const emulator = await startEmulator({
    fixtures: {
      vector_stores: [{ id: 'vs_inline', files: ['fixtures/handbook/warranty.txt'] }],
      scenarios: [{ steps: [{ code_interpreter: { input: 'plot()', image: 'fixtures/images/monthly-sales.png' } }] }]
    }
  })
  t.teardown(() => emulator.close())
  const files = await (await fetch(`${emulator.url}/openai/vector_stores/vs_inline/files?api-version=${V2}`, { headers: { 'api-key': 'k' } })).json() as { data: unknown[] }
  t.equal(files.data.length, 1)
})
