import t from 'tap'
import { build, openAIError, seedAssistantAndThread, uploadFile, V1, V2, type Built } from '../helper.js'

type Text = { text: { value: string } }
const texts = (list: { data: Array<{ content: Text[] }> }) => list.data.map(m => m.content[0]!.text.value)

async function newThread (built: Built, apiVersion = V1) {
  return (await built.call({ method: 'POST', url: '/openai/threads', body: {}, apiVersion })).json().id as string
}

async function post (built: Built, threadId: string, body: Record<string, unknown>, apiVersion = V1) {
  return built.call({ method: 'POST', url: `/openai/threads/${threadId}/messages`, body, apiVersion })
}

t.test('POST /threads/:id/messages creates a user message (v1 shape)', async t => {
  const built = await build(t)
  const threadId = await newThread(built)
  const file = await uploadFile(built) // referenced files must exist
  const res = await post(built, threadId, { role: 'user', content: 'Hello', file_ids: [file.id], metadata: { k: 'v' } })
  t.equal(res.statusCode, 200)
  const message = res.json()
  t.match(message.id, /^msg_[A-Za-z0-9]{24}$/)
  const createdAt = Math.floor(built.clock.now() / 1000)
  t.same(message, {
    id: message.id,
    object: 'thread.message',
    created_at: createdAt,
    thread_id: threadId,
    status: 'completed',
    incomplete_details: null,
    completed_at: createdAt,
    incomplete_at: null,
    role: 'user',
    content: [{ type: 'text', text: { value: 'Hello', annotations: [] } }],
    assistant_id: null,
    run_id: null,
    file_ids: [file.id],
    metadata: { k: 'v' }
  })
})

t.test('POST /threads/:id/messages takes v2 roles, content parts and attachments', async t => {
  const built = await build(t)
  const threadId = await newThread(built, V2)
  const file = await uploadFile(built) // referenced files must exist
  const res = await post(built, threadId, {
    role: 'assistant',
    content: [
      { type: 'text', text: 'Look:' },
      { type: 'image_file', image_file: { file_id: 'file-img', detail: 'low' } },
      { type: 'image_url', image_url: { url: 'https://example.com/a.png' } }
    ],
    attachments: [{ file_id: file.id, tools: [{ type: 'file_search' }] }]
  }, V2)
  t.equal(res.statusCode, 200)
  const message = res.json()
  t.match(message, { role: 'assistant', assistant_id: null, run_id: null, metadata: {} })
  t.same(message.content, [
    { type: 'text', text: { value: 'Look:', annotations: [] } },
    { type: 'image_file', image_file: { file_id: 'file-img', detail: 'low' } },
    { type: 'image_url', image_url: { url: 'https://example.com/a.png' } }
  ])
  t.same(message.attachments, [{ file_id: file.id, tools: [{ type: 'file_search' }] }])
  t.notOk('file_ids' in message)
  const plain = (await post(built, threadId, { role: 'user', content: 'Hi' }, V2)).json()
  t.same(plain.attachments, [], 'no attachments reads as []')
  const asV1 = (await built.call({ url: `/openai/threads/${threadId}/messages/${plain.id}` })).json()
  t.same(asV1.file_ids, [], 'a message reads back under the other generation')
  t.notOk('attachments' in asV1)
})

