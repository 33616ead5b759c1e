/**
 * Hosted tools streamed: a file_search run (the search step whole in one delta, then the cited reply with each
 * marker in one delta carrying its annotation) and a code_interpreter run (the code input in pieces, then the
 * outputs; the reply's image before its text). The deltas are merged with the openai SDK's own accumulator, and
 * what they build must be what the completed events and the reads show; snapshots match the documents.
 */
import { fileURLToPath } from 'node:url'
import t, { type Test } from 'tap'
import { AssistantStream } from 'openai/lib/AssistantStream'
import type { Fixtures } from '../../src/fixtures.js'
import { checkResponse } from '../contract/spec.js'
import { V1, V2, build } from '../helper.js'
import { eventNames, parseSse, type ParsedEvent } from '../support/sse.js'

const FIXTURES_DIR = fileURLToPath(new URL('../../fixtures/', import.meta.url))
const zero = { queuedMs: 0, inProgressMs: 0, cancellingMs: 0 }
const INCLUDE = 'include[]=step_details.tool_calls[*].file_search.results[*].content'

/** Every snapshot event must match the document's schema for what a read of that object returns. */
function checkEventData (t: Test, events: readonly ParsedEvent[], generation: 'v1' | 'v2', threadId: string, apiVersion?: string) {
  for (const { event, data } of events) {
    if (event === 'done' || event.endsWith('.delta')) continue
    const path = event === 'thread.created'
      ? `/threads/${data.id}`
      : event.startsWith('thread.run.step.')
        ? `/threads/${threadId}/runs/${data.run_id}/steps/${data.id}`
        : event.startsWith('thread.run.') ? `/threads/${threadId}/runs/${data.id}` : `/threads/${threadId}/messages/${data.id}`
    const result = checkResponse({ flavour: 'azure', generation, apiVersion, method: 'GET', path, status: 200, body: data })
    if (!result.ok) t.fail(`${event} data does not match ${result.doc}: ${result.errors.join('; ')}`)
  }
}

/** `value` without the `index` keys that deltas carry (the SDK keeps them in what it builds). */
function withoutIndex (value: unknown): unknown {
  if (Array.isArray(value)) return value.map(withoutIndex)
  if (typeof value !== 'object' || value === null) return value
  return Object.fromEntries(Object.entries(value).filter(([key]) => key !== 'index').map(([key, v]) => [key, withoutIndex(v)]))
}

/** What a client builds from the deltas of one object, merged the way the openai SDK merges them (less the indexes). */
function accumulate (events: readonly ParsedEvent[], created: string, delta: string, id: string): any {
  const start = events.find(e => e.event === created && e.data.id === id)!.data
  let snapshot = structuredClone(start)
  for (const e of events.filter(e => e.event === delta && e.data.id === id)) {
    snapshot = AssistantStream.accumulateDelta(snapshot, e.data.delta) as typeof snapshot
  }
  return withoutIndex(snapshot)
}

t.test('a file_search run streams its search step whole, then a reply whose markers each come with their annotation', async t => {
  const built = await build(t, { fixtures: FIXTURES_DIR, ...zero })
  const res = await built.call({
    method: 'POST', url: `/openai/threads/thread_handbook/runs?${INCLUDE}`, body: { assistant_id: 'asst_handbook', stream: true }, apiVersion: '2025-04-01-preview'
  })
  t.equal(res.statusCode, 200)
  const events = parseSse(res.body)
  t.same(eventNames(events), [
    'thread.run.created', 'thread.run.queued', 'thread.run.in_progress',
    'thread.run.step.created', 'thread.run.step.in_progress', 'thread.run.step.delta*', 'thread.run.step.completed',
    'thread.run.step.created', 'thread.run.step.in_progress', 'thread.message.created', 'thread.message.in_progress',
    'thread.message.delta*', 'thread.message.completed', 'thread.run.step.completed', 'thread.run.completed', 'done'
  ])
  checkEventData(t, events, 'v2', 'thread_handbook', '2025-04-01-preview')

  const [created, searched] = [events[3]!.data, events.find(e => e.event === 'thread.run.step.completed')!.data]
  t.same(created.step_details, { type: 'tool_calls', tool_calls: [] }, 'the step opens with no call')
  const stepDeltas = events.filter(e => e.event === 'thread.run.step.delta')
  t.equal(stepDeltas.length, 1, 'the search arrives in one delta')
  t.same(stepDeltas[0]!.data.delta.step_details.tool_calls[0], { index: 0, ...searched.step_details.tool_calls[0] }, 'with its results (and their content, as asked)')
  t.ok(searched.step_details.tool_calls[0].file_search.results[0].content, 'include[] on create run reaches the streamed steps')
  t.same(accumulate(events, 'thread.run.step.created', 'thread.run.step.delta', searched.id).step_details, searched.step_details)

  const completed = events.find(e => e.event === 'thread.message.completed')!.data
  const text = completed.content[0].text
  t.equal(text.annotations.length, 1)
  const messageDeltas = events.filter(e => e.event === 'thread.message.delta').map(e => e.data.delta.content[0])
  const carrying = messageDeltas.filter(d => d.text.annotations.length > 0)
  t.equal(carrying.length, 1, 'each annotation once')
  t.equal(carrying[0].text.value, text.annotations[0].text, 'in the delta that is exactly its marker')
  t.same(carrying[0].text.annotations, [{ index: 0, ...text.annotations[0] }])
  t.same(accumulate(events, 'thread.message.created', 'thread.message.delta', completed.id).content, completed.content, 'the SDK builds the completed message')
  const listed = (await built.call({ url: '/openai/threads/thread_handbook/messages?limit=1', apiVersion: V2 })).json().data[0]
  t.same(listed.content, completed.content)
})

