/**
 * file_search as a tool that acts: the search a run (or a response) makes over the vector stores it may use,
 * with the same ranking as `POST /vector_stores/{id}/search` (services/vector-store-search.ts: MiniSearch BM25
 * over each file's chunks, the completed files only), and the wire forms of what it found.
 *
 * `searchFiles` is pure over the tenant's `Store` and a time (plus an index cache it only fills). Which stores a
 * run searches is `assistantsSearchScope`; a Responses `file_search` tool names them itself
 * (`vector_store_ids`). The search's record (`FileSearchCall`, store/records.ts) is what a run step keeps and
 * what a Responses `file_search_call` item can keep; `presentFileSearchToolCall` and
 * `responsesFileSearchResults` give each API's form of it, and tools/citations.ts cites its results.
 */
import type { Generation } from '../api-versions.js'
import { processingStatus } from '../services/vector-stores.js'
import { CREATION_SEARCH_WORK_BUDGET, searchFiles as rankChunks, type SearchableFile, type SearchFilter, type SearchIndexCache } from '../services/vector-store-search.js'
import type { FileSearchCall, FileSearchResult, MessageRecord, VectorStoreFileRecord } from '../store/records.js'
import type { Store } from '../store/store.js'

/** What `ranker: "auto"` resolves to, as a run step reports it (OpenAI `FileSearchRanker`). */
export const DEFAULT_RANKER = 'default_2024_08_21'

/** Where a search looks. */
export interface FileSearchScope {
  /** Vector stores whose completed files are searched; an id that names no vector store is skipped. */
  readonly vectorStoreIds: readonly string[]
  /**
   * Files searched directly, outside any vector store (a v1 `retrieval` assistant's `file_ids`, files attached to
   * a message for file_search); an id that names no file is skipped.
   */
  readonly fileIds?: readonly string[]
}

/** `file_search.ranking_options` as a request gives it (OpenAI `FileSearchRankingOptions`). */
interface RankingOptions {
  readonly ranker?: string | undefined
  readonly score_threshold?: number | undefined
}

/** How to search. */
export interface FileSearchOptions {
  /** What to look for; a chunk matching any of them is a result (its best score counts). */
  readonly queries: readonly string[]
  /** At most this many results (`max_num_results`), best first. */
  readonly maxNumResults: number
  /** `ranker` (`auto` is DEFAULT_RANKER) and `score_threshold` (default 0: results scoring less are left out). */
  readonly rankingOptions?: RankingOptions | null | undefined
  /** Attribute filters (Responses `file_search.filters`): only files whose attributes match are searched. */
  readonly filters?: SearchFilter | undefined
}

/** A file of a vector store with its text, ready to rank. */
function searchable (store: Store, entry: VectorStoreFileRecord): SearchableFile[] {
  const file = store.files.get(entry.id)
  return file ? [{ entry, file, attributes: {} }] : []
}

/** What a scope searches at `now` (epoch ms): each vector store's completed files, then the loose files, as index groups. */
function searchGroups (store: Store, now: number, scope: FileSearchScope): Array<{ key: string, files: SearchableFile[] }> {
  const groups: Array<{ key: string, files: SearchableFile[] }> = []
  for (const id of new Set(scope.vectorStoreIds)) {
    if (store.vectorStores.get(id) === undefined) continue
    const files = store.vectorStoreFiles.list(id).filter(entry => processingStatus(entry, now) === 'completed').flatMap(entry => searchable(store, entry))
    groups.push({ key: id, files })
  }
  const loose = [...new Set(scope.fileIds ?? [])].filter(id => store.files.get(id) !== undefined)
  if (loose.length > 0) {
    const files = loose.flatMap(id => searchable(store, {
      id, vectorStoreId: '', createdAt: 0, readyAt: 0, bytes: 0, chunkingStrategy: { type: 'auto' }, batchId: null, cancelledAt: null
    }))
    groups.push({ key: `files:${loose.join(',')}`, files })
  }
  return groups
}

