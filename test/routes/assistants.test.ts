import t from 'tap'
import { build, openAIError, uploadFile, V1, V2, type Built } from '../helper.js'

async function createAssistant (built: Built, body: Record<string, unknown> = {}, apiVersion = V1) {
  const res = await built.call({ method: 'POST', url: '/openai/assistants', body: { model: 'gpt-4o', ...body }, apiVersion })
  return res.json()
}

t.test('GET /assistants lists newest first by default, in the list envelope', async t => {
  const built = await build(t)
  const empty = await built.call({ url: '/openai/assistants' })
  t.equal(empty.statusCode, 200)
  t.same(empty.json(), { object: 'list', data: [], first_id: null, last_id: null, has_more: false })

  const created = []
  for (const name of ['a', 'b', 'c']) {
    created.push(await createAssistant(built, { name }))
    built.clock.advance(1000)
  }
  const list = (await built.call({ url: '/openai/assistants' })).json()
  t.same(list.data.map((a: { name: string }) => a.name), ['c', 'b', 'a'])
  t.equal(list.first_id, created[2].id)
  t.equal(list.last_id, created[0].id)
  t.equal(list.has_more, false)
  t.same(list.data[2], created[0], 'list items are the full assistant objects')

  const asc = (await built.call({ url: '/openai/assistants?order=asc&limit=2' })).json()
  t.same(asc.data.map((a: { name: string }) => a.name), ['a', 'b'])
  t.equal(asc.has_more, true)
  const next = (await built.call({ url: `/openai/assistants?order=asc&limit=2&after=${asc.last_id}` })).json()
  t.same(next.data.map((a: { name: string }) => a.name), ['c'])
  t.equal(next.has_more, false)
  const before = (await built.call({ url: `/openai/assistants?before=${created[0].id}` })).json()
  t.same(before.data.map((a: { name: string }) => a.name), ['c', 'b'], 'desc: before the oldest are the newer ones')
})

t.test('GET /assistants presents each generation\'s shape', async t => {
  const built = await build(t)
  const file = await uploadFile(built) // referenced files must exist
  await createAssistant(built, { file_ids: [file.id] })
  const v1 = (await built.call({ url: '/openai/assistants' })).json().data[0]
  t.same(v1.file_ids, [file.id])
  t.notOk('tool_resources' in v1)
  const v2 = (await built.call({ url: '/openai/assistants', apiVersion: V2 })).json().data[0]
  t.notOk('file_ids' in v2)
  t.match(v2, { tool_resources: {}, temperature: 1, top_p: 1, response_format: 'auto' })
})

t.test('GET /assistants rejects bad list parameters and ignores unknown ones', async t => {
  const built = await build(t)
  const cases: Array<[string, ReturnType<typeof openAIError>]> = [
    ['limit=0', openAIError("Invalid 'limit': integer below minimum value. Expected a value >= 1, but got 0 instead.", 'limit', 'integer_below_min_value')],
    ['limit=101', openAIError("Invalid 'limit': integer above maximum value. Expected a value <= 100, but got 101 instead.", 'limit', 'integer_above_max_value')],
    ['limit=abc', openAIError("Invalid type for 'limit': expected an integer, but got a string instead.", 'limit', 'invalid_type')],
    ['order=up', openAIError("Invalid value: 'up'. Supported values are: 'asc' and 'desc'.", 'order', 'invalid_value')]
  ]
  for (const [query, body] of cases) {
    const res = await built.call({ url: `/openai/assistants?${query}` })
    t.equal(res.statusCode, 400, query)
    t.same(res.json(), body, query)
  }
  for (const query of ['limit=1', 'limit=100', 'order=asc', 'order=desc', 'foo=bar', 'after=asst_unknown']) {
    t.equal((await built.call({ url: `/openai/assistants?${query}` })).statusCode, 200, query)
  }
})

t.test('POST /assistants/:id changes only the fields sent (v1)', async t => {
  const built = await build(t)
  const file = await uploadFile(built) // referenced files must exist
  const original = await createAssistant(built, { name: 'Old', description: 'd', instructions: 'Be brief.', file_ids: [file.id], metadata: { a: '1' } })
  built.clock.advance(5000)

  const unchanged = await built.call({ method: 'POST', url: `/openai/assistants/${original.id}`, body: {} })
  t.equal(unchanged.statusCode, 200)
  t.same(unchanged.json(), original, 'an empty body changes nothing')

  const res = await built.call({
    method: 'POST',
    url: `/openai/assistants/${original.id}`,
    body: { name: 'New', model: 'gpt-4o-mini', tools: [{ type: 'code_interpreter' }], file_ids: [], metadata: { b: '2' } }
  })
  t.equal(res.statusCode, 200)
  t.same(res.json(), {
    ...original,
    name: 'New',
    model: 'gpt-4o-mini',
    tools: [{ type: 'code_interpreter' }],
    file_ids: [],
    metadata: { b: '2' }
  }, 'id and created_at stay; metadata is replaced, not merged')
  t.same((await built.call({ url: `/openai/assistants/${original.id}` })).json(), res.json(), 'retrieve sees the change')

  const cleared = (await built.call({
    method: 'POST', url: `/openai/assistants/${original.id}`, body: { name: null, description: null, instructions: null, metadata: null }
  })).json()
  t.match(cleared, { name: null, description: null, instructions: null, metadata: {}, model: 'gpt-4o-mini' })
})

