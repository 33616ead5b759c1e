/**
 * The Responses API in the inspector: responses (the list, newest first, searched by id, model and metadata; a
 * response with its fields, its course on a timeline, its input and output items) and conversations (the list;
 * a conversation with its items in order, a page at a time, and the responses on it). Every response is read at
 * the view's time through the same derivation as the API (responses/course.ts) and shown through its presenter
 * (presenters/response.ts), so a background response moves on the page as a client polling it would see it move.
 * Like the API, neither shows what it no longer serves: a `store: false` response, a deleted conversation.
 */
import type { Tenant } from '../../control/tenants.js'
import { presentConversation, presentResponse } from '../../presenters/response.js'
import { isTerminalResponse, responseCourseOf, responseStateAt, type ResponseState } from '../../responses/course.js'
import type { ConversationRecord, ResponseRecord } from '../../store/records.js'
import { findTenant, sectionOffset, tenantItems, tenantRef, type InspectorContext, type InspectorKind, type ViewQuery } from '../kind.js'
import {
  code, earliest, json, link, list, status, time, type Block, type Cell, type Column, type DetailBody, type Entry, type Field, type Row, type Span, type Timeline
} from '../view.js'
import { metadataCell, metadataText } from './threads.js'

const ITEMS_PER_PAGE = 50
const RESPONSES_PER_PAGE = 20

const responseRef = (id: string, tenant: Tenant | null) => tenantRef(`responses/${encodeURIComponent(id)}`, tenant)
const conversationRef = (id: string, tenant: Tenant | null) => tenantRef(`conversations/${encodeURIComponent(id)}`, tenant)
const fileLink = (id: string, tenant: Tenant): Cell => link(id, tenantRef(`files/${encodeURIComponent(id)}`, tenant))

/** The responses a client can read: stored ones (`store: false` ones are forgotten once their request is done). */
const servedResponses = (tenant: Tenant): ResponseRecord[] => tenant.store.responses.list().filter(record => record.store)
/** The conversations a client can read: not deleted. */
const servedConversations = (tenant: Tenant): ConversationRecord[] => tenant.store.conversations.list().filter(record => !record.deleted)

/** The Foundry agent version that answered, as `name:version` (its id on the wire), or null. */
const agentOf = (record: ResponseRecord): string | null =>
  record.agentReference === undefined || record.agentReference === null ? null : `${record.agentReference.name}:${record.agentReference.version}`

const usageText = (usage: NonNullable<ResponseState['usage']>) =>
  `${usage.input_tokens} input + ${usage.output_tokens} output (${usage.output_tokens_details.reasoning_tokens} reasoning) = ${usage.total_tokens} tokens`

/** `text` pretty-printed when it is JSON, else as it is. */
function prettyJson (text: string): string {
  try {
    return JSON.stringify(JSON.parse(text), null, 2)
  } catch {
    return text
  }
}

/** An item as the wire shows it (stored input, a conversation's item, or an output item at one moment). */
type WireItem = Readonly<Record<string, unknown>> & { readonly id: string, readonly type: string }

/** Where a function call's output was given: the output text, and the response or conversation item that gave it. */
interface CallOutput {
  readonly output: string
  readonly in: Cell
}

const str = (value: unknown): string => typeof value === 'string' ? value : JSON.stringify(value)

/**
 * An item as an entry: a message with its role, text parts and annotations; a function call with its name,
 * arguments and (when `outputOf` finds one) its output; a function call's output; a file search with its queries
 * and results; a reasoning summary; anything else as its JSON.
 */
