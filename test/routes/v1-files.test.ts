/**
 * The v1 file sub-resources: assistant files (attach, list, retrieve, detach) and message files, served from
 * 2024-02-15-preview to 2024-04-01-preview only.
 */
import t, { type Test } from 'tap'
import type { ResponseInspector } from '../../src/app.js'
import { contractProblem } from '../contract/inspect.js'
import { build, openAIError, seedAssistantAndThread, uploadFile, API_KEY, V1, V2, type Built } from '../helper.js'

const RESOURCE_NOT_FOUND = '{"error":{"code":"404","message": "Resource not found"}}'

/**
 * The contract check of test/helper.ts, except for the v1 file sub-resources' successes: neither Azure document
 * in shared/spec describes them (the 2024-02-15-preview one lacks them; OpenAI dropped them before its
 * 2024-06-20 document), so their bodies are checked here against OpenAI's 2024-03 shapes instead.
 */
function inspector (t: Test): ResponseInspector {
  return (request, reply, payload) => {
    const path = request.url.split('?')[0] ?? ''
    if (reply.statusCode < 400 && /\/(assistants|messages)\/[^/]+\/files(\/|$)/.test(path)) return
    const problem = contractProblem(request, reply, payload)
    if (problem !== undefined) t.fail(`response contract: ${problem}`)
  }
}

const setup = (t: Test) => build(t, {}, { inspectResponse: inspector(t) })

const attach = (built: Built, assistantId: string, fileId: string, apiVersion = V1) =>
  built.call({ method: 'POST', url: `/openai/assistants/${assistantId}/files`, body: { file_id: fileId }, apiVersion })

t.test('assistant files: attach, list, retrieve, detach', async t => {
  const built = await setup(t)
  const first = await uploadFile(built, 'a', 'a.txt', V1)
  const { assistantId } = await seedAssistantAndThread(built)
  const createdAt = Math.floor(built.clock.now() / 1000)
  built.clock.advance(5000)

  const res = await attach(built, assistantId, first.id)
  t.equal(res.statusCode, 200)
  t.same(res.json(), { id: first.id, object: 'assistant.file', created_at: createdAt + 5, assistant_id: assistantId })
  t.same((await attach(built, assistantId, first.id)).json(), res.json(), 'attaching again changes nothing')
  t.same((await built.call({ url: `/openai/assistants/${assistantId}` })).json().file_ids, [first.id], 'file_ids shows it')

  const second = await uploadFile(built, 'b', 'b.txt', V1)
  built.clock.advance(1000)
  await attach(built, assistantId, second.id)
  const list = (await built.call({ url: `/openai/assistants/${assistantId}/files` })).json()
  t.same(list.data.map((f: { id: string }) => f.id), [second.id, first.id], 'newest first')
  t.match(list, { object: 'list', first_id: second.id, last_id: first.id, has_more: false })
  const page = (await built.call({ url: `/openai/assistants/${assistantId}/files?order=asc&limit=1` })).json()
  t.same(page.data.map((f: { id: string }) => f.id), [first.id])
  t.equal(page.has_more, true)

  t.same((await built.call({ url: `/openai/assistants/${assistantId}/files/${first.id}` })).json(), res.json())

  // A modify keeps when each file was attached.
  await built.call({ method: 'POST', url: `/openai/assistants/${assistantId}`, body: { name: 'renamed' } })
  t.same((await built.call({ url: `/openai/assistants/${assistantId}/files/${first.id}` })).json(), res.json())

  const detached = await built.call({ method: 'DELETE', url: `/openai/assistants/${assistantId}/files/${first.id}` })
  t.same(detached.json(), { id: first.id, object: 'assistant.file.deleted', deleted: true })
  t.same((await built.call({ url: `/openai/assistants/${assistantId}` })).json().file_ids, [second.id])
  t.equal((await built.call({ url: `/openai/files/${first.id}`, apiVersion: V1 })).statusCode, 200, 'the uploaded file stays')

  const gone = await built.call({ url: `/openai/assistants/${assistantId}/files/${first.id}` })
  t.equal(gone.statusCode, 404)
  t.same(gone.json(), openAIError(`No file found with id '${first.id}'.`))
  t.same((await built.call({ method: 'DELETE', url: `/openai/assistants/${assistantId}/files/${first.id}` })).json(), gone.json())
})

t.test('files named at creation are assistant files from the assistant\'s creation', async t => {
  const built = await setup(t)
  const file = await uploadFile(built, 'a', 'a.txt', V1)
  const assistant = (await built.call({ method: 'POST', url: '/openai/assistants', body: { model: 'gpt-4o', file_ids: [file.id] } })).json()
  built.clock.advance(3000)
  t.same((await built.call({ url: `/openai/assistants/${assistant.id}/files` })).json().data,
    [{ id: file.id, object: 'assistant.file', created_at: assistant.created_at, assistant_id: assistant.id }])
})

