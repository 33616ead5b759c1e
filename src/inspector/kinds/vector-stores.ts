/**
 * Vector stores in the inspector: the list (status and file counts derived at the view's time), and one store
 * with its files (status, size, chunks), its file batches and a search box running the store's own search
 * (services/vector-stores.ts `search`, as `POST /vector_stores/{id}/search` does).
 */
import { presentVectorStore } from '../../presenters/vector-store.js'
import { chunkCountOf } from '../../services/vector-store-search.js'
import { processingStatus } from '../../services/vector-stores.js'
import { LIMITS } from '../../schemas/limits.js'
import type { VectorStoreFileRecord, VectorStoreRecord } from '../../store/records.js'
import type { Tenant } from '../../control/tenants.js'
import { findTenant, sectionOffset, tenantItems, tenantRef, type InspectorContext, type InspectorKind, type ViewQuery } from '../kind.js'
import { bytes, code, earliest, link, status, time, type DetailBody, type Entry, type Section } from '../view.js'
import { fileRef } from './files.js'
import { metadataCell, metadataText } from './threads.js'

const FILES_PER_PAGE = 50
const SEARCH_RESULTS = 10

const storeRef = (id: string, tenant: Tenant | null) => tenantRef(`vector_stores/${encodeURIComponent(id)}`, tenant)

/** When the first of `files` still processing at `now` is ready, if any is. */
const nextReady = (files: readonly VectorStoreFileRecord[], now: number) =>
  earliest(files.map(file => processingStatus(file, now) === 'in_progress' ? file.readyAt : null))

async function searchSection (context: InspectorContext, tenant: Tenant, record: VectorStoreRecord, query: ViewQuery): Promise<Section[]> {
  const q = String(query.q ?? '').slice(0, LIMITS.searchQuery)
  const form: Section = { type: 'search', title: 'Search this store', param: 'q', label: `Search the files of ${record.id}`, value: q }
  if (q.trim() === '') return [form]
  const results = await tenant.services.vectorStores.search(record.id, { query: q, max_num_results: SEARCH_RESULTS })
  const entries: Entry[] = results.data.map((hit, i) => ({
    id: `result-${i + 1}`,
    title: `${i + 1}. ${hit.filename}`,
    fields: [{ label: 'file', value: link(hit.file_id, fileRef(hit.file_id, tenant)) }, { label: 'score', value: hit.score }],
    blocks: hit.content.map(part => ({ label: 'chunk', text: part.text, format: 'text' as const }))
  }))
  return [form, { type: 'entries', title: `Results for “${q}”`, entries, empty: 'No chunk matches.' }]
}

async function storeDetail (context: InspectorContext, id: string, query: ViewQuery): Promise<DetailBody | undefined> {
  const tenant = findTenant(context, query, t => t.store.vectorStores.get(id) !== undefined)
  if (tenant === undefined) return undefined
  const { now } = context
  const record = tenant.store.vectorStores.get(id)!
  const files = tenant.store.vectorStoreFiles.list(id)
  const wire = presentVectorStore(record, files, now)
  const newestFirst = [...files].reverse()
  const offset = sectionOffset(query, 'files', files.length, FILES_PER_PAGE, false)
  const batches = tenant.store.vectorStoreFileBatches.list(id).reverse()
  return {
    title: `Vector store ${record.name === '' ? record.id : `${record.name} (${record.id})`}`,
    status: wire.status,
    trail: [{ text: 'Vector stores', ref: 'vector_stores' }],
    fields: [
      { label: 'files', value: `${wire.file_counts.completed} completed, ${wire.file_counts.in_progress} in progress, ${wire.file_counts.cancelled} cancelled (${wire.file_counts.total} in all)` },
      { label: 'usage', value: bytes(wire.usage_bytes) },
      { label: 'created', value: time(record.createdAt) },
      { label: 'last active', value: time(record.lastActiveAt) },
      { label: 'expires', value: wire.expires_at === null ? null : time(wire.expires_at * 1000) },
      { label: 'metadata', value: metadataCell(record.metadata) }
    ].filter(field => field.value !== null),
    sections: [
      ...await searchSection(context, tenant, record, query),
      {
        type: 'table',
        title: 'Files',
        columns: [
          { key: 'id', label: 'File' },
          { key: 'filename', label: 'Name' },
          { key: 'status', label: 'Status' },
          { key: 'bytes', label: 'Size' },
          { key: 'chunks', label: 'Chunks' },
          { key: 'batch', label: 'Batch' },
          { key: 'created', label: 'Added' }
        ],
        rows: newestFirst.slice(offset, offset + FILES_PER_PAGE).map(entry => {
          const file = tenant.store.files.get(entry.id)
          return {
            id: entry.id,
            ref: fileRef(entry.id, tenant),
            cells: {
              id: link(entry.id, fileRef(entry.id, tenant)),
              filename: file?.filename ?? '(deleted)',
              status: status(processingStatus(entry, now)),
              bytes: bytes(entry.bytes),
              chunks: file === undefined ? null : chunkCountOf(file, entry.chunkingStrategy),
              batch: entry.batchId === null ? null : code(entry.batchId),
              created: time(entry.createdAt)
            }
          }
        }),
        page: { param: 'files', offset, limit: FILES_PER_PAGE, total: files.length }
      },
      ...(batches.length === 0
        ? []
        : [{
            type: 'table' as const,
            title: 'File batches',
            columns: [{ key: 'id', label: 'Batch' }, { key: 'status', label: 'Status' }, { key: 'files', label: 'Files' }, { key: 'created', label: 'Created' }],
            rows: batches.slice(0, FILES_PER_PAGE).map(batch => ({
              id: batch.id,
              ref: storeRef(id, tenant),
              cells: { id: code(batch.id), status: status(processingStatus(batch, now)), files: batch.fileIds.length, created: time(batch.createdAt) }
            }))
          }])
    ],
    actions: [],
    next_change_at: nextReady(files, now)
  }
}

export const vectorStores: InspectorKind<VectorStoreRecord> = {
  name: 'vector_stores',
  title: 'Vector stores',
  noun: 'vector store',
  searchLabel: 'Search vector stores by id, name or metadata',
  columns: [
    { key: 'id', label: 'Vector store' },
    { key: 'name', label: 'Name' },
    { key: 'status', label: 'Status' },
    { key: 'files', label: 'Files completed' },
    { key: 'usage', label: 'Usage' },
    { key: 'created', label: 'Created' }
  ],
  items: context => tenantItems(context, tenant => tenant.store.vectorStores.list()),
  count: context => context.tenants.reduce((n, tenant) => n + tenant.store.vectorStores.list().length, 0),
  searchText: record => [record.id, record.name, ...metadataText(record.metadata)],
  row ({ value: record, tenant }, { now }) {
    const files = tenant!.store.vectorStoreFiles.list(record.id)
    const wire = presentVectorStore(record, files, now)
    return {
      id: record.id,
      ref: storeRef(record.id, tenant),
      cells: {
        id: link(record.id, storeRef(record.id, tenant)),
        name: record.name,
        status: status(wire.status),
        files: `${wire.file_counts.completed} of ${wire.file_counts.total}`,
        usage: bytes(wire.usage_bytes),
        created: time(record.createdAt)
      },
      next_change_at: nextReady(files, now)
    }
  },
  detail: storeDetail
}