function itemEntry (item: WireItem, tenant: Tenant, outputOf: (callId: string) => CallOutput | undefined, extra: readonly Field[] = []): Entry {
  const fields: Field[] = [{ label: 'id', value: code(item.id) }, ...extra]
  const blocks: Block[] = []
  const itemStatus = typeof item.status === 'string' ? item.status : undefined
  let title = item.type
  switch (item.type) {
    case 'message': {
      title = `message (${str(item.role)})`
      const content = typeof item.content === 'string' ? [{ type: 'input_text', text: item.content }] : (item.content ?? []) as ReadonlyArray<Record<string, unknown>>
      for (const part of content) {
        if (typeof part.text === 'string') {
          blocks.push({ label: String(part.type), text: part.text, format: 'text' })
          const annotations = (part.annotations ?? []) as ReadonlyArray<Record<string, unknown>>
          if (annotations.length > 0) {
            blocks.push({ label: 'annotations', text: JSON.stringify(annotations, null, 2), format: 'json' })
            const cited = [...new Set(annotations.flatMap(a => typeof a.file_id === 'string' ? [a.file_id] : []))]
            fields.push({ label: 'annotated files', value: list(cited.map(id => fileLink(id, tenant))) })
          }
        } else if (typeof part.file_id === 'string') {
          fields.push({ label: String(part.type), value: fileLink(part.file_id, tenant) })
        } else {
          blocks.push({ label: String(part.type), text: JSON.stringify(part, null, 2), format: 'json' })
        }
      }
      break
    }
    case 'function_call': {
      const callId = str(item.call_id)
      title = `function_call ${str(item.name)}`
      fields.push({ label: 'call_id', value: code(callId) })
      blocks.push({ label: `${str(item.name)}(…): arguments`, text: prettyJson(str(item.arguments)), format: 'json' })
      const given = outputOf(callId)
      if (given !== undefined) {
        fields.push({ label: 'output given in', value: given.in })
        blocks.push({ label: 'output', text: prettyJson(given.output), format: 'text' })
      }
      break
    }
    case 'function_call_output':
      fields.push({ label: 'call_id', value: code(str(item.call_id)) })
      blocks.push({ label: 'output', text: prettyJson(str(item.output)), format: 'text' })
      break
    case 'file_search_call': {
      fields.push({ label: 'queries', value: list(((item.queries ?? []) as readonly unknown[]).map(query => code(str(query)))) })
      const results = (item.results ?? null) as ReadonlyArray<Record<string, unknown>> | null
      fields.push({ label: 'results', value: results === null ? 'not included (include[]=file_search_call.results)' : results.length })
      for (const [n, result] of (results ?? []).entries()) {
        blocks.push({ label: `result ${n + 1}: ${str(result.filename)} (${str(result.file_id)})`, note: `score ${str(result.score)}`, text: str(result.text), format: 'text' })
      }
      break
    }
    case 'reasoning':
      for (const part of (item.summary ?? []) as ReadonlyArray<{ text?: unknown }>) blocks.push({ label: 'summary', text: str(part.text), format: 'text' })
      break
    default:
      blocks.push({ label: item.type, text: JSON.stringify(item, null, 2), format: 'json' })
  }
  return { id: item.id, title, ...(itemStatus === undefined ? {} : { status: itemStatus }), fields, blocks }
}

/**
 * Where the output of each function call of `tenant` was given: in a later response's input (its
 * `previous_response_id` chain), or added to a conversation. Read for one view only.
 */
function callOutputs (tenant: Tenant): (callId: string) => CallOutput | undefined {
  let found: Map<string, CallOutput> | undefined
  return callId => {
    if (found === undefined) {
      found = new Map()
      for (const record of servedResponses(tenant)) {
        for (const item of record.input as readonly WireItem[]) {
          if (item.type === 'function_call_output') found.set(str(item.call_id), { output: str(item.output), in: link(record.id, responseRef(record.id, tenant)) })
        }
      }
      for (const conversation of servedConversations(tenant)) {
        for (const row of tenant.store.conversationItems.list(conversation.id)) {
          const item = row.item as WireItem
          if (item.type !== 'function_call_output' || found.has(str(item.call_id))) continue
          found.set(str(item.call_id), { output: str(item.output), in: link(conversation.id, conversationRef(conversation.id, tenant)) })
        }
      }
    }
    return found.get(callId)
  }
}

/**
 * A response's course on a time axis, as far as it has gone at `now`: its statuses on the first lane, one lane
 * per output item (from added to done), and every change in order.
 */
