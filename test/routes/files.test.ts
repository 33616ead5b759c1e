/** /files: multipart upload, list, retrieve, delete, content — and every way an upload can be malformed. */
import t from 'tap'
import { build, multipart, openAIError, uploadFile, API_KEY, V1, V2, type Built } from '../helper.js'

const ID = /^assistant-[A-Za-z0-9]{24}$/

async function post (built: Built, body: Buffer | string, headers: Record<string, string>, apiVersion = V2) {
  return built.call({ method: 'POST', url: '/openai/files', body, headers, apiVersion })
}

async function upload (built: Built, parts: Parameters<typeof multipart>[0], apiVersion = V2) {
  const form = multipart(parts)
  return post(built, form.body, form.headers, apiVersion)
}

t.test('POST /files uploads a file and answers Azure\'s OpenAIFile, in both generations', async t => {
  const built = await build(t)
  for (const apiVersion of [V1, V2]) {
    const res = await upload(built, [{ name: 'purpose', value: 'assistants' }, { name: 'file', filename: 'notes.txt', content: 'hello world' }], apiVersion)
    t.equal(res.statusCode, 200, apiVersion)
    const file = res.json()
    t.match(file.id, ID)
    t.same(file, {
      object: 'file',
      id: file.id,
      purpose: 'assistants',
      filename: 'notes.txt',
      bytes: 11,
      created_at: Math.floor(built.clock.now() / 1000),
      ...(apiVersion === V1 ? {} : { status: 'processed' })
    }, '2024-02-15-preview\'s OpenAIFile has no status')
  }
  const named = await upload(built, [
    { name: 'file', filename: 'x.bin', content: Buffer.from([0, 1, 2, 255]) },
    { name: 'purpose', value: 'fine-tune' },
    { name: 'filename', value: 'renamed.jsonl' }
  ])
  t.match(named.json(), { filename: 'renamed.jsonl', purpose: 'fine-tune', bytes: 4 }, 'field order is free; `filename` overrides')
  const empty = await upload(built, [{ name: 'purpose', value: 'assistants' }, { name: 'file', filename: 'empty.txt', content: '' }])
  t.match(empty.json(), { bytes: 0, filename: 'empty.txt' }, 'an empty file is a file')
})

t.test('GET /files lists newest first, filters by purpose, and has no cursors (Azure FileListResponse)', async t => {
  const built = await build(t)
  t.same((await built.call({ url: '/openai/files', apiVersion: V2 })).json(), { object: 'list', data: [] })
  const a = await uploadFile(built, 'a', 'a.txt')
  built.clock.advance(1000)
  const b = (await upload(built, [{ name: 'purpose', value: 'batch' }, { name: 'file', filename: 'b.jsonl', content: '{}' }])).json()
  built.clock.advance(1000)
  const c = await uploadFile(built, 'c', 'c.txt')

  const all = (await built.call({ url: '/openai/files', apiVersion: V2 })).json()
  t.same(Object.keys(all), ['object', 'data'])
  t.same(all.data.map((f: { id: string }) => f.id), [c.id, b.id, a.id])
  const assistants = (await built.call({ url: '/openai/files?purpose=assistants', apiVersion: V2 })).json()
  t.same(assistants.data.map((f: { id: string }) => f.id), [c.id, a.id])
  const batch = (await built.call({ url: '/openai/files?purpose=batch', apiVersion: V2 })).json()
  t.same(batch.data.map((f: { id: string }) => f.id), [b.id])
  t.same((await built.call({ url: '/openai/files?purpose=vision', apiVersion: V2 })).json().data, [])

  const bad = await built.call({ url: '/openai/files?purpose=nope', apiVersion: V2 })
  t.equal(bad.statusCode, 400)
  t.same(bad.json(), openAIError("Invalid value: 'nope'. Supported values are: 'fine-tune', 'fine-tune-results', " +
    "'assistants', 'assistants_output', 'batch', 'batch_output', and 'vision'.", 'purpose', 'invalid_value'))
  const v1 = await built.call({ url: '/openai/files?purpose=batch', apiVersion: V1 })
  t.equal(v1.statusCode, 400, '2024-02-15-preview has no batch purpose')
  t.equal((await built.call({ url: '/openai/files?purpose=assistants_output', apiVersion: V1 })).statusCode, 200)
})

