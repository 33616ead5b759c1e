/**
 * Threads in the inspector: the list (newest first, searched by id and metadata, each with its latest run),
 * a thread with its messages in order and its runs, and a run with its timeline and steps (the thread's
 * `runs` children). Wire shapes come from the presenters (v2), so what is shown is what a client reads.
 */
import { presentMessage } from '../../presenters/message.js'
import { presentRun, presentStep } from '../../presenters/run.js'
import { isTerminal, runStateAt } from '../../runs/lifecycle.js'
import type { Message } from '../../schemas/message.js'
import { codeShown } from '../../runs/pieces.js'
import { presentAnnotation } from '../../tools/citations.js'
import type { HostedToolStep, MessageRecord, RunRecord, ThreadRecord } from '../../store/records.js'
import type { Tenant } from '../../control/tenants.js'
import { findTenant, sectionOffset, tenantItems, tenantRef, type ChildKind, type InspectorContext, type InspectorKind, type ViewQuery } from '../kind.js'
import { runTimeline } from '../timeline.js'
import {
  code, duration, json, link, list, status, time, type Block, type Cell, type Column, type DetailBody, type Entry, type Field, type Row
} from '../view.js'

const MESSAGES_PER_PAGE = 50
const RUNS_PER_PAGE = 20

/** `metadata` as search strings: every key and value, and `key=value`. */
export function metadataText (metadata: Readonly<Record<string, string>>): string[] {
  return Object.entries(metadata).flatMap(([key, value]) => [key, value, `${key}=${value}`])
}

/** `metadata` as one cell: `key=value` pairs. */
export function metadataCell (metadata: Readonly<Record<string, string>>): Cell {
  const pairs = Object.entries(metadata)
  return pairs.length === 0 ? null : list(pairs.map(([key, value]) => code(`${key}=${value}`)))
}

const threadRef = (threadId: string, tenant: Tenant | null) => tenantRef(`threads/${encodeURIComponent(threadId)}`, tenant)
const runRef = (threadId: string, runId: string, tenant: Tenant | null) =>
  tenantRef(`threads/${encodeURIComponent(threadId)}/runs/${encodeURIComponent(runId)}`, tenant)
const assistantLink = (id: string | null, tenant: Tenant): Cell =>
  id === null ? null : link(id, tenantRef(`assistants/${encodeURIComponent(id)}`, tenant))
const fileLink = (id: string, tenant: Tenant): Cell => link(id, tenantRef(`files/${encodeURIComponent(id)}`, tenant))

const RUN_COLUMNS: readonly Column[] = [
  { key: 'id', label: 'Run' },
  { key: 'status', label: 'Status' },
  { key: 'created', label: 'Created' },
  { key: 'assistant', label: 'Assistant' },
  { key: 'scenario', label: 'Scenario' },
  { key: 'tokens', label: 'Tokens' }
]

function runRow (run: RunRecord, tenant: Tenant, now: number): Row {
  const state = runStateAt(run, now)
  return {
    id: run.id,
    ref: runRef(run.threadId, run.id, tenant),
    cells: {
      id: link(run.id, runRef(run.threadId, run.id, tenant)),
      status: status(state.status),
      created: time(run.createdAt),
      assistant: assistantLink(run.assistantId, tenant),
      scenario: run.scenario ?? null,
      tokens: state.usage?.total_tokens ?? null
    },
    next_change_at: state.nextChangeAt
  }
}