t.test('assistant file errors', async t => {
  const built = await setup(t)
  const file = await uploadFile(built, 'a', 'a.txt', V1)
  const { assistantId } = await seedAssistantAndThread(built)

  const unknownFile = await attach(built, assistantId, 'assistant-nope')
  t.equal(unknownFile.statusCode, 404)
  t.same(unknownFile.json(), openAIError('Files [assistant-nope] were not found', 'file_id'))
  const unknownAssistant = openAIError("No assistant found with id 'asst_nope'.")
  t.same((await attach(built, 'asst_nope', file.id)).json(), unknownAssistant)
  t.same((await built.call({ url: '/openai/assistants/asst_nope/files' })).json(), unknownAssistant)
  t.same((await built.call({ url: `/openai/assistants/asst_nope/files/${file.id}` })).json(), unknownAssistant)
  t.same((await built.call({ method: 'DELETE', url: `/openai/assistants/asst_nope/files/${file.id}` })).json(), unknownAssistant)

  const missing = await built.call({ method: 'POST', url: `/openai/assistants/${assistantId}/files`, body: {} })
  t.same(missing.json(), openAIError("Missing required parameter: 'file_id'.", 'file_id', 'missing_required_parameter'))
  const extra = await built.call({ method: 'POST', url: `/openai/assistants/${assistantId}/files`, body: { file_id: file.id, x: 1 } })
  t.same(extra.json(), openAIError("Unknown parameter: 'x'.", 'x', 'unknown_parameter'))

  for (let i = 0; i < 20; i++) {
    const more = await uploadFile(built, `${i}`, `${i}.txt`, V1)
    t.equal((await attach(built, assistantId, more.id)).statusCode, 200)
  }
  const tooMany = await attach(built, assistantId, file.id)
  t.equal(tooMany.statusCode, 400)
  t.same(tooMany.json(), openAIError("Invalid 'file_ids': an assistant can have at most 20 files attached.", 'file_ids', 'array_above_max_length'))
})

t.test('message files: list and retrieve', async t => {
  const built = await setup(t)
  const a = await uploadFile(built, 'a', 'a.txt', V1)
  const b = await uploadFile(built, 'b', 'b.txt', V1)
  const { threadId } = await seedAssistantAndThread(built)
  const message = (await built.call({ method: 'POST', url: `/openai/threads/${threadId}/messages`, body: { role: 'user', content: 'see files', file_ids: [a.id, b.id] } })).json()
  const base = `/openai/threads/${threadId}/messages/${message.id}/files`

  const list = await built.call({ url: base })
  t.equal(list.statusCode, 200)
  const item = (id: string) => ({ id, object: 'thread.message.file', created_at: message.created_at, message_id: message.id })
  t.same(list.json(), { object: 'list', data: [item(b.id), item(a.id)], first_id: b.id, last_id: a.id, has_more: false })
  t.same((await built.call({ url: `${base}?order=asc` })).json().data, [item(a.id), item(b.id)])
  t.same((await built.call({ url: `${base}/${a.id}` })).json(), item(a.id))

  const notThere = await built.call({ url: `${base}/assistant-nope` })
  t.equal(notThere.statusCode, 404)
  t.same(notThere.json(), openAIError("No file found with id 'assistant-nope'."))
  t.same((await built.call({ url: `/openai/threads/${threadId}/messages/msg_nope/files` })).json(), openAIError("No message found with id 'msg_nope'."))
  t.same((await built.call({ url: `/openai/threads/thread_nope/messages/${message.id}/files/${a.id}` })).json(), openAIError("No thread found with id 'thread_nope'."))

  const plain = (await built.call({ method: 'POST', url: `/openai/threads/${threadId}/messages`, body: { role: 'user', content: 'none' } })).json()
  t.same((await built.call({ url: `/openai/threads/${threadId}/messages/${plain.id}/files` })).json().data, [])
})

t.test('2024-05-01-preview and later answer Azure\'s 404; the OpenAI flavour its Invalid URL', async t => {
  const built = await setup(t)
  const file = await uploadFile(built, 'a', 'a.txt', V1)
  const { assistantId, threadId } = await seedAssistantAndThread(built)
  const message = (await built.call({ url: `/openai/threads/${threadId}/messages` })).json().data[0]
  const paths: Array<['GET' | 'POST' | 'DELETE', string, unknown]> = [
    ['POST', `/assistants/${assistantId}/files`, { file_id: file.id, bad: 1 }],
    ['GET', `/assistants/${assistantId}/files`, undefined],
    ['GET', `/assistants/${assistantId}/files/${file.id}`, undefined],
    ['DELETE', `/assistants/${assistantId}/files/${file.id}`, undefined],
    ['GET', `/threads/${threadId}/messages/${message.id}/files`, undefined],
    ['GET', `/threads/${threadId}/messages/${message.id}/files/${file.id}`, undefined]
  ]
  for (const [method, path, body] of paths) {
    for (const apiVersion of [V2, '2024-10-01-preview']) {
      const res = await built.call({ method, url: `/openai${path}`, body, apiVersion })
      t.equal(res.statusCode, 404, `${method} ${path} ${apiVersion}`)
      t.equal(res.body, RESOURCE_NOT_FOUND)
    }
    const openai = await built.app.inject({
      method,
      url: `/v1${path}`,
      headers: { authorization: `Bearer ${API_KEY}`, 'openai-beta': 'assistants=v2' },
      ...(body === undefined ? {} : { payload: body as Record<string, unknown> })
    })
    t.equal(openai.statusCode, 404)
    t.same(openai.json(), openAIError(`Invalid URL (${method} /v1${path})`))
  }
  t.equal((await built.call({ url: `/openai/assistants/${assistantId}/files` })).statusCode, 200, 'still there under v1')
})
