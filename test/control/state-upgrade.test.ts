/**
 * State documents of version 1 (written before records were defined once) are upgraded on import: the
 * recorded seeded flow's version 1 document, imported and exported again, is exactly the version 2 document
 * the same flow exports today (test/recordings: the byte-identity flow's state export, exchange 0352), but for
 * what version 1 never kept (the scenario that scripted each run).
 */
import { readFileSync } from 'node:fs'
import t from 'tap'
import { STATE_VERSION } from '../../src/control/state.js'
import { build } from '../helper.js'

const RECORDINGS = new URL('../recordings/', import.meta.url)

/** The body of the flow's state export, as recorded. */
function recordedExport (): string {
  const text = readFileSync(new URL('seeded-flow.txt', RECORDINGS), 'utf8')
  const section = text.split(/^### /m).find(part => part.startsWith('0352 export the state'))
  const body = section?.split('\n').find(line => line.startsWith('{"format"'))
  if (body === undefined) throw new Error('the recording has no state export at exchange 0352')
  return body
}

t.test('a version 1 document imports as the version 2 document of the same state', async t => {
  const v1 = JSON.parse(readFileSync(new URL('state-v1.json', RECORDINGS), 'utf8'))
  const v2 = JSON.parse(recordedExport())
  t.equal(v1.version, 1)
  t.equal(v2.version, STATE_VERSION)
  t.ok(v1.tenants[0].runs.some((run: { segments: Array<{ promptTokens?: number }> }) => run.segments[0]?.promptTokens !== undefined),
    'the version 1 document has runs whose prompt was kept as a count')
  const built = await build(t)
  const put = await built.app.inject({ method: 'PUT', url: '/_emulator/state', payload: v1 })
  t.equal(put.statusCode, 204, put.body)
  const exported = await built.app.inject({ url: '/_emulator/state' }).then(res => res.json())
  // One run's additional message was deleted later in the flow: its prompt cannot be rebuilt with it.
  const lost = 'And now streamed.'
  const prompts = (document: typeof v2) => new Map<string, string[]>(document.tenants[0].runs.map((run: { id: string, segments: Array<{ prompt: { messages: string[] } }> }) =>
    [run.id, run.segments[0]!.prompt.messages]))
  const differing = [...prompts(v2)].filter(([id, messages]) => JSON.stringify(prompts(exported).get(id)) !== JSON.stringify(messages))
  t.same(differing.map(([, messages]) => messages.filter(m => !prompts(exported).get(differing[0]![0])!.includes(m))), [[lost]],
    'only the deleted message is missing from a rebuilt prompt')
  const withLost = structuredClone(exported)
  withLost.tenants[0].runs.find((run: { id: string }) => run.id === differing[0]![0]).segments[0].prompt.messages = differing[0]![1]
  // Messages are kept as they were written: the version 1 document was written before a scripted `incomplete`
  // cut the reply before it (issue 19), so that reply stays complete there.
  type Message = { id: string, incompleteReason?: string }
  const cut = v2.tenants[0].messages.filter((m: Message) => m.incompleteReason === 'max_tokens' &&
    exported.tenants[0].messages.find((e: Message) => e.id === m.id)?.incompleteReason === undefined)
  t.equal(cut.length, 1, 'one reply was written complete before issue 19')
  for (const message of cut) withLost.tenants[0].messages.find((m: Message) => m.id === message.id).incompleteReason = 'max_tokens'
  // A version 1 document never said which scenario scripted a run: its upgraded runs name none (today's do).
  t.ok(v2.tenants[0].runs.some((run: { scenario?: string }) => run.scenario !== undefined), 'today\'s export names the scenarios')
  const unnamed = structuredClone(v2)
  for (const run of unnamed.tenants[0].runs) delete run.scenario
  t.same(withLost, unnamed, 'otherwise the same records, prompts rebuilt from the thread messages')
})

t.test('version 1 replies must still be for consecutive message steps', async t => {
  const v1 = JSON.parse(readFileSync(new URL('state-v1.json', RECORDINGS), 'utf8'))
  const run = v1.tenants[0].runs.find((r: { segments: Array<{ replies: object }> }) => Object.keys(r.segments[0]!.replies).length > 0)
  run.segments[0].replies = { 5: run.segments[0].replies[Object.keys(run.segments[0].replies)[0]!] }
  const built = await build(t)
  const put = await built.app.inject({ method: 'PUT', url: '/_emulator/state', payload: v1 })
  t.equal(put.statusCode, 400)
  t.match(put.json(), { error: { code: 'invalid_state', message: /segment replies must be for consecutive steps from fromStep 0, not 5/ } })
})
