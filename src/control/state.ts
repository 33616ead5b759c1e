/**
 * The state document (GET/PUT /_emulator/state, `--state-file`): every stored object of every tenant as
 * one versioned JSON document. Records are written as stored (epoch-ms times, a run's whole course:
 * script, passes, cancel request), files with their bytes in base64.
 *
 * Import is all or nothing: the document is checked against the schema, every child must have its parent,
 * and every run's course must play (runs/lifecycle.ts) before anything is replaced.
 */
import { renameSync, writeFileSync, readFileSync, existsSync } from 'node:fs'
import { Type, type Static, type TProperties } from '@sinclair/typebox'
import { MAX_CLOCK_MS } from '../clock.js'
import { Errors } from '../errors.js'
import { runStateAt } from '../runs/lifecycle.js'
import { LIMITS } from '../schemas/limits.js'
import type {
  AssistantRecord, FileRecord, MessageRecord, RunRecord, ThreadRecord, VectorStoreFileBatchRecord, VectorStoreFileRecord,
  VectorStoreRecord
} from '../store/records.js'
import type { Store } from '../store/store.js'

export const STATE_FORMAT = 'aoai-assistants-emulator-state'
export const STATE_VERSION = 1

const Id = Type.String({ minLength: 1, maxLength: 256 })
const Nullable = <T extends ReturnType<typeof Type.String>>(schema: T) => Type.Union([schema, Type.Null()])
const Metadata = Type.Record(Type.String(), Type.String())
const Loose = <T extends TProperties>(properties: T) => Type.Object(properties, { additionalProperties: true })
/**
 * Epoch ms within what a Date can print and a client can parse: 0 (1970) to the end of year 9999. Finite
 * safe integers only, so no stored time can push lifecycle arithmetic or a `date` header out of range.
 */
const Time = Type.Integer({ minimum: 0, maximum: MAX_CLOCK_MS })
/** A duration in ms, bounded like a time. */
const Duration = Type.Integer({ minimum: 0, maximum: MAX_CLOCK_MS })
const Count = Type.Integer({ minimum: 0, maximum: Number.MAX_SAFE_INTEGER })
const Strict = <T extends TProperties>(properties: T) => Type.Object(properties, { additionalProperties: false })
/** A stored tool definition: only the fields presenters and the run script read are required. */
const StoredTool = Type.Union([
  Loose({ type: Type.Union([Type.Literal('code_interpreter'), Type.Literal('retrieval'), Type.Literal('file_search')]) }),
  Loose({ type: Type.Literal('function'), function: Loose({ name: Type.String() }) })
])
/** records.ts MessageContentPart. */
const ContentPart = Type.Union([
  Strict({ type: Type.Literal('text'), text: Strict({ value: Type.String(), annotations: Type.Array(Type.Unknown()) }) }),
  Strict({ type: Type.Literal('image_file'), image_file: Loose({ file_id: Type.String() }) }),
  Strict({ type: Type.Literal('image_url'), image_url: Loose({ url: Type.String() }) })
])
/** records.ts ScriptStep: each kind with the fields it is played with. */
const ScriptStepSchema = Type.Union([
  Strict({ kind: Type.Literal('message'), stepId: Id, messageId: Id, template: Type.String() }),
  Strict({
    kind: Type.Literal('tool_calls'),
    stepId: Id,
    calls: Type.Array(Strict({ id: Id, name: Type.String(), arguments: Type.String() }), { minItems: 1 }),
    completionTokens: Type.Optional(Count)
  }),
  Strict({ kind: Type.Literal('fail'), code: Type.String(), message: Type.String() }),
  Strict({ kind: Type.Literal('incomplete'), reason: Type.String() })
])
/** records.ts RunSegment. */
const RunSegmentSchema = Strict({
  startedAt: Time,
  fromStep: Count,
  promptTokens: Type.Optional(Count),
  prompt: Type.Optional(Strict({ instructions: Type.String(), messages: Type.Array(Type.String()) })),
  outputs: Type.Array(Strict({ tool_call_id: Type.String(), output: Type.String() })),
  replies: Type.Record(Type.String({ pattern: '^(0|[1-9][0-9]*)$' }), Strict({ text: Type.String(), completionTokens: Type.Optional(Count), truncated: Type.Boolean() })),
  cutOff: Type.Optional(Type.Union([Strict({ afterStep: Type.Union([Count, Type.Null()]), reason: Type.String() }), Type.Null()]))
})
const ChunkingStrategySchema = Type.Union([
  Strict({ type: Type.Literal('auto') }),
  Strict({ type: Type.Literal('static'), static: Strict({ max_chunk_size_tokens: Count, chunk_overlap_tokens: Count }) })
])

