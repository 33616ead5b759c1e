/** PUT /_emulator/state checks every record against the shapes the store really holds; the clock stays in range. */
import t, { type Test } from 'tap'
import { MAX_CLOCK_MS } from '../../src/clock.js'
import { build, seedAssistantAndThread, V2, type Built } from '../helper.js'

type Doc = { now: number, tenants: Array<Record<string, Array<Record<string, unknown>>>> }

/** An emulator with a run stored (manual clock), the exported document, and the ids. */
async function withRun (t: Test) {
  const built = await build(t)
  const { threadId, assistantId } = await seedAssistantAndThread(built, V2)
  await built.call({ method: 'POST', url: `/openai/threads/${threadId}/messages`, body: { role: 'user', content: 'hello' }, apiVersion: V2 })
  const run = (await built.call({ method: 'POST', url: `/openai/threads/${threadId}/runs`, body: { assistant_id: assistantId }, apiVersion: V2 })).json()
  const good = (await built.app.inject({ method: 'GET', url: '/_emulator/state' })).json() as Doc
  return { built, threadId, assistantId, runId: run.id as string, good }
}

const clone = (doc: Doc): Doc => structuredClone(doc)
const stateOf = async (built: Built) => (await built.app.inject({ method: 'GET', url: '/_emulator/state' })).json()

/** PUTs `document`, expects the 400 naming `where`, and that the state did not change. */
async function rejects (t: Test, built: Built, document: Doc, where: RegExp) {
  const before = await stateOf(built)
  const res = await built.app.inject({ method: 'PUT', url: '/_emulator/state', payload: document })
  t.equal(res.statusCode, 400)
  const body = res.json()
  t.match(body, { error: { message: /^Invalid state document at /, type: 'invalid_request_error', code: 'invalid_state' } })
  t.match(body.error.param, where)
  t.notMatch(body.error.message, /Cannot read|undefined/, 'no raw JS message')
  t.same(await stateOf(built), before, 'nothing changed')
}

t.test('a text part without its text is refused; creating a run afterwards works', async t => {
  const { built, threadId, assistantId, good } = await withRun(t)
  const bad = clone(good)
  bad.tenants[0]!.messages![0]!.content = [{ type: 'text' }]
  await rejects(t, built, bad, /^\$\.tenants\[0\]\.messages\[0\]\.content\[0\]/)
  built.clock.advance(60000)
  const again = await built.call({ method: 'POST', url: `/openai/threads/${threadId}/runs`, body: { assistant_id: assistantId }, apiVersion: V2 })
  t.equal(again.statusCode, 200)
})

t.test('script steps need every field of their kind; messages and steps read afterwards', async t => {
  const { built, threadId, runId, good } = await withRun(t)
  for (const step of [{ kind: 'message' }, { kind: 'tool_calls' }, { kind: 'fail' }, { kind: 'incomplete' }, { kind: 'other' },
    { kind: 'tool_calls', stepId: 'step_1', calls: [{ id: 'call_1' }], completionTokens: 1 }]) {
    const bad = clone(good)
    bad.tenants[0]!.runs![0]!.script = [step]
    await rejects(t, built, bad, /^\$\.tenants\[0\]\.runs\[0\]\.script\[0\]/)
  }
  built.clock.advance(60000)
  t.equal((await built.call({ url: `/openai/threads/${threadId}/messages`, apiVersion: V2 })).statusCode, 200)
  t.equal((await built.call({ url: `/openai/threads/${threadId}/runs/${runId}/steps`, apiVersion: V2 })).statusCode, 200)
})

