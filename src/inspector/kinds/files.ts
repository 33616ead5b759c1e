/** Uploaded files in the inspector: the list (searched by id, name and purpose) and one file with the start of its text. */
import type { FileRecord } from '../../store/records.js'
import { findTenant, tenantItems, tenantRef, type InspectorKind } from '../kind.js'
import { bytes, code, time, type Section } from '../view.js'

/** Bytes of a file shown as text. */
const PREVIEW_BYTES = 4096

export const fileRef = (id: string, tenant: Parameters<typeof tenantRef>[1]) => tenantRef(`files/${encodeURIComponent(id)}`, tenant)

/** The start of a file's content as text, unless it looks binary (a NUL byte in it). */
function preview (record: FileRecord): Section {
  const head = record.content.subarray(0, PREVIEW_BYTES)
  if (head.includes(0)) return { type: 'fields', title: 'Content', fields: [{ label: 'content', value: 'binary: not shown' }] }
  const note = record.bytes > PREVIEW_BYTES ? `the first ${PREVIEW_BYTES} of ${record.bytes} bytes` : `${record.bytes} bytes`
  return { type: 'blocks', title: 'Content', blocks: [{ label: record.filename, text: head.toString('utf8'), format: 'text', note }] }
}

export const files: InspectorKind<FileRecord> = {
  name: 'files',
  title: 'Files',
  noun: 'file',
  searchLabel: 'Search files by id, name or purpose',
  columns: [
    { key: 'id', label: 'File' },
    { key: 'filename', label: 'Name' },
    { key: 'purpose', label: 'Purpose' },
    { key: 'bytes', label: 'Size' },
    { key: 'created', label: 'Created' }
  ],
  items: context => tenantItems(context, tenant => tenant.store.files.list()),
  count: context => context.tenants.reduce((n, tenant) => n + tenant.store.files.list().length, 0),
  searchText: record => [record.id, record.filename, record.purpose],
  row: ({ value: record, tenant }) => ({
    id: record.id,
    ref: fileRef(record.id, tenant),
    cells: {
      id: { type: 'link', text: record.id, ref: fileRef(record.id, tenant) },
      filename: record.filename,
      purpose: code(record.purpose),
      bytes: bytes(record.bytes),
      created: time(record.createdAt)
    }
  }),
  detail (context, id, query) {
    const tenant = findTenant(context, query, t => t.store.files.get(id) !== undefined)
    if (tenant === undefined) return undefined
    const record = tenant.store.files.get(id)!
    return {
      title: `File ${record.filename}`,
      status: null,
      trail: [{ text: 'Files', ref: 'files' }],
      fields: [
        { label: 'id', value: code(record.id) },
        { label: 'purpose', value: code(record.purpose) },
        { label: 'size', value: bytes(record.bytes) },
        { label: 'created', value: time(record.createdAt) }
      ],
      sections: [preview(record)],
      actions: [],
      next_change_at: null
    }
  }
}