function responseTimeline (record: ResponseRecord, now: number): Timeline {
  const course = responseCourseOf(record)
  const happened = course.list(course.happenedBy(now))
  const statuses: Span[] = []
  const itemSpans = new Map<number, Span>()
  const events: Array<{ at: number, text: string }> = []
  for (const h of happened) {
    if (h.kind === 'phase') {
      const open = statuses.at(-1)
      if (open !== undefined) statuses[statuses.length - 1] = { ...open, to: h.at }
      const terminal = isTerminalResponse(h.status)
      statuses.push({ status: h.status, from: h.at, to: terminal ? h.at : null })
      events.push({ at: h.at, text: `status: ${h.status}` })
      if (terminal) {
        // A cancel cuts the items being written where they are.
        for (const [index, span] of itemSpans) if (span.to === null) itemSpans.set(index, { ...span, status: 'incomplete', to: h.at })
      }
    } else if (h.kind === 'item-added') {
      itemSpans.set(h.item, { status: 'in_progress', from: h.at, to: null })
      events.push({ at: h.at, text: `item ${record.output[h.item]!.id} added (${record.output[h.item]!.type})` })
    } else if (h.kind === 'item-done') {
      const span = itemSpans.get(h.item)!
      itemSpans.set(h.item, { ...span, status: 'completed', to: h.at })
      events.push({ at: h.at, text: `item ${record.output[h.item]!.id} done` })
    }
  }
  const live = statuses.at(-1)!.to === null
  const last = happened.at(-1)!.at
  const itemLabel = (index: number) => {
    const item = record.output[index]!
    return `item ${index + 1}: ${item.type === 'function_call' ? `function_call ${item.name}` : item.type}`
  }
  return {
    start: record.createdAt,
    end: live ? Math.max(now, last) : last,
    live,
    lanes: [{ label: 'status', spans: statuses }, ...[...itemSpans].map(([index, span]) => ({ label: itemLabel(index), spans: [span] }))],
    marks: record.cancelledAt === null ? [] : [{ at: record.cancelledAt, label: 'cancel requested' }],
    events
  }
}

/** The response's tools (`function get_weather`, `file_search`), null when it has none. */
function toolNames (record: ResponseRecord): Cell {
  const tools = record.tools as ReadonlyArray<{ readonly type?: string, readonly name?: string }>
  return tools.length === 0 ? null : list(tools.map(tool => code(tool.type === 'function' ? `function ${String(tool.name)}` : String(tool.type))))
}

const RESPONSE_COLUMNS: readonly Column[] = [
  { key: 'id', label: 'Response' },
  { key: 'status', label: 'Status' },
  { key: 'model', label: 'Model' },
  { key: 'agent', label: 'Agent' },
  { key: 'created', label: 'Created' },
  { key: 'tokens', label: 'Tokens' }
]

function responseRow (record: ResponseRecord, tenant: Tenant, now: number): Row {
  const state = responseStateAt(record, now)
  const agent = agentOf(record)
  return {
    id: record.id,
    ref: responseRef(record.id, tenant),
    cells: {
      id: link(record.id, responseRef(record.id, tenant)),
      status: status(state.status),
      model: code(record.model),
      agent: agent === null ? null : code(agent),
      created: time(record.createdAt),
      tokens: state.usage?.total_tokens ?? null
    },
    next_change_at: state.nextChangeAt
  }
}