t.test('POST /threads/:id/messages rejects bad bodies per generation', async t => {
  const built = await build(t)
  const threadId = await newThread(built)
  const cases: Array<[string, unknown, ReturnType<typeof openAIError>]> = [
    [V1, { role: 'assistant', content: 'x' }, openAIError("Invalid value: 'assistant'. Supported values are: 'user'.", 'role', 'invalid_value')],
    [V2, { role: 'system', content: 'x' }, openAIError("Invalid value: 'system'. Supported values are: 'user' and 'assistant'.", 'role', 'invalid_value')],
    [V1, { role: 'user', content: [{ type: 'text', text: 'x' }] }, openAIError("Invalid type for 'content': expected a string, but got an array instead.", 'content', 'invalid_type')],
    [V1, { role: 'user', content: 'x', attachments: [] }, openAIError("Unknown parameter: 'attachments'.", 'attachments', 'unknown_parameter')],
    [V2, { role: 'user', content: 'x', file_ids: [] }, openAIError("Unknown parameter: 'file_ids'.", 'file_ids', 'unknown_parameter')],
    [V2, { role: 'user', content: [{ type: 'video', video: {} }] }, openAIError("Invalid value: 'video'. Supported values are: 'text', 'image_file', and 'image_url'.", 'content[0].type', 'invalid_value')],
    [V1, { role: 'user' }, openAIError("Missing required parameter: 'content'.", 'content', 'missing_required_parameter')],
    [V1, { content: 'x' }, openAIError("Missing required parameter: 'role'.", 'role', 'missing_required_parameter')]
  ]
  for (const [apiVersion, body, error] of cases) {
    const res = await post(built, threadId, body as Record<string, unknown>, apiVersion)
    t.equal(res.statusCode, 400, JSON.stringify(body))
    t.same(res.json(), error, JSON.stringify(body))
  }
  const missing = await post(built, 'thread_nope', { role: 'user', content: 'x' })
  t.equal(missing.statusCode, 404)
  t.same(missing.json(), openAIError("No thread found with id 'thread_nope'."))
})

t.test('GET /threads/:id/messages lists newest first and pages', async t => {
  const built = await build(t)
  const threadId = await newThread(built)
  for (let i = 0; i < 25; i++) {
    await post(built, threadId, { role: 'user', content: `m${i}` })
    built.clock.advance(1000)
  }
  const first = (await built.call({ url: `/openai/threads/${threadId}/messages` })).json()
  t.equal(first.object, 'list')
  t.equal(first.data.length, 20)
  t.equal(texts(first)[0], 'm24')
  t.equal(first.has_more, true)
  const rest = (await built.call({ url: `/openai/threads/${threadId}/messages?after=${first.last_id}` })).json()
  t.same(texts(rest), ['m4', 'm3', 'm2', 'm1', 'm0'])
  t.equal(rest.has_more, false)

  const asc = (await built.call({ url: `/openai/threads/${threadId}/messages?order=asc&limit=3`, apiVersion: V2 })).json()
  t.same(texts(asc), ['m0', 'm1', 'm2'])
  t.ok('attachments' in asc.data[0], 'items in the v2 shape')
  const before = (await built.call({ url: `/openai/threads/${threadId}/messages?order=asc&limit=2&before=${asc.last_id}` })).json()
  t.same(texts(before), ['m0', 'm1'])

  // Every item exactly once, walking as the SDKs do.
  const seen: string[] = []
  let after = ''
  for (;;) {
    const page = (await built.call({ url: `/openai/threads/${threadId}/messages?order=asc&limit=7${after}` })).json()
    seen.push(...texts(page))
    if (!page.has_more) break
    after = `&after=${page.last_id}`
  }
  t.same(seen, Array.from({ length: 25 }, (_, i) => `m${i}`))
})

t.test('GET /threads/:id/messages rejects bad list parameters', async t => {
  const built = await build(t)
  const threadId = await newThread(built)
  const url = `/openai/threads/${threadId}/messages`
  const cases: Array<[string, ReturnType<typeof openAIError>]> = [
    ['limit=0', openAIError("Invalid 'limit': integer below minimum value. Expected a value >= 1, but got 0 instead.", 'limit', 'integer_below_min_value')],
    ['limit=101', openAIError("Invalid 'limit': integer above maximum value. Expected a value <= 100, but got 101 instead.", 'limit', 'integer_above_max_value')],
    ['limit=abc', openAIError("Invalid type for 'limit': expected an integer, but got a string instead.", 'limit', 'invalid_type')],
    ['order=up', openAIError("Invalid value: 'up'. Supported values are: 'asc' and 'desc'.", 'order', 'invalid_value')]
  ]
  for (const [query, error] of cases) {
    const res = await built.call({ url: `${url}?${query}`, apiVersion: V2 })
    t.equal(res.statusCode, 400, query)
    t.same(res.json(), error, query)
  }
  const unknownCursor = await built.call({ url: `${url}?after=msg_nope&whatever=1` })
  t.equal(unknownCursor.statusCode, 200)
  t.same(unknownCursor.json(), { object: 'list', data: [], first_id: null, last_id: null, has_more: false })
  const missing = await built.call({ url: '/openai/threads/thread_nope/messages' })
  t.equal(missing.statusCode, 404)
  t.same(missing.json(), openAIError("No thread found with id 'thread_nope'."))
})

