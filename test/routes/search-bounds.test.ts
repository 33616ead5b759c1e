/**
 * Issue 21, item 2: one vector-store search no longer freezes the emulator. Its work is capped
 * (SEARCH_WORK_BUDGET: each distinct term looked up once, terms beyond the budget left out), and both the
 * index build and the search let the event loop turn every few milliseconds, so other requests go on; an
 * ordinary query's results are exactly MiniSearch's own OR search.
 */
import fc from 'fast-check'
import MiniSearch from 'minisearch'
import t from 'tap'
import {
  CREATION_SEARCH_WORK_BUDGET, SEARCH_WORK_BUDGET, SearchIndexCache, searchFiles, searchIndexStats, type SearchableFile, type SearchIndex, type SearchOptions, type SearchResultItem
} from '../../src/services/vector-store-search.js'
import { V2, build, uploadFile } from '../helper.js'

/** Deterministic English-like text: words of a small vocabulary (with shared prefixes), in sentences. */
const VOCABULARY = ('the a weather city paris rome berlin madrid oslo spring summer winter rain rainy raining sun sunny ' +
  'river rivers mountain mountains museum museums capital capitals tower towers bridge bridges train trains station ' +
  'stations market markets coffee coffees bread breakfast garden gardens forest forests lake lakes').split(' ')
function corpus (chars: number, seed: number): string {
  let state = seed
  const next = () => (state = (state * 1103515245 + 12345) % 2147483648) / 2147483648
  let text = ''
  while (text.length < chars) {
    text += Array.from({ length: 4 + Math.floor(next() * 8) }, () => VOCABULARY[Math.floor(next() * VOCABULARY.length)]).join(' ') + '. '
  }
  return text.slice(0, chars)
}

function searchable (texts: readonly string[]): SearchableFile[] {
  return texts.map((text, i) => ({
    entry: { id: `file-${i}`, vectorStoreId: 'vs', createdAt: 0, readyAt: 0, bytes: text.length, chunkingStrategy: { type: 'auto' }, batchId: null, cancelledAt: null },
    file: { id: `file-${i}`, createdAt: 0, filename: `f${i}.txt`, purpose: 'assistants', bytes: text.length, content: Buffer.from(text) },
    attributes: { n: i }
  }))
}

/** The search as it was before the budget: one MiniSearch OR search per query, each chunk's best score. */
function reference (files: readonly SearchableFile[], options: SearchOptions, index: SearchIndex): SearchResultItem[] {
  const best = new Map<number, number>()
  for (const query of options.queries) {
    for (const hit of (index.index as MiniSearch).search(query, { prefix: term => term.length >= 3, combineWith: 'OR' })) {
      best.set(hit.id as number, Math.max(best.get(hit.id as number) ?? 0, hit.score))
    }
  }
  let top = 0
  for (const score of best.values()) top = Math.max(top, score)
  return [...best.entries()]
    .map(([id, score]) => ({ doc: index.docs[id]!, score: top === 0 ? 0 : score / top }))
    .filter(hit => hit.score >= options.scoreThreshold)
    .sort((a, b) => b.score - a.score || a.doc.id - b.doc.id)
    .slice(0, options.maxResults)
    .map(({ doc, score }) => ({
      file_id: files[doc.fileIndex]!.entry.id,
      filename: files[doc.fileIndex]!.file.filename,
      score: Math.round(score * 1e6) / 1e6,
      attributes: { ...files[doc.fileIndex]!.attributes },
      content: [{ type: 'text' as const, text: doc.text }]
    }))
}

t.test('ordinary queries give exactly the results they gave before', async t => {
  const files = searchable([corpus(120_000, 1), corpus(60_000, 2), 'Paris, Rome and Oslo: capitals.'])
  const index = new SearchIndexCache().indexFor('vs', files)
  const word = fc.oneof(fc.constantFrom(...VOCABULARY), fc.constantFrom('par', 'riv', 'mou', 'xyz', 'ra', 'sta'), fc.string({ maxLength: 6 }))
  const query = fc.array(word, { minLength: 1, maxLength: 30 }).map(words => words.join(' '))
  let checked = 0
  fc.assert(fc.property(fc.array(query, { minLength: 1, maxLength: 4 }), fc.integer({ min: 1, max: 50 }), (queries, maxResults) => {
    const options = { queries, maxResults, scoreThreshold: 0 }
    const ours = searchFiles(files, options, index)
    const theirs = reference(files, options, index)
    checked++
    if (JSON.stringify(ours) !== JSON.stringify(theirs)) throw new Error(`${JSON.stringify(queries)}: ${JSON.stringify(ours).slice(0, 300)} vs ${JSON.stringify(theirs).slice(0, 300)}`)
  }), { numRuns: 300, seed: 2121 })
  t.equal(checked, 300, `${checked} random queries of up to 30 words (with repeats) agree`)
})

t.test('the issue\'s search stays within the work budget', async t => {
  const files = searchable([corpus(1_000_000, 3), corpus(1_000_000, 4)])
  const index = new SearchIndexCache().indexFor('vs', files)
  let state = 9
  const next = () => (state = (state * 1103515245 + 12345) % 2147483648) / 2147483648
  const distinct = Array.from({ length: 16 }, () => Array.from({ length: 800 }, () => `w${Math.floor(next() * 1e9).toString(36)}`).join(' ').slice(0, 4096))
  const prefixes = Array.from({ length: 16 }, () => Array.from({ length: 1000 }, () => VOCABULARY[Math.floor(next() * VOCABULARY.length)]!.slice(0, 3)).join(' ').slice(0, 4096))
  for (const [name, queries] of [['16 × 4,096 characters of distinct words', distinct], ['16 × 4,096 characters of three-letter prefixes', prefixes]] as const) {
    const results = searchFiles(files, { queries, maxResults: 10, scoreThreshold: 0 }, index)
    t.ok(searchIndexStats.lastSearchWork <= SEARCH_WORK_BUDGET, `${name}: ${searchIndexStats.lastSearchWork} work units of ${SEARCH_WORK_BUDGET}`)
    t.ok(Array.isArray(results))
  }
  t.equal(searchFiles(files, { queries: ['rain'], maxResults: 3, scoreThreshold: 0 }, index).length, 3, 'an ordinary query still finds its results')
})

