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
 * the request schema (LIMITS.searchQuery / LIMITS.searchQueries).
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

/** A built index over the text of `files` (in that order); `key` says which files (ids, chunking, records) it holds. */
export interface SearchIndex {
  readonly key: string
  readonly records: readonly FileRecord[]
  readonly docs: readonly ChunkDoc[]
  readonly index: MiniSearch<ChunkDoc>
}

/** Counts index builds, for tests that check an unchanged store reuses its index. */
export const searchIndexStats = { builds: 0 }

function indexKey (files: readonly SearchableFile[]): string {
  return JSON.stringify(files.map(f => [f.entry.id, f.entry.chunkingStrategy]))
}

/** Chunks and indexes the files' text: at most SEARCH_FILE_CHARS characters of each, SEARCH_INDEX_CHARS in all. */
function buildSearchIndex (files: readonly SearchableFile[]): SearchIndex {
  searchIndexStats.builds++
  const docs: ChunkDoc[] = []
  let budget = SEARCH_INDEX_CHARS
  files.forEach((f, fileIndex) => {
    // Decoding no more bytes than the budget can use (a UTF-8 byte is at most one UTF-16 code unit).
    const take = Math.min(budget, SEARCH_FILE_CHARS)
    const text = take <= 0 ? '' : f.file.content.subarray(0, take).toString('utf8').slice(0, take)
    budget -= text.length
    for (const chunk of chunkFileText(text, f.entry.chunkingStrategy)) docs.push({ id: docs.length, fileIndex, text: chunk })
  })
  const index = new MiniSearch<ChunkDoc>({ fields: ['text'], storeFields: [] })
  index.addAll(docs)
  return { key: indexKey(files), records: files.map(f => f.file), docs, index }
}

/**
 * The search indexes of one app, by vector store id: an index is reused while the store's completed files are
 * the same (same ids and chunking in the same order, same file records: records are replaced, never mutated),
 * and rebuilt otherwise. At most MAX_CACHED_INDEXES are kept.
 */
export class SearchIndexCache {
  private readonly indexes = new Map<string, SearchIndex>()

  indexFor (vectorStoreId: string, files: readonly SearchableFile[]): SearchIndex {
    const cached = this.indexes.get(vectorStoreId)
    this.indexes.delete(vectorStoreId)
    const fresh = cached !== undefined && cached.records.length === files.length &&
      cached.records.every((record, i) => record === files[i]!.file) && cached.key === indexKey(files)
    const index = fresh ? cached : buildSearchIndex(files)
    this.indexes.set(vectorStoreId, index)
    if (this.indexes.size > MAX_CACHED_INDEXES) this.indexes.delete(this.indexes.keys().next().value!)
    return index
  }

  /** Drops the index of a store (deleted, or its files changed). */
  forget (vectorStoreId: string): void {
    this.indexes.delete(vectorStoreId)
  }
}

/**
 * Ranks the chunks of `files` against the queries (any of them may match); best first, at most `maxResults`.
 * `index` must have been built from the same files in the same order (SearchIndexCache.indexFor); without
 * one it is built here.
 */
export function searchFiles (files: readonly SearchableFile[], options: SearchOptions, index: SearchIndex = buildSearchIndex(files)): SearchResultItem[] {
  const eligible = files.map(f => options.filter === undefined || matchesFilter(f.attributes, options.filter))
  const best = new Map<number, number>()
  for (const query of options.queries) {
    for (const hit of index.index.search(query, { prefix: term => term.length >= MIN_PREFIX_TERM, combineWith: 'OR' })) {
      const id = hit.id as number
      if (!eligible[index.docs[id]!.fileIndex]!) continue
      best.set(id, Math.max(best.get(id) ?? 0, hit.score))
    }
  }
  let top = 0
  for (const score of best.values()) top = Math.max(top, score)
  return [...best.entries()]
    .map(([id, score]) => ({ doc: index.docs[id]!, score: top === 0 ? 0 : score / top }))
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
