/**
 * Vector stores, their files and file batches as the wire shows them at `now`: every status, count and byte
 * total is derived from the records' timestamps (services/vector-stores.ts `processingStatus`).
 */
import { AZURE_CHUNKING_SINCE, compareApiVersions, type RequestApiVersion } from '../api-versions.js'
import { toUnixSeconds } from '../clock.js'
import type { FileCounts, VectorStore, VectorStoreFile, VectorStoreFileBatch, VectorStoreFileStatus } from '../schemas/vector-store.js'
import { AUTO_CHUNKING, expiresAt, processingStatus } from '../services/vector-stores.js'
import type { VectorStoreFileBatchRecord, VectorStoreFileRecord, VectorStoreRecord } from '../store/records.js'

function countsOf (statuses: readonly VectorStoreFileStatus[]): FileCounts {
  const count = (status: VectorStoreFileStatus) => statuses.filter(s => s === status).length
  return {
    in_progress: count('in_progress'),
    completed: count('completed'),
    failed: count('failed'),
    cancelled: count('cancelled'),
    total: statuses.length
  }
}

/** The vector store with its `files` (all of them, in the store): `expired` past its expiry, else `in_progress` while any file is. */
export function presentVectorStore (record: VectorStoreRecord, files: readonly VectorStoreFileRecord[], now: number): VectorStore {
  const statuses = files.map(file => processingStatus(file, now))
  const expiry = expiresAt(record)
  const status = expiry !== null && now >= expiry
    ? 'expired'
    : statuses.includes('in_progress') ? 'in_progress' : 'completed'
  return {
    id: record.id,
    object: 'vector_store',
    name: record.name,
    status,
    usage_bytes: files.filter((_, i) => statuses[i] === 'completed').reduce((sum, file) => sum + file.bytes, 0),
    created_at: toUnixSeconds(record.createdAt),
    file_counts: countsOf(statuses),
    metadata: record.metadata,
    ...(record.expiresAfter === null ? {} : { expires_after: record.expiresAfter }),
    expires_at: expiry === null ? null : toUnixSeconds(expiry),
    last_active_at: toUnixSeconds(record.lastActiveAt)
  }
}

/**
 * The vector store file as the request's flavour and api-version show it. `chunking_strategy` (OpenAI 2024-06-20;
 * required by the Agents stable/v1 VectorStoreFile and by Azure's documents from 2024-07-01-preview) is always
 * `static`, an `auto` choice showing its resolved sizes (800/400) as OpenAI does; Azure's 2024-05-01-preview
 * object has no such field.
 */
export function presentVectorStoreFile (record: VectorStoreFileRecord, now: number,
  served: Pick<RequestApiVersion, 'flavour' | 'version'>): VectorStoreFile {
  const status = processingStatus(record, now)
  const strategy = record.chunkingStrategy.type === 'static' ? record.chunkingStrategy.static : AUTO_CHUNKING
  const file: VectorStoreFile = {
    id: record.id,
    object: 'vector_store.file',
    usage_bytes: status === 'completed' ? record.bytes : 0,
    created_at: toUnixSeconds(record.createdAt),
    vector_store_id: record.vectorStoreId,
    status,
    last_error: null
  }
  const chunked = served.flavour !== 'azure' || compareApiVersions(served.version, AZURE_CHUNKING_SINCE) >= 0
  // Added in place rather than `{ ...file, chunking_strategy }`: a spread followed by more keys is slow on Node 20 (issue 20).
  if (chunked) file.chunking_strategy = { type: 'static', static: { ...strategy } }
  return file
}

/** A file batch: its status, and every file of it counted under that status. */
export function presentVectorStoreFileBatch (record: VectorStoreFileBatchRecord, now: number): VectorStoreFileBatch {
  const status = processingStatus(record, now)
  return {
    id: record.id,
    object: 'vector_store.files_batch',
    created_at: toUnixSeconds(record.createdAt),
    vector_store_id: record.vectorStoreId,
    status,
    file_counts: countsOf(record.fileIds.map(() => status))
  }
}