/**
 * Builds (or finds) the indexes `searchFiles` will use for `scope` at `now`, letting the event loop turn while
 * it works: awaited before a run or a response is created (synchronously, so that nothing interleaves with
 * its checks and writes), it leaves that creation only the ranking to do, never a large store's index build.
 */
export async function warmSearchIndexes (store: Store, now: number, scope: FileSearchScope, cache: SearchIndexCache): Promise<void> {
  for (const { key, files } of searchGroups(store, now, scope)) await cache.indexForYielding(key, files)
}

/**
 * Searches the files of `scope` at time `now` (epoch ms): each vector store's files that have finished
 * processing, then the loose files, every chunk ranked against the queries by the vector-store search. Scores
 * are normalised per vector store (its best chunk scores 1), so results from several stores are merged by score
 * (a store's own order kept among equals) and cut to `maxNumResults`. Nothing found (nothing to search, an empty
 * query, nothing above the threshold) is a call with no results. `cache` keeps each store's index between calls
 * (the vector store service's own cache, so the search endpoint and runs share indexes); without it the indexes
 * are built for this call.
 */
export function searchFiles (store: Store, now: number, scope: FileSearchScope, options: FileSearchOptions, cache?: SearchIndexCache): FileSearchCall {
  const scoreThreshold = options.rankingOptions?.score_threshold ?? 0
  const queries = options.queries.filter(query => query.trim() !== '')
  const groups = searchGroups(store, now, scope)
  const results: FileSearchResult[] = queries.length === 0
    ? []
    : groups.flatMap(({ key, files }) => rankChunks(files, {
      queries, maxResults: options.maxNumResults, scoreThreshold, filter: options.filters
    }, cache?.indexFor(key, files), CREATION_SEARCH_WORK_BUDGET).map(item => ({
      fileId: item.file_id, fileName: item.filename, score: item.score, text: item.content[0]?.text ?? '', attributes: item.attributes
    })))
  // A stable sort: among equal scores, the stores' order and each store's own ranking stay.
  results.sort((a, b) => b.score - a.score)
  return { queries: [...options.queries], ranker: DEFAULT_RANKER, scoreThreshold, results: results.slice(0, options.maxNumResults) }
}

/**
 * `max_num_results` when the tool does not say: 20 for gpt-4* models, 5 for gpt-3.5-turbo (OpenAI
 * `AssistantToolsFileSearch.file_search.max_num_results`; Azure deployments of it are often named `gpt-35-turbo`).
 */
export function defaultMaxNumResults (model: string): number {
  return /gpt-3\.?5/i.test(model) ? 5 : 20
}

type ToolResources = { file_search?: { vector_store_ids?: readonly string[] } } | null | undefined

/** What an Assistants run may search with, and where (`assistantsSearchScope`). */
export interface AssistantsSearchScope {
  /** The tool the run searches with: `file_search` (v2), `retrieval` (a v1 assistant), or null when it has neither. */
  readonly tool: 'file_search' | 'retrieval' | null
  readonly scope: FileSearchScope
  /** The tool's `max_num_results` and `ranking_options`, when it sets them. */
  readonly maxNumResults: number | undefined
  readonly rankingOptions: RankingOptions | undefined
  /** Whether there is anything to search: a vector store or a file in scope. */
  readonly hasFiles: boolean
}

/**
 * Where an Assistants run searches (OpenAI's file-search guide): the vector stores named in the assistant's and
 * the thread's `tool_resources.file_search.vector_store_ids`, and the files attached to the thread's messages
 * for `file_search` (`attachments[].tools`); with the v1 `retrieval` tool, the assistant's `file_ids` and the
 * messages' `file_ids`. The service puts attached files in a vector store of the thread; the emulator searches
 * them directly (docs/differences.md). `tools` are the run's tools.
 */
