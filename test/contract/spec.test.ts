/**
 * The contract validator itself: documents load with every exception applying, closed objects, generations,
 * discriminated unions, nullable conventions and the error envelopes per flavour.
 */
import t from 'tap'
import { CONVENTIONS, DOCUMENT_PATCHES, BORROWED_OPERATIONS } from './exceptions.js'
import { checkResponse, DOC_IDS, docFor, findOperation, loadDocument, operationsOf, type DocId, type ResponseToCheck } from './spec.js'

const assistant = {
  id: 'asst_1',
  object: 'assistant',
  created_at: 1,
  name: null,
  description: null,
  model: 'gpt-4o',
  instructions: null,
  tools: [{ type: 'function', function: { name: 'f', parameters: { type: 'object' } } }],
  metadata: {}
}
const v1Assistant = { ...assistant, file_ids: [] }
const v2Assistant = { ...assistant, tool_resources: {}, temperature: 1, top_p: 1, response_format: 'auto' }

const check = (over: Partial<ResponseToCheck>) => checkResponse({
  flavour: 'azure', generation: 'v2', method: 'GET', path: '/assistants/asst_1', status: 200, body: v2Assistant, ...over
})

t.test('documents load and every exception still applies', async t => {
  for (const id of DOC_IDS) t.ok(loadDocument(id).paths, id)
  t.ok(DOCUMENT_PATCHES.every(p => p.reason.length > 40), 'every patch says why')
  t.ok(BORROWED_OPERATIONS.every(b => findOperation(b.from, b.method, b.path) !== undefined), 'borrowed operations exist where borrowed from')
  t.ok(CONVENTIONS.length >= 3)
  t.equal(operationsOf('openai-2024-06-20').filter(op => op.path.startsWith('/chat')).length, 0, 'only Assistants-related OpenAI paths')
  t.equal(docFor('azure', 'v1'), 'azure-2024-02-15-preview')
  t.equal(docFor('azure', 'v2'), 'azure-2024-05-01-preview')
  const mapping = {
    '2024-05-01-preview': 'azure-2024-05-01-preview',
    '2024-07-01-preview': 'azure-2024-07-01-preview',
    '2024-08-01-preview': 'azure-2024-07-01-preview',
    '2024-09-01-preview': 'azure-2024-09-01-preview',
    '2024-10-01-preview': 'azure-2024-09-01-preview',
    '2025-04-01-preview': 'azure-2024-09-01-preview'
  }
  for (const [version, doc] of Object.entries(mapping)) t.equal(docFor('azure', 'v2', version), doc, version)
  t.equal(docFor('azure', 'v1', '2024-04-01-preview'), 'azure-2024-02-15-preview')
  t.equal(docFor('openai', 'v1'), 'openai-2024-06-20')
})

t.test('objects are closed and generations are told apart', async t => {
  t.match(check({}), { ok: true, doc: 'azure-2024-05-01-preview', template: '/assistants/{assistantId}' })
  t.match(check({ body: { ...v2Assistant, file_ids: [] } }), { ok: false, errors: [/unevaluated properties 'file_ids'/] })
  t.match(check({ generation: 'v1', body: v1Assistant }), { ok: true, doc: 'azure-2024-02-15-preview' })
  t.match(check({ generation: 'v1', body: v2Assistant }), { ok: false })
  const { model: _model, ...noModel } = v2Assistant
  t.match(check({ body: noModel }), { ok: false, errors: [/must have required property 'model'/] })
  t.match(check({ flavour: 'openai', path: '/assistants/asst_1', body: v2Assistant }), { ok: true, doc: 'openai-2024-06-20' })
})

t.test('discriminated unions dispatch to the derived definition', async t => {
  t.match(check({ body: { ...v2Assistant, tools: [{ type: 'function' }] } }), { ok: false }, 'function tool without function')
  t.match(check({ body: { ...v2Assistant, tools: [{ type: 'code_interpreter', extra: 1 }] } }), { ok: false, errors: [/'extra'/] })
  t.match(check({ body: { ...v2Assistant, tools: [{ type: 'file_search' }] } }), { ok: true })
  t.match(check({ generation: 'v1', body: { ...v1Assistant, tools: [{ type: 'retrieval' }] } }), { ok: true }, 'v1-retrieval-tool patch')
  t.match(check({ generation: 'v1', body: { ...v1Assistant, tools: [{ type: 'file_search' }] } }), { ok: true },
    'an unknown discriminator value only checks the base (the document lists no file_search in v1)')
})

