/**
 * One happy path through every documented operation, per flavour and generation, so that every kind of
 * success body (not only errors) passes through the contract inspector that build() installs.
 */
import t from 'tap'
import { API_KEY, build, multipart, V1, V2, type Built } from '../helper.js'

type Flavour = 'azure-v1' | 'azure-v2' | 'openai'

function client (built: Built, flavour: Flavour) {
  return async (method: 'GET' | 'POST' | 'DELETE', path: string, body?: unknown, headers: Record<string, string> = {}) => {
    const res = flavour === 'openai'
      ? await built.app.inject({
        method,
        url: `/v1${path}`,
        headers: { authorization: `Bearer ${API_KEY}`, 'openai-beta': 'assistants=v2', ...headers },
        ...(body === undefined ? {} : { payload: body as string })
      })
      : await built.call({ method, url: `/openai${path}`, apiVersion: flavour === 'azure-v1' ? V1 : V2, body, headers })
    if (res.statusCode !== 200) throw new Error(`${method} ${path} (${flavour}) → ${res.statusCode} ${res.body}`)
    return res.headers['content-type']?.toString().startsWith('application/json') ? res.json() : res.body
  }
}

for (const flavour of ['azure-v1', 'azure-v2', 'openai'] as const) {
  t.test(`every operation, ${flavour}`, async t => {
    const built = await build(t, { queuedMs: 10, inProgressMs: 10, cancellingMs: 10 })
    const call = client(built, flavour)
    const v2 = flavour !== 'azure-v1'

    const form = multipart([{ name: 'purpose', value: 'assistants' }, { name: 'file', filename: 'notes.txt', content: 'hello' }])
    const file = await call('POST', '/files', form.body, form.headers)
    await call('GET', '/files')
    await call('GET', `/files/${file.id}`)
    await call('GET', `/files/${file.id}/content`)

    const assistant = await call('POST', '/assistants', {
      model: 'gpt-4o',
      name: 'a',
      tools: [{ type: 'code_interpreter' }, { type: 'function', function: { name: 'f', parameters: { type: 'object', properties: {} } } }],
      metadata: { k: 'v' }
    })
    await call('GET', '/assistants')
    await call('GET', `/assistants/${assistant.id}`)
    await call('POST', `/assistants/${assistant.id}`, { description: 'd' })

    const thread = await call('POST', '/threads', { messages: [{ role: 'user', content: 'Hi' }] })
    await call('GET', `/threads/${thread.id}`)
    await call('POST', `/threads/${thread.id}`, { metadata: { a: 'b' } })
    const message = await call('POST', `/threads/${thread.id}/messages`, { role: 'user', content: 'More' })
    await call('GET', `/threads/${thread.id}/messages`)
    await call('GET', `/threads/${thread.id}/messages/${message.id}`)
    await call('POST', `/threads/${thread.id}/messages/${message.id}`, { metadata: { a: 'b' } })
    if (v2) await call('DELETE', `/threads/${thread.id}/messages/${message.id}`)

    const run = await call('POST', `/threads/${thread.id}/runs`, { assistant_id: assistant.id })
    built.clock.advance(1000)
    await call('GET', `/threads/${thread.id}/runs`)
    await call('GET', `/threads/${thread.id}/runs/${run.id}`)
    await call('POST', `/threads/${thread.id}/runs/${run.id}`, { metadata: { a: 'b' } })
    const steps = await call('GET', `/threads/${thread.id}/runs/${run.id}/steps`)
    t.ok(steps.data.length > 0)
    await call('GET', `/threads/${thread.id}/runs/${run.id}/steps/${steps.data[0].id}`)
    await call('GET', `/threads/${thread.id}/messages`)

    const other = await call('POST', '/threads/runs', { assistant_id: assistant.id, thread: { messages: [{ role: 'user', content: 'x' }] } })
    await call('POST', `/threads/${other.thread_id}/runs/${other.id}/cancel`)
    built.clock.advance(1000)
    await call('GET', `/threads/${other.thread_id}/runs/${other.id}`)

    if (v2) {
      const store = await call('POST', '/vector_stores', { name: 'docs', file_ids: [file.id] })
      await call('GET', '/vector_stores')
      await call('GET', `/vector_stores/${store.id}`)
      await call('POST', `/vector_stores/${store.id}`, { name: 'renamed' })
      await call('GET', `/vector_stores/${store.id}/files`)
      await call('GET', `/vector_stores/${store.id}/files/${file.id}`)
      await call('DELETE', `/vector_stores/${store.id}/files/${file.id}`)
      await call('POST', `/vector_stores/${store.id}/files`, { file_id: file.id })
      const batch = await call('POST', `/vector_stores/${store.id}/file_batches`, { file_ids: [file.id] })
      await call('GET', `/vector_stores/${store.id}/file_batches/${batch.id}`)
      await call('GET', `/vector_stores/${store.id}/file_batches/${batch.id}/files`)
      await call('POST', `/vector_stores/${store.id}/file_batches/${batch.id}/cancel`)
      built.clock.advance(60_000)
      await call('GET', `/vector_stores/${store.id}`)
      await call('DELETE', `/vector_stores/${store.id}`)
    }

    await call('DELETE', `/threads/${thread.id}`)
    await call('DELETE', `/assistants/${assistant.id}`)
    await call('DELETE', `/files/${file.id}`)
  })
}
