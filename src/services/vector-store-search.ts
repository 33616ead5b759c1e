/**
 * `POST /vector_stores/{id}/search`: a real lexical search over the text of the store's completed files, with
 * MiniSearch (BM25 ranking, prefix and fuzzy term matching). Each file is cut into chunks the way its
 * chunking strategy says (tokens approximated as 4 characters), every chunk is a document, and each hit is one
 * result item (OpenAI `VectorStoreSearchResultItem`: `file_id`, `filename`, `score` in 0..1, `attributes`,
 * `content: [{type: 'text', text}]`). Scores are BM25 scores divided by the best one, so the top hit is 1.
 * The index is built per request: stores in an emulator are small, and nothing has to be kept in step.
 */
import MiniSearch from 'minisearch'
import type { ChunkingStrategy, FileRecord, VectorStoreFileRecord } from '../store/records.js'

/** What `auto` chunking means (OpenAI): 800-token chunks with 400 tokens of overlap. */
const AUTO_CHUNK = { max_chunk_size_tokens: 800, chunk_overlap_tokens: 400 } as const
const CHARS_PER_TOKEN = 4

/** The file's text cut into overlapping chunks (`chunking` in tokens, approximated as 4 characters each). */
export function chunkText (text: string, chunking: ChunkingStrategy): string[] {
  const { max_chunk_size_tokens: size, chunk_overlap_tokens: overlap } = chunking.type === 'static' ? chunking.static : AUTO_CHUNK
  const width = size * CHARS_PER_TOKEN
  const step = Math.max(1, (size - overlap) * CHARS_PER_TOKEN)
  const chunks: string[] = []
  for (let start = 0; start < text.length; start += step) {
    chunks.push(text.slice(start, start + width))
    if (start + width >= text.length) break
  }
  return chunks.length === 0 ? [''] : chunks
}

/** The comparison and compound filters of OpenAI's `ComparisonFilter` / `CompoundFilter`, over file attributes. */
export type SearchFilter =
  | { type: 'eq' | 'ne' | 'gt' | 'gte' | 'lt' | 'lte', key: string, value: string | number | boolean }
  | { type: 'and' | 'or', filters: SearchFilter[] }

export function matchesFilter (attributes: Readonly<Record<string, unknown>>, filter: SearchFilter): boolean {
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

/** Ranks the chunks of `files` against the queries (any of them may match); best first, at most `maxResults`. */
export function searchFiles (files: readonly SearchableFile[], options: SearchOptions): SearchResultItem[] {
  const eligible = files.filter(f => options.filter === undefined || matchesFilter(f.attributes, options.filter))
  const docs: ChunkDoc[] = []
  eligible.forEach((f, fileIndex) => {
    for (const text of chunkText(f.file.content.toString('utf8'), f.entry.chunkingStrategy)) docs.push({ id: docs.length, fileIndex, text })
  })
  const index = new MiniSearch<ChunkDoc>({ fields: ['text'], storeFields: [] })
  index.addAll(docs)
  const best = new Map<number, number>()
  for (const query of options.queries) {
    for (const hit of index.search(query, { prefix: true, fuzzy: 0.2, combineWith: 'OR' })) {
      best.set(hit.id as number, Math.max(best.get(hit.id as number) ?? 0, hit.score))
    }
  }
  const top = Math.max(0, ...best.values())
  return [...best.entries()]
    .map(([id, score]) => ({ doc: docs[id]!, score: top === 0 ? 0 : score / top }))
    .filter(hit => hit.score >= options.scoreThreshold)
    .sort((a, b) => b.score - a.score || a.doc.id - b.doc.id)
    .slice(0, options.maxResults)
    .map(({ doc, score }) => {
      const f = eligible[doc.fileIndex]!
      return {
        file_id: f.entry.id,
        filename: f.file.filename,
        score: Math.round(score * 1e6) / 1e6,
        attributes: { ...f.attributes },
        content: [{ type: 'text' as const, text: doc.text }]
      }
    })
}
