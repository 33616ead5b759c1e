/** Create and retrieve runs: the Run object per api-version, its timeline, poll hints, unknown ids, the thread lock. */
import t, { type Test } from 'tap'
import { MIN_POLL_AFTER_MS } from '../../src/services/context.js'
import { V1, V2, build, openAIError, seedAssistantAndThread, type Built } from '../helper.js'

const V1_KEYS = [
  'assistant_id', 'cancelled_at', 'completed_at', 'created_at', 'expires_at', 'failed_at', 'file_ids', 'id', 'incomplete_details',
  'instructions', 'last_error', 'metadata', 'model', 'object', 'required_action', 'started_at', 'status', 'thread_id', 'tools', 'usage'
].sort()
/**
 * 2024-05-01-preview: no `file_ids`, plus the v2 run controls. AZ-SPEC-0501 lacks `parallel_tool_calls`, but real
 * Azure v2 runs carry it (wire-behaviour.md §1.4, the LibreChat capture).
 */
const V2_KEYS = [
  ...V1_KEYS.filter(k => k !== 'file_ids'), 'temperature', 'top_p', 'max_prompt_tokens', 'max_completion_tokens',
  'truncation_strategy', 'tool_choice', 'response_format', 'parallel_tool_calls'
].sort()

const runsUrl = (threadId: string) => `/openai/threads/${threadId}/runs`
const runUrl = (threadId: string, runId: string) => `/openai/threads/${threadId}/runs/${runId}`

async function createRun (built: Built, threadId: string, body: Record<string, unknown>, apiVersion = V1) {
  return built.call({ method: 'POST', url: runsUrl(threadId), body, apiVersion })
}

/** Retrieves the run; asserts (on the calling test's `t`) that it was found. */
async function getRun (t: Test, built: Built, threadId: string, runId: string, apiVersion = V1) {
  const res = await built.call({ url: runUrl(threadId, runId), apiVersion })
  t.equal(res.statusCode, 200, res.body)
  return res
}

t.test('create under 2024-02-15-preview: 200, queued, every v1 field', async t => {
  const built = await build(t)
  const { assistantId, threadId } = await seedAssistantAndThread(built, V1)
  const createdAt = built.clock.now() / 1000
  const res = await createRun(built, threadId, { assistant_id: assistantId })
  t.equal(res.statusCode, 200)
  t.match(res.headers['content-type'], /^application\/json/)
  const run = res.json()
  t.same(Object.keys(run).sort(), V1_KEYS)
  t.same(run, {
    id: run.id,
    object: 'thread.run',
    created_at: createdAt,
    thread_id: threadId,
    assistant_id: assistantId,
    status: 'queued',
    started_at: null,
    expires_at: createdAt + 600,
    cancelled_at: null,
    failed_at: null,
    completed_at: null,
    required_action: null,
    last_error: null,
    model: 'gpt-4o',
    instructions: 'Be brief.',
    tools: [],
    file_ids: [],
    metadata: {},
    incomplete_details: null,
    usage: null
  })
  t.match(run.id, /^run_[A-Za-z0-9]{24}$/)
  t.ok(Number.isInteger(run.created_at), 'created_at in whole unix seconds')
})

t.test('create under 2024-05-01-preview: the v2 key set and defaults', async t => {
  const built = await build(t)
  const { assistantId, threadId } = await seedAssistantAndThread(built, V2)
  const res = await createRun(built, threadId, { assistant_id: assistantId }, V2)
  t.equal(res.statusCode, 200)
  const run = res.json()
  t.same(Object.keys(run).sort(), V2_KEYS)
  t.notOk('file_ids' in run)
  t.match(run, {
    status: 'queued',
    usage: null,
    incomplete_details: null,
    temperature: 1,
    top_p: 1,
    max_prompt_tokens: null,
    max_completion_tokens: null,
    truncation_strategy: { type: 'auto', last_messages: null },
    tool_choice: 'auto',
    response_format: 'auto',
    parallel_tool_calls: true
  })
})

t.test('a run reads back in the shape of the reading request\'s version', async t => {
  const built = await build(t)
  const { assistantId, threadId } = await seedAssistantAndThread(built, V1)
  const run = (await createRun(built, threadId, { assistant_id: assistantId })).json()
  t.same(Object.keys((await getRun(t, built, threadId, run.id, V2)).json()).sort(), V2_KEYS)
  t.same(Object.keys((await getRun(t, built, threadId, run.id, V1)).json()).sort(), V1_KEYS)
})

