/**
 * The requests journal in the inspector: recent requests newest first, filtered by status class and searched
 * by path, method or request id; a request with the bodies the journal kept of it (`--journal-body-bytes`).
 * A request's view is named by its request id (the `x-request-id` a client logs).
 */
import type { KeptBody, RecordedRequest } from '../../control/journal.js'
import type { InspectorKind, Item } from '../kind.js'
import { code, duration, link, status, time, type Block, type Cell, type Section } from '../view.js'

const STATUS_CLASSES: Readonly<Record<string, (status: number) => boolean>> = {
  '2xx': s => s >= 200 && s < 300,
  '4xx': s => s >= 400 && s < 500,
  '5xx': s => s >= 500,
  errors: s => s >= 400 || s === 0,
  dropped: s => s === 0
}

const requestRef = (id: string) => `requests/${encodeURIComponent(id)}`

/** A status as its cell: `ok` for 2xx, `error` for the rest (0: the connection was dropped). */
const statusCell = (value: number): Cell => status(value === 0 ? 'dropped' : String(value))

/** A kept body as a block: pretty JSON when it is whole JSON, else its text as kept. */
function bodyBlock (label: string, body: KeptBody | null): Block {
  if (body === null) return { label, text: '', format: 'text', note: 'no body' }
  const size = body.bytes === null ? '' : `${body.bytes} bytes`
  if (body.text === null) return { label, text: '', format: 'text', note: [body.note, size].filter(Boolean).join(', ') }
  const note = [body.contentType, body.truncated ? `the first ${Buffer.byteLength(body.text)} of ${size}` : size].filter(Boolean).join(', ')
  if (!body.truncated && body.contentType?.includes('json') === true) {
    try {
      return { label, text: JSON.stringify(JSON.parse(body.text), null, 2), format: 'json', note }
    } catch {}
  }
  return { label, text: body.text, format: 'text', note }
}

export const requests: InspectorKind<RecordedRequest> = {
  name: 'requests',
  title: 'Requests',
  noun: 'request',
  searchLabel: 'Search requests by path, method or request id',
  filters: [{
    name: 'status',
    label: 'Status',
    options: [
      { value: '', label: 'all' },
      { value: 'errors', label: 'errors (4xx, 5xx, dropped)' },
      { value: '2xx', label: '2xx' },
      { value: '4xx', label: '4xx' },
      { value: '5xx', label: '5xx' },
      { value: 'dropped', label: 'dropped connections' }
    ]
  }],
  columns: [
    { key: 'time', label: 'Time' },
    { key: 'method', label: 'Method' },
    { key: 'path', label: 'Path' },
    { key: 'status', label: 'Status' },
    { key: 'duration', label: 'Duration' },
    { key: 'request_id', label: 'Request id' },
    { key: 'fault', label: 'Fault' }
  ],
  items: ({ runtime }) => runtime.control.journal.recorded().reverse().map((recorded): Item<RecordedRequest> => ({
    key: recorded.requestId, id: recorded.requestId, createdAt: recorded.at, tenant: null, value: recorded
  })),
  count: ({ runtime }) => runtime.control.journal.recorded().length,
  searchText: (recorded, { runtime }) => [runtime.control.journal.present(recorded).path, recorded.method, recorded.requestId],
  passes: (recorded, filters) => STATUS_CLASSES[filters.status ?? '']?.(recorded.status) ?? true,
  row ({ value: recorded }, { runtime }) {
    const entry = runtime.control.journal.present(recorded)
    return {
      id: entry.request_id,
      ref: requestRef(entry.request_id),
      cells: {
        time: time(recorded.at),
        method: code(entry.method),
        path: link(entry.path, requestRef(entry.request_id)),
        status: statusCell(entry.status),
        duration: duration(entry.duration_ms),
        request_id: code(entry.request_id),
        fault: entry.fault === null ? null : code(entry.fault)
      }
    }
  },
  detail ({ runtime }, id) {
    const recorded = runtime.control.journal.recorded().find(r => r.requestId === id)
    if (recorded === undefined) return undefined
    const entry = runtime.control.journal.present(recorded)
    const bodies: Section = recorded.bodies === null
      ? {
          type: 'fields',
          title: 'Bodies',
          fields: [{ label: 'bodies', value: entry.flavour === 'emulator' ? 'not kept for /_emulator requests' : 'not kept (--journal-body-bytes 0)' }]
        }
      : { type: 'blocks', title: 'Bodies', blocks: [bodyBlock('request body', recorded.bodies.request), bodyBlock('response body', recorded.bodies.response)] }
    return {
      title: `${entry.method} ${entry.path}`,
      status: entry.status === 0 ? 'dropped' : String(entry.status),
      trail: [{ text: 'Requests', ref: 'requests' }],
      fields: [
        { label: 'request id', value: code(entry.request_id) },
        { label: 'time', value: time(recorded.at) },
        { label: 'duration', value: duration(entry.duration_ms) },
        { label: 'flavour', value: code(entry.flavour) },
        { label: 'api-version', value: entry.api_version === null ? null : code(entry.api_version) },
        { label: 'fault', value: entry.fault === null ? null : code(entry.fault) }
      ].filter(field => field.value !== null),
      sections: [bodies],
      actions: [],
      next_change_at: null
    }
  }
}
