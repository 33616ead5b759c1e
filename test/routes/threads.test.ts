import t from 'tap'
import { build, openAIError, seedAssistantAndThread, uploadFile, V1, V2, type Built } from '../helper.js'

async function createThread (built: Built, body: Record<string, unknown> = {}, apiVersion = V1) {
  return (await built.call({ method: 'POST', url: '/openai/threads', body, apiVersion })).json()
}

t.test('POST /threads/:id replaces metadata (v1)', async t => {
  const built = await build(t)
  const thread = await createThread(built, { metadata: { a: '1' } })
  const url = `/openai/threads/${thread.id}`

  const same = await built.call({ method: 'POST', url, body: {} })
  t.equal(same.statusCode, 200)
  t.same(same.json(), thread, 'an empty body changes nothing')

  const res = await built.call({ method: 'POST', url, body: { metadata: { b: '2' } } })
  t.equal(res.statusCode, 200)
  t.same(res.json(), { ...thread, metadata: { b: '2' } }, 'metadata is replaced, not merged')
  t.same((await built.call({ url })).json(), res.json(), 'retrieve sees the change')

  t.same((await built.call({ method: 'POST', url, body: { metadata: null } })).json().metadata, {}, 'null clears it')
})

t.test('POST /threads/:id changes tool_resources from 2024-05-01-preview on', async t => {
  const built = await build(t)
  // referenced files and vector stores must exist
  const file = await uploadFile(built)
  const vs1 = (await built.call({ method: 'POST', url: '/openai/vector_stores', body: {}, apiVersion: V2 })).json().id
  const thread = await createThread(built, { tool_resources: { code_interpreter: { file_ids: [file.id] } } }, V2)
  const url = `/openai/threads/${thread.id}`
  const changed = (await built.call({
    method: 'POST', url, apiVersion: V2, body: { tool_resources: { file_search: { vector_store_ids: [vs1] } }, metadata: { k: 'v' } }
  })).json()
  t.same(changed, { ...thread, tool_resources: { file_search: { vector_store_ids: [vs1] } }, metadata: { k: 'v' } })
  const kept = (await built.call({ method: 'POST', url, apiVersion: V2, body: { metadata: {} } })).json()
  t.same(kept.tool_resources, { file_search: { vector_store_ids: [vs1] } }, 'fields left out keep their values')
  t.same((await built.call({ method: 'POST', url, apiVersion: V2, body: { tool_resources: null } })).json().tool_resources, {})
  const v1 = (await built.call({ url })).json()
  t.same(v1, { id: thread.id, object: 'thread', created_at: thread.created_at, metadata: {} }, 'v1 shows no tool_resources')
})

t.test('POST /threads/:id rejects what the generation does not have and bad values', async t => {
  const built = await build(t)
  const thread = await createThread(built)
  const url = `/openai/threads/${thread.id}`
  const tooMany = Object.fromEntries(Array.from({ length: 17 }, (_, i) => [`k${i}`, 'v']))
  const cases: Array<[string, unknown, ReturnType<typeof openAIError>]> = [
    [V1, { tool_resources: {} }, openAIError("Unknown parameter: 'tool_resources'.", 'tool_resources', 'unknown_parameter')],
    [V2, { messages: [] }, openAIError("Unknown parameter: 'messages'.", 'messages', 'unknown_parameter')],
    [V2, { metadata: 'x' }, openAIError("Invalid type for 'metadata': expected an object, but got a string instead.", 'metadata', 'invalid_type')],
    [V1, { metadata: tooMany }, openAIError("Invalid 'metadata': too many properties. Expected an object with at most 16 properties, but got an object with 17 properties instead.", 'metadata', 'object_above_max_properties')]
  ]
  for (const [apiVersion, body, error] of cases) {
    const res = await built.call({ method: 'POST', url, body, apiVersion })
    t.equal(res.statusCode, 400, JSON.stringify(body).slice(0, 60))
    t.same(res.json(), error, JSON.stringify(body).slice(0, 60))
  }
})

t.test('modify and delete of an unknown thread are 404', async t => {
  const built = await build(t)
  const error = openAIError("No thread found with id 'thread_nope'.")
  for (const method of ['POST', 'DELETE'] as const) {
    const res = await built.call({ method, url: '/openai/threads/thread_nope', ...(method === 'POST' ? { body: {} } : {}) })
    t.equal(res.statusCode, 404, method)
    t.same(res.json(), error, method)
  }
})

t.test('DELETE /threads/:id deletes the thread, its messages and its runs', async t => {
  const built = await build(t)
  const { assistantId, threadId } = await seedAssistantAndThread(built)
  const other = await createThread(built, { messages: [{ role: 'user', content: 'Keep me' }] })
  const run = (await built.call({ method: 'POST', url: `/openai/threads/${threadId}/runs`, body: { assistant_id: assistantId } })).json()
  t.equal(run.status, 'queued')

  const res = await built.call({ method: 'DELETE', url: `/openai/threads/${threadId}`, apiVersion: V2 })
  t.equal(res.statusCode, 200, 'a thread with an active run can be deleted')
  t.same(res.json(), { id: threadId, object: 'thread.deleted', deleted: true })

  const notFound = openAIError(`No thread found with id '${threadId}'.`)
  for (const url of [`/openai/threads/${threadId}`, `/openai/threads/${threadId}/messages`, `/openai/threads/${threadId}/runs/${run.id}`]) {
    const after = await built.call({ url })
    t.equal(after.statusCode, 404, url)
    t.same(after.json(), notFound, url)
  }
  t.equal((await built.call({ method: 'DELETE', url: `/openai/threads/${threadId}` })).statusCode, 404, 'deleting twice is 404')
  t.same(built.app.runtime.tenants.shared.store.messages.list(threadId), [], 'messages are gone from the store')
  t.same(built.app.runtime.tenants.shared.store.runs.list(threadId), [], 'runs are gone from the store')
  built.clock.advance(60_000)
  t.equal((await built.call({ url: `/openai/threads/${threadId}/messages` })).statusCode, 404)
  t.equal(built.app.runtime.tenants.shared.store.messages.list(threadId).length, 0, 'the deleted run never writes its reply')

  const kept = (await built.call({ url: `/openai/threads/${other.id}/messages` })).json()
  t.same(kept.data.map((m: { content: Array<{ text: { value: string } }> }) => m.content[0]!.text.value), ['Keep me'], 'other threads are untouched')
})