t.test('GET /threads/:id/messages/:message_id retrieves; unknown ids are 404', async t => {
  const built = await build(t)
  const threadId = await newThread(built)
  const otherThreadId = await newThread(built)
  const message = (await post(built, threadId, { role: 'user', content: 'Hello' })).json()
  const res = await built.call({ url: `/openai/threads/${threadId}/messages/${message.id}` })
  t.equal(res.statusCode, 200)
  t.same(res.json(), message)

  const unknown = await built.call({ url: `/openai/threads/${threadId}/messages/msg_nope` })
  t.equal(unknown.statusCode, 404)
  t.same(unknown.json(), openAIError("No message found with id 'msg_nope'."))
  const elsewhere = await built.call({ url: `/openai/threads/${otherThreadId}/messages/${message.id}` })
  t.equal(elsewhere.statusCode, 404, 'a message is only found under its own thread')
  t.same(elsewhere.json(), openAIError(`No message found with id '${message.id}'.`))
  const noThread = await built.call({ url: `/openai/threads/thread_nope/messages/${message.id}` })
  t.same(noThread.json(), openAIError("No thread found with id 'thread_nope'."))
})

t.test('POST /threads/:id/messages/:message_id changes metadata only', async t => {
  const built = await build(t)
  const threadId = await newThread(built)
  const message = (await post(built, threadId, { role: 'user', content: 'Hello', metadata: { a: '1' } })).json()
  const url = `/openai/threads/${threadId}/messages/${message.id}`
  const changed = await built.call({ method: 'POST', url, body: { metadata: { b: '2' } } })
  t.equal(changed.statusCode, 200)
  t.same(changed.json(), { ...message, metadata: { b: '2' } })
  t.same((await built.call({ url })).json().metadata, { b: '2' })
  t.same((await built.call({ method: 'POST', url, body: {} })).json().metadata, { b: '2' }, 'an empty body changes nothing')
  t.same((await built.call({ method: 'POST', url, body: { metadata: null }, apiVersion: V2 })).json().metadata, {})

  const content = await built.call({ method: 'POST', url, body: { content: 'changed' } })
  t.equal(content.statusCode, 400)
  t.same(content.json(), openAIError("Unknown parameter: 'content'.", 'content', 'unknown_parameter'))
  const long = await built.call({ method: 'POST', url, body: { metadata: { k: 'x'.repeat(513) } } })
  t.same(long.json(), openAIError("Invalid 'metadata.k': string too long. Expected a string with maximum length 512, but got a string with length 513 instead.", 'metadata.k', 'string_above_max_length'))
  const unknown = await built.call({ method: 'POST', url: `/openai/threads/${threadId}/messages/msg_nope`, body: { metadata: {} } })
  t.equal(unknown.statusCode, 404)
  t.same(unknown.json(), openAIError("No message found with id 'msg_nope'."))
})

t.test('DELETE /threads/:id/messages/:message_id exists from 2024-05-01-preview on', async t => {
  const built = await build(t)
  const threadId = await newThread(built)
  const kept = (await post(built, threadId, { role: 'user', content: 'keep' })).json()
  const message = (await post(built, threadId, { role: 'user', content: 'drop' })).json()
  const url = `/openai/threads/${threadId}/messages/${message.id}`

  const v1 = await built.call({ method: 'DELETE', url, apiVersion: V1 })
  t.equal(v1.statusCode, 404)
  t.equal(v1.body, '{"error":{"code":"404","message": "Resource not found"}}', 'v1 has no such route: the Azure gateway 404')
  t.equal((await built.call({ url })).statusCode, 200, 'and the message is still there')

  const res = await built.call({ method: 'DELETE', url, apiVersion: V2 })
  t.equal(res.statusCode, 200)
  t.same(res.json(), { id: message.id, object: 'thread.message.deleted', deleted: true })
  const gone = await built.call({ url, apiVersion: V2 })
  t.equal(gone.statusCode, 404)
  t.same(gone.json(), openAIError(`No message found with id '${message.id}'.`))
  t.same((await built.call({ url: `/openai/threads/${threadId}/messages` })).json().data.map((m: { id: string }) => m.id), [kept.id])
  const again = await built.call({ method: 'DELETE', url, apiVersion: V2 })
  t.equal(again.statusCode, 404)
  t.same(again.json(), openAIError(`No message found with id '${message.id}'.`))
  const noThread = await built.call({ method: 'DELETE', url: `/openai/threads/thread_nope/messages/${message.id}`, apiVersion: V2 })
  t.same(noThread.json(), openAIError("No thread found with id 'thread_nope'."))
})

