/**
 * Vector stores, their files and file batches (2024-05-01-preview on).
 *
 * Nothing is indexed: a file "processes" for `vectorStoreProcessingMs` and is then `completed`. As with runs,
 * no timer moves anything — each record keeps when it becomes ready (`readyAt`) and every status, count and
 * byte total is derived on read from those timestamps and the injected clock. Cancelling a batch is the one
 * event that changes records: its files still processing are stamped `cancelledAt`.
 */
import { assertRetrievable } from '../checks/file-types.js'
import { Errors } from '../errors.js'
import type {
  CreateFileBatchBody, CreateVectorStoreBody, CreateVectorStoreFileBody, ModifyVectorStoreBody, VectorStoreFileStatus, VectorStoreSearchBody
} from '../schemas/vector-store.js'
import type {
  ChunkingStrategy, VectorStoreFileBatchRecord, VectorStoreFileRecord, VectorStoreRecord
} from '../store/records.js'
import { found, MIN_POLL_AFTER_MS, type ServiceContext } from './context.js'
import { SearchIndexCache, searchFilesYielding, type SearchFilter, type SearchResultItem } from './vector-store-search.js'

export { AUTO_CHUNKING } from './vector-store-search.js'

const DAY_MS = 24 * 60 * 60 * 1000

type Processing = Pick<VectorStoreFileRecord, 'readyAt' | 'cancelledAt'>

/** `cancelled` once stamped, `completed` from `readyAt` on, `in_progress` before. */
export function processingStatus (record: Processing, now: number): VectorStoreFileStatus {
  if (record.cancelledAt !== null) return 'cancelled'
  return now >= record.readyAt ? 'completed' : 'in_progress'
}

export function expiresAt (record: VectorStoreRecord): number | null {
  return record.expiresAfter === null ? null : record.lastActiveAt + record.expiresAfter.days * DAY_MS
}

/** Rejects a static strategy whose overlap exceeds half its chunk size (OpenAI's `StaticChunkingStrategy` rule). */
function checkChunking (strategy: ChunkingStrategy | undefined, param: string): ChunkingStrategy {
  if (strategy === undefined) return { type: 'auto' }
  if (strategy.type === 'static') {
    const { max_chunk_size_tokens: max, chunk_overlap_tokens: overlap } = strategy.static
    if (overlap > max / 2) throw Errors.chunkOverlapTooLarge(overlap, max, `${param}.static.chunk_overlap_tokens`)
  }
  return strategy
}

