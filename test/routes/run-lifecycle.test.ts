/** The run lifecycle through the API: scripted scenarios, tool outputs, cancel, steps, lists, locks. */
import t from 'tap'
import type { Fixtures } from '../../src/fixtures.js'
import { V1, V2, build, openAIError, seedAssistantAndThread, type Built } from '../helper.js'

const weatherTool = { type: 'function', function: { name: 'get_weather', parameters: { type: 'object' } } }

const fixtures: Fixtures = {
  assistants: [
    { id: 'asst_weather', model: 'gpt-4o', name: 'Weather', tools: [weatherTool as never] },
    { id: 'asst_flaky', model: 'gpt-4o', name: 'Flaky' },
    { id: 'asst_plain', model: 'gpt-4o', name: 'Plain', instructions: 'Be brief.' }
  ],
  threads: [],
  scenarios: [
    {
      match: { assistant_id: 'asst_weather' },
      steps: [
        { tool_calls: [{ name: 'get_weather', arguments: { city: 'Paris' } }, { name: 'get_weather', arguments: '{"city":"Oslo"}' }] },
        { reply: 'Paris: {{tool_outputs.0}}; Oslo: {{tool_outputs.1}}' }
      ]
    },
    { match: { assistant_id: 'asst_flaky', metadata: { mode: 'incomplete' } }, steps: [{ incomplete: { reason: 'max_completion_tokens' } }] },
    { match: { assistant_id: 'asst_flaky', message_contains: 'EXPIRE' }, timings: { expires_after_ms: 5000 }, steps: [{ tool_calls: [{ name: 'x' }] }] },
    { match: { assistant_id: 'asst_flaky' }, timings: { queued_ms: 10, in_progress_ms: 20 }, steps: [{ fail: { code: 'rate_limit_exceeded' } }] }
  ]
}

async function thread (built: Built, content = 'Hello', apiVersion = V1): Promise<string> {
  const res = await built.call({ method: 'POST', url: '/openai/threads', body: { messages: [{ role: 'user', content }] }, apiVersion })
  return res.json().id
}

async function startRun (built: Built, threadId: string, body: Record<string, unknown>, apiVersion = V1) {
  const res = await built.call({ method: 'POST', url: `/openai/threads/${threadId}/runs`, body, apiVersion })
  t.equal(res.statusCode, 200, res.body)
  return res.json()
}

const runUrl = (threadId: string, runId: string, rest = '') => `/openai/threads/${threadId}/runs/${runId}${rest}`