t.test('a thread with an active run refuses new messages until the run has finished', async t => {
  const built = await build(t)
  const { assistantId, threadId } = await seedAssistantAndThread(built, V2)
  const run = (await built.call({ method: 'POST', url: `/openai/threads/${threadId}/runs`, body: { assistant_id: assistantId }, apiVersion: V2 })).json()
  t.equal(run.status, 'queued')
  const locked = openAIError(`Can't add messages to ${threadId} while a run ${run.id} is active.`)

  const queued = await post(built, threadId, { role: 'user', content: 'too soon' }, V2)
  t.equal(queued.statusCode, 400)
  t.same(queued.json(), locked)
  built.clock.advance(1000) // in_progress with the default timings (500 ms queued, 1500 ms in progress)
  const inProgress = await post(built, threadId, { role: 'user', content: 'still too soon' })
  t.equal(inProgress.statusCode, 400)
  t.same(inProgress.json(), locked)

  // Reads are allowed while it runs, and show the reply as far as it has been written, in progress.
  const during = (await built.call({ url: `/openai/threads/${threadId}/messages`, apiVersion: V2 })).json()
  t.same(texts(during), ['You said: "Hello there". This', 'Hello there'])
  t.match(during.data[0], { status: 'in_progress', completed_at: null, role: 'assistant', run_id: run.id })

  built.clock.advance(1500) // past completion; nothing has read the run since
  const after = await post(built, threadId, { role: 'user', content: 'Thanks' }, V2)
  t.equal(after.statusCode, 200)

  const list = (await built.call({ url: `/openai/threads/${threadId}/messages?order=asc`, apiVersion: V2 })).json()
  t.same(list.data.map((m: { role: string }) => m.role), ['user', 'assistant', 'user'])
  const reply = list.data[1]
  t.match(reply, { object: 'thread.message', role: 'assistant', assistant_id: assistantId, run_id: run.id, thread_id: threadId, attachments: [] })
  t.match(reply.content, [{ type: 'text', text: { annotations: [] } }])
  t.ok(reply.content[0].text.value.length > 0, 'the reply has text')

  const byRun = (await built.call({ url: `/openai/threads/${threadId}/messages?run_id=${run.id}`, apiVersion: V2 })).json()
  t.same(byRun.data.map((m: { id: string }) => m.id), [reply.id], 'run_id filters to the run\'s messages')
  const noRun = (await built.call({ url: `/openai/threads/${threadId}/messages?run_id=run_nope`, apiVersion: V2 })).json()
  t.same(noRun.data, [])
  const v1 = (await built.call({ url: `/openai/threads/${threadId}/messages?run_id=${run.id}`, apiVersion: V1 })).json()
  t.equal(v1.data.length, 3, 'before 2024-05-01-preview run_id is an unknown query parameter, ignored')
  t.same(v1.data[1].file_ids, [])
})

t.test('every messages read settles a finished run first', async t => {
  const built = await build(t)
  const { assistantId, threadId } = await seedAssistantAndThread(built)
  const run = (await built.call({ method: 'POST', url: `/openai/threads/${threadId}/runs`, body: { assistant_id: assistantId } })).json()
  built.clock.advance(60_000)
  const reply = (await built.call({ url: `/openai/threads/${threadId}/messages?limit=1` })).json().data[0]
  t.match(reply, { role: 'assistant', run_id: run.id, assistant_id: assistantId })
  t.same((await built.call({ url: `/openai/threads/${threadId}/messages/${reply.id}` })).json(), reply)
  t.equal((await built.call({ url: `/openai/threads/${threadId}/messages` })).json().data.length, 2, 'settling twice writes one reply')
})
