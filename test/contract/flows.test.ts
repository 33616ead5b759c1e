/**
 * One happy path through every documented operation, per flavour and generation — on Azure, once for every
 * served v2 api-version — so that every kind of success body (not only errors) passes through the contract
 * inspector that build() installs, which checks it against that api-version's document (spec.ts docFor).
 */
import t from 'tap'
import { API_VERSIONS, compareApiVersions } from '../../src/api-versions.js'
import { API_KEY, build, multipart, V1, type Built } from '../helper.js'
import { docFor } from './spec.js'

type Flavour = 'azure-v1' | 'azure-v2' | 'openai'

/** Every Azure api-version served with v2 shapes, oldest first. */
const AZURE_V2_VERSIONS = [...API_VERSIONS.values()].filter(v => v.generation === 'v2').map(v => v.version)
  .sort(compareApiVersions)

const since = (version: string | undefined, first: string) => version === undefined || compareApiVersions(version, first) >= 0

function client (built: Built, flavour: Flavour, apiVersion = V1) {
  return async (method: 'GET' | 'POST' | 'DELETE', path: string, body?: unknown, headers: Record<string, string> = {}) => {
    const res = flavour === 'openai'
      ? await built.app.inject({
        method,
        url: `/v1${path}`,
        headers: { authorization: `Bearer ${API_KEY}`, 'openai-beta': 'assistants=v2', ...headers },
        ...(body === undefined ? {} : { payload: body as string })
      })
      : await built.call({ method, url: `/openai${path}`, apiVersion, body, headers })
    if (res.statusCode !== 200) throw new Error(`${method} ${path} (${flavour}) → ${res.statusCode} ${res.body}`)
    return res.headers['content-type']?.toString().startsWith('application/json') ? res.json() : res.body
  }
}

const FLOWS: ReadonlyArray<{ flavour: Flavour, apiVersion?: string }> = [
  { flavour: 'azure-v1', apiVersion: V1 },
  ...AZURE_V2_VERSIONS.map(apiVersion => ({ flavour: 'azure-v2' as const, apiVersion })),
  { flavour: 'openai' }
]

t.test('the Azure v2 flows cover every document, and each version maps to its nearest', async t => {
  t.ok(AZURE_V2_VERSIONS.length >= 10, AZURE_V2_VERSIONS.join(', '))
  const docs = new Set(AZURE_V2_VERSIONS.map(v => docFor('azure', 'v2', v)))
  t.same([...docs], ['azure-2024-05-01-preview', 'azure-2024-07-01-preview', 'azure-2024-09-01-preview'])
})

for (const { flavour, apiVersion } of FLOWS) {
  t.test(`every operation, ${flavour}${apiVersion === undefined || flavour === 'azure-v1' ? '' : ` ${apiVersion}`}`, async t => {
    const built = await build(t, { queuedMs: 10, inProgressMs: 10, cancellingMs: 10 })
    const call = client(built, flavour, apiVersion)
    const v2 = flavour !== 'azure-v1'
    // Fields the newer documents add (spec/SOURCES.md), sent where the api-version has them, so their echoes are checked too.
    const azure = flavour === 'openai' ? undefined : apiVersion
    const chunking = v2 && since(azure, '2024-07-01-preview')
    const strict = v2 && since(azure, '2024-08-01-preview')
    const searchEra = v2 && since(azure, '2024-10-01-preview')

    const form = multipart([{ name: 'purpose', value: 'assistants' }, { name: 'file', filename: 'notes.txt', content: 'hello' }])
    const file = await call('POST', '/files', form.body, form.headers)
    await call('GET', '/files')
    await call('GET', `/files/${file.id}`)
    await call('GET', `/files/${file.id}/content`)

    const assistant = await call('POST', '/assistants', {
      model: 'gpt-4o',
      name: 'a',
      tools: [
        { type: 'code_interpreter' },
        {
          type: 'function',
          function: { name: 'f', parameters: { type: 'object', properties: {}, additionalProperties: false, required: [] }, ...(strict ? { strict: true } : {}) }
        },
        ...(v2 ? [{ type: 'file_search', ...(chunking ? { file_search: { max_num_results: 7 } } : {}) }] : [])
      ],
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

    const run = await call('POST', `/threads/${thread.id}/runs`, { assistant_id: assistant.id, ...(v2 ? { parallel_tool_calls: false } : {}) })
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
      const store = await call('POST', '/vector_stores', {
        name: 'docs', file_ids: [file.id], ...(chunking ? { chunking_strategy: { type: 'auto' } } : {})
      })
      await call('GET', '/vector_stores')
      await call('GET', `/vector_stores/${store.id}`)
      await call('POST', `/vector_stores/${store.id}`, { name: 'renamed' })
      await call('GET', `/vector_stores/${store.id}/files`)
      await call('GET', `/vector_stores/${store.id}/files/${file.id}`)
      await call('DELETE', `/vector_stores/${store.id}/files/${file.id}`)
      const staticChunks = { type: 'static', static: { max_chunk_size_tokens: 200, chunk_overlap_tokens: 50 } }
      const added = await call('POST', `/vector_stores/${store.id}/files`, { file_id: file.id, ...(chunking ? { chunking_strategy: staticChunks } : {}) })
      if (chunking) t.same(added.chunking_strategy, staticChunks, 'the file shows its chunking strategy')
      else t.notOk('chunking_strategy' in added, 'no chunking_strategy before 2024-07-01-preview')
      const batch = await call('POST', `/vector_stores/${store.id}/file_batches`, {
        file_ids: [file.id], ...(chunking ? { chunking_strategy: { type: 'auto' } } : {})
      })
      await call('GET', `/vector_stores/${store.id}/file_batches/${batch.id}`)
      await call('GET', `/vector_stores/${store.id}/file_batches/${batch.id}/files`)
      await call('POST', `/vector_stores/${store.id}/file_batches/${batch.id}/cancel`)
      built.clock.advance(60_000)
      await call('GET', `/vector_stores/${store.id}`)
      if (searchEra) {
        await call('POST', `/vector_stores/${store.id}/search`, { query: 'hello' })
        await call('GET', `/vector_stores/${store.id}/files/${file.id}/content`)
      }
      await call('DELETE', `/vector_stores/${store.id}`)
    }

    await call('DELETE', `/threads/${thread.id}`)
    await call('DELETE', `/assistants/${assistant.id}`)
    await call('DELETE', `/files/${file.id}`)
  })
}
