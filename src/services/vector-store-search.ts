/**
 * `POST /vector_stores/{id}/search`: a real lexical search over the text of the store's completed files, with
 * MiniSearch (BM25 ranking, prefix and fuzzy term matching). Each file is cut into chunks the way its
 * chunking strategy says (tokens approximated as 4 characters), every chunk is a document, and each hit is one
 * result item (OpenAI `VectorStoreSearchResultItem`: `file_id`, `filename`, `score` in 0..1, `attributes`,
 * `content: [{type: 'text', text}]`). Scores are BM25 scores divided by the best one, so the top hit is 1.
 *
 * Cost is bounded: the index of a store is built once and kept (SearchIndexCache) until its
 * completed files change; at most SEARCH_FILE_CHARS characters of each file and SEARCH_INDEX_CHARS of a
 * store are indexed (files in store order); terms match exactly or, from 3 characters on, as a prefix (no fuzzy
 * matching, whose cost grows with the vocabulary times the term length). The query's own size is capped by
 * the request schema (LIMITS.searchQuery / LIMITS.searchQueries), and its work by SEARCH_WORK_BUDGET: each
 * distinct term is looked up once for every query that has it, and terms whose lookups (index entries and
 * postings visited) would exceed the budget are left out, in query order — far beyond any ordinary query,
 * whose results are exactly MiniSearch's own OR search (the same sums, in the same order).
 */
import MiniSearch from 'minisearch'
import type { ChunkingStrategy, FileRecord, VectorStoreFileRecord } from '../store/records.js'

/** What `auto` chunking means (OpenAI's `AutoChunkingStrategyRequestParam`): 800-token chunks with 400 tokens of overlap. */
export const AUTO_CHUNKING = { max_chunk_size_tokens: 800, chunk_overlap_tokens: 400 } as const
const CHARS_PER_TOKEN = 4
/** Characters of text (UTF-16 code units) indexed per file for search; text beyond is not searchable. */
export const SEARCH_FILE_CHARS = 1_000_000
/** Characters indexed per vector store (files in store order; a file past the budget is not searchable). */
const SEARCH_INDEX_CHARS = 2_000_000
/** Prefix matching only for terms this long: a 1-letter prefix would expand to a large part of the vocabulary. */
const MIN_PREFIX_TERM = 3
/** Indexes kept per app (least recently used dropped first). */
const MAX_CACHED_INDEXES = 8
/**
 * Most work one search may do, in index entries and postings visited: about a tenth of a second. An ordinary
 * query of a few dozen words over the largest index stays well within it; 16 queries of 4,096 characters of
 * distinct or prefix-heavy words (seconds to minutes of work unbounded) stop here.
 */
export const SEARCH_WORK_BUDGET = 1_000_000
/**
 * Most work a search made while a run or a response is created may do: that search runs at once, in the
 * request that creates them (the event loop does not turn), so its budget is a fiftieth of the endpoint's,
 * about 20 ms of work on a quiet 2-core machine. A question of a few hundred words stays within it; a longer
 * one is searched for its first terms only (docs/differences.md).
 */
export const CREATION_SEARCH_WORK_BUDGET = 20_000

/** The file's text cut into overlapping chunks (`chunking` in tokens, approximated as 4 characters each). */
function chunkFileText (text: string, chunking: ChunkingStrategy): string[] {
  const { max_chunk_size_tokens: size, chunk_overlap_tokens: overlap } = chunking.type === 'static' ? chunking.static : AUTO_CHUNKING
  const width = size * CHARS_PER_TOKEN
  const step = Math.max(1, (size - overlap) * CHARS_PER_TOKEN)
  const chunks: string[] = []
  for (let start = 0; start < text.length; start += step) {
    chunks.push(text.slice(start, start + width))
    if (start + width >= text.length) break
  }
  return chunks.length === 0 ? [''] : chunks
}

/**
 * How many chunks search makes of `file` in a store with `chunking`, as it indexes a file on its own: its first
 * SEARCH_FILE_CHARS characters (the inspector shows it beside each vector store file).
 */
export function chunkCountOf (file: FileRecord, chunking: ChunkingStrategy): number {
  return chunkFileText(file.content.subarray(0, SEARCH_FILE_CHARS).toString('utf8').slice(0, SEARCH_FILE_CHARS), chunking).length
}