t.test('GET /files/:id, GET /files/:id/content and DELETE /files/:id', async t => {
  const built = await build(t)
  const bytes = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x00, 0xff, 0x10])
  const file = (await upload(built, [{ name: 'purpose', value: 'assistants' }, { name: 'file', filename: 'pic.png', content: bytes, contentType: 'image/png' }])).json()

  const got = await built.call({ url: `/openai/files/${file.id}`, apiVersion: V2 })
  t.equal(got.statusCode, 200)
  t.same(got.json(), file)
  const { status: _status, ...v1Shape } = file
  t.same((await built.call({ url: `/openai/files/${file.id}`, apiVersion: V1 })).json(), v1Shape, 'reads back under the other generation')

  const content = await built.call({ url: `/openai/files/${file.id}/content`, apiVersion: V2 })
  t.equal(content.statusCode, 200)
  t.equal(content.headers['content-type'], 'application/octet-stream')
  t.equal(content.headers['content-disposition'], 'attachment; filename="pic.png"')
  t.same(content.rawPayload, bytes, 'the bytes as uploaded')

  const deleted = await built.call({ method: 'DELETE', url: `/openai/files/${file.id}`, apiVersion: V2 })
  t.equal(deleted.statusCode, 200)
  t.same(deleted.json(), { id: file.id, object: 'file', deleted: true })

  const missing = openAIError(`No file found with id '${file.id}'.`)
  for (const [method, url] of [['GET', `/openai/files/${file.id}`], ['GET', `/openai/files/${file.id}/content`], ['DELETE', `/openai/files/${file.id}`]] as const) {
    const res = await built.call({ method, url, apiVersion: V2 })
    t.equal(res.statusCode, 404, `${method} ${url}`)
    t.same(res.json(), missing)
  }
  t.same((await built.call({ url: '/openai/files', apiVersion: V2 })).json().data, [])
})

t.test('POST /files rejects bad purposes per generation', async t => {
  const built = await build(t)
  const file = { name: 'file', filename: 'a.txt', content: 'x' }
  const nope = await upload(built, [{ name: 'purpose', value: 'nope' }, file])
  t.equal(nope.statusCode, 400)
  t.same(nope.json(), openAIError("Invalid value: 'nope'. Supported values are: 'assistants', 'batch', 'fine-tune', and 'vision'.",
    'purpose', 'invalid_value'))
  const output = await upload(built, [{ name: 'purpose', value: 'assistants_output' }, file])
  t.equal(output.statusCode, 400, 'output purposes are the service\'s own, never uploaded')
  const v1Batch = await upload(built, [{ name: 'purpose', value: 'batch' }, file], V1)
  t.same(v1Batch.json(), openAIError("Invalid value: 'batch'. Supported values are: 'assistants' and 'fine-tune'.", 'purpose', 'invalid_value'))
  for (const purpose of ['assistants', 'batch', 'fine-tune', 'vision']) {
    // Batch and fine-tuning files are JSON lines (issue 19: other files are refused, test/fidelity).
    const named = purpose === 'batch' || purpose === 'fine-tune' ? { ...file, filename: 'a.jsonl' } : file
    t.equal((await upload(built, [{ name: 'purpose', value: purpose }, named])).statusCode, 200, purpose)
  }
})

