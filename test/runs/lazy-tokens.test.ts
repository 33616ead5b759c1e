/**
 * Token counts are taken when read, never when a run is created (runs/tokens.ts, runs/script.ts): a run is
 * stored the same way whether or not anything has loaded the tokenizer, and its usage is the same for every
 * prompt shape, for tool-call passes, and through a state document. This file's process starts without the
 * tokenizer, which is what it checks first.
 */
import t from 'tap'
import { tokenizerState } from '../../src/runs/tokenizer-worker.js'
import { build, V2, type Built } from '../helper.js'

const WEATHER = { type: 'function', function: { name: 'get_weather', parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] } } }

/** Run bodies whose usage depends on different parts of the prompt. */
const VARIANTS: Record<string, Record<string, unknown>> = {
  'whole thread': {},
  'last message only': { truncation_strategy: { type: 'last_messages', last_messages: 1 } },
  'additional instructions and messages': { additional_instructions: 'Answer in French.', additional_messages: [{ role: 'user', content: 'And tomorrow?' }] },
  'a forced tool call, then its output': { tools: [WEATHER], tool_choice: 'required' }
}

const THREAD = [
  { role: 'user', content: 'What is the weather like in Paris?' },
  { role: 'user', content: 'Please keep it short.' },
  { role: 'user', content: 'Und auf Deutsch, bitte: wie ist das Wetter?' }
]

interface Usage { prompt_tokens: number, completion_tokens: number, total_tokens: number }

async function startRun (built: Built, assistantId: string, body: Record<string, unknown>) {
  const thread = (await built.call({ method: 'POST', url: '/openai/threads', body: { messages: THREAD }, apiVersion: V2 })).json()
  const run = (await built.call({ method: 'POST', url: `/openai/threads/${thread.id}/runs`, body: { assistant_id: assistantId, ...body }, apiVersion: V2 })).json()
  return { threadId: thread.id as string, runId: run.id as string }
}

/** Drives the run to its end (answering a tool call if asked) and returns its usage and its steps' usage. */
async function finish (built: Built, { threadId, runId }: { threadId: string, runId: string }) {
  const url = `/openai/threads/${threadId}/runs/${runId}`
  let run = (await built.call({ url, apiVersion: V2 })).json()
  if (run.status === 'requires_action') {
    const outputs = run.required_action.submit_tool_outputs.tool_calls.map((call: { id: string }) => ({ tool_call_id: call.id, output: '{"celsius": 21}' }))
    await built.call({ method: 'POST', url: `${url}/submit_tool_outputs`, body: { tool_outputs: outputs }, apiVersion: V2 })
    run = (await built.call({ url, apiVersion: V2 })).json()
  }
  const steps = (await built.call({ url: `${url}/steps?order=asc`, apiVersion: V2 })).json().data as Array<{ usage: Usage | null }>
  return { status: run.status as string, usage: run.usage as Usage | null, steps: steps.map(step => step.usage) }
}

t.test('a run made before the tokenizer is loaded counts as one made after', async t => {
  t.equal(tokenizerState(), 'idle', 'nothing in this process has started the tokenizer yet')
  const built = await build(t, { queuedMs: 0, inProgressMs: 0 })
  const assistant = (await built.call({ method: 'POST', url: '/openai/assistants', body: { model: 'gpt-4o', instructions: 'You are a weather bot.' }, apiVersion: V2 })).json()

  const lazy = new Map<string, { threadId: string, runId: string }>()
  for (const [name, body] of Object.entries(VARIANTS)) lazy.set(name, await startRun(built, assistant.id, body))
  t.not(tokenizerState(), 'idle', 'creating the first run starts loading it in its worker (without waiting for it)')
  const storedPrompt = (ids: { threadId: string, runId: string }) => built.app.runtime.tenants.shared.store.runs.get(ids.threadId, ids.runId)!.segments[0]!.prompt
  for (const ids of lazy.values()) t.ok(storedPrompt(ids)?.messages.length, 'the prompt is kept as its texts')

  // The state document carries a lazy run as it is, and a run read back from it counts the same.
  const document = (await built.call({ url: '/_emulator/state', apiVersion: null })).json()
  const lazyDocument = document.tenants[0].runs.find((r: { id: string }) => r.id === lazy.get('whole thread')!.runId)
  t.ok(lazyDocument.segments[0].prompt, 'exported with its prompt texts')

  const lazyResults = new Map<string, Awaited<ReturnType<typeof finish>>>()
  for (const [name, ids] of lazy) lazyResults.set(name, await finish(built, ids))
  t.equal(tokenizerState(), 'ready', 'reading usage waited for it')

  for (const [name, body] of Object.entries(VARIANTS)) {
    const ids = await startRun(built, assistant.id, body)
    t.same(storedPrompt(ids), storedPrompt(lazy.get(name)!), `${name}: stored the same once the tokenizer is loaded`)
    const eager = await finish(built, ids)
    const before = lazyResults.get(name)!
    t.equal(before.status, 'completed', `${name}: completed`)
    t.ok((before.usage?.prompt_tokens ?? 0) > 0 && (before.usage?.completion_tokens ?? 0) > 0, `${name}: tokens counted`)
    t.same(before, eager, `${name}: the same usage on the run and on each step`)
  }

  const restored = await build(t, { queuedMs: 0, inProgressMs: 0 })
  const put = await restored.call({ method: 'PUT', url: '/_emulator/state', body: document, apiVersion: null })
  t.equal(put.statusCode, 204, put.body)
  t.same(await finish(restored, lazy.get('whole thread')!), lazyResults.get('whole thread'), 'a restored lazy run counts the same')
})