/** A message as an entry: its role, status and content parts, attachments and annotations. */
function messageEntry (record: MessageRecord, tenant: Tenant): Entry {
  const message: Message = presentMessage(record, 'v2')
  const blocks: Block[] = []
  const fields: Field[] = [{ label: 'id', value: code(message.id) }]
  if (message.run_id !== null) fields.push({ label: 'run', value: link(message.run_id, runRef(record.threadId, message.run_id, tenant)) })
  if (message.assistant_id !== null) fields.push({ label: 'assistant', value: assistantLink(message.assistant_id, tenant) })
  for (const part of record.content) {
    if (part.type === 'text') {
      blocks.push({ label: 'text', text: part.text.value, format: 'text' })
      // As a client reads them (file_citation, file_path in v2's shape); the files they name follow as links.
      const annotations = part.text.annotations.map(annotation => presentAnnotation(annotation, 'v2'))
      if (annotations.length > 0) blocks.push({ label: 'annotations', text: JSON.stringify(annotations, null, 2), format: 'json' })
    } else if (part.type === 'image_file') {
      fields.push({ label: 'image file', value: fileLink(part.image_file.file_id, tenant) })
    } else {
      fields.push({ label: 'image url', value: code(part.image_url.url) })
    }
  }
  const attachments = (record.attachments ?? []) as ReadonlyArray<{ file_id?: string, tools?: ReadonlyArray<{ type?: string }> }>
  if (attachments.length > 0) {
    fields.push({
      label: 'attachments',
      value: list(attachments.map(a => a.file_id === undefined
        ? code(JSON.stringify(a))
        : list([fileLink(a.file_id, tenant), ...(a.tools ?? []).map(tool => code(String(tool.type)))])))
    })
  }
  const cited = [...new Set(record.content.flatMap(part => part.type === 'text' ? part.text.annotations.map(a => a.fileId) : []))]
  if (cited.length > 0) fields.push({ label: 'annotated files', value: list(cited.map(id => fileLink(id, tenant))) })
  if (record.fileIds.length > 0) fields.push({ label: 'file_ids', value: list(record.fileIds.map(id => fileLink(id, tenant))) })
  if (record.incompleteReason !== undefined) fields.push({ label: 'incomplete_details', value: code(`reason: ${record.incompleteReason}`) })
  if (Object.keys(message.metadata ?? {}).length > 0) fields.push({ label: 'metadata', value: metadataCell(record.metadata) })
  return { id: message.id, title: message.role, status: message.status, at: record.createdAt, fields, blocks }
}

function threadDetail (context: InspectorContext, id: string, query: ViewQuery): DetailBody | undefined {
  const tenant = findTenant(context, query, t => t.store.threads.get(id) !== undefined)
  if (tenant === undefined) return undefined
  // What any read of the thread does first: the replies its run has written by now are stored.
  const thread = tenant.services.runs.settleThread(id)
  const { now } = context
  const messages = tenant.store.messages.list(thread.id)
  const messageOffset = sectionOffset(query, 'messages', messages.length, MESSAGES_PER_PAGE, true)
  const runs = tenant.store.runs.list(thread.id).reverse()
  const runOffset = sectionOffset(query, 'runs', runs.length, RUNS_PER_PAGE, false)
  const runRows = runs.slice(runOffset, runOffset + RUNS_PER_PAGE).map(run => runRow(run, tenant, now))
  const active = thread.activeRunId === null ? undefined : tenant.store.runs.get(thread.id, thread.activeRunId)
  const activeState = active === undefined ? undefined : runStateAt(active, now)
  return {
    title: `Thread ${thread.id}`,
    status: null,
    trail: [{ text: 'Threads', ref: 'threads' }],
    fields: [
      { label: 'created', value: time(thread.createdAt) },
      { label: 'active run', value: active === undefined ? null : link(active.id, runRef(thread.id, active.id, tenant)) },
      { label: 'metadata', value: metadataCell(thread.metadata) },
      { label: 'tool_resources', value: json(thread.toolResources) },
      ...(tenant.owner === '' ? [] : [{ label: 'tenant', value: code(tenant.owner) }])
    ],
    sections: [
      {
        type: 'entries',
        title: 'Messages',
        entries: messages.slice(messageOffset, messageOffset + MESSAGES_PER_PAGE).map(message => messageEntry(message, tenant)),
        page: { param: 'messages', offset: messageOffset, limit: MESSAGES_PER_PAGE, total: messages.length },
        empty: 'No messages.'
      },
      {
        type: 'table',
        title: 'Runs',
        columns: RUN_COLUMNS,
        rows: runRows,
        page: { param: 'runs', offset: runOffset, limit: RUNS_PER_PAGE, total: runs.length }
      }
    ],
    actions: [],
    next_change_at: activeState?.nextChangeAt ?? null
  }
}

