/**
 * End to end with the official `openai` package (AzureOpenAI, 2024-05-01-preview) over a real socket: files
 * (multipart upload, retrieve, content, list, delete), vector stores polled until ready, file batches, and an
 * assistant pointed at a vector store. Every response is also checked against the Azure document.
 */
import t, { type Test } from 'tap'
import { AzureOpenAI, BadRequestError, NotFoundError, toFile } from 'openai'
import { listen } from '../helper.js'

async function client (t: Test) {
  const emulator = await listen(t, { vectorStoreProcessingMs: 50, maxUploadBytes: 1024 })
  return new AzureOpenAI({ endpoint: emulator.endpoint, apiKey: emulator.apiKey, apiVersion: '2024-05-01-preview', maxRetries: 0 })
}

t.test('files: create, retrieve, content, list, delete', async t => {
  const openai = await client(t)
  const file = await openai.files.create({ file: await toFile(Buffer.from('hello'), 'a.txt'), purpose: 'assistants' })
  t.match(file, { object: 'file', purpose: 'assistants', filename: 'a.txt', bytes: 5, status: 'processed' })
  t.match(file.id, /^assistant-[A-Za-z0-9]{24}$/)
  t.same(await openai.files.retrieve(file.id), file)

  const content = await openai.files.content(file.id)
  t.equal(await content.text(), 'hello')

  const other = await openai.files.create({ file: await toFile(Buffer.from('{}\n'), 'b.jsonl'), purpose: 'batch' })
  const ids: string[] = []
  for await (const f of openai.files.list()) ids.push(f.id)
  t.same(ids, [other.id, file.id], 'auto-pagination ends: the Azure list has no has_more')
  const onlyBatch: string[] = []
  for await (const f of openai.files.list({ purpose: 'batch' })) onlyBatch.push(f.id)
  t.same(onlyBatch, [other.id])

  t.same(await openai.files.delete(file.id), { id: file.id, object: 'file', deleted: true })
  const err = await openai.files.retrieve(file.id).catch(e => e)
  t.type(err, NotFoundError)
  t.equal(err.error?.message, `No file found with id '${file.id}'.`)

  const tooBig = await openai.files.create({ file: await toFile(Buffer.alloc(2048), 'big.bin'), purpose: 'assistants' }).catch(e => e)
  t.equal(tooBig.status, 413)
  t.equal(tooBig.error?.code, 'file_too_large')
  const badPurpose = await openai.files.create({ file: await toFile(Buffer.from('x'), 'x.txt'), purpose: 'evals' as 'assistants' }).catch(e => e)
  t.type(badPurpose, BadRequestError)
  t.equal(badPurpose.param, 'purpose')
})

t.test('vector stores: create with file_ids, poll until completed, batches, assistant with file_search', async t => {
  const openai = await client(t)
  const a = await openai.files.create({ file: await toFile(Buffer.from('alpha'), 'a.txt'), purpose: 'assistants' })
  const b = await openai.files.create({ file: await toFile(Buffer.from('bravo!'), 'b.txt'), purpose: 'assistants' })

  let store = await openai.vectorStores.create({ name: 'docs', file_ids: [a.id] })
  t.match(store, { object: 'vector_store', name: 'docs', status: 'in_progress', file_counts: { in_progress: 1, total: 1 } })
  for (let i = 0; i < 100 && store.status === 'in_progress'; i++) {
    await new Promise(resolve => setTimeout(resolve, 20))
    store = await openai.vectorStores.retrieve(store.id)
  }
  t.match(store, { status: 'completed', usage_bytes: 5, file_counts: { in_progress: 0, completed: 1, total: 1 } })

  const batch = await openai.vectorStores.fileBatches.createAndPoll(store.id, { file_ids: [b.id] }, { pollIntervalMs: 20 })
  t.match(batch, { object: 'vector_store.files_batch', status: 'completed', file_counts: { completed: 1, total: 1 } })
  const files: string[] = []
  for await (const f of openai.vectorStores.files.list(store.id)) files.push(f.id)
  t.same(files, [b.id, a.id])
  const vsFile = await openai.vectorStores.files.retrieve(a.id, { vector_store_id: store.id })
  t.match(vsFile, { id: a.id, object: 'vector_store.file', status: 'completed', vector_store_id: store.id })

  const updated = await openai.vectorStores.update(store.id, { name: 'renamed', metadata: { k: 'v' } })
  t.match(updated, { name: 'renamed', metadata: { k: 'v' }, file_counts: { completed: 2, total: 2 } })

  const assistant = await openai.beta.assistants.create({
    model: 'gpt-4o', tools: [{ type: 'file_search' }], tool_resources: { file_search: { vector_store_ids: [store.id] } }
  })
  t.same(assistant.tool_resources, { file_search: { vector_store_ids: [store.id] } })
  const missing = await openai.beta.assistants.create({
    model: 'gpt-4o', tool_resources: { file_search: { vector_store_ids: ['vs_missing'] } }
  }).catch(e => e)
  t.type(missing, NotFoundError)
  t.equal(missing.error?.message, "No vector store found with id 'vs_missing'.")

  t.same(await openai.vectorStores.files.delete(a.id, { vector_store_id: store.id }), { id: a.id, object: 'vector_store.file.deleted', deleted: true })
  t.same(await openai.vectorStores.delete(store.id), { id: store.id, object: 'vector_store.deleted', deleted: true })
  const gone = await openai.vectorStores.retrieve(store.id).catch(e => e)
  t.type(gone, NotFoundError)
})