t.test('ids are unique and shaped like the real ones', async t => {
  const built = await build(t, { queuedMs: 0, inProgressMs: 0 })
  const { assistantId, threadId } = await seedAssistantAndThread(built)
  const ids = new Set<string>()
  for (let i = 0; i < 5; i++) {
    const run = (await createRun(built, threadId, { assistant_id: assistantId })).json()
    t.match(run.id, /^run_[A-Za-z0-9]{24}$/)
    ids.add(run.id)
    built.clock.advance(1)
  }
  t.equal(ids.size, 5)
})

t.test('created_at is unix seconds of the clock, expires_at ten minutes later', async t => {
  const built = await build(t)
  const { assistantId, threadId } = await seedAssistantAndThread(built)
  built.clock.set(Date.UTC(2024, 5, 1, 12, 0, 0) + 999)
  const run = (await createRun(built, threadId, { assistant_id: assistantId })).json()
  const expected = Date.UTC(2024, 5, 1, 12, 0, 0) / 1000
  t.equal(run.created_at, expected, 'milliseconds are dropped')
  t.equal(run.expires_at, expected + 600)
})

t.test('model, instructions and tools come from the assistant unless the body overrides them', async t => {
  const built = await build(t)
  const tool = { type: 'function', function: { name: 'lookup', description: 'Look it up', parameters: { type: 'object', properties: {} } } }
  const assistant = (await built.call({
    method: 'POST', url: '/openai/assistants', body: { model: 'gpt-4-deploy', instructions: 'Be brief.', tools: [{ type: 'code_interpreter' }, tool] }
  })).json()
  const threadId = (await built.call({ method: 'POST', url: '/openai/threads', body: {} })).json().id
  const next = () => built.clock.advance(2000)

  const inherited = (await createRun(built, threadId, { assistant_id: assistant.id })).json()
  t.match(inherited, { model: 'gpt-4-deploy', instructions: 'Be brief.', tools: [{ type: 'code_interpreter' }, tool] })
  t.same(inherited.tools, [{ type: 'code_interpreter' }, tool])
  next()

  const overridden = (await createRun(built, threadId, {
    assistant_id: assistant.id, model: 'gpt-35-deploy', instructions: 'Be long.', tools: [{ type: 'code_interpreter' }]
  })).json()
  t.match(overridden, { model: 'gpt-35-deploy', instructions: 'Be long.' })
  t.same(overridden.tools, [{ type: 'code_interpreter' }])
  next()

  const emptyTools = (await createRun(built, threadId, { assistant_id: assistant.id, tools: [] })).json()
  t.same(emptyTools.tools, [], 'an empty tool list overrides too')
  next()

  const nulls = (await createRun(built, threadId, { assistant_id: assistant.id, model: null, instructions: null, tools: null })).json()
  t.match(nulls, { model: 'gpt-4-deploy', instructions: 'Be brief.' }, 'null means not given')
  t.same(nulls.tools, [{ type: 'code_interpreter' }, tool])
  next()

  const appended = (await createRun(built, threadId, { assistant_id: assistant.id, additional_instructions: 'Answer in French.' })).json()
  t.match(appended.instructions, /^Be brief\.\s+Answer in French\.$/, 'additional_instructions are appended to the assistant\'s')
  next()

  const both = (await createRun(built, threadId, { assistant_id: assistant.id, instructions: 'Be long.', additional_instructions: 'Rhyme.' })).json()
  t.match(both.instructions, /^Be long\.\s+Rhyme\.$/, 'appended to the overriding instructions')
  next()

  const none = (await built.call({ method: 'POST', url: '/openai/assistants', body: { model: 'gpt-4o' } })).json()
  const bare = (await createRun(built, threadId, { assistant_id: none.id })).json()
  t.equal(bare.instructions, '', 'an assistant without instructions gives ""')
  next()
  const onlyAdditional = (await createRun(built, threadId, { assistant_id: none.id, additional_instructions: 'Rhyme.' })).json()
  t.equal(onlyAdditional.instructions, 'Rhyme.')
})