const code: Fixtures = {
  assistants: [{ id: 'asst_code', model: 'gpt-4o', tools: [{ type: 'code_interpreter' }] as never }],
  threads: [],
  files: new Map([['/x/plot.png', Buffer.from('not really a png')]]),
  scenarios: [{
    steps: [
      { code_interpreter: { input: 'import matplotlib.pyplot as plt\nplt.plot([1, 2, 3])\nplt.savefig("plot.png")', logs: 'saved\n', image: '/x/plot.png' } },
      { reply: 'See {{file_path.0}} for the plot.' }
    ]
  }]
}

t.test('a code_interpreter run streams its input in pieces, then its outputs; the reply streams its image, then its text', async t => {
  const built = await build(t, zero, { fixtures: code })
  for (const [apiVersion, generation] of [[V2, 'v2'], [V1, 'v1']] as const) {
    const res = await built.call({
      method: 'POST', url: '/openai/threads/runs', body: { assistant_id: 'asst_code', stream: true, thread: { messages: [{ role: 'user', content: 'plot' }] } }, apiVersion
    })
    const events = parseSse(res.body)
    const threadId = events[0]!.data.id
    checkEventData(t, events, generation, threadId)
    const step = events.find(e => e.event === 'thread.run.step.completed')!.data
    const call = step.step_details.tool_calls[0]
    t.equal(call.type, 'code_interpreter')
    const deltas = events.filter(e => e.event === 'thread.run.step.delta').map(e => e.data.delta.step_details.tool_calls[0])
    t.same(deltas[0], { index: 0, id: call.id, type: 'code_interpreter', code_interpreter: { input: '', outputs: [] } }, 'the header first')
    const inputs = deltas.filter(d => d.code_interpreter.input !== undefined && d.id === undefined)
    t.ok(inputs.length > 3, 'the input in pieces')
    t.equal(inputs.map(d => d.code_interpreter.input).join(''), call.code_interpreter.input)
    t.same(deltas.at(-1), {
      index: 0, type: 'code_interpreter', code_interpreter: { outputs: [{ index: 0, type: 'logs', logs: 'saved\n' }, { index: 1, ...call.code_interpreter.outputs[1] }] }
    }, 'the outputs last')
    t.same(accumulate(events, 'thread.run.step.created', 'thread.run.step.delta', step.id).step_details, step.step_details)

    const message = events.find(e => e.event === 'thread.message.completed')!.data
    const contentDeltas = events.filter(e => e.event === 'thread.message.delta').map(e => e.data.delta.content[0])
    t.same(contentDeltas[0], { index: 0, type: 'image_file', image_file: { file_id: call.code_interpreter.outputs[1].image.file_id } })
    t.ok(contentDeltas.slice(1).every(d => d.index === 1 && d.type === 'text'), 'then the text, at content index 1')
    t.same(accumulate(events, 'thread.message.created', 'thread.message.delta', message.id).content, message.content)
    t.equal(message.content[1].text.annotations[0].type, 'file_path')
  }
})
