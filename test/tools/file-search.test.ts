/** tools/file-search.ts: the search over a tenant's store, the run's scope, and the wire forms of a search. */
import t from 'tap'
import { createMemoryStore } from '../../src/store/memory-store.js'
import type { FileRecord, MessageRecord, VectorStoreFileRecord } from '../../src/store/records.js'
import { SearchIndexCache, searchIndexStats } from '../../src/services/vector-store-search.js'
import {
  assistantsSearchScope, defaultMaxNumResults, presentFileSearchToolCall, responsesFileSearchResults, searchFiles
} from '../../src/tools/file-search.js'

const NOW = 1_700_000_000_000

function storeWith (stores: Record<string, Array<[string, string, number?]>>) {
  const store = createMemoryStore()
  let n = 0
  for (const [vectorStoreId, files] of Object.entries(stores)) {
    store.vectorStores.put({ id: vectorStoreId, createdAt: 0, name: '', expiresAfter: null, lastActiveAt: 0, metadata: {} })
    for (const [filename, text, readyAt = 0] of files) {
      const file: FileRecord = { id: `file-${n++}`, createdAt: 0, filename, purpose: 'assistants', bytes: text.length, content: Buffer.from(text) }
      store.files.put(file)
      const entry: VectorStoreFileRecord = {
        id: file.id, vectorStoreId, createdAt: 0, readyAt, bytes: file.bytes, chunkingStrategy: { type: 'auto' }, batchId: null, cancelledAt: null
      }
      store.vectorStoreFiles.put(vectorStoreId, entry)
    }
  }
  return store
}

t.test('searches several vector stores and loose files, merges by score, keeps to max_num_results and the threshold', async t => {
  const store = storeWith({
    vs_a: [['tents.txt', 'Tents and tent pegs.'], ['later.txt', 'Tents still processing.', NOW + 1000]],
    vs_b: [['bags.txt', 'Sleeping bags and a tent.']]
  })
  store.files.put({ id: 'file-loose', createdAt: 0, filename: 'loose.txt', purpose: 'assistants', bytes: 12, content: Buffer.from('A tent note.') })
  const call = searchFiles(store, NOW, { vectorStoreIds: ['vs_a', 'vs_b', 'vs_missing', 'vs_a'], fileIds: ['file-loose', 'file-gone'] }, { queries: ['tent'], maxNumResults: 10 })
  t.same(call.queries, ['tent'])
  t.equal(call.ranker, 'default_2024_08_21')
  t.equal(call.scoreThreshold, 0)
  t.same(call.results.map(r => r.fileName).sort(), ['bags.txt', 'loose.txt', 'tents.txt'], 'only completed files; missing ids skipped')
  t.ok(call.results.every((r, i) => i === 0 || call.results[i - 1]!.score >= r.score), 'best first')
  t.equal(call.results.find(r => r.fileName === 'tents.txt')!.text, 'Tents and tent pegs.', 'the chunk\'s text')

  t.equal(searchFiles(store, NOW, { vectorStoreIds: ['vs_a', 'vs_b'] }, { queries: ['tent'], maxNumResults: 1 }).results.length, 1)
  t.same(searchFiles(store, NOW, { vectorStoreIds: ['vs_a'] }, { queries: [' '], maxNumResults: 5 }).results, [], 'an empty query finds nothing')
  const strict = searchFiles(store, NOW, { vectorStoreIds: ['vs_a', 'vs_b'] }, {
    queries: ['tent pegs'], maxNumResults: 5, rankingOptions: { ranker: 'auto', score_threshold: 1 }
  })
  t.equal(strict.scoreThreshold, 1)
  t.ok(strict.results.every(r => r.score === 1))
})