t.test('a tool-calling run: requires_action, outputs, then a reply that quotes them', async t => {
  const built = await build(t, {}, { fixtures })
  const threadId = await thread(built, 'Weather please')
  const run = await startRun(built, threadId, { assistant_id: 'asst_weather' })
  built.clock.advance(2000)
  const waiting = (await built.call({ url: runUrl(threadId, run.id) })).json()
  t.equal(waiting.status, 'requires_action')
  const calls = waiting.required_action.submit_tool_outputs.tool_calls
  t.match(calls, [
    { id: /^call_[A-Za-z0-9]{24}$/, type: 'function', function: { name: 'get_weather', arguments: '{"city":"Paris"}' } },
    { type: 'function', function: { name: 'get_weather', arguments: '{"city":"Oslo"}' } }
  ])
  t.equal(waiting.required_action.type, 'submit_tool_outputs')

  const steps = (await built.call({ url: runUrl(threadId, run.id, '/steps') })).json()
  t.match(steps, { object: 'list', data: [{ type: 'tool_calls', status: 'in_progress', step_details: { type: 'tool_calls' } }] })

  const submit = (outputs: unknown) => built.call({ method: 'POST', url: runUrl(threadId, run.id, '/submit_tool_outputs'), body: { tool_outputs: outputs } })
  const [a, b] = calls.map((c: { id: string }) => c.id)
  const expectMismatch = async (outputs: Array<{ tool_call_id: string, output: string }>, got: string) => {
    const res = await submit(outputs)
    t.equal(res.statusCode, 400)
    t.same(res.json(), openAIError(`Expected tool outputs for call_ids ['${a}', '${b}'], got [${got}]`))
  }
  await expectMismatch([{ tool_call_id: a, output: '1' }], `'${a}'`)
  await expectMismatch([{ tool_call_id: a, output: '1' }, { tool_call_id: 'call_zzz', output: '2' }], `'${a}', 'call_zzz'`)
  const twice = await submit([{ tool_call_id: a, output: '1' }, { tool_call_id: a, output: '2' }])
  t.same(twice.json(), openAIError(`Duplicate call_ids submitted: ['${a}', '${a}']`), 'a call answered twice is refused before the set is compared')
  t.equal((await built.call({ url: runUrl(threadId, run.id) })).json().status, 'requires_action', 'rejected outputs change nothing')

  const accepted = await submit([{ tool_call_id: b, output: 'snow' }, { tool_call_id: a, output: 'sun' }])
  t.equal(accepted.statusCode, 200)
  t.equal(accepted.json().status, 'queued')
  t.equal(accepted.json().required_action, null)
  built.clock.advance(500)
  t.equal((await built.call({ url: runUrl(threadId, run.id) })).json().status, 'in_progress')
  built.clock.advance(1500)
  const done = (await built.call({ url: runUrl(threadId, run.id) })).json()
  t.equal(done.status, 'completed')
  t.ok(done.usage.prompt_tokens > 0 && done.usage.completion_tokens > 0)

  const allSteps = (await built.call({ url: runUrl(threadId, run.id, '/steps?order=asc') })).json().data
  t.match(allSteps, [
    { type: 'tool_calls', status: 'completed', step_details: { tool_calls: [{ function: { output: 'sun' } }, { function: { output: 'snow' } }] } },
    { type: 'message_creation', status: 'completed', usage: { total_tokens: Number } }
  ])
  const stepRes = await built.call({ url: runUrl(threadId, run.id, `/steps/${allSteps[1].id}`) })
  t.same(stepRes.json(), allSteps[1])

  const messages = built.app.runtime.tenants.shared.store.messages.list(threadId)
  const replyMessage = messages.at(-1)!
  t.match(replyMessage, { role: 'assistant', runId: run.id, assistantId: 'asst_weather', id: allSteps[1].step_details.message_creation.message_id })
  t.equal(replyMessage.content[0]?.type === 'text' && replyMessage.content[0].text.value, 'Paris: sun; Oslo: snow')

  const late = await submit([{ tool_call_id: a, output: '1' }, { tool_call_id: b, output: '2' }])
  t.same(late.json(), openAIError('Runs in status "completed" do not accept tool outputs.'))
})

t.test('tool outputs in a status that does not take them', async t => {
  const built = await build(t, {}, { fixtures })
  const threadId = await thread(built)
  const run = await startRun(built, threadId, { assistant_id: 'asst_plain' })
  const res = await built.call({ method: 'POST', url: runUrl(threadId, run.id, '/submit_tool_outputs'), body: { tool_outputs: [] } })
  t.equal(res.statusCode, 400)
  t.same(res.json(), openAIError('Runs in status "queued" do not accept tool outputs.'))
  const missing = await built.call({ method: 'POST', url: runUrl(threadId, run.id, '/submit_tool_outputs'), body: {} })
  t.same(missing.json(), openAIError("Missing required parameter: 'tool_outputs'.", 'tool_outputs', 'missing_required_parameter'))
  const unknown = await built.call({ method: 'POST', url: runUrl(threadId, 'run_nope', '/submit_tool_outputs'), body: { tool_outputs: [] } })
  t.equal(unknown.statusCode, 404)
  t.same(unknown.json(), openAIError("No run found with id 'run_nope'."))
})