const AssistantRecordSchema = Loose({
  id: Id,
  createdAt: Time,
  name: Nullable(Type.String()),
  description: Nullable(Type.String()),
  model: Type.String(),
  instructions: Nullable(Type.String()),
  tools: Type.Array(StoredTool),
  fileIds: Type.Array(Type.String()),
  toolResources: Type.Unknown(),
  fileAttachedAt: Type.Optional(Type.Record(Type.String(), Time)),
  temperature: Type.Union([Type.Number(), Type.Null()]),
  topP: Type.Union([Type.Number(), Type.Null()]),
  responseFormat: Type.Unknown(),
  metadata: Metadata
})
const ThreadRecordSchema = Loose({ id: Id, createdAt: Time, activeRunId: Nullable(Type.String()), toolResources: Type.Unknown(), metadata: Metadata })
const MessageRecordSchema = Loose({
  id: Id,
  threadId: Id,
  createdAt: Time,
  role: Type.Union([Type.Literal('user'), Type.Literal('assistant')]),
  content: Type.Array(ContentPart),
  assistantId: Nullable(Type.String()),
  runId: Nullable(Type.String()),
  fileIds: Type.Array(Type.String()),
  attachments: Type.Union([Type.Array(Type.Unknown()), Type.Null()]),
  metadata: Metadata,
  incompleteReason: Type.Optional(Type.String()),
  inProgress: Type.Optional(Type.Boolean()),
  endedAt: Type.Optional(Time),
  tokens: Type.Optional(Count)
})
const RunRecordSchema = Loose({
  id: Id,
  threadId: Id,
  assistantId: Type.String(),
  createdAt: Time,
  expiresAt: Time,
  model: Type.String(),
  instructions: Type.String(),
  tools: Type.Array(StoredTool),
  fileIds: Type.Array(Type.String()),
  metadata: Metadata,
  temperature: Type.Union([Type.Number(), Type.Null()]),
  topP: Type.Union([Type.Number(), Type.Null()]),
  maxPromptTokens: Type.Union([Count, Type.Null()]),
  maxCompletionTokens: Type.Union([Count, Type.Null()]),
  parallelToolCalls: Type.Boolean(),
  timings: Strict({
    queuedMs: Duration,
    inProgressMs: Duration,
    cancellingMs: Duration,
    streamChunkMs: Type.Optional(Type.Union([Duration, Type.Null()]))
  }),
  script: Type.Array(ScriptStepSchema),
  segments: Type.Array(RunSegmentSchema, { minItems: 1 }),
  cancelRequestedAt: Type.Union([Time, Type.Null()]),
  lastUserMessage: Type.Union([Type.String(), Type.Null()]),
  assistantName: Type.Union([Type.String(), Type.Null()]),
  writtenMessageIds: Type.Array(Type.String())
})
const FileRecordSchema = Loose({
  id: Id,
  createdAt: Time,
  filename: Type.String(),
  purpose: Type.String(),
  bytes: Type.Integer({ minimum: 0 }),
  content: Type.String({ contentEncoding: 'base64', pattern: '^[A-Za-z0-9+/]*={0,2}$' })
})
const VectorStoreRecordSchema = Loose({ id: Id, createdAt: Time, name: Type.String(), lastActiveAt: Time, expiresAfter: Type.Union([Strict({ anchor: Type.Literal('last_active_at'), days: Type.Integer({ minimum: 1, maximum: LIMITS.expiryDaysMax }) }), Type.Null()]), metadata: Metadata })
const VectorStoreFileRecordSchema = Loose({ id: Id, vectorStoreId: Id, createdAt: Time, readyAt: Time, bytes: Count, chunkingStrategy: ChunkingStrategySchema, batchId: Nullable(Type.String()), cancelledAt: Type.Union([Time, Type.Null()]) })
const VectorStoreFileBatchRecordSchema = Loose({ id: Id, vectorStoreId: Id, createdAt: Time, readyAt: Time, fileIds: Type.Array(Type.String()), cancelledAt: Type.Union([Time, Type.Null()]) })