t.test('a cache keeps each store\'s index between searches', async t => {
  const store = storeWith({ vs_a: [['a.txt', 'alpha beta']] })
  const cache = new SearchIndexCache()
  const before = searchIndexStats.builds
  searchFiles(store, NOW, { vectorStoreIds: ['vs_a'] }, { queries: ['alpha'], maxNumResults: 5 }, cache)
  searchFiles(store, NOW, { vectorStoreIds: ['vs_a'] }, { queries: ['beta'], maxNumResults: 5 }, cache)
  t.equal(searchIndexStats.builds - before, 1)
})

t.test('max_num_results by model: 5 for gpt-3.5, 20 otherwise', async t => {
  t.equal(defaultMaxNumResults('gpt-35-turbo'), 5)
  t.equal(defaultMaxNumResults('gpt-3.5-turbo-0125'), 5)
  t.equal(defaultMaxNumResults('gpt-4o'), 20)
})

const message = (attachments: unknown[] | null, fileIds: string[] = []): MessageRecord => ({
  id: 'msg_1', threadId: 't', createdAt: 0, role: 'user', content: [], assistantId: null, runId: null, fileIds, attachments, metadata: {}
})

t.test('an Assistants run\'s scope: the assistant\'s and thread\'s vector stores, files attached for file_search; v1 file_ids with retrieval', async t => {
  const v2 = assistantsSearchScope({
    tools: [{ type: 'file_search', file_search: { max_num_results: 3, ranking_options: { score_threshold: 0.5 } } }],
    assistantToolResources: { file_search: { vector_store_ids: ['vs_a'] } },
    threadToolResources: { file_search: { vector_store_ids: ['vs_t'] } },
    assistantFileIds: ['file-v1'],
    messages: [message([{ file_id: 'file-s', tools: [{ type: 'file_search' }] }, { file_id: 'file-c', tools: [{ type: 'code_interpreter' }] }]), message(null, ['file-m'])]
  })
  t.same(v2, {
    tool: 'file_search',
    scope: { vectorStoreIds: ['vs_a', 'vs_t'], fileIds: ['file-s'] },
    maxNumResults: 3,
    rankingOptions: { score_threshold: 0.5 },
    hasFiles: true
  })
  const v1 = assistantsSearchScope({
    tools: [{ type: 'retrieval' }], assistantToolResources: {}, threadToolResources: null, assistantFileIds: ['file-v1'], messages: [message(null, ['file-m'])]
  })
  t.same(v1, { tool: 'retrieval', scope: { vectorStoreIds: [], fileIds: ['file-v1', 'file-m'] }, maxNumResults: undefined, rankingOptions: undefined, hasFiles: true })
  const none = assistantsSearchScope({ tools: [{ type: 'code_interpreter' }], assistantToolResources: null, threadToolResources: {}, assistantFileIds: [], messages: [] })
  t.same([none.tool, none.hasFiles], [null, false])
})

t.test('wire forms: the run step\'s file_search call (content on request), v1\'s retrieval call, Responses results', async t => {
  const call = {
    queries: ['q'],
    ranker: 'default_2024_08_21',
    scoreThreshold: 0,
    results: [{ fileId: 'file-1', fileName: 'a.txt', score: 0.5, text: 'chunk', attributes: { lang: 'en' } }]
  }
  t.same(presentFileSearchToolCall('call_1', call, { generation: 'v2', includeContent: false }), {
    id: 'call_1', type: 'file_search', file_search: { ranking_options: { ranker: 'default_2024_08_21', score_threshold: 0 }, results: [{ file_id: 'file-1', file_name: 'a.txt', score: 0.5 }] }
  })
  const withContent = presentFileSearchToolCall('call_1', call, { generation: 'v2', includeContent: true }) as { file_search: { results: Array<{ content: unknown }> } }
  t.same(withContent.file_search.results[0]!.content, [{ type: 'text', text: 'chunk' }])
  t.same(presentFileSearchToolCall('call_1', call, { generation: 'v1', includeContent: true }), { id: 'call_1', type: 'retrieval', retrieval: {} })
  t.same(responsesFileSearchResults(call), [{ file_id: 'file-1', filename: 'a.txt', text: 'chunk', score: 0.5, attributes: { lang: 'en' } }])
})