/** The comparison and compound filters of OpenAI's `ComparisonFilter` / `CompoundFilter`, over file attributes. */
export type SearchFilter =
  | { type: 'eq' | 'ne' | 'gt' | 'gte' | 'lt' | 'lte', key: string, value: string | number | boolean }
  | { type: 'and' | 'or', filters: SearchFilter[] }

function matchesFilter (attributes: Readonly<Record<string, unknown>>, filter: SearchFilter): boolean {
  if ('filters' in filter) {
    return filter.type === 'and' ? filter.filters.every(f => matchesFilter(attributes, f)) : filter.filters.some(f => matchesFilter(attributes, f))
  }
  const actual = attributes[filter.key]
  const wanted = filter.value
  switch (filter.type) {
    case 'eq': return actual === wanted
    case 'ne': return actual !== wanted
    default: {
      if (typeof actual !== typeof wanted || actual === undefined) return false
      const a = actual as number | string
      const b = wanted as number | string
      return filter.type === 'gt' ? a > b : filter.type === 'gte' ? a >= b : filter.type === 'lt' ? a < b : a <= b
    }
  }
}

export interface SearchableFile {
  readonly entry: VectorStoreFileRecord
  readonly file: FileRecord
  readonly attributes: Readonly<Record<string, string | number | boolean>>
}

export interface SearchOptions {
  readonly queries: readonly string[]
  readonly maxResults: number
  readonly scoreThreshold: number
  readonly filter?: SearchFilter | undefined
}

export interface SearchResultItem {
  file_id: string
  filename: string
  score: number
  attributes: Record<string, string | number | boolean>
  content: Array<{ type: 'text', text: string }>
}

interface ChunkDoc { id: number, fileIndex: number, text: string }

/** MiniSearch over a store's chunks, able to tell what looking a term up costs before doing it. */
class ChunkIndex extends MiniSearch<ChunkDoc> {
  constructor () {
    super({ fields: ['text'], storeFields: [] })
  }

  /** Index entries and postings a lookup of `term` visits (as a prefix: every entry it begins). */
  lookupCost (term: string, prefix: boolean): number {
    const postings = (data: ReadonlyMap<number, ReadonlyMap<number, number>>) => {
      let count = 1
      for (const freqs of data.values()) count += freqs.size
      return count
    }
    if (!prefix) {
      const data = this._index.get(term)
      return data === undefined ? 1 : postings(data)
    }
    let cost = 1
    for (const [, data] of this._index.atPrefix(term)) cost += postings(data)
    return cost
  }
}

/** A built index over the text of `files` (in that order); `key` says which files (ids, chunking, records) it holds. */
export interface SearchIndex {
  readonly key: string
  readonly records: readonly FileRecord[]
  readonly docs: readonly ChunkDoc[]
  readonly index: ChunkIndex
}

/** Counts index builds, and the work units the last search spent (of SEARCH_WORK_BUDGET), for tests. */
export const searchIndexStats = { builds: 0, lastSearchWork: 0 }

function indexKey (files: readonly SearchableFile[]): string {
  return JSON.stringify(files.map(f => [f.entry.id, f.entry.chunkingStrategy]))
}

/**
 * Work in steps: a generator that yields (nothing) between steps of bounded size and returns its result. Run
 * to the end at once (`runNow`), or with a turn of the event loop whenever a time slice has passed
 * (`runYielding`): the same steps, the same result, only the stall differs.
 */
type Steps<T> = Generator<void, T, void>

/** Chunks added to the index between two checks of the time slice. */
const DOCS_PER_STEP = 16

function runNow<T> (steps: Steps<T>): T {
  for (;;) {
    const next = steps.next()
    if (next.done === true) return next.value
  }
}

/** How long work runs before it lets the event loop turn, in ms. */
const SLICE_MS = 10

async function runYielding<T> (steps: Steps<T>): Promise<T> {
  let sliceStart = performance.now()
  for (;;) {
    const next = steps.next()
    if (next.done === true) return next.value
    if (performance.now() - sliceStart >= SLICE_MS) {
      await new Promise(resolve => setImmediate(resolve))
      sliceStart = performance.now()
    }
  }
}