export function createVectorStoreService ({ store, clock, config, ids }: ServiceContext) {
  /** Search indexes, reused while a store's completed files stay the same (vector-store-search.ts). */
  const searchIndexes = new SearchIndexCache()
  const get = (id: string): VectorStoreRecord => found(store.vectorStores.get(id), 'vector store', id)

  function getFile (vectorStoreId: string, fileId: string): VectorStoreFileRecord {
    get(vectorStoreId)
    const record = store.vectorStoreFiles.get(vectorStoreId, fileId)
    if (!record) throw Errors.vectorStoreFileNotFound(fileId, vectorStoreId)
    return record
  }

  function getBatch (vectorStoreId: string, batchId: string): VectorStoreFileBatchRecord {
    get(vectorStoreId)
    return found(store.vectorStoreFileBatches.get(vectorStoreId, batchId), 'vector store file batch', batchId)
  }

  /**
   * The files, each once, or Azure's 404 naming the missing ones; then the 400 for any file_search cannot read
   * (checks/file-types.ts).
   */
  function existingFiles (ids: readonly string[], param: string | null) {
    const unique = [...new Set(ids)]
    const missing = unique.filter(id => store.files.get(id) === undefined)
    if (missing.length > 0) throw Errors.filesNotFound(missing, param)
    const files = unique.map(id => store.files.get(id)!)
    assertRetrievable(files)
    return files
  }

  /** Puts the files into the store, processing from `now`; an id already there starts over. */
  function addFiles (vectorStoreId: string, fileIds: readonly string[], chunking: ChunkingStrategy, now: number, batchId: string | null) {
    for (const id of fileIds) {
      store.vectorStoreFiles.put(vectorStoreId, {
        id,
        vectorStoreId,
        createdAt: now,
        readyAt: now + config.vectorStoreProcessingMs,
        bytes: store.files.get(id)?.bytes ?? 0,
        chunkingStrategy: chunking,
        batchId,
        cancelledAt: null
      })
    }
  }

  function touch (record: VectorStoreRecord, now: number): VectorStoreRecord {
    const touched = { ...record, lastActiveAt: now }
    store.vectorStores.put(touched)
    return touched
  }

  function filesWithStatus (records: readonly VectorStoreFileRecord[], filter: VectorStoreFileStatus | undefined) {
    const now = clock.now()
    return filter === undefined ? records : records.filter(record => processingStatus(record, now) === filter)
  }

  function create (body: CreateVectorStoreBody): VectorStoreRecord {
    const chunking = checkChunking(body.chunking_strategy, 'chunking_strategy')
    const files = existingFiles(body.file_ids ?? [], null)
    const now = clock.now()
    const record: VectorStoreRecord = {
      id: ids.next('vs'),
      createdAt: now,
      name: body.name ?? '',
      expiresAfter: body.expires_after ?? null,
      lastActiveAt: now,
      metadata: body.metadata ?? {}
    }
    store.vectorStores.put(record)
    addFiles(record.id, files.map(file => file.id), chunking, now, null)
    return record
  }

  return {
    /** The search indexes, kept for runs' file searches too (tools/file-search.ts), so both reuse one index per store. */
    searchIndexes,
    create,
    get,

    /** The store's files, all of them (for its status, counts and bytes: presenters/vector-store.ts). */
    filesOf (vectorStoreId: string): readonly VectorStoreFileRecord[] {
      return store.vectorStoreFiles.list(vectorStoreId)
    },

    /**
     * `tool_resources` with every `file_search.vector_stores` helper entry turned into a new vector store, named
     * in `vector_store_ids` instead (what the service does on assistant and thread creation). Call it after
     * `assertReferencesExist`, which validated the entries and checked their files.
     */
    withInlineVectorStores<T> (toolResources: T): T {
      const fileSearch = (toolResources as { file_search?: { vector_store_ids?: string[], vector_stores?: unknown } } | null | undefined)?.file_search
      if (!fileSearch || !Array.isArray(fileSearch.vector_stores)) return toolResources
      const entries = fileSearch.vector_stores as Array<Pick<CreateVectorStoreBody, 'file_ids' | 'chunking_strategy' | 'metadata'>>
      const created = entries.map(entry => create({
        file_ids: entry.file_ids ?? [],
        ...(entry.chunking_strategy === undefined ? {} : { chunking_strategy: entry.chunking_strategy }),
        metadata: entry.metadata ?? {}
      }).id)
      const { vector_stores: _inline, ...rest } = fileSearch
      return { ...toolResources, file_search: { ...rest, vector_store_ids: [...(rest.vector_store_ids ?? []), ...created] } }
    },

    /** Every vector store, oldest first. */
    list (): readonly VectorStoreRecord[] {
      return store.vectorStores.list()
    },

    /** Replaces what the body names; `null` resets name to '', expiry to none and metadata to {}. */
    modify (id: string, body: ModifyVectorStoreBody): VectorStoreRecord {
      const record = get(id)
      return touch({
        ...record,
        name: body.name === undefined ? record.name : body.name ?? '',
        expiresAfter: body.expires_after === undefined ? record.expiresAfter : body.expires_after,
        metadata: body.metadata === undefined ? record.metadata : body.metadata ?? {}
      }, clock.now())
    },

    /** Removes the vector store with its files and batches (the uploaded files themselves stay). */
    delete (id: string): { id: string, object: 'vector_store.deleted', deleted: true } {
      get(id)
      store.vectorStores.delete(id) // the store removes its files and batches with it
      searchIndexes.forget(id)
      return { id, object: 'vector_store.deleted', deleted: true }
    },

    addFile (vectorStoreId: string, body: CreateVectorStoreFileBody): VectorStoreFileRecord {
      const record = get(vectorStoreId)
      const chunking = checkChunking(body.chunking_strategy, 'chunking_strategy')
      existingFiles([body.file_id], null)
      const now = clock.now()
      addFiles(vectorStoreId, [body.file_id], chunking, now, null)
      touch(record, now)
      return store.vectorStoreFiles.get(vectorStoreId, body.file_id)!
    },

    /** The store's files oldest first, only those with the `filter` status when given. */
    listFiles (vectorStoreId: string, filter?: VectorStoreFileStatus): readonly VectorStoreFileRecord[] {
      get(vectorStoreId)
      return filesWithStatus(store.vectorStoreFiles.list(vectorStoreId), filter)
    },

    getFile,

    /** Takes the file out of the vector store; the uploaded file itself stays. */
    deleteFile (vectorStoreId: string, fileId: string): { id: string, object: 'vector_store.file.deleted', deleted: true } {
      getFile(vectorStoreId, fileId)
      store.vectorStoreFiles.delete(vectorStoreId, fileId)
      return { id: fileId, object: 'vector_store.file.deleted', deleted: true }
    },

    createBatch (vectorStoreId: string, body: CreateFileBatchBody): VectorStoreFileBatchRecord {
      const record = get(vectorStoreId)
      const chunking = checkChunking(body.chunking_strategy, 'chunking_strategy')
      const fileIds = existingFiles(body.file_ids, null).map(file => file.id)
      const now = clock.now()
      const batch: VectorStoreFileBatchRecord = {
        id: ids.next('vsfb'),
        vectorStoreId,
        createdAt: now,
        readyAt: now + config.vectorStoreProcessingMs,
        fileIds,
        cancelledAt: null
      }
      store.vectorStoreFileBatches.put(vectorStoreId, batch)
      addFiles(vectorStoreId, fileIds, chunking, now, batch.id)
      touch(record, now)
      return batch
    },

    getBatch,

    /** Stops a batch still processing: it and its unfinished files become `cancelled`. */
    cancelBatch (vectorStoreId: string, batchId: string): VectorStoreFileBatchRecord {
      const batch = getBatch(vectorStoreId, batchId)
      const now = clock.now()
      const status = processingStatus(batch, now)
      if (status !== 'in_progress') throw Errors.batchNotCancellable(status)
      const cancelled = { ...batch, cancelledAt: now }
      store.vectorStoreFileBatches.put(vectorStoreId, cancelled)
      for (const file of store.vectorStoreFiles.list(vectorStoreId)) {
        if (file.batchId === batchId && processingStatus(file, now) === 'in_progress') {
          store.vectorStoreFiles.put(vectorStoreId, { ...file, cancelledAt: now })
        }
      }
      return cancelled
    },

    /** The batch's files still in the store, oldest first, filtered by status when asked. */
    listBatchFiles (vectorStoreId: string, batchId: string, filter?: VectorStoreFileStatus): readonly VectorStoreFileRecord[] {
      getBatch(vectorStoreId, batchId)
      return filesWithStatus(store.vectorStoreFiles.list(vectorStoreId).filter(file => file.batchId === batchId), filter)
    },

    /**
     * Lexical search over the store's completed files (vector-store-search.ts); the query (or each of several)
     * is echoed as `search_query`. Default 10 results, `ranking_options.score_threshold` default 0. Resolves
     * once the (bounded) work is done, having let other requests through meanwhile.
     */
    async search (vectorStoreId: string, body: VectorStoreSearchBody): Promise<{
      object: 'vector_store.search_results.page', search_query: string[], data: SearchResultItem[], has_more: false, next_page: null
    }> {
      get(vectorStoreId)
      const now = clock.now()
      const files = store.vectorStoreFiles.list(vectorStoreId)
        .filter(entry => processingStatus(entry, now) === 'completed')
        .flatMap(entry => {
          const file = store.files.get(entry.id)
          return file ? [{ entry, file, attributes: {} }] : []
        })
      const queries = typeof body.query === 'string' ? [body.query] : body.query
      // Both steps let the event loop turn while they work: a large store or a long query stalls nobody.
      const index = await searchIndexes.indexForYielding(vectorStoreId, files)
      const data = await searchFilesYielding(files, {
        queries,
        maxResults: body.max_num_results ?? 10,
        scoreThreshold: body.ranking_options?.score_threshold ?? 0,
        filter: body.filters as SearchFilter | undefined
      }, index)
      return { object: 'vector_store.search_results.page', search_query: [...queries], data, has_more: false, next_page: null }
    },

    /** The parsed text of one of the store's files, as one text item (empty once the uploaded file is deleted). */
    fileContent (vectorStoreId: string, fileId: string): {
      object: 'vector_store.file_content.page', data: Array<{ type: 'text', text: string }>, has_more: false, next_page: null
    } {
      getFile(vectorStoreId, fileId)
      const file = store.files.get(fileId)
      const data = file ? [{ type: 'text' as const, text: file.content.toString('utf8') }] : []
      return { object: 'vector_store.file_content.page', data, has_more: false, next_page: null }
    },

    /**
     * When an object still in progress is next worth asking about, in ms from now (at least MIN_POLL_AFTER_MS), or undefined
     * when it is not in progress: the `openai-poll-after-ms` hint the SDKs' `createAndPoll` / `uploadAndPoll` follow.
     */
    pollAfterMs (record: VectorStoreRecord | VectorStoreFileRecord | VectorStoreFileBatchRecord): number | undefined {
      const now = clock.now()
      const pending = 'readyAt' in record
        ? (processingStatus(record, now) === 'in_progress' ? [record.readyAt] : [])
        : store.vectorStoreFiles.list(record.id).filter(file => processingStatus(file, now) === 'in_progress').map(file => file.readyAt)
      if (pending.length === 0) return undefined
      return Math.max(MIN_POLL_AFTER_MS, Math.max(...pending) - now)
    }
  }
}
export type VectorStoreService = ReturnType<typeof createVectorStoreService>