t.test('the first search of a large store with a long query lets the event loop turn while it works', async t => {
  const built = await build(t, { maxUploadBytes: 4 * 1024 * 1024 })
  const ids = [(await uploadFile(built, corpus(1_000_000, 5), 'a.txt')).id, (await uploadFile(built, corpus(1_000_000, 6), 'b.txt')).id]
  const store = (await built.call({ method: 'POST', url: '/openai/vector_stores', apiVersion: V2, body: { file_ids: ids } })).json()
  built.clock.advance(60_000)
  const query = Array.from({ length: 16 }, (_, i) => corpus(4096, 100 + i))
  // Count the turns of the event loop from the moment the search's own work begins until it is done: other
  // requests are served on those turns. Done in one go (as before), it would be none.
  const vectorStores = built.app.runtime.tenants.shared.services.vectorStores
  const search = vectorStores.search.bind(vectorStores)
  let turns = 0
  vectorStores.search = (...args) => {
    let working = true
    const tick = () => {
      if (!working) return
      turns++
      setImmediate(tick)
    }
    setImmediate(tick)
    return Promise.resolve(search(...args)).finally(() => { working = false })
  }
  const res = await built.call({ method: 'POST', url: `/openai/vector_stores/${store.id}/search`, apiVersion: '2025-04-01-preview', body: { query } })
  t.equal(res.statusCode, 200)
  t.ok(res.json().data.length > 0)
  t.ok(turns >= 3, `the event loop turned ${turns} times while the index was built and the queries scored`)
})

t.test('a run or a response that searches a large store builds its index while the event loop turns, then searches within the creation budget', async t => {
  const built = await build(t, { maxUploadBytes: 4 * 1024 * 1024 })
  const ids = [(await uploadFile(built, corpus(1_000_000, 7), 'a.txt')).id, (await uploadFile(built, corpus(1_000_000, 8), 'b.txt')).id]
  const store = (await built.call({ method: 'POST', url: '/openai/vector_stores', apiVersion: V2, body: { file_ids: ids } })).json()
  built.clock.advance(60_000)
  const assistant = (await built.call({
    method: 'POST',
    url: '/openai/assistants',
    apiVersion: V2,
    body: { model: 'gpt-4o', tools: [{ type: 'file_search' }], tool_resources: { file_search: { vector_store_ids: [store.id] } } }
  })).json()
  // Indexes built in one go, by the synchronous creation itself, rather than beforehand while the loop turns.
  const cache = built.app.runtime.tenants.shared.services.vectorStores.searchIndexes
  const indexFor = cache.indexFor.bind(cache)
  let builtAtOnce = 0
  cache.indexFor = (...args) => {
    const before = searchIndexStats.builds
    const index = indexFor(...args)
    builtAtOnce += searchIndexStats.builds - before
    return index
  }
  // A long question: thousands of distinct terms, far past what a creation may score.
  const question = corpus(60_000, 9)
  const buildsBefore = searchIndexStats.builds
  const created = await built.call({
    method: 'POST',
    url: '/openai/threads/runs',
    apiVersion: V2,
    body: { assistant_id: assistant.id, thread: { messages: [{ role: 'user', content: question }] } }
  })
  t.equal(created.statusCode, 200, 'the run is created')
  const run = created.json()
  t.equal(searchIndexStats.builds, buildsBefore + 1, 'the store was indexed once')
  t.equal(builtAtOnce, 0, 'before the run was created, with the event loop turning')
  t.ok(searchIndexStats.lastSearchWork <= CREATION_SEARCH_WORK_BUDGET,
    `the run's search did ${searchIndexStats.lastSearchWork} work units of ${CREATION_SEARCH_WORK_BUDGET}`)
  built.clock.advance(60_000)
  const steps = (await built.call({ method: 'GET', url: `/openai/threads/${run.thread_id}/runs/${run.id}/steps`, apiVersion: V2 })).json()
  t.ok(steps.data.some((step: { step_details: { type: string } }) => step.step_details.type === 'tool_calls'), 'the run searched its store first')

  // A response naming a new store builds that one beforehand too.
  const other = (await built.call({ method: 'POST', url: '/openai/vector_stores', apiVersion: V2, body: { file_ids: [ids[1]] } })).json()
  built.clock.advance(60_000)
  const response = await built.call({
    method: 'POST',
    url: '/openai/v1/responses',
    apiVersion: null,
    body: { model: 'gpt-4o', input: question, tools: [{ type: 'file_search', vector_store_ids: [other.id] }] }
  })
  t.equal(response.statusCode, 200, 'the response is created')
  t.equal(response.json().output[0].type, 'file_search_call', 'it searched')
  t.equal(searchIndexStats.builds, buildsBefore + 2, 'the new store was indexed once')
  t.equal(builtAtOnce, 0, 'before the response was created')
  t.ok(searchIndexStats.lastSearchWork <= CREATION_SEARCH_WORK_BUDGET, 'the response\'s search stayed within the creation budget')
})