t.test('POST /assistants/:id changes v2 fields; null resets them to the defaults', async t => {
  const built = await build(t)
  const original = await createAssistant(built, {}, V2)
  const url = `/openai/assistants/${original.id}`
  // referenced vector stores must exist
  const vs1 = (await built.call({ method: 'POST', url: '/openai/vector_stores', body: {}, apiVersion: V2 })).json().id
  const changed = (await built.call({
    method: 'POST',
    url,
    apiVersion: V2,
    body: {
      tools: [{ type: 'file_search' }],
      tool_resources: { file_search: { vector_store_ids: [vs1] } },
      temperature: 0.2,
      top_p: 0.5,
      response_format: { type: 'json_object' }
    }
  })).json()
  t.match(changed, {
    tools: [{ type: 'file_search' }],
    tool_resources: { file_search: { vector_store_ids: [vs1] } },
    temperature: 0.2,
    top_p: 0.5,
    response_format: { type: 'json_object' }
  })
  const reset = (await built.call({
    method: 'POST', url, apiVersion: V2, body: { tool_resources: null, temperature: null, top_p: null, response_format: null }
  })).json()
  t.match(reset, { tool_resources: {}, temperature: 1, top_p: 1, response_format: 'auto', tools: [{ type: 'file_search' }] })
})

t.test('POST /assistants/:id validates like create, per generation', async t => {
  const built = await build(t)
  const v1 = await createAssistant(built)
  const url = `/openai/assistants/${v1.id}`
  const cases: Array<[string, unknown, ReturnType<typeof openAIError>]> = [
    [V1, { tool_resources: {} }, openAIError("Unknown parameter: 'tool_resources'.", 'tool_resources', 'unknown_parameter')],
    [V1, { temperature: 1 }, openAIError("Unknown parameter: 'temperature'.", 'temperature', 'unknown_parameter')],
    [V2, { file_ids: [] }, openAIError("Unknown parameter: 'file_ids'.", 'file_ids', 'unknown_parameter')],
    [V2, { tools: [{ type: 'retrieval' }] }, openAIError("Invalid value: 'retrieval'. Supported values are: 'code_interpreter', 'function', and 'file_search'.", 'tools[0].type', 'invalid_value')],
    [V1, { name: 5 }, openAIError("Invalid type for 'name': expected a string, but got an integer instead.", 'name', 'invalid_type')],
    [V1, { model: '' }, openAIError("Invalid 'model': string too short. Expected a string with minimum length 1, but got a string with length 0 instead.", 'model', 'string_below_min_length')],
    [V1, { bogus: true }, openAIError("Unknown parameter: 'bogus'.", 'bogus', 'unknown_parameter')]
  ]
  for (const [apiVersion, body, error] of cases) {
    const res = await built.call({ method: 'POST', url, body, apiVersion })
    t.equal(res.statusCode, 400, JSON.stringify(body))
    t.same(res.json(), error, JSON.stringify(body))
  }
  t.same((await built.call({ url })).json(), v1, 'a rejected change leaves the assistant as it was')
})

t.test('modify and delete of an unknown assistant are 404', async t => {
  const built = await build(t)
  const error = openAIError("No assistant found with id 'asst_nope'.")
  const modify = await built.call({ method: 'POST', url: '/openai/assistants/asst_nope', body: { name: 'x' } })
  t.equal(modify.statusCode, 404)
  t.same(modify.json(), error)
  const del = await built.call({ method: 'DELETE', url: '/openai/assistants/asst_nope' })
  t.equal(del.statusCode, 404)
  t.same(del.json(), error)
})

t.test('DELETE /assistants/:id removes the assistant', async t => {
  const built = await build(t)
  const kept = await createAssistant(built, { name: 'kept' })
  const gone = await createAssistant(built, { name: 'gone' })
  const res = await built.call({ method: 'DELETE', url: `/openai/assistants/${gone.id}`, apiVersion: V2 })
  t.equal(res.statusCode, 200)
  t.same(res.json(), { id: gone.id, object: 'assistant.deleted', deleted: true })
  t.equal((await built.call({ url: `/openai/assistants/${gone.id}` })).statusCode, 404)
  t.equal((await built.call({ method: 'DELETE', url: `/openai/assistants/${gone.id}` })).statusCode, 404, 'deleting twice is 404')
  t.same((await built.call({ url: '/openai/assistants' })).json().data.map((a: { id: string }) => a.id), [kept.id])
})

t.test('a deleted assistant\'s existing runs carry on to completion', async t => {
  const built = await build(t)
  const assistant = await createAssistant(built, { instructions: 'Be brief.' })
  const thread = (await built.call({ method: 'POST', url: '/openai/threads', body: { messages: [{ role: 'user', content: 'Hi' }] } })).json()
  const run = (await built.call({ method: 'POST', url: `/openai/threads/${thread.id}/runs`, body: { assistant_id: assistant.id } })).json()
  t.equal(run.status, 'queued')
  t.equal((await built.call({ method: 'DELETE', url: `/openai/assistants/${assistant.id}` })).statusCode, 200)
  built.clock.advance(60_000)
  const done = (await built.call({ url: `/openai/threads/${thread.id}/runs/${run.id}` })).json()
  t.match(done, { status: 'completed', assistant_id: assistant.id })
  const reply = (await built.call({ url: `/openai/threads/${thread.id}/messages` })).json().data[0]
  t.match(reply, { role: 'assistant', assistant_id: assistant.id, run_id: run.id })
})