function responseDetail (context: InspectorContext, id: string, query: ViewQuery): DetailBody | undefined {
  const tenant = findTenant(context, query, t => t.store.responses.get(id)?.store === true)
  if (tenant === undefined) return undefined
  const record = tenant.store.responses.get(id)!
  // What a client's GET reads at this time: the same state, presented the same way.
  const state = responseStateAt(record, context.now)
  const flavour = agentOf(record) === null ? 'openai' : 'foundry'
  const wire = presentResponse({ record, state }, flavour)
  const previous = record.previousResponseId
  const outputOf = callOutputs(tenant)
  const fields: Field[] = [
    { label: 'status', value: status(state.status) },
    { label: 'background', value: record.background },
    { label: 'model', value: code(record.model) },
    { label: 'agent', value: agentOf(record) === null ? null : code(agentOf(record)!) },
    { label: 'created', value: time(record.createdAt) },
    { label: 'completed', value: time(state.completedAt) },
    { label: 'cancel requested', value: time(record.cancelledAt) },
    { label: 'previous_response_id', value: previous === null ? null : link(previous, responseRef(previous, tenant)) },
    { label: 'conversation', value: record.conversationId === null ? null : link(record.conversationId, conversationRef(record.conversationId, tenant)) },
    { label: 'usage', value: state.usage === null ? null : usageText(state.usage) },
    { label: 'error', value: json(wire.error) },
    { label: 'incomplete_details', value: json(wire.incomplete_details) },
    { label: 'tools', value: toolNames(record) },
    { label: 'metadata', value: metadataCell(record.metadata) },
    ...(tenant.owner === '' ? [] : [{ label: 'tenant', value: code(tenant.owner) }])
  ]
  const input = record.input as readonly WireItem[]
  return {
    title: `Response ${record.id}`,
    status: state.status,
    trail: [{ text: 'Responses', ref: 'responses' }],
    fields: fields.filter(field => field.value !== null),
    sections: [
      { type: 'timeline', title: 'Timeline', timeline: responseTimeline(record, context.now) },
      { type: 'entries', title: 'Output', entries: (state.output as readonly WireItem[]).map(item => itemEntry(item, tenant, outputOf)), empty: 'No output yet.' },
      { type: 'entries', title: 'Input', entries: input.map(item => itemEntry(item, tenant, outputOf)), empty: 'No input items of its own.' },
      {
        type: 'blocks',
        title: 'As the API shows it',
        blocks: [
          ...(record.instructions === null || record.instructions === '' ? [] : [{ label: 'instructions', text: record.instructions, format: 'text' as const }]),
          { label: 'response (GET …/responses/{response_id})', text: JSON.stringify(wire, null, 2), format: 'json' }
        ]
      }
    ],
    actions: isTerminalResponse(state.status)
      ? []
      : [{ label: 'Move the response to its next status', method: 'POST', path: `/_emulator/responses/${encodeURIComponent(record.id)}/advance`, body: {} }],
    next_change_at: state.nextChangeAt
  }
}

/** Background responses whose end the overview has seen (held weakly: a replaced or deleted record is let go). */
const seenEnded = new WeakSet<ResponseRecord>()

export const responses: InspectorKind<ResponseRecord> = {
  name: 'responses',
  title: 'Responses',
  noun: 'response',
  searchLabel: 'Search responses by id, model or metadata',
  columns: RESPONSE_COLUMNS,
  items: context => tenantItems(context, servedResponses),
  count: context => context.tenants.reduce((n, tenant) => n + servedResponses(tenant).length, 0),
  searchText: record => [record.id, record.model, ...metadataText(record.metadata)],
  row: (item, context) => responseRow(item.value, item.tenant!, context.now),
  detail: responseDetail,
  // Background responses only: a foreground one ends within the request that made it. An ended response never
  // goes on, so one seen ended is not derived again while its record is the same.
  inFlight: ({ tenants, now }) => tenants.flatMap(tenant => tenant.store.responses.list().flatMap(record => {
    if (!record.background || !record.store || seenEnded.has(record)) return []
    if (isTerminalResponse(responseStateAt(record, now).status)) {
      seenEnded.add(record)
      return []
    }
    const row = responseRow(record, tenant, now)
    const parent = record.conversationId === null ? null : link(record.conversationId, conversationRef(record.conversationId, tenant))
    return [{ at: record.createdAt, row: { ...row, cells: { ...row.cells, parent, scenario: null } } }]
  }))
}