t.test('every malformed upload is a 400 in the OpenAI envelope', async t => {
  const built = await build(t)
  const file = { name: 'file', filename: 'a.txt', content: 'x' }
  const purpose = { name: 'purpose', value: 'assistants' }

  const noPurpose = await upload(built, [file])
  t.equal(noPurpose.statusCode, 400)
  t.same(noPurpose.json(), openAIError("Missing required parameter: 'purpose'.", 'purpose', 'missing_required_parameter'))

  const noFile = await upload(built, [purpose])
  t.same(noFile.json(), openAIError("Missing required parameter: 'file'.", 'file', 'missing_required_parameter'))

  const fileAsField = await upload(built, [purpose, { name: 'file', value: 'not a file part' }])
  t.same(fileAsField.json(), openAIError("Unknown parameter: 'file'.", 'file', 'unknown_parameter'), 'a plain field named file')

  const unknownField = await upload(built, [purpose, { name: 'colour', value: 'red' }, file])
  t.same(unknownField.json(), openAIError("Unknown parameter: 'colour'.", 'colour', 'unknown_parameter'))

  const wrongFilePart = await upload(built, [purpose, { name: 'document', filename: 'a.txt', content: 'x' }])
  t.same(wrongFilePart.json(), openAIError("Unknown parameter: 'document'.", 'document', 'unknown_parameter'))

  const twoFiles = await upload(built, [purpose, file, file])
  t.equal(twoFiles.statusCode, 400)
  t.same(twoFiles.json(), openAIError('Only one file can be uploaded per request.', 'file', 'invalid_value'))

  const tooManyFields = await upload(built, Array.from({ length: 12 }, () => purpose))
  t.same(tooManyFields.json(), openAIError('The form has too many fields.'))

  const longPurpose = await upload(built, [{ name: 'purpose', value: 'x'.repeat(70 * 1024) }, file])
  t.same(longPurpose.json(), openAIError("Invalid 'purpose': value too long.", 'purpose', 'invalid_value'))

  const json = await built.call({ method: 'POST', url: '/openai/files', body: { purpose: 'assistants' }, apiVersion: V2 })
  t.equal(json.statusCode, 400)
  t.same(json.json(), openAIError('Invalid Content-Type header (application/json): this endpoint expects multipart/form-data ' +
    "with the fields 'purpose' and 'file'."))

  const text = await post(built, 'purpose=assistants', { 'content-type': 'text/plain' })
  t.equal(text.statusCode, 400, 'a type no parser takes')
  t.equal(text.json().error.type, 'invalid_request_error')

  const noBoundary = await post(built, 'whatever', { 'content-type': 'multipart/form-data' })
  t.equal(noBoundary.statusCode, 400)
  t.match(noBoundary.json().error.message, /^The multipart\/form-data body could not be parsed: /)

  const form = multipart([purpose, file])
  const truncated = await post(built, form.body.subarray(0, form.body.length - 30), form.headers)
  t.equal(truncated.statusCode, 400, 'a body cut short')
  t.equal(truncated.json().error.type, 'invalid_request_error')

  const garbage = await post(built, 'not multipart at all', { 'content-type': 'multipart/form-data; boundary=xyz' })
  t.equal(garbage.statusCode, 400, 'no parts at all: purpose is missing')

  t.same((await built.call({ url: '/openai/files', apiVersion: V2 })).json().data, [], 'nothing was stored')
})

t.test('uploads over --max-upload-bytes are a 413; multipart is only for /files', async t => {
  const built = await build(t, { maxUploadBytes: 10 })
  const purpose = { name: 'purpose', value: 'assistants' }
  const atLimit = await upload(built, [purpose, { name: 'file', filename: 'a.txt', content: 'x'.repeat(10) }])
  t.equal(atLimit.statusCode, 200, 'exactly the limit is fine')
  const over = await upload(built, [purpose, { name: 'file', filename: 'a.txt', content: 'x'.repeat(11) }])
  t.equal(over.statusCode, 413)
  t.same(over.json(), openAIError('File is too large. The maximum upload size is 10 bytes.', 'file', 'file_too_large'))
  t.equal((await built.call({ url: '/openai/files', apiVersion: V2 })).json().data.length, 1)

  const form = multipart([{ name: 'model', value: 'gpt-4o' }])
  const elsewhere = await built.call({ method: 'POST', url: '/openai/assistants', body: form.body, headers: form.headers, apiVersion: V2 })
  t.equal(elsewhere.statusCode, 400, 'other routes still refuse multipart bodies')
  t.match(elsewhere.json().error.message, /^Unsupported content type: 'multipart\/form-data/)
})

t.test('the gate applies: api-version and key', async t => {
  const built = await build(t, { apiKeys: [API_KEY] })
  const noVersion = await built.call({ url: '/openai/files', apiVersion: null })
  t.equal(noVersion.statusCode, 404)
  t.equal(noVersion.body, '{"error":{"code":"404","message": "Resource not found"}}')
  const badKey = await built.call({ url: '/openai/files', apiVersion: V2, headers: { 'api-key': 'wrong' } })
  t.equal(badKey.statusCode, 401)
})

t.test('the OpenAI flavour (/v1) serves the same files with file- ids', async t => {
  const built = await build(t)
  const form = multipart([{ name: 'purpose', value: 'assistants' }, { name: 'file', filename: 'a.txt', content: 'hi' }])
  const headers = { authorization: `Bearer ${API_KEY}` }
  const res = await built.app.inject({ method: 'POST', url: '/v1/files', payload: form.body, headers: { ...headers, ...form.headers } })
  t.equal(res.statusCode, 200)
  const file = res.json()
  t.match(file.id, /^file-[A-Za-z0-9]{24}$/)
  const list = await built.app.inject({ url: '/v1/files', headers })
  t.same(list.json(), { object: 'list', data: [file] })
  const viaAzure = await built.call({ url: `/openai/files/${file.id}`, apiVersion: V2 })
  t.same(viaAzure.json(), file, 'one store behind both flavours')
})