t.test('metadata is {} when none and echoed when given', async t => {
  const built = await build(t)
  const { assistantId, threadId } = await seedAssistantAndThread(built)
  t.same((await createRun(built, threadId, { assistant_id: assistantId })).json().metadata, {})
  built.clock.advance(2000)
  t.same((await createRun(built, threadId, { assistant_id: assistantId, metadata: null })).json().metadata, {})
  built.clock.advance(2000)
  const run = (await createRun(built, threadId, { assistant_id: assistantId, metadata: { user: 'u-1', purpose: 'test' } })).json()
  t.same(run.metadata, { user: 'u-1', purpose: 'test' })
  t.same((await getRun(t, built, threadId, run.id)).json().metadata, { user: 'u-1', purpose: 'test' })
})

t.test('stream: false answers JSON, stream: true answers events (test/streaming)', async t => {
  const built = await build(t, { queuedMs: 0, inProgressMs: 0 })
  const { assistantId, threadId } = await seedAssistantAndThread(built)
  const streamed = await createRun(built, threadId, { assistant_id: assistantId, stream: true })
  t.equal(streamed.statusCode, 200)
  t.match(streamed.headers['content-type'], /^text\/event-stream/)
  t.match(streamed.body, /event: thread\.run\.completed\n/)
  await built.call({ url: `/openai/threads/${threadId}/runs` }) // settles the streamed run, unlocking the thread

  const plain = await createRun(built, threadId, { assistant_id: assistantId, stream: false })
  t.equal(plain.statusCode, 200)
  t.equal(plain.json().status, 'queued')
  t.match(plain.headers['content-type'], /^application\/json/, 'a JSON body, not a stream')
})

/** Starts a run and returns `at(ms)`, the run read `ms` after its creation, and `s(ms)`, that moment in unix seconds. */
async function startAndProbe (built: Built, threadId: string, assistantId: string) {
  const start = built.clock.now()
  const created = (await createRun(built, threadId, { assistant_id: assistantId })).json()
  const at = async (ms: number) => {
    built.clock.set(start + ms)
    return (await getRun(t, built, threadId, created.id)).json()
  }
  return { at, s: (ms: number) => Math.floor((start + ms) / 1000) }
}

t.test('the status timeline at its boundaries (defaults 500 ms queued, 1500 ms in progress)', async t => {
  const built = await build(t)
  const { assistantId, threadId } = await seedAssistantAndThread(built)
  const { at, s } = await startAndProbe(built, threadId, assistantId)

  t.match(await at(0), { status: 'queued', started_at: null, completed_at: null, usage: null })
  t.match(await at(499), { status: 'queued', started_at: null, completed_at: null, usage: null, expires_at: s(0) + 600 })
  t.match(await at(500), { status: 'in_progress', started_at: s(500), completed_at: null, usage: null, expires_at: s(0) + 600 })
  t.match(await at(1999), { status: 'in_progress', started_at: s(500), completed_at: null, usage: null })
  const done = await at(2000)
  t.match(done, { status: 'completed', started_at: s(500), completed_at: s(2000), failed_at: null, cancelled_at: null, last_error: null })
  t.match(done.usage, { prompt_tokens: Number, completion_tokens: Number, total_tokens: Number })
  t.equal(done.usage.total_tokens, done.usage.prompt_tokens + done.usage.completion_tokens)
  t.ok(done.usage.prompt_tokens > 0, 'the prompt is counted')
  t.same(await at(60_000), done, 'completed is final')
  t.same(await at(10 * 60_000 + 1), done, 'and does not expire')
})

t.test('--queued-ms and --in-progress-ms are honoured', async t => {
  const built = await build(t, { queuedMs: 1000, inProgressMs: 3000 })
  const { assistantId, threadId } = await seedAssistantAndThread(built)
  const { at, s } = await startAndProbe(built, threadId, assistantId)
  t.match(await at(999), { status: 'queued', started_at: null })
  t.match(await at(1000), { status: 'in_progress', started_at: s(1000) })
  t.match(await at(3999), { status: 'in_progress', completed_at: null, usage: null })
  t.match(await at(4000), { status: 'completed', started_at: s(1000), completed_at: s(4000), usage: { total_tokens: Number } })
})