export function assistantsSearchScope (run: {
  readonly tools: ReadonlyArray<{ readonly type: string, readonly file_search?: unknown }>
  readonly assistantToolResources: unknown
  readonly threadToolResources: unknown
  readonly assistantFileIds: readonly string[]
  readonly messages: ReadonlyArray<Pick<MessageRecord, 'attachments' | 'fileIds'>>
}): AssistantsSearchScope {
  const fileSearch = run.tools.find(tool => tool.type === 'file_search')
  const retrieval = run.tools.some(tool => tool.type === 'retrieval')
  const vectorStoreIds = [run.assistantToolResources, run.threadToolResources]
    .flatMap(resources => (resources as ToolResources)?.file_search?.vector_store_ids ?? [])
  const attached = run.messages.flatMap(message => (message.attachments ?? []).flatMap(attachment => {
    const { file_id: fileId, tools } = attachment as { file_id?: unknown, tools?: Array<{ type?: unknown }> }
    return typeof fileId === 'string' && (tools ?? []).some(tool => tool.type === 'file_search') ? [fileId] : []
  }))
  const v1Files = retrieval && fileSearch === undefined ? [...run.assistantFileIds, ...run.messages.flatMap(message => message.fileIds)] : []
  const settings = (fileSearch?.file_search ?? {}) as { max_num_results?: number, ranking_options?: RankingOptions }
  const fileIds = [...attached, ...v1Files]
  return {
    tool: fileSearch !== undefined ? 'file_search' : retrieval ? 'retrieval' : null,
    scope: { vectorStoreIds, fileIds },
    maxNumResults: settings.max_num_results,
    rankingOptions: settings.ranking_options,
    hasFiles: vectorStoreIds.length > 0 || fileIds.length > 0
  }
}

/** A search result as a run step shows it (OpenAI `RunStepDetailsToolCallsFileSearchResultObject`). */
interface StepResultWire {
  file_id: string
  file_name: string
  score: number
  content?: Array<{ type: 'text', text: string }>
}

/** A run step's file search tool call (OpenAI `RunStepDetailsToolCallsFileSearchObject`), or v1's retrieval call. */
export type FileSearchToolCallWire =
  | { id: string, type: 'file_search', file_search: { ranking_options: { ranker: string, score_threshold: number }, results: StepResultWire[] } }
  | { id: string, type: 'retrieval', retrieval: Record<string, never> }

/**
 * The tool call a run step shows for a search: on v2 `{id, type: 'file_search', file_search: {ranking_options,
 * results}}`, each result `{file_id, file_name, score}` plus `content: [{type: 'text', text}]` when
 * `includeContent` (`include[]=step_details.tool_calls[*].file_search.results[*].content`); on v1 the
 * `retrieval` call, whose details are an empty object (OpenAI's 2024-03 `RunStepDetailsToolCallsRetrievalObject`).
 */
export function presentFileSearchToolCall (callId: string, call: FileSearchCall, options: { generation: Generation, includeContent: boolean }): FileSearchToolCallWire {
  if (options.generation === 'v1') return { id: callId, type: 'retrieval', retrieval: {} }
  const results = call.results.map((result): StepResultWire => options.includeContent
    ? { file_id: result.fileId, file_name: result.fileName, score: result.score, content: [{ type: 'text', text: result.text }] }
    : { file_id: result.fileId, file_name: result.fileName, score: result.score })
  return { id: callId, type: 'file_search', file_search: { ranking_options: { ranker: call.ranker, score_threshold: call.scoreThreshold }, results } }
}

/** A Responses `file_search_call` result (shared/reference/responses-wire.md §4). */
export interface ResponsesFileSearchResult {
  file_id: string
  filename: string
  text: string
  score: number
  attributes: Record<string, string | number | boolean>
}

/** The `results` of a Responses `file_search_call` item (when `include` asks for `file_search_call.results`). */
export function responsesFileSearchResults (call: FileSearchCall): ResponsesFileSearchResult[] {
  return call.results.map(result => ({
    file_id: result.fileId, filename: result.fileName, text: result.text, score: result.score, attributes: { ...result.attributes }
  }))
}