t.test('times out of range are refused (now, segment starts, created_at); cancel works afterwards', async t => {
  const { built, threadId, runId, good } = await withRun(t)
  const withNow = (now: number) => ({ ...clone(good), now })
  await rejects(t, built, withNow(-1e308), /^\$\.now$/)
  await rejects(t, built, withNow(-1), /^\$\.now$/)
  await rejects(t, built, withNow(MAX_CLOCK_MS + 1), /^\$\.now$/)
  await rejects(t, built, withNow(1.5), /^\$\.now$/)
  const segment = clone(good)
  ;(segment.tenants[0]!.runs![0]!.segments as Array<Record<string, unknown>>)[0]!.startedAt = 1e308
  await rejects(t, built, segment, /^\$\.tenants\[0\]\.runs\[0\]\.segments\[0\]\.startedAt$/)
  const created = clone(good)
  created.tenants[0]!.assistants![0]!.createdAt = -5
  await rejects(t, built, created, /^\$\.tenants\[0\]\.assistants\[0\]\.createdAt$/)
  const cancel = await built.call({ method: 'POST', url: `/openai/threads/${threadId}/runs/${runId}/cancel`, apiVersion: V2 })
  t.equal(cancel.statusCode, 200)
  t.equal(cancel.json().status, 'cancelling')
})

t.test('a document at the clock\'s last valid ms is accepted; the clock cannot be advanced past it', async t => {
  const { built, good } = await withRun(t)
  const late = { ...clone(good), now: MAX_CLOCK_MS - 1000 }
  t.equal((await built.app.inject({ method: 'PUT', url: '/_emulator/state', payload: late })).statusCode, 204)
  const tooFar = await built.app.inject({ method: 'POST', url: '/_emulator/clock/advance', payload: { ms: 315360000000 } })
  t.equal(tooFar.statusCode, 400)
  t.match(tooFar.json(), { error: { param: 'ms', code: 'integer_above_max_value', message: /Expected a value <= 1000, but got 315360000000/ } })
  t.equal(built.clock.now(), MAX_CLOCK_MS - 1000, 'the clock did not move')
  const exact = await built.app.inject({ method: 'POST', url: '/_emulator/clock/advance', payload: { ms: 1000 } })
  t.equal(exact.statusCode, 200)
  t.equal(exact.json().now, MAX_CLOCK_MS)
  const read = await built.app.inject({ method: 'GET', url: '/_emulator/clock' })
  t.equal(read.headers.date, 'Fri, 31 Dec 9999 23:59:59 GMT', 'the date header is still a date')
  const further = await built.app.inject({ method: 'POST', url: '/_emulator/clock/advance', payload: { ms: 1 } })
  t.equal(further.statusCode, 400)
  t.match(further.json(), { error: { param: 'ms', message: /Expected a value <= 0, but got 1/ } })
})

t.test('unknown routes and wrong methods under /_emulator answer OpenAI\'s 404 envelope', async t => {
  const built = await build(t)
  for (const [method, url] of [['GET', '/_emulator/nope'], ['DELETE', '/_emulator/clock'], ['PATCH', '/_emulator/state']] as const) {
    const res = await built.app.inject({ method, url })
    t.equal(res.statusCode, 404, `${method} ${url}`)
    t.same(res.json(), { error: { message: `Invalid URL (${method} ${url})`, type: 'invalid_request_error', param: null, code: null } })
  }
  t.equal((await built.app.inject({ method: 'GET', url: '/nowhere' })).json().error.code, '404', 'other paths keep Azure\'s envelope')
})

t.test('replies must be a list for the message steps from the segment start; only the first segment has a prompt', async t => {
  const { built, runId, good } = await withRun(t)
  const runIndex = good.tenants[0]!.runs!.findIndex(r => r.id === runId)
  const withSegment = (change: (segment: Record<string, unknown>) => void) => {
    const bad = clone(good)
    const run = bad.tenants[0]!.runs![runIndex]! as { segments: Array<Record<string, unknown>> }
    change(run.segments[0]!)
    return bad
  }
  const reply = { text: 'hi', truncated: false }
  await rejects(t, built, withSegment(s => { s.replies = { 0: reply } }), /^\$\.tenants\[0\]\.runs\[\d+\]\.segments\[0\]\.replies/)
  await rejects(t, built, withSegment(s => { s.replies = [reply, reply] }), /^\$\.tenants\[0\]\.runs\[\d+\]\.segments$/)
  await rejects(t, built, withSegment(s => { s.prompt = null }), /^\$\.tenants\[0\]\.runs\[\d+\]\.segments$/)
  await rejects(t, built, withSegment(s => { s.prompt = { instructions: '', messages: [1] } }), /^\$\.tenants\[0\]\.runs\[\d+\]\.segments\[0\]\.prompt/)
})