const TenantStateSchema = Type.Object({
  /** '' for the shared store; `sha256:<hex>` of the credential with --isolate-by-key. */
  owner: Type.String({ maxLength: 80 }),
  assistants: Type.Array(AssistantRecordSchema),
  threads: Type.Array(ThreadRecordSchema),
  messages: Type.Array(MessageRecordSchema),
  runs: Type.Array(RunRecordSchema),
  files: Type.Array(FileRecordSchema),
  vector_stores: Type.Array(VectorStoreRecordSchema),
  vector_store_files: Type.Array(VectorStoreFileRecordSchema),
  vector_store_file_batches: Type.Array(VectorStoreFileBatchRecordSchema)
}, { additionalProperties: false })

export const StateDocumentSchema = Type.Object({
  format: Type.Literal(STATE_FORMAT),
  version: Type.Literal(STATE_VERSION),
  /** The emulator's clock when exported, in ms since the epoch; a virtual clock is set to it on import. */
  now: Time,
  tenants: Type.Array(TenantStateSchema)
}, { additionalProperties: false })
export type StateDocument = Static<typeof StateDocumentSchema>
type TenantState = Static<typeof TenantStateSchema>

/** One tenant's store as a document section. */
/**
 * A run as a state document keeps it: replies by script step index (`{"1": …}`), as documents have always
 * had them; the record keeps them as a list from the segment's first step.
 */
function runDocument (run: RunRecord): unknown {
  return {
    ...run,
    segments: run.segments.map(segment => ({
      ...segment,
      replies: Object.fromEntries(segment.replies.map((reply, i) => [String(segment.fromStep + i), reply]))
    }))
  }
}

/** The record of a run document (see `runDocument`); replies that do not follow on from `fromStep` are a problem. */
function runRecordOf (document: TenantState['runs'][number]): RunRecord | string {
  const segments = []
  for (const segment of document.segments) {
    const steps = Object.keys(segment.replies).map(Number).sort((a, b) => a - b)
    if (steps.some((step, i) => step !== segment.fromStep + i)) {
      return `segment replies must be for consecutive steps from fromStep ${segment.fromStep}, not ${steps.join(', ')}`
    }
    const notMessage = steps.find(step => document.script[step]?.kind !== 'message')
    if (notMessage !== undefined) return `segment reply for step ${notMessage}, which is not a message step of the script`
    segments.push({ ...segment, replies: steps.map(step => segment.replies[String(step)]!) })
  }
  return { ...document, segments } as unknown as RunRecord
}

function exportTenant (owner: string, store: Store): TenantState {
  const threads = store.threads.list()
  const vectorStores = store.vectorStores.list()
  return {
    owner,
    assistants: store.assistants.list() as unknown as TenantState['assistants'],
    threads: threads as unknown as TenantState['threads'],
    messages: threads.flatMap(t => store.messages.list(t.id)) as unknown as TenantState['messages'],
    runs: threads.flatMap(t => store.runs.list(t.id)).map(runDocument) as unknown as TenantState['runs'],
    files: store.files.list().map(f => ({ ...f, content: f.content.toString('base64') })),
    vector_stores: vectorStores as unknown as TenantState['vector_stores'],
    vector_store_files: vectorStores.flatMap(v => store.vectorStoreFiles.list(v.id)) as unknown as TenantState['vector_store_files'],
    vector_store_file_batches: vectorStores.flatMap(v => store.vectorStoreFileBatches.list(v.id)) as unknown as TenantState['vector_store_file_batches']
  }
}

/** Every tenant's objects as one document. */
export function exportState (tenants: ReadonlyArray<{ readonly owner: string, readonly store: Store }>, now: number): StateDocument {
  return { format: STATE_FORMAT, version: STATE_VERSION, now, tenants: tenants.map(({ owner, store }) => exportTenant(owner, store)) }
}