t.test('cancel from each cancellable status, and refusals', async t => {
  const built = await build(t, { cancellingMs: 300 }, { fixtures })
  for (const [status, wait] of [['queued', 0], ['in_progress', 600], ['requires_action', 2000]] as const) {
    const threadId = await thread(built)
    const run = await startRun(built, threadId, { assistant_id: status === 'requires_action' ? 'asst_weather' : 'asst_plain' })
    built.clock.advance(wait)
    t.equal((await built.call({ url: runUrl(threadId, run.id) })).json().status, status)
    const cancelling = await built.call({ method: 'POST', url: runUrl(threadId, run.id, '/cancel'), headers: { 'content-type': 'application/json' } })
    t.equal(cancelling.statusCode, 200)
    t.equal(cancelling.json().status, 'cancelling')
    t.equal(cancelling.headers['openai-poll-after-ms'], '300')
    const again = await built.call({ method: 'POST', url: runUrl(threadId, run.id, '/cancel') })
    t.same(again.json(), openAIError("Cannot cancel run with status 'cancelling'."))
    built.clock.advance(300)
    const cancelled = (await built.call({ url: runUrl(threadId, run.id) })).json()
    t.match(cancelled, { status: 'cancelled', cancelled_at: Number, expires_at: null })
    const steps = (await built.call({ url: runUrl(threadId, run.id, '/steps') })).json().data
    t.ok(steps.every((s: { status: string }) => s.status === 'cancelled'), 'open steps are cancelled')
    const replies = (await built.call({ url: `/openai/threads/${threadId}/messages?order=asc` })).json().data.filter((m: { role: string }) => m.role === 'assistant')
    if (status === 'in_progress') {
      t.match(replies, [{ status: 'incomplete', incomplete_details: { reason: 'run_cancelled' }, completed_at: null, incomplete_at: Number }],
        'a reply the cancel interrupted stays, incomplete, with what had been written')
    } else {
      t.same(replies, [], 'a run cancelled before writing leaves no reply')
    }
    const refused = await built.call({ method: 'POST', url: runUrl(threadId, run.id, '/cancel') })
    t.equal(refused.statusCode, 400)
    t.same(refused.json(), openAIError("Cannot cancel run with status 'cancelled'."))
  }
  const threadId = await thread(built)
  const run = await startRun(built, threadId, { assistant_id: 'asst_plain' })
  built.clock.advance(5000)
  t.same((await built.call({ method: 'POST', url: runUrl(threadId, run.id, '/cancel') })).json(),
    openAIError("Cannot cancel run with status 'completed'."))
})

t.test('scripted failure, incomplete and expiry', async t => {
  const built = await build(t, {}, { fixtures })
  const failing = await thread(built)
  const failed = await startRun(built, failing, { assistant_id: 'asst_flaky' })
  built.clock.advance(30)
  t.match((await built.call({ url: runUrl(failing, failed.id) })).json(), {
    status: 'failed',
    failed_at: Number,
    last_error: { code: 'rate_limit_exceeded', message: 'Rate limit is exceeded. Try again in 60 seconds.' },
    expires_at: null
  })

  const incompleteThread = await thread(built, 'Hello', V2)
  const incomplete = await startRun(built, incompleteThread, { assistant_id: 'asst_flaky', metadata: { mode: 'incomplete' } }, V2)
  built.clock.advance(2000)
  t.match((await built.call({ url: runUrl(incompleteThread, incomplete.id), apiVersion: V2 })).json(), {
    status: 'incomplete', incomplete_details: { reason: 'max_completion_tokens' }
  })

  const expiring = await thread(built, 'please EXPIRE')
  const run = await startRun(built, expiring, { assistant_id: 'asst_flaky' })
  t.equal(run.expires_at, run.created_at + 5)
  built.clock.advance(4999)
  t.equal((await built.call({ url: runUrl(expiring, run.id) })).json().status, 'requires_action')
  built.clock.advance(1)
  t.match((await built.call({ url: runUrl(expiring, run.id) })).json(), { status: 'expired', required_action: null })
  const outputs = await built.call({ method: 'POST', url: runUrl(expiring, run.id, '/submit_tool_outputs'), body: { tool_outputs: [] } })
  t.same(outputs.json(), openAIError('Runs in status "expired" do not accept tool outputs.'))
  t.equal((await startRun(built, expiring, { assistant_id: 'asst_plain' })).status, 'queued', 'an expired run unlocks its thread')
})