/** Chunks and indexes the files' text: at most SEARCH_FILE_CHARS characters of each, SEARCH_INDEX_CHARS in all. */
function * buildSearchIndex (files: readonly SearchableFile[]): Steps<SearchIndex> {
  searchIndexStats.builds++
  const docs: ChunkDoc[] = []
  let budget = SEARCH_INDEX_CHARS
  for (const [fileIndex, f] of files.entries()) {
    // Decoding no more bytes than the budget can use (a UTF-8 byte is at most one UTF-16 code unit).
    const take = Math.min(budget, SEARCH_FILE_CHARS)
    const text = take <= 0 ? '' : f.file.content.subarray(0, take).toString('utf8').slice(0, take)
    budget -= text.length
    for (const chunk of chunkFileText(text, f.entry.chunkingStrategy)) docs.push({ id: docs.length, fileIndex, text: chunk })
    yield
  }
  const index = new ChunkIndex()
  for (let start = 0; start < docs.length; start += DOCS_PER_STEP) {
    index.addAll(docs.slice(start, start + DOCS_PER_STEP))
    yield
  }
  return { key: indexKey(files), records: files.map(f => f.file), docs, index }
}

/**
 * The search indexes of one app, by vector store id: an index is reused while the store's completed files are
 * the same (same ids and chunking in the same order, same file records: records are replaced, never mutated),
 * and rebuilt otherwise. At most MAX_CACHED_INDEXES are kept.
 */
export class SearchIndexCache {
  private readonly indexes = new Map<string, SearchIndex>()
  /** Builds under way for `indexForYielding`, shared by the requests that wait for the same files. */
  private readonly building = new Map<string, { key: string, records: readonly FileRecord[], index: Promise<SearchIndex> }>()

  private cached (vectorStoreId: string, files: readonly SearchableFile[]): SearchIndex | undefined {
    const cached = this.indexes.get(vectorStoreId)
    const fresh = cached !== undefined && sameFiles(cached, files)
    return fresh ? cached : undefined
  }

  private keep (vectorStoreId: string, index: SearchIndex): SearchIndex {
    this.indexes.delete(vectorStoreId)
    this.indexes.set(vectorStoreId, index)
    if (this.indexes.size > MAX_CACHED_INDEXES) this.indexes.delete(this.indexes.keys().next().value!)
    return index
  }

  /** The index of the store's `files`, built now (in one go) unless the cached one holds exactly them. */
  indexFor (vectorStoreId: string, files: readonly SearchableFile[]): SearchIndex {
    return this.keep(vectorStoreId, this.cached(vectorStoreId, files) ?? runNow(buildSearchIndex(files)))
  }

  /** `indexFor`, but a build lets the event loop turn every few milliseconds: a large store's first search stalls nothing. */
  async indexForYielding (vectorStoreId: string, files: readonly SearchableFile[]): Promise<SearchIndex> {
    const cached = this.cached(vectorStoreId, files)
    if (cached !== undefined) return this.keep(vectorStoreId, cached)
    const pending = this.building.get(vectorStoreId)
    if (pending !== undefined && sameFiles(pending, files)) return pending.index
    const index = runYielding(buildSearchIndex(files)).then(built => {
      if (this.building.get(vectorStoreId)?.index === index) this.building.delete(vectorStoreId)
      return this.keep(vectorStoreId, built)
    }, (err: unknown) => {
      if (this.building.get(vectorStoreId)?.index === index) this.building.delete(vectorStoreId)
      throw err
    })
    this.building.set(vectorStoreId, { key: indexKey(files), records: files.map(f => f.file), index })
    return index
  }

  /** Drops the index of a store (deleted, or its files changed). */
  forget (vectorStoreId: string): void {
    this.indexes.delete(vectorStoreId)
    this.building.delete(vectorStoreId)
  }
}

/** Whether an index (or a build) holds exactly `files`: the same records, ids and chunking, in the same order. */
function sameFiles (held: { readonly key: string, readonly records: readonly FileRecord[] }, files: readonly SearchableFile[]): boolean {
  return held.records.length === files.length && held.records.every((record, i) => record === files[i]!.file) && held.key === indexKey(files)
}

const tokenize = MiniSearch.getDefault('tokenize') as (text: string) => string[]
const processTerm = MiniSearch.getDefault('processTerm') as (term: string) => string | string[] | null | undefined | false

/** A query's terms as MiniSearch makes them (tokenised, lower-cased, empty ones dropped): each with how often it occurs. */
function termsOf (query: string): Map<string, number> {
  const counts = new Map<string, number>()
  for (const token of tokenize(query)) {
    const processed = processTerm(token)
    for (const term of Array.isArray(processed) ? processed : [processed]) {
      if (typeof term === 'string' && term !== '') counts.set(term, (counts.get(term) ?? 0) + 1)
    }
  }
  return counts
}