/** A run step as an entry: what it made (a message) or the tool calls with their arguments and outputs. */
function stepEntry (run: RunRecord, step: ReturnType<typeof runStateAt>['steps'][number], tenant: Tenant): Entry {
  const wire = presentStep(run, step)
  const fields: Field[] = [{ label: 'id', value: code(wire.id) }]
  const blocks: Block[] = []
  if (step.step.kind === 'message') {
    fields.push({ label: 'message', value: link(step.step.messageId, `${threadRef(run.threadId, tenant)}#${encodeURIComponent(step.step.messageId)}`) })
    if (step.shownText !== null && step.shownText !== '') blocks.push({ label: 'reply so far', text: step.shownText, format: 'text' })
  } else if (step.step.kind === 'tool_calls') {
    for (const call of step.shownCalls) {
      blocks.push({ label: `${call.name}(…) ${call.id}: arguments`, text: prettyJson(call.arguments), format: 'json' })
      const output = step.outputs.get(call.id)
      if (output !== undefined) blocks.push({ label: `${call.name}(…) ${call.id}: output`, text: output, format: 'text' })
    }
  } else {
    hostedCall(step.step, step.piecesShown, tenant, fields, blocks)
  }
  if (wire.usage !== null) fields.push({ label: 'usage', value: usageText(wire.usage) })
  const ended = step.completedAt ?? step.cancelledAt ?? step.expiredAt
  if (ended !== null) fields.push({ label: step.status, value: duration(ended - step.createdAt) })
  return { id: wire.id, title: wire.type, status: wire.status, at: step.createdAt, fields, blocks }
}

/**
 * A hosted tool call (run by the service itself, no outputs to submit) as far as the step shows it, the same as
 * its wire form (presenters/run.ts): a file search whole once begun, with its queries, ranking and each result
 * with its text (what `include[]=…results[*].content` adds); a code_interpreter call's input as written so far,
 * then its logs and the files its images became.
 */
function hostedCall (step: HostedToolStep, piecesShown: number, tenant: Tenant, fields: Field[], blocks: Block[]): void {
  fields.push({ label: 'call', value: code(`${step.kind === 'file_search' ? step.tool : 'code_interpreter'} ${step.callId}`) })
  if (piecesShown === 0) return
  if (step.kind === 'file_search') {
    const { search } = step
    fields.push(
      { label: 'queries', value: list(search.queries.map(query => code(query))) },
      { label: 'ranking', value: code(`${search.ranker}, score_threshold ${search.scoreThreshold}`) },
      { label: 'results', value: search.results.length }
    )
    search.results.forEach((result, n) => {
      blocks.push({ label: `result ${n + 1}: ${result.fileName} (${result.fileId})`, note: `score ${result.score}`, text: result.text, format: 'text' })
    })
    return
  }
  const shown = codeShown(step, piecesShown)
  blocks.push({ label: 'input', text: shown.input, format: 'text' })
  if (!shown.outputs) return
  for (const output of step.outputs) {
    if (output.type === 'logs') blocks.push({ label: 'logs', text: output.logs, format: 'text' })
    else fields.push({ label: 'image', value: fileLink(output.fileId, tenant) })
  }
}

const usageText = (usage: { prompt_tokens: number, completion_tokens: number, total_tokens: number }) =>
  `${usage.prompt_tokens} prompt + ${usage.completion_tokens} completion = ${usage.total_tokens} tokens`

/** `text` pretty-printed when it is JSON, else as it is. */
function prettyJson (text: string): string {
  try {
    return JSON.stringify(JSON.parse(text), null, 2)
  } catch {
    return text
  }
}