t.test('list, retrieve and modify runs', async t => {
  const built = await build(t, { queuedMs: 0, inProgressMs: 0 })
  const { assistantId, threadId } = await seedAssistantAndThread(built)
  const ids: string[] = []
  for (let i = 0; i < 5; i++) {
    ids.push((await startRun(built, threadId, { assistant_id: assistantId, metadata: { i: String(i) } })).id)
    built.clock.advance(1000)
  }
  const desc = (await built.call({ url: `/openai/threads/${threadId}/runs?limit=2` })).json()
  t.match(desc, { object: 'list', first_id: ids[4], last_id: ids[3], has_more: true })
  t.same(desc.data.map((r: { id: string }) => r.id), [ids[4], ids[3]])
  const next = (await built.call({ url: `/openai/threads/${threadId}/runs?limit=2&after=${ids[3]}` })).json()
  t.same(next.data.map((r: { id: string }) => r.id), [ids[2], ids[1]])
  const asc = (await built.call({ url: `/openai/threads/${threadId}/runs?order=asc` })).json()
  t.same(asc.data.map((r: { id: string }) => r.id), ids)
  t.equal(asc.has_more, false)
  const badLimit = await built.call({ url: `/openai/threads/${threadId}/runs?limit=0` })
  t.equal(badLimit.statusCode, 400)
  t.match(badLimit.json(), { error: { param: 'limit', type: 'invalid_request_error' } })
  t.equal((await built.call({ url: '/openai/threads/thread_nope/runs' })).statusCode, 404)

  const modified = await built.call({ method: 'POST', url: runUrl(threadId, ids[0]!), body: { metadata: { tag: 'x' } } })
  t.equal(modified.statusCode, 200)
  t.same(modified.json().metadata, { tag: 'x' })
  t.same((await built.call({ url: runUrl(threadId, ids[0]!) })).json().metadata, { tag: 'x' })
  const badModify = await built.call({ method: 'POST', url: runUrl(threadId, ids[0]!), body: { status: 'completed' } })
  t.same(badModify.json(), openAIError("Unknown parameter: 'status'.", 'status', 'unknown_parameter'))
  t.equal((await built.call({ method: 'POST', url: runUrl(threadId, 'run_nope'), body: {} })).statusCode, 404)
  const unknownStep = await built.call({ url: runUrl(threadId, ids[0]!, '/steps/step_nope') })
  t.equal(unknownStep.statusCode, 404)
  t.same(unknownStep.json(), openAIError("No run step found with id 'step_nope'."))
})

t.test('create thread and run', async t => {
  const built = await build(t, {}, { fixtures })
  const res = await built.call({
    method: 'POST',
    url: '/openai/threads/runs',
    body: { assistant_id: 'asst_plain', thread: { messages: [{ role: 'user', content: 'Hi there' }], metadata: { a: 'b' } }, metadata: { run: '1' } }
  })
  t.equal(res.statusCode, 200)
  const run = res.json()
  t.match(run, { object: 'thread.run', status: 'queued', assistant_id: 'asst_plain', metadata: { run: '1' }, thread_id: /^thread_/ })
  const threadRes = await built.call({ url: `/openai/threads/${run.thread_id}` })
  t.same(threadRes.json().metadata, { a: 'b' })
  built.clock.advance(2000)
  t.equal((await built.call({ url: runUrl(run.thread_id, run.id) })).json().status, 'completed')
  const reply = built.app.runtime.tenants.shared.store.messages.list(run.thread_id).at(-1)
  t.match(reply, { role: 'assistant', runId: run.id })

  const v1Rejects = await built.call({ method: 'POST', url: '/openai/threads/runs', body: { assistant_id: 'asst_plain', tool_resources: {} } })
  t.same(v1Rejects.json(), openAIError("Unknown parameter: 'tool_resources'.", 'tool_resources', 'unknown_parameter'))
  const v2 = await built.call({ method: 'POST', url: '/openai/threads/runs', apiVersion: V2, body: { assistant_id: 'asst_plain', tool_resources: {}, temperature: 0.5 } })
  t.equal(v2.statusCode, 200)
  t.equal(v2.json().temperature, 0.5)
  const noAssistant = await built.call({ method: 'POST', url: '/openai/threads/runs', body: { assistant_id: 'asst_nope' } })
  t.same(noAssistant.json(), openAIError("No assistant found with id 'asst_nope'."))
  t.equal(built.app.runtime.tenants.shared.store.threads.list().length, 2, 'a rejected create-thread-and-run creates no thread')
})