t.test('run status, nullables and empty lists', async t => {
  const run = (status: string, generation: 'v1' | 'v2') => ({
    flavour: 'azure' as const,
    generation,
    method: 'GET',
    path: '/threads/thread_1/runs/run_1',
    status: 200,
    body: {
      id: 'run_1',
      object: 'thread.run',
      thread_id: 'thread_1',
      assistant_id: 'asst_1',
      status,
      required_action: null,
      last_error: null,
      model: 'gpt-4o',
      instructions: '',
      tools: [],
      created_at: 1,
      expires_at: null,
      started_at: null,
      completed_at: null,
      cancelled_at: null,
      failed_at: null,
      incomplete_details: null,
      usage: null,
      metadata: {},
      ...(generation === 'v1'
        ? { file_ids: [] }
        : {
            temperature: 1,
            top_p: 1,
            max_prompt_tokens: null,
            max_completion_tokens: null,
            truncation_strategy: { type: 'auto', last_messages: null },
            tool_choice: 'auto',
            response_format: 'auto'
          })
    }
  })
  t.match(checkResponse(run('incomplete', 'v2')), { ok: true }, 'run-status-incomplete patch')
  t.match(checkResponse(run('incomplete', 'v1')), { ok: false })
  t.match(checkResponse(run('bogus', 'v2')), { ok: false })
  t.match(checkResponse(run('queued', 'v1')), { ok: true })
  const v2Run = run('incomplete', 'v2')
  t.match(checkResponse({ ...v2Run, apiVersion: '2024-09-01-preview' }), { ok: false, errors: [/required property 'parallel_tool_calls'/] },
    '2024-09-01-preview requires parallel_tool_calls')
  for (const apiVersion of ['2024-07-01-preview', '2024-09-01-preview', '2025-01-01-preview']) {
    t.match(checkResponse({ ...v2Run, apiVersion, body: { ...v2Run.body, parallel_tool_calls: true } }), { ok: true }, apiVersion)
  }
  const list = { object: 'list', data: [], first_id: null, last_id: null, has_more: false }
  t.match(check({ path: '/assistants', body: list }), { ok: true }, 'empty-list-ids patch')
  t.match(check({ flavour: 'openai', path: '/assistants', body: list }), { ok: true })
  t.match(check({ path: '/assistants', body: { ...list, first_id: 3 } }), { ok: false })
})

t.test('error envelopes per flavour', async t => {
  const openai = { error: { message: 'No thread found.', type: 'invalid_request_error', param: null, code: null } }
  const gateway = { error: { code: '404', message: 'Resource not found' } }
  const token = { statusCode: 401, message: 'Unauthorized.' }
  for (const body of [openai, gateway, token]) t.match(check({ status: 404, body }), { ok: true })
  t.match(check({ flavour: 'openai', status: 404, body: openai }), { ok: true })
  t.match(check({ flavour: 'openai', status: 404, body: gateway }), { ok: false })
  t.match(check({ status: 400, body: { error: { message: 'x' } } }), { ok: false })
})

t.test('operations a document lacks are reported, or borrowed', async t => {
  t.match(check({ method: 'PUT', path: '/assistants' }), { ok: false, errors: [/not an operation of azure-2024-05-01-preview/] })
  const deleted = { id: 'msg_1', object: 'thread.message.deleted', deleted: true }
  t.match(check({ method: 'DELETE', path: '/threads/t/messages/m', body: deleted }), { ok: true, doc: 'openai-2024-06-20' })
  t.match(check({ generation: 'v1', method: 'DELETE', path: '/threads/t/messages/m', body: deleted }), { ok: false })
  t.equal(findOperation('azure-2024-05-01-preview', 'POST', '/threads/runs'), '/threads/runs', 'literal segments win')
})

t.test('each Azure v2 api-version is checked against its own document', async t => {
  const file = {
    id: 'assistant-1',
    object: 'vector_store.file',
    usage_bytes: 0,
    created_at: 1,
    vector_store_id: 'vs_1',
    status: 'completed',
    last_error: null
  }
  const chunked = { ...file, chunking_strategy: { type: 'static', static: { max_chunk_size_tokens: 800, chunk_overlap_tokens: 400 } } }
  const fileCheck = (apiVersion: string, body: unknown) => check({ apiVersion, path: '/vector_stores/vs_1/files/assistant-1', body })
  t.match(fileCheck('2024-05-01-preview', file), { ok: true, doc: 'azure-2024-05-01-preview' })
  t.match(fileCheck('2024-05-01-preview', chunked), { ok: false, errors: [/'chunking_strategy'/] })
  for (const version of ['2024-07-01-preview', '2024-08-01-preview', '2024-09-01-preview', '2025-04-01-preview']) {
    t.match(fileCheck(version, file), { ok: false, errors: [/required property 'chunking_strategy'/] }, `${version} requires chunking_strategy`)
    t.match(fileCheck(version, chunked), { ok: true }, version)
  }
  t.match(fileCheck('2024-07-01-preview', { ...chunked, chunking_strategy: { type: 'other' } }), { ok: true }, 'the "other" strategy')
  t.match(fileCheck('2024-07-01-preview', { ...chunked, chunking_strategy: { type: 'static', static: { max_chunk_size_tokens: 50, chunk_overlap_tokens: 0 } } }),
    { ok: false }, 'static sizes are bounded')

  const fileSearch = { ...v2Assistant, tools: [{ type: 'file_search', file_search: { max_num_results: 5 } }] }
  t.match(check({ apiVersion: '2024-05-01-preview', body: fileSearch }), { ok: false, errors: [/'file_search'/] })
  t.match(check({ apiVersion: '2024-07-01-preview', body: fileSearch }), { ok: true, doc: 'azure-2024-07-01-preview' })
  const strict = { ...v2Assistant, tools: [{ type: 'function', function: { name: 'f', parameters: { type: 'object' }, strict: true } }] }
  t.match(check({ apiVersion: '2024-05-01-preview', body: strict }), { ok: false, errors: [/'strict'/] }, 'strict only from 2024-08-01-preview')
  t.match(check({ apiVersion: '2024-08-01-preview', body: strict }), { ok: true }, 'function-strict patch')
  t.match(check({ apiVersion: '2024-09-01-preview', body: strict }), { ok: true })
})

t.test('the Azure v2 documents declare the same operations (one endpoint-matrix column)', async t => {
  const ops = (id: DocId) => operationsOf(id).map(op => `${op.method} ${op.path}`).sort()
  t.same(ops('azure-2024-07-01-preview'), ops('azure-2024-05-01-preview'))
  t.same(ops('azure-2024-09-01-preview'), ops('azure-2024-05-01-preview'))
})