/**
 * Scores the chunks against the queries within SEARCH_WORK_BUDGET, a step per term. Each distinct term is
 * looked up once (a one-term MiniSearch search: its score per chunk is what it adds to a chunk's sum), and
 * every query sums the scores of its terms; the lookups (index entries and postings visited) and the sums
 * (chunks added up) are counted against the budget, and a term that would take the work past it is left out
 * of every query from there on. Returns each chunk's best score over the queries.
 */
function * scoreChunks (queries: ReadonlyArray<ReadonlyMap<string, number>>, index: ChunkIndex, workBudget: number): Steps<Map<number, number>> {
  const scores = new Map<string, ReadonlyMap<number, number>>()
  const best = new Map<number, number>()
  let budget = workBudget
  let exhausted = false
  for (const terms of queries) {
    const sums = new Map<number, { score: number, matched: number }>()
    for (const [term, count] of terms) {
      let perChunk = scores.get(term)
      if (perChunk === undefined && !exhausted) {
        const prefix = term.length >= MIN_PREFIX_TERM
        budget -= index.lookupCost(term, prefix)
        if (budget >= 0) {
          const found = new Map<number, number>()
          // MiniSearch multiplies a chunk's sum by how many query terms matched it: 1 here.
          for (const hit of index.search(term, { prefix, combineWith: 'OR' })) found.set(hit.id as number, hit.score)
          scores.set(term, perChunk = found)
        }
        yield
      }
      if (perChunk === undefined) {
        exhausted = true
        continue
      }
      budget -= perChunk.size
      if (budget < 0) {
        exhausted = true
        continue
      }
      // A repeated term adds its score each time it occurs (MiniSearch's OR search).
      for (const [id, score] of perChunk) {
        const sum = sums.get(id)
        if (sum === undefined) sums.set(id, { score: score * count, matched: 1 })
        else {
          sum.score += score * count
          sum.matched++
        }
      }
    }
    for (const [id, { score, matched }] of sums) best.set(id, Math.max(best.get(id) ?? 0, score * matched))
    yield
  }
  searchIndexStats.lastSearchWork = workBudget - Math.max(budget, 0)
  return best
}

function * search (files: readonly SearchableFile[], options: SearchOptions, index: SearchIndex | undefined, workBudget: number): Steps<SearchResultItem[]> {
  const built = index ?? (yield * buildSearchIndex(files))
  const eligible = files.map(f => options.filter === undefined || matchesFilter(f.attributes, options.filter))
  const best = yield * scoreChunks(options.queries.map(termsOf), built.index, workBudget)
  let top = 0
  for (const [id, score] of best) {
    if (!eligible[built.docs[id]!.fileIndex]!) best.delete(id)
    else top = Math.max(top, score)
  }
  return [...best.entries()]
    .map(([id, score]) => ({ doc: built.docs[id]!, score: top === 0 ? 0 : score / top }))
    .filter(hit => hit.score >= options.scoreThreshold)
    .sort((a, b) => b.score - a.score || a.doc.id - b.doc.id)
    .slice(0, options.maxResults)
    .map(({ doc, score }) => {
      const f = files[doc.fileIndex]!
      return {
        file_id: f.entry.id,
        filename: f.file.filename,
        score: Math.round(score * 1e6) / 1e6,
        attributes: { ...f.attributes },
        content: [{ type: 'text' as const, text: doc.text }]
      }
    })
}

/**
 * Ranks the chunks of `files` against the queries (any of them may match); best first, at most `maxResults`.
 * `index` must have been built from the same files in the same order (SearchIndexCache.indexFor); without
 * one it is built here. A query's score for a chunk is MiniSearch's OR search: the sum of its terms' scores
 * (a repeated term counts each time), times how many distinct terms matched; a chunk's score is its best
 * query's. The work is bounded by `workBudget` (SEARCH_WORK_BUDGET unless given) and done at once (see
 * `searchFilesYielding`).
 */
export function searchFiles (files: readonly SearchableFile[], options: SearchOptions, index?: SearchIndex, workBudget = SEARCH_WORK_BUDGET): SearchResultItem[] {
  return runNow(search(files, options, index, workBudget))
}

/** `searchFiles` with the same result, letting the event loop turn every few milliseconds while it works. */
export function searchFilesYielding (files: readonly SearchableFile[], options: SearchOptions, index?: SearchIndex): Promise<SearchResultItem[]> {
  return runYielding(search(files, options, index, SEARCH_WORK_BUDGET))
}