const CONVERSATION_COLUMNS: readonly Column[] = [
  { key: 'id', label: 'Conversation' },
  { key: 'items', label: 'Items' },
  { key: 'pending', label: 'Responses under way' },
  { key: 'created', label: 'Created' },
  { key: 'metadata', label: 'Metadata' }
]

function conversationDetail (context: InspectorContext, id: string, query: ViewQuery): DetailBody | undefined {
  const tenant = findTenant(context, query, t => t.store.conversations.get(id)?.deleted === false)
  if (tenant === undefined) return undefined
  // What any read of its items does first: the items of the responses on it that have ended are added.
  tenant.services.conversations.settleById(id)
  const record = tenant.store.conversations.get(id)!
  const rows = tenant.store.conversationItems.list(id)
  const offset = sectionOffset(query, 'items', rows.length, ITEMS_PER_PAGE, true)
  const outputOf = callOutputs(tenant)
  const entries = rows.slice(offset, offset + ITEMS_PER_PAGE).map(row => {
    const added: Field = { label: 'added by', value: row.responseId === null ? 'the conversation\'s create or its items endpoint' : link(row.responseId, responseRef(row.responseId, tenant)) }
    return { ...itemEntry(row.item as WireItem, tenant, outputOf, [added]), at: row.createdAt }
  })
  const on = servedResponses(tenant).filter(response => response.conversationId === id).reverse()
  const responseOffset = sectionOffset(query, 'responses', on.length, RESPONSES_PER_PAGE, false)
  return {
    title: `Conversation ${record.id}`,
    status: null,
    trail: [{ text: 'Conversations', ref: 'conversations' }],
    fields: [
      { label: 'created', value: time(record.createdAt) },
      { label: 'items', value: rows.length },
      { label: 'responses under way', value: record.pendingResponseIds.length === 0 ? null : list(record.pendingResponseIds.map(r => link(r, responseRef(r, tenant)))) },
      { label: 'metadata', value: metadataCell(record.metadata) },
      ...(tenant.owner === '' ? [] : [{ label: 'tenant', value: code(tenant.owner) }])
    ].filter(field => field.value !== null),
    sections: [
      {
        type: 'entries',
        title: 'Items',
        entries,
        page: { param: 'items', offset, limit: ITEMS_PER_PAGE, total: rows.length },
        empty: 'No items.'
      },
      {
        type: 'table',
        title: 'Responses',
        columns: RESPONSE_COLUMNS,
        rows: on.slice(responseOffset, responseOffset + RESPONSES_PER_PAGE).map(response => responseRow(response, tenant, context.now)),
        page: { param: 'responses', offset: responseOffset, limit: RESPONSES_PER_PAGE, total: on.length }
      },
      {
        type: 'blocks',
        title: 'As the API shows it',
        blocks: [{ label: 'conversation (GET …/conversations/{conversation_id})', text: JSON.stringify(presentConversation(record), null, 2), format: 'json' }]
      }
    ],
    actions: [],
    // Its items change when a response on it ends: the page asks again when the first of them next moves on.
    next_change_at: earliest(record.pendingResponseIds.map(r => {
      const response = tenant.store.responses.get(r)
      return response === undefined ? null : responseStateAt(response, context.now).nextChangeAt
    }))
  }
}

export const conversations: InspectorKind<ConversationRecord> = {
  name: 'conversations',
  title: 'Conversations',
  noun: 'conversation',
  searchLabel: 'Search conversations by id or metadata',
  columns: CONVERSATION_COLUMNS,
  items: context => tenantItems(context, servedConversations),
  count: context => context.tenants.reduce((n, tenant) => n + servedConversations(tenant).length, 0),
  searchText: record => [record.id, ...metadataText(record.metadata)],
  row: ({ value: record, tenant }) => ({
    id: record.id,
    ref: conversationRef(record.id, tenant),
    cells: {
      id: link(record.id, conversationRef(record.id, tenant)),
      items: tenant!.store.conversationItems.list(record.id).length,
      pending: record.pendingResponseIds.length,
      created: time(record.createdAt),
      metadata: metadataCell(record.metadata)
    }
  }),
  detail: conversationDetail
}
