/** Assistants in the inspector: the list (searched by id, name, model and metadata) and one assistant's settings. */
import { presentAssistant } from '../../presenters/assistant.js'
import type { AssistantRecord } from '../../store/records.js'
import { findTenant, tenantItems, tenantRef, type InspectorKind } from '../kind.js'
import { code, json, list, time, type Cell } from '../view.js'
import { metadataCell, metadataText } from './threads.js'

const assistantRef = (id: string, tenant: Parameters<typeof tenantRef>[1]) => tenantRef(`assistants/${encodeURIComponent(id)}`, tenant)
const toolNames = (record: AssistantRecord): Cell =>
  list(record.tools.map(tool => code(tool.type === 'function' ? tool.function.name : tool.type)))

export const assistants: InspectorKind<AssistantRecord> = {
  name: 'assistants',
  title: 'Assistants',
  noun: 'assistant',
  searchLabel: 'Search assistants by id, name, model or metadata',
  columns: [
    { key: 'id', label: 'Assistant' },
    { key: 'name', label: 'Name' },
    { key: 'model', label: 'Model' },
    { key: 'tools', label: 'Tools' },
    { key: 'created', label: 'Created' }
  ],
  items: context => tenantItems(context, tenant => tenant.store.assistants.list()),
  count: context => context.tenants.reduce((n, tenant) => n + tenant.store.assistants.list().length, 0),
  searchText: record => [record.id, record.name ?? '', record.model, ...metadataText(record.metadata)],
  row: ({ value: record, tenant }) => ({
    id: record.id,
    ref: assistantRef(record.id, tenant),
    cells: {
      id: { type: 'link', text: record.id, ref: assistantRef(record.id, tenant) },
      name: record.name,
      model: code(record.model),
      tools: toolNames(record),
      created: time(record.createdAt)
    }
  }),
  detail (context, id, query) {
    const tenant = findTenant(context, query, t => t.store.assistants.get(id) !== undefined)
    if (tenant === undefined) return undefined
    const record = tenant.store.assistants.get(id)!
    const wire = presentAssistant(record, 'v2')
    return {
      title: `Assistant ${record.name === null ? record.id : `${record.name} (${record.id})`}`,
      status: null,
      trail: [{ text: 'Assistants', ref: 'assistants' }],
      fields: [
        { label: 'name', value: record.name },
        { label: 'description', value: record.description },
        { label: 'model', value: code(record.model) },
        { label: 'created', value: time(record.createdAt) },
        { label: 'tools', value: toolNames(record) },
        { label: 'temperature', value: wire.temperature ?? null },
        { label: 'top_p', value: wire.top_p ?? null },
        { label: 'response_format', value: json(wire.response_format) },
        { label: 'tool_resources', value: json(wire.tool_resources) },
        { label: 'metadata', value: metadataCell(record.metadata) }
      ].filter(field => field.value !== null),
      sections: [{
        type: 'blocks',
        title: 'Instructions and tools',
        blocks: [
          ...(record.instructions === null || record.instructions === '' ? [] : [{ label: 'instructions', text: record.instructions, format: 'text' as const }]),
          { label: 'tools', text: JSON.stringify(wire.tools, null, 2), format: 'json' }
        ]
      }],
      actions: [],
      next_change_at: null
    }
  }
}
