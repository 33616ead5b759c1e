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
import { Errors } from '../errors.js'
import { runStateAt } from '../runs/lifecycle.js'
import type {
  AssistantRecord, FileRecord, MessageRecord, RunRecord, ThreadRecord, VectorStoreFileBatchRecord, VectorStoreFileRecord,
  VectorStoreRecord
} from '../store/records.js'
import type { Store } from '../store/store.js'

export const STATE_FORMAT = 'aoai-assistants-emulator-state'
export const STATE_VERSION = 1

const Id = Type.String({ minLength: 1, maxLength: 256 })
const Time = Type.Number()
const Nullable = <T extends ReturnType<typeof Type.String>>(schema: T) => Type.Union([schema, Type.Null()])
const Metadata = Type.Record(Type.String(), Type.String())
const Loose = <T extends TProperties>(properties: T) => Type.Object(properties, { additionalProperties: true })

const AssistantRecordSchema = Loose({
  id: Id,
  createdAt: Time,
  name: Nullable(Type.String()),
  description: Nullable(Type.String()),
  model: Type.String(),
  instructions: Nullable(Type.String()),
  tools: Type.Array(Type.Unknown()),
  fileIds: Type.Array(Type.String()),
  toolResources: Type.Unknown(),
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
  content: Type.Array(Loose({ type: Type.String() })),
  assistantId: Nullable(Type.String()),
  runId: Nullable(Type.String()),
  fileIds: Type.Array(Type.String()),
  attachments: Type.Union([Type.Array(Type.Unknown()), Type.Null()]),
  metadata: Metadata
})
const RunRecordSchema = Loose({
  id: Id,
  threadId: Id,
  assistantId: Type.String(),
  createdAt: Time,
  expiresAt: Time,
  model: Type.String(),
  instructions: Type.String(),
  tools: Type.Array(Type.Unknown()),
  fileIds: Type.Array(Type.String()),
  metadata: Metadata,
  timings: Type.Object({ queuedMs: Type.Number({ minimum: 0 }), inProgressMs: Type.Number({ minimum: 0 }), cancellingMs: Type.Number({ minimum: 0 }) }),
  script: Type.Array(Loose({ kind: Type.Union([Type.Literal('message'), Type.Literal('tool_calls'), Type.Literal('fail'), Type.Literal('incomplete')]) })),
  segments: Type.Array(Loose({
    startedAt: Time,
    fromStep: Type.Integer({ minimum: 0 }),
    promptTokens: Type.Integer({ minimum: 0 }),
    outputs: Type.Array(Type.Object({ tool_call_id: Type.String(), output: Type.String() })),
    replies: Type.Record(Type.String(), Type.Unknown())
  }), { minItems: 1 }),
  cancelRequestedAt: Type.Union([Time, Type.Null()]),
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
const VectorStoreRecordSchema = Loose({ id: Id, createdAt: Time, name: Type.String(), lastActiveAt: Time, metadata: Metadata })
const VectorStoreFileRecordSchema = Loose({ id: Id, vectorStoreId: Id, createdAt: Time, readyAt: Time, bytes: Type.Integer({ minimum: 0 }), batchId: Nullable(Type.String()), cancelledAt: Type.Union([Time, Type.Null()]) })
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
  now: Type.Number(),
  tenants: Type.Array(TenantStateSchema)
}, { additionalProperties: false })
export type StateDocument = Static<typeof StateDocumentSchema>
type TenantState = Static<typeof TenantStateSchema>

/** One tenant's store as a document section. */
function exportTenant (owner: string, store: Store): TenantState {
  const threads = store.threads.list()
  const vectorStores = store.vectorStores.list()
  return {
    owner,
    assistants: store.assistants.list() as unknown as TenantState['assistants'],
    threads: threads as unknown as TenantState['threads'],
    messages: threads.flatMap(t => store.messages.list(t.id)) as unknown as TenantState['messages'],
    runs: threads.flatMap(t => store.runs.list(t.id)) as unknown as TenantState['runs'],
    files: store.files.list().map(f => ({ ...f, content: f.content.toString('base64') })),
    vector_stores: vectorStores as unknown as TenantState['vector_stores'],
    vector_store_files: vectorStores.flatMap(v => store.vectorStoreFiles.list(v.id)) as unknown as TenantState['vector_store_files'],
    vector_store_file_batches: vectorStores.flatMap(v => store.vectorStoreFileBatches.list(v.id)) as unknown as TenantState['vector_store_file_batches']
  }
}

/** Every tenant's objects as one document. */
export function exportState (tenants: ReadonlyArray<readonly [string, Store]>, now: number): StateDocument {
  return { format: STATE_FORMAT, version: STATE_VERSION, now, tenants: tenants.map(([owner, store]) => exportTenant(owner, store)) }
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
      try {
        runStateAt(r as unknown as RunRecord, json.now)
      } catch (err) {
        throw Errors.invalidStateDocument(at('runs', i), `the run's course cannot be played (${(err as Error).message})`)
      }
      store.runs.put(r.threadId, r as unknown as RunRecord)
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