t.test('the thread lock holds under concurrent creates', async t => {
  const built = await build(t)
  const { assistantId, threadId } = await seedAssistantAndThread(built)
  const results = await Promise.all(Array.from({ length: 10 }, () =>
    built.call({ method: 'POST', url: `/openai/threads/${threadId}/runs`, body: { assistant_id: assistantId } })))
  const ok = results.filter(r => r.statusCode === 200)
  t.equal(ok.length, 1, 'exactly one run starts')
  const runId = ok[0]!.json().id
  for (const res of results.filter(r => r.statusCode !== 200)) {
    t.same(res.json(), openAIError(`Thread ${threadId} already has an active run ${runId}.`))
  }
  t.equal(built.app.runtime.tenants.shared.store.runs.list(threadId).length, 1)
})

t.test('additional_messages join the thread (v2) and the same requests give the same usage', async t => {
  const usages = []
  for (let i = 0; i < 2; i++) {
    const built = await build(t, {}, { fixtures })
    const threadId = await thread(built, 'First', V2)
    const run = await startRun(built, threadId, {
      assistant_id: 'asst_plain', additional_messages: [{ role: 'user', content: 'Second' }]
    }, V2)
    t.same(built.app.runtime.tenants.shared.store.messages.list(threadId).map(m => m.content[0]?.type === 'text' && m.content[0].text.value), ['First', 'Second'])
    built.clock.advance(2000)
    const done = (await built.call({ url: runUrl(threadId, run.id), apiVersion: V2 })).json()
    t.equal(done.status, 'completed')
    usages.push(done.usage)
  }
  t.same(usages[0], usages[1])
})

t.test('with zero-length timings the answer to each request still shows the status it put the run in', async t => {
  const built = await build(t, { queuedMs: 0, inProgressMs: 0, cancellingMs: 0 }, { fixtures })
  const threadId = await thread(built, 'Weather please')
  const created = await startRun(built, threadId, { assistant_id: 'asst_weather' })
  t.match(created, { status: 'queued', started_at: null, required_action: null })
  const read = await built.call({ url: runUrl(threadId, created.id) })
  t.equal(read.json().status, 'requires_action', 'the next read sees where it went')
  t.equal(created.status, 'queued')
  const calls = read.json().required_action.submit_tool_outputs.tool_calls
  const submitted = await built.call({
    method: 'POST',
    url: runUrl(threadId, created.id, '/submit_tool_outputs'),
    body: { tool_outputs: calls.map((c: { id: string }) => ({ tool_call_id: c.id, output: 'x' })) }
  })
  t.match(submitted.json(), { status: 'queued', required_action: null, usage: null })
  t.equal(submitted.headers['openai-poll-after-ms'], '10', 'poll again right away')
  t.equal((await built.call({ url: runUrl(threadId, created.id) })).json().status, 'completed')

  const other = await thread(built)
  const plain = await startRun(built, other, { assistant_id: 'asst_plain' })
  t.equal(plain.status, 'queued')
  const otherRun = await startRun(built, await thread(built, 'EXPIRE'), { assistant_id: 'asst_flaky' })
  const cancelled = await built.call({ method: 'POST', url: runUrl(otherRun.thread_id, otherRun.id, '/cancel') })
  t.equal(cancelled.json().status, 'cancelling', 'cancel answers cancelling even with no cancelling time')
  t.equal((await built.call({ url: runUrl(otherRun.thread_id, otherRun.id) })).json().status, 'cancelled')
})