const runs: ChildKind = {
  noun: 'run',
  detail (context, threadId, runId, query) {
    const tenant = findTenant(context, query, t => t.store.threads.get(threadId) !== undefined && t.store.runs.get(threadId, runId) !== undefined)
    if (tenant === undefined) return undefined
    const view = tenant.services.runs.get(threadId, runId)
    const { record, state } = view
    const run = presentRun(view, 'v2')
    const { now } = context
    const fields: Field[] = [
      { label: 'thread', value: link(record.threadId, threadRef(record.threadId, tenant)) },
      { label: 'assistant', value: assistantLink(record.assistantId, tenant) },
      { label: 'model', value: code(record.model) },
      { label: 'scenario', value: record.scenario === undefined ? 'none (the default reply)' : code(record.scenario) },
      { label: 'created', value: time(record.createdAt) },
      { label: 'started', value: time(state.startedAt) },
      { label: 'completed', value: time(state.completedAt) },
      { label: 'failed', value: time(state.failedAt) },
      { label: 'cancelled', value: time(state.cancelledAt) },
      { label: 'expires', value: time(state.expiresAt) },
      { label: 'last_error', value: json(run.last_error) },
      { label: 'incomplete_details', value: json(run.incomplete_details) },
      { label: 'required_action', value: json(run.required_action) },
      { label: 'usage', value: run.usage === null ? null : usageText(run.usage) },
      { label: 'tools', value: list(record.tools.map(tool => code(tool.type === 'function' ? `function ${tool.function.name}` : tool.type))) },
      { label: 'metadata', value: metadataCell(record.metadata) }
    ]
    return {
      title: `Run ${record.id}`,
      status: state.status,
      trail: [{ text: 'Threads', ref: 'threads' }, { text: record.threadId, ref: threadRef(record.threadId, tenant) }],
      fields: fields.filter(field => field.value !== null),
      sections: [
        { type: 'timeline', title: 'Timeline', timeline: runTimeline(record, now) },
        { type: 'entries', title: 'Steps', entries: state.steps.map(step => stepEntry(record, step, tenant)), empty: 'No steps yet.' },
        {
          type: 'blocks',
          title: 'As the API shows it',
          blocks: [
            ...(record.instructions === '' ? [] : [{ label: 'instructions', text: record.instructions, format: 'text' as const }]),
            { label: 'run (GET …/runs/{run_id}, 2024-05-01-preview)', text: JSON.stringify(run, null, 2), format: 'json' }
          ]
        }
      ],
      actions: isTerminal(state.status)
        ? []
        : [{ label: 'Move the run to its next status', method: 'POST', path: `/_emulator/runs/${encodeURIComponent(record.id)}/advance`, body: {} }],
      next_change_at: state.nextChangeAt
    }
  }
}

/** Threads whose active run the overview has seen ended (held weakly: a replaced or deleted record is let go). */
const seenEnded = new WeakSet<ThreadRecord>()

const THREAD_COLUMNS: readonly Column[] = [
  { key: 'id', label: 'Thread' },
  { key: 'created', label: 'Created' },
  { key: 'metadata', label: 'Metadata' },
  { key: 'messages', label: 'Messages' },
  { key: 'runs', label: 'Runs' },
  { key: 'latest_run', label: 'Latest run' },
  { key: 'latest_status', label: 'Its status' }
]

export const threads: InspectorKind<ThreadRecord> = {
  name: 'threads',
  title: 'Threads',
  noun: 'thread',
  searchLabel: 'Search threads by id or metadata',
  columns: THREAD_COLUMNS,
  items: context => tenantItems(context, tenant => tenant.store.threads.list()),
  count: context => context.tenants.reduce((n, tenant) => n + tenant.store.threads.list().length, 0),
  searchText: thread => [thread.id, ...metadataText(thread.metadata)],
  row (item, context) {
    const tenant = item.tenant!
    const thread = item.value
    const runList = tenant.store.runs.list(thread.id)
    const latest = runList.at(-1)
    const latestRow = latest === undefined ? undefined : runRow(latest, tenant, context.now)
    return {
      id: thread.id,
      ref: threadRef(thread.id, tenant),
      cells: {
        id: link(thread.id, threadRef(thread.id, tenant)),
        created: time(thread.createdAt),
        metadata: metadataCell(thread.metadata),
        messages: tenant.store.messages.list(thread.id).length,
        runs: runList.length,
        latest_run: latestRow?.cells.id ?? null,
        latest_status: latestRow?.cells.status ?? null
      },
      next_change_at: latestRow?.next_change_at ?? null
    }
  },
  detail: threadDetail,
  children: { runs },
  // Only a thread's active run can be in flight: no run list is read for the others. A thread keeps its run as
  // active until something reads it (services/runs.ts `settle`), so many may have ended: a thread whose active
  // run was seen ended is not looked at again while its record is the same (an ended run never goes on).
  inFlight: ({ tenants, now }) => tenants.flatMap(tenant => tenant.store.threads.list().flatMap(thread => {
    if (thread.activeRunId === null || seenEnded.has(thread)) return []
    const run = tenant.store.runs.get(thread.id, thread.activeRunId)
    if (run === undefined) return []
    if (isTerminal(runStateAt(run, now).status)) {
      seenEnded.add(thread)
      return []
    }
    const row = runRow(run, tenant, now)
    return [{ at: run.createdAt, row: { ...row, cells: { ...row.cells, parent: link(thread.id, threadRef(thread.id, tenant)) } } }]
  }))
}