t.test('openai-poll-after-ms on run GET is the time to the next change, with its floor', async t => {
  const built = await build(t)
  const { assistantId, threadId } = await seedAssistantAndThread(built)
  const start = built.clock.now()
  const created = await createRun(built, threadId, { assistant_id: assistantId })
  const runId = created.json().id
  const hint = async (ms: number) => {
    built.clock.set(start + ms)
    return (await getRun(t, built, threadId, runId)).headers['openai-poll-after-ms']
  }
  t.equal(MIN_POLL_AFTER_MS, 10)
  t.equal(await hint(0), '500')
  t.equal(await hint(100), '400')
  t.equal(await hint(495), '10', 'floored: 5 ms to go')
  t.equal(await hint(499), '10', 'floored: 1 ms to go')
  t.equal(await hint(500), '1500')
  t.equal(await hint(1200), '800')
  t.equal(await hint(1999), '10')
  t.equal(await hint(2000), '10', 'nothing more will change: the floor')
})

t.test('unknown ids → 404 in the OpenAI envelope with param and code null', async t => {
  const built = await build(t)
  const { assistantId, threadId } = await seedAssistantAndThread(built)
  const notFound = async (res: Promise<{ statusCode: number, json: () => unknown }>, message: string) => {
    const r = await res
    t.equal(r.statusCode, 404, message)
    t.same(r.json(), openAIError(message), message)
  }
  await notFound(createRun(built, 'thread_nope', { assistant_id: assistantId }), "No thread found with id 'thread_nope'.")
  await notFound(createRun(built, 'thread_nope', { assistant_id: 'asst_nope' }), "No thread found with id 'thread_nope'.")
  await notFound(createRun(built, threadId, { assistant_id: 'asst_nope' }), "No assistant found with id 'asst_nope'.")
  await notFound(built.call({ url: runUrl(threadId, 'run_nope') }), "No run found with id 'run_nope'.")
  await notFound(built.call({ url: runUrl('thread_nope', 'run_nope') }), "No thread found with id 'thread_nope'.")
  await notFound(built.call({ url: runUrl(threadId, 'run_nope'), apiVersion: V2 }), "No run found with id 'run_nope'.")

  const run = (await createRun(built, threadId, { assistant_id: assistantId })).json()
  const other = (await built.call({ method: 'POST', url: '/openai/threads', body: {} })).json().id
  await notFound(built.call({ url: runUrl(other, run.id) }), `No run found with id '${run.id}'.`)
  t.same(built.app.runtime.tenants.shared.store.runs.list(threadId).map(r => r.id), [run.id], 'only the one valid run exists')
})

t.test('a second run while one is active → 400; after completion a new run can be created', async t => {
  const built = await build(t)
  const { assistantId, threadId } = await seedAssistantAndThread(built)
  const first = (await createRun(built, threadId, { assistant_id: assistantId })).json()
  const locked = async (ms: number) => {
    built.clock.set(first.created_at * 1000 + ms)
    const res = await createRun(built, threadId, { assistant_id: assistantId })
    t.equal(res.statusCode, 400, `at ${ms} ms`)
    t.same(res.json(), openAIError(`Thread ${threadId} already has an active run ${first.id}.`), `at ${ms} ms`)
  }
  await locked(0)
  await locked(500)
  await locked(1999)
  t.same(built.app.runtime.tenants.shared.store.runs.list(threadId).map(r => r.id), [first.id], 'no second run was stored')

  built.clock.set(first.created_at * 1000 + 2000)
  const second = await createRun(built, threadId, { assistant_id: assistantId })
  t.equal(second.statusCode, 200)
  t.equal(second.json().status, 'queued')
  t.not(second.json().id, first.id)
  t.equal((await getRun(t, built, threadId, first.id)).json().status, 'completed', 'the first run stays completed')

  const otherThread = (await built.call({ method: 'POST', url: '/openai/threads', body: {} })).json().id
  t.equal((await createRun(built, otherThread, { assistant_id: assistantId })).statusCode, 200, 'the lock is per thread')
})

t.test('the run keeps what it was created with when the assistant changes', async t => {
  const built = await build(t)
  const { assistantId, threadId } = await seedAssistantAndThread(built)
  const run = (await createRun(built, threadId, { assistant_id: assistantId })).json()
  const modified = await built.call({ method: 'POST', url: `/openai/assistants/${assistantId}`, body: { model: 'other', instructions: 'Other.' } })
  t.equal(modified.statusCode, 200)
  t.match((await getRun(t, built, threadId, run.id)).json(), { model: 'gpt-4o', instructions: 'Be brief.' })
})