/**
 * Checks `json` and builds one fresh store per tenant from it; throws the 400 `invalidStateDocument`
 * (naming the JSON path) on the first problem. Nothing outside the new stores is touched.
 */
export async function importState (json: unknown, makeStore: () => Store): Promise<{ now: number, stores: Map<string, Store> }> {
  // Loaded on first use: most emulators never import a document, and start-up stays light.
  const { Value } = await import('@sinclair/typebox/value')
  if (!Value.Check(StateDocumentSchema, json)) {
    const first = Value.Errors(StateDocumentSchema, json).First()
    const where = first === undefined || first.path === '' ? '$' : `$${first.path.replace(/\/(\d+)/g, '[$1]').replace(/\//g, '.')}`
    throw Errors.invalidStateDocument(where, first?.message ?? 'not a state document')
  }
  const stores = new Map<string, Store>()
  json.tenants.forEach((tenant, t) => {
    const at = (section: string, i: number) => `$.tenants[${t}].${section}[${i}]`
    if (stores.has(tenant.owner)) throw Errors.invalidStateDocument(`$.tenants[${t}].owner`, `owner '${tenant.owner}' appears twice`)
    const store = makeStore()
    stores.set(tenant.owner, store)
    for (const a of tenant.assistants) store.assistants.put(a as unknown as AssistantRecord)
    for (const th of tenant.threads) store.threads.put(th as unknown as ThreadRecord)
    tenant.messages.forEach((m, i) => {
      if (!store.threads.get(m.threadId)) throw Errors.invalidStateDocument(`${at('messages', i)}.threadId`, `no thread '${m.threadId}' in this tenant`)
      store.messages.put(m.threadId, m as unknown as MessageRecord)
    })
    tenant.runs.forEach((r, i) => {
      if (!store.threads.get(r.threadId)) throw Errors.invalidStateDocument(`${at('runs', i)}.threadId`, `no thread '${r.threadId}' in this tenant`)
      const record = runRecordOf(r)
      if (typeof record === 'string') throw Errors.invalidStateDocument(`${at('runs', i)}.segments`, record)
      try {
        runStateAt(record, json.now)
      } catch (err) {
        throw Errors.invalidStateDocument(at('runs', i), `the run's course cannot be played (${(err as Error).message})`)
      }
      store.runs.put(r.threadId, record)
    })
    tenant.files.forEach(f => store.files.put({ ...f, content: Buffer.from(f.content, 'base64') } as unknown as FileRecord))
    for (const v of tenant.vector_stores) store.vectorStores.put(v as unknown as VectorStoreRecord)
    tenant.vector_store_files.forEach((f, i) => {
      if (!store.vectorStores.get(f.vectorStoreId)) throw Errors.invalidStateDocument(`${at('vector_store_files', i)}.vectorStoreId`, `no vector store '${f.vectorStoreId}' in this tenant`)
      store.vectorStoreFiles.put(f.vectorStoreId, f as unknown as VectorStoreFileRecord)
    })
    tenant.vector_store_file_batches.forEach((b, i) => {
      if (!store.vectorStores.get(b.vectorStoreId)) throw Errors.invalidStateDocument(`${at('vector_store_file_batches', i)}.vectorStoreId`, `no vector store '${b.vectorStoreId}' in this tenant`)
      store.vectorStoreFileBatches.put(b.vectorStoreId, b as unknown as VectorStoreFileBatchRecord)
    })
  })
  return { now: json.now, stores }
}

/** A state file that cannot be read at start: the message is the one line the process prints. */
export class StateFileError extends Error {
  constructor (message: string) {
    super(message)
    this.name = 'StateFileError'
  }
}

/** The document in `path`, or undefined when there is no such file. */
export function readStateFile (path: string): unknown {
  if (!existsSync(path)) return undefined
  try {
    return JSON.parse(readFileSync(path, 'utf8'))
  } catch (err) {
    throw new StateFileError(`Cannot read state file ${path}: ${(err as Error).message}`)
  }
}

/** Writes `document` to `path` atomically: a temporary file beside it, then a rename over it. */
export function writeStateFile (path: string, document: StateDocument): void {
  const temporary = `${path}.${process.pid}.tmp`
  writeFileSync(temporary, JSON.stringify(document))
  renameSync(temporary, path)
}
