/** --seed with a virtual clock: the same requests against a fresh emulator give byte-identical responses. */
import t from 'tap'
import { startEmulator } from '../../src/index.js'

const V2 = '2024-05-01-preview'
const fixtures = {
  scenarios: [{ match: { message_contains: 'weather' }, steps: [{ tool_calls: [{ name: 'get_weather', arguments: { city: 'Paris' } }] }, { reply: 'It is {{tool_outputs.0}}.' }] }]
}

/** One flow over a real socket; every response's status, headers and body bytes, in order. */
async function flow (seed: number): Promise<string[]> {
  const emulator = await startEmulator({ clock: 'virtual', seed, fixtures })
  const seen: string[] = []
  const call = async (method: string, path: string, body?: unknown) => {
    const response = await fetch(`${emulator.url}/openai${path}${path.includes('?') ? '&' : '?'}api-version=${V2}`, {
      method, headers: { 'api-key': 'k', 'content-type': 'application/json' }, ...(body === undefined ? {} : { body: JSON.stringify(body) })
    })
    const text = await response.text()
    const headers = [...response.headers.entries()].filter(([name]) => name !== 'keep-alive' && name !== 'connection')
    seen.push(`${response.status} ${JSON.stringify(headers)} ${text}`)
    return JSON.parse(text === '' ? '{}' : text)
  }
  try {
    const assistant = await call('POST', '/assistants', { model: 'gpt-4o', tools: [{ type: 'function', function: { name: 'get_weather', parameters: { type: 'object', properties: { city: { type: 'string' } } } } }] })
    const thread = await call('POST', '/threads', { messages: [{ role: 'user', content: 'What is the weather?' }] })
    const run = await call('POST', `/threads/${thread.id}/runs`, { assistant_id: assistant.id, tool_choice: 'required' })
    emulator.clock.advance(2000)
    const waiting = await call('GET', `/threads/${thread.id}/runs/${run.id}`)
    const calls = waiting.required_action.submit_tool_outputs.tool_calls as Array<{ id: string }>
    await call('POST', `/threads/${thread.id}/runs/${run.id}/submit_tool_outputs`, { tool_outputs: calls.map(c => ({ tool_call_id: c.id, output: 'sunny' })) })
    emulator.clock.advance(2000)
    await call('GET', `/threads/${thread.id}/runs/${run.id}`)
    await call('GET', `/threads/${thread.id}/messages`)
    await call('GET', `/threads/${thread.id}/runs/${run.id}/steps`)
  } finally {
    await emulator.close()
  }
  return seen
}

t.test('one flow twice with the same seed: identical bytes, ids and request ids included', async t => {
  const first = await flow(1234)
  const second = await flow(1234)
  t.equal(first.length, 8)
  t.same(second, first)
  t.match(first[0], /"x-request-id","[0-9a-f-]{36}"/)
  t.match(first[0], /"date","Wed, 01 Jan 2025 00:00:00 GMT"/)
  const other = await flow(99)
  t.not(other[0], first[0], 'another seed, other ids')
})

t.test('with a virtual clock, fault and quota answers carry its date too', async t => {
  const emulator = await startEmulator({ clock: 'virtual', seed: 1, rateLimitRpm: 1 })
  t.teardown(() => emulator.close())
  const url = (path: string) => `${emulator.url}${path}?api-version=${V2}`
  await fetch(`${emulator.url}/_emulator/faults`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ match: { path: '/openai/threads' }, fault: { type: 'status', status: 500 } })
  })
  const fault = await fetch(url('/openai/threads'), { method: 'POST', headers: { 'api-key': 'k', 'content-type': 'application/json' }, body: '{}' })
  t.equal(fault.status, 500)
  t.equal(fault.headers.get('date'), 'Wed, 01 Jan 2025 00:00:00 GMT')
  await fetch(url('/openai/assistants'), { headers: { 'api-key': 'q' } })
  const limited = await fetch(url('/openai/assistants'), { headers: { 'api-key': 'q' } })
  t.equal(limited.status, 429)
  t.equal(limited.headers.get('date'), 'Wed, 01 Jan 2025 00:00:00 GMT')
})
