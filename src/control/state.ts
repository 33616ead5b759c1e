/**
 * The state document (GET/PUT /_emulator/state, `--state-file`): every stored object of every tenant as one
 * versioned JSON document, a public format. Its records are the store's own (store/records.ts: one
 * definition), written as stored — epoch-ms times, a run's whole course (script, passes, cancel request) —
 * with one deliberate difference: a file's bytes are base64 text, since JSON has no bytes.
 *
 * Version 2 (this one) keeps a run's first prompt as texts, its replies as a list, and its reply context as
 * one field. Version 1 documents are still read: `upgradeV1` turns each into version 2 first.
 *
 * The Responses API's objects are three optional sections of a tenant (`responses`, `conversations`,
 * `conversation_items`), written only when the tenant has any: a document without them is the same version 2
 * document as before, and one with them loads wherever the sections are known. `store: false` responses, which
 * live only while their request runs, are never written. Foundry's new agents (with their versions) are one more
 * optional section, `agents`, written likewise only when the tenant has any.
 *
 * Import is all or nothing: the document is checked against the schema, every child must have its parent,
 * no object is bigger than the API itself accepts (`limitProblem`), and every run's course must play
 * (runs/lifecycle.ts) before anything is replaced. Whatever an export holds imports again: a deadline the
 * services set past the clock's ceiling (a run created in the last minutes of year 9999) is written as the
 * ceiling, which the clock never passes.
 */
import { renameSync, readFileSync, existsSync } from 'node:fs'
import { open } from 'node:fs/promises'
import { Type, type Static, type TObject, type TProperties } from '@sinclair/typebox'
import { MAX_CLOCK_MS } from '../clock.js'
import { Errors } from '../errors.js'
import { runStateAt } from '../runs/lifecycle.js'
import { LIMITS } from '../schemas/limits.js'
import { promptOf } from '../runs/script.js'
import {
  AgentRecordSchema, AssistantRecordSchema, ConversationItemRecordSchema, ConversationRecordSchema, FileRecordSchema, isHostedToolStep, MessageRecordSchema,
  ResponseRecordSchema, RunRecordSchema, ThreadRecordSchema, VectorStoreFileBatchRecordSchema, VectorStoreFileRecordSchema,
  VectorStoreRecordSchema, type FileRecord, type MessageRecord, type RunRecord
} from '../store/records.js'
import type { Store } from '../store/store.js'

const STATE_FORMAT = 'aoai-assistants-emulator-state'
export const STATE_VERSION = 2

/** A file as a document holds it: the record with its bytes in base64. */
const FileDocumentSchema = Type.Composite([
  Type.Omit(FileRecordSchema, ['content']),
  Type.Object({ content: Type.String({ contentEncoding: 'base64', pattern: '^[A-Za-z0-9+/]*={0,2}$' }) })
], { additionalProperties: true })

const TenantStateSchema = Type.Object({
  /** '' for the shared store; `sha256:<hex>` of the credential with --isolate-by-key. */
  owner: Type.String({ maxLength: 80 }),
  assistants: Type.Array(AssistantRecordSchema),
  threads: Type.Array(ThreadRecordSchema),
  messages: Type.Array(MessageRecordSchema),
  runs: Type.Array(RunRecordSchema),
  files: Type.Array(FileDocumentSchema),
  vector_stores: Type.Array(VectorStoreRecordSchema),
  vector_store_files: Type.Array(VectorStoreFileRecordSchema),
  vector_store_file_batches: Type.Array(VectorStoreFileBatchRecordSchema),
  responses: Type.Optional(Type.Array(ResponseRecordSchema)),
  conversations: Type.Optional(Type.Array(ConversationRecordSchema)),
  /** Each conversation's items, in order, under their `conversationId`. */
  conversation_items: Type.Optional(Type.Array(ConversationItemRecordSchema)),
  /** Foundry agents, each with its versions (written only when the tenant has any). */
  agents: Type.Optional(Type.Array(AgentRecordSchema))
}, { additionalProperties: false })

const Time = Type.Integer({ minimum: 0, maximum: MAX_CLOCK_MS })

export const StateDocumentSchema = Type.Object({
  format: Type.Literal(STATE_FORMAT),
  version: Type.Literal(STATE_VERSION),
  /** The emulator's clock when exported, in ms since the epoch; a virtual clock is set to it on import. */
  now: Time,
  tenants: Type.Array(TenantStateSchema)
}, { additionalProperties: false })
export type StateDocument = Static<typeof StateDocumentSchema>
type TenantState = Static<typeof TenantStateSchema>

/** A record with its `key` deadline at most the clock's ceiling (the same record when it already is). */
function withinCeiling<T extends object> (record: T, key: keyof T & string): T {
  const value = record[key]
  return typeof value === 'number' && value > MAX_CLOCK_MS ? { ...record, [key]: MAX_CLOCK_MS } : record
}

/** A tenant's records as one consistent snapshot: taken at once, and records are replaced, never changed. */
interface TenantSnapshot extends Omit<TenantState, 'files'> {
  readonly files: readonly FileRecord[]
}

function snapshotTenant (owner: string, store: Store): TenantSnapshot {
  const threads = store.threads.list()
  const vectorStores = store.vectorStores.list()
  // Records are the document's records (store/records.ts); only files are written differently.
  const records = <T> (rows: readonly unknown[]) => rows as T[]
  return {
    owner,
    assistants: records(store.assistants.list()),
    threads: records(threads),
    messages: records(threads.flatMap(t => store.messages.list(t.id))),
    runs: records(threads.flatMap(t => store.runs.list(t.id)).map(run => withinCeiling(run, 'expiresAt'))),
    files: store.files.list(),
    vector_stores: records(vectorStores),
    vector_store_files: records(vectorStores.flatMap(v => store.vectorStoreFiles.list(v.id)).map(f => withinCeiling(f, 'readyAt'))),
    vector_store_file_batches: records(vectorStores.flatMap(v => store.vectorStoreFileBatches.list(v.id)).map(b => withinCeiling(b, 'readyAt'))),
    ...responsesSections(store),
    ...(store.agents.list().length === 0 ? {} : { agents: records(store.agents.list()) })
  }
}

/** The Responses API's sections, when the tenant has any of its objects (see the module comment). */
function responsesSections (store: Store): Pick<TenantState, 'responses' | 'conversations' | 'conversation_items'> {
  const responses = store.responses.list().filter(r => r.store)
  const conversations = store.conversations.list()
  if (responses.length === 0 && conversations.length === 0) return {}
  const records = <T> (rows: readonly unknown[]) => rows as T[]
  return {
    responses: records(responses),
    conversations: records(conversations),
    conversation_items: records(conversations.flatMap(c => store.conversationItems.list(c.id)))
  }
}

type Tenants = ReadonlyArray<{ readonly owner: string, readonly store: Store }>

/** Every tenant's objects as one document (an object: the in-process API's `state()`). */
export function exportState (tenants: Tenants, now: number): StateDocument {
  return {
    format: STATE_FORMAT,
    version: STATE_VERSION,
    now,
    tenants: tenants.map(({ owner, store }) => {
      const snapshot = snapshotTenant(owner, store)
      return { ...snapshot, files: snapshot.files.map(f => ({ ...f, content: f.content.toString('base64') })) }
    })
  }
}

/** The sections of a tenant in the document, in order. */
const SECTIONS = ['assistants', 'threads', 'messages', 'runs', 'files', 'vector_stores', 'vector_store_files', 'vector_store_file_batches'] as const
/** The optional sections after them, in order, each written when the snapshot has it (see the module comment). */
const OPTIONAL_SECTIONS = ['responses', 'conversations', 'conversation_items', 'agents'] as const
/** Bytes of a file's content encoded per piece: a multiple of 3, so the pieces' base64 joins into the whole. */
const BASE64_PIECE_BYTES = 3 * 256 * 1024
/** Stands for a file's content while the rest of its record is written (NULs: no filename of a real upload has them). */
const CONTENT_PLACEHOLDER = '\u0000aoai-emulator-file-content\u0000'

/** A file record as document text, its content's base64 in pieces of BASE64_PIECE_BYTES. */
function * fileText (file: FileRecord): Generator<string> {
  const text = JSON.stringify({ ...file, content: CONTENT_PLACEHOLDER })
  const marker = JSON.stringify(CONTENT_PLACEHOLDER)
  const at = text.indexOf(marker)
  // Some other field is the placeholder itself: the plain way, in one piece.
  if (at !== text.lastIndexOf(marker)) {
    yield JSON.stringify({ ...file, content: file.content.toString('base64') })
    return
  }
  yield text.slice(0, at + 1)
  for (let start = 0; start < file.content.length; start += BASE64_PIECE_BYTES) {
    yield file.content.toString('base64', start, Math.min(start + BASE64_PIECE_BYTES, file.content.length))
  }
  yield text.slice(at + marker.length - 1)
}

/**
 * The state document as JSON text, piece by piece (a record, or part of a file's content, at a time): joined,
 * exactly `JSON.stringify(exportState(tenants, now))`. The tenants are snapshotted when this is called, so the
 * text is one consistent state however slowly it is read; only a piece at a time is in memory.
 */
export function stateDocumentText (tenants: Tenants, now: number): Iterable<string> {
  const snapshots = tenants.map(({ owner, store }) => snapshotTenant(owner, store))
  return (function * () {
    yield `{"format":${JSON.stringify(STATE_FORMAT)},"version":${STATE_VERSION},"now":${JSON.stringify(now)},"tenants":[`
    for (const [t, snapshot] of snapshots.entries()) {
      yield `${t > 0 ? ',' : ''}{"owner":${JSON.stringify(snapshot.owner)}`
      for (const section of [...SECTIONS, ...OPTIONAL_SECTIONS]) {
        if (snapshot[section] === undefined) continue
        yield `,"${section}":[`
        for (const [i, row] of (snapshot[section] as readonly unknown[]).entries()) {
          if (i > 0) yield ','
          if (section === 'files') yield * fileText(row as FileRecord)
          else yield JSON.stringify(row)
        }
        yield ']'
      }
      yield '}'
    }
    yield ']}'
  })()
}

/** Characters of document text written between two turns of the event loop. */
const TEXT_PER_TURN = 1024 * 1024

/**
 * `pieces` joined into chunks of about TEXT_PER_TURN characters, with a turn of the event loop between chunks:
 * writing a large document never holds other requests up for longer than one chunk takes.
 */
export async function * yieldingChunks (pieces: Iterable<string>): AsyncGenerator<string> {
  let chunk = ''
  for (const piece of pieces) {
    chunk += piece
    if (chunk.length >= TEXT_PER_TURN) {
      yield chunk
      chunk = ''
      await new Promise(resolve => setImmediate(resolve))
    }
  }
  if (chunk !== '') yield chunk
}

type Json = Record<string, unknown>
const isObject = (value: unknown): value is Json => typeof value === 'object' && value !== null && !Array.isArray(value)

/**
 * A version 1 document as version 2, or the problem (`where`, `problem`) that stops it. Version 1 kept a run's
 * replies by script step index (`{"1": …}`), its reply context as two top-level fields, and its first
 * prompt either as texts or as a count: a count is rebuilt as the texts of the thread's messages when the run
 * was created (those it did not write itself), kept as the run's truncation strategy says. Later passes'
 * counts are derived again; stored tool-call token counts go (they are the calls' own counts).
 */
function upgradeV1 (document: Json): Json | { where: string, problem: string } {
  if (!Array.isArray(document.tenants)) return document
  const tenants = []
  for (const [t, tenant] of document.tenants.entries()) {
    if (!isObject(tenant)) {
      tenants.push(tenant)
      continue
    }
    const messages = Array.isArray(tenant.messages) ? tenant.messages : []
    const runs = []
    for (const [i, run] of (Array.isArray(tenant.runs) ? tenant.runs : []).entries()) {
      const upgraded = isObject(run) ? upgradeRunV1(run, messages.filter(isObject), `$.tenants[${t}].runs[${i}]`) : run
      if (isObject(upgraded) && 'problem' in upgraded) return upgraded as { where: string, problem: string }
      runs.push(upgraded)
    }
    // Version 1 kept token counts with some messages (those stored once the tokenizer had loaded); counts are made when read now.
    const counted = messages.map(message => {
      if (!isObject(message)) return message
      const { tokens: _counted, ...kept } = message
      return kept
    })
    tenants.push({ ...tenant, messages: counted, runs })
  }
  return { ...document, version: 2, tenants }
}

function upgradeRunV1 (run: Json, messages: readonly Json[], where: string): unknown {
  if (!Array.isArray(run.segments) || !Array.isArray(run.script)) return run
  const script = run.script as unknown[]
  const segments = []
  for (const [k, segment] of run.segments.entries()) {
    if (!isObject(segment) || !isObject(segment.replies)) {
      segments.push(segment)
      continue
    }
    const fromStep = Number(segment.fromStep)
    const steps = Object.keys(segment.replies).map(Number).sort((a, b) => a - b)
    const at = `${where}.segments`
    if (steps.some((step, n) => step !== fromStep + n)) {
      return { where: at, problem: `segment replies must be for consecutive steps from fromStep ${fromStep}, not ${steps.join(', ')}` }
    }
    const notMessage = steps.find(step => (script[step] as Json | undefined)?.kind !== 'message')
    if (notMessage !== undefined) return { where: at, problem: `segment reply for step ${notMessage}, which is not a message step of the script` }
    const { promptTokens: _counted, prompt, ...rest } = segment
    segments.push({
      ...rest,
      prompt: k > 0 ? null : isObject(prompt) ? prompt : rebuiltPrompt(run, messages),
      replies: steps.map(step => (segment.replies as Json)[String(step)]),
      cutOff: segment.cutOff ?? null
    })
  }
  const { lastUserMessage, assistantName, ...rest } = run
  return {
    ...rest,
    script: script.map(step => {
      if (!isObject(step)) return step
      const { completionTokens: _stored, ...kept } = step
      return kept
    }),
    segments,
    replyContext: { lastUserMessage: lastUserMessage ?? null, assistantName: assistantName ?? null }
  }
}

/**
 * A version 1 run's first prompt, from its thread's messages as they were when it was created: those stored
 * before the run's own first reply (or, when it wrote none, those not newer than the run), kept as its
 * truncation strategy says. A message deleted since is gone from the document, and from the rebuilt prompt.
 */
function rebuiltPrompt (run: Json, messages: readonly Json[]): unknown {
  const thread = messages.filter(m => m.threadId === run.threadId)
  const firstReply = thread.findIndex(m => m.runId === run.id)
  const before = firstReply >= 0 ? thread.slice(0, firstReply) : thread.filter(m => Number(m.createdAt) <= Number(run.createdAt))
  try {
    return promptOf(String(run.instructions ?? ''), before as unknown as MessageRecord[], {
      truncationStrategy: run.truncationStrategy,
      maxPromptTokens: typeof run.maxPromptTokens === 'number' ? run.maxPromptTokens : null
    }).prompt
  } catch {
    // A message the schema refuses anyway (checked next, with its path).
    return { instructions: String(run.instructions ?? ''), messages: [] }
  }
}

/** The first problem of `json` against `schema`, as the 400 naming its JSON path. */
async function firstProblem (schema: TObject<TProperties>, json: unknown): Promise<void> {
  // Loaded on first use: most emulators never import a document, and start-up stays light.
  const { Value } = await import('@sinclair/typebox/value')
  if (Value.Check(schema, json)) return
  const first = Value.Errors(schema, json).First()
  const where = first === undefined || first.path === '' ? '$' : `$${first.path.replace(/\/(\d+)/g, '[$1]').replace(/\//g, '.')}`
  throw Errors.invalidStateDocument(where, first?.message ?? 'not a state document')
}

/**
 * Checks `json` (version 2, or version 1 upgraded first) and builds one fresh store per tenant from it; throws
 * the 400 `invalidStateDocument` (naming the JSON path) on the first problem. Nothing outside the new stores
 * is touched.
 */
export async function importState (json: unknown, makeStore: () => Store): Promise<{ now: number, stores: Map<string, Store> }> {
  let document = json
  if (isObject(json) && json.format === STATE_FORMAT && json.version === 1) {
    const upgraded = upgradeV1(json)
    if ('problem' in upgraded) throw Errors.invalidStateDocument(String(upgraded.where), String(upgraded.problem))
    document = upgraded
  }
  await firstProblem(StateDocumentSchema, document)
  const checked = document as StateDocument
  const stores = new Map<string, Store>()
  checked.tenants.forEach((tenant, t) => {
    const at = (section: string, i: number) => `$.tenants[${t}].${section}[${i}]`
    if (stores.has(tenant.owner)) throw Errors.invalidStateDocument(`$.tenants[${t}].owner`, `owner '${tenant.owner}' appears twice`)
    const tooBig = limitProblem(tenant, t)
    if (tooBig !== undefined) throw Errors.invalidStateDocument(tooBig.where, tooBig.problem)
    const store = makeStore()
    stores.set(tenant.owner, store)
    for (const a of tenant.assistants) store.assistants.put(a)
    for (const th of tenant.threads) store.threads.put(th)
    tenant.messages.forEach((m, i) => {
      if (!store.threads.get(m.threadId)) throw Errors.invalidStateDocument(`${at('messages', i)}.threadId`, `no thread '${m.threadId}' in this tenant`)
      store.messages.put(m.threadId, m)
    })
    tenant.runs.forEach((r, i) => {
      if (!store.threads.get(r.threadId)) throw Errors.invalidStateDocument(`${at('runs', i)}.threadId`, `no thread '${r.threadId}' in this tenant`)
      const problem = segmentProblem(r)
      if (problem !== undefined) throw Errors.invalidStateDocument(`${at('runs', i)}.segments`, problem)
      try {
        runStateAt(r, checked.now)
      } catch (err) {
        throw Errors.invalidStateDocument(at('runs', i), `the run's course cannot be played (${(err as Error).message})`)
      }
      store.runs.put(r.threadId, r)
    })
    tenant.files.forEach(f => store.files.put({ ...f, content: Buffer.from(f.content, 'base64') } satisfies FileRecord))
    for (const v of tenant.vector_stores) store.vectorStores.put(v)
    tenant.vector_store_files.forEach((f, i) => {
      if (!store.vectorStores.get(f.vectorStoreId)) throw Errors.invalidStateDocument(`${at('vector_store_files', i)}.vectorStoreId`, `no vector store '${f.vectorStoreId}' in this tenant`)
      store.vectorStoreFiles.put(f.vectorStoreId, f)
    })
    tenant.vector_store_file_batches.forEach((b, i) => {
      if (!store.vectorStores.get(b.vectorStoreId)) throw Errors.invalidStateDocument(`${at('vector_store_file_batches', i)}.vectorStoreId`, `no vector store '${b.vectorStoreId}' in this tenant`)
      store.vectorStoreFileBatches.put(b.vectorStoreId, b)
    })
    // Any response the schema accepts plays: its course is its items laid out on its timings (responses/course.ts).
    for (const r of tenant.responses ?? []) store.responses.put(r)
    for (const c of tenant.conversations ?? []) store.conversations.put(c)
    for (const [i, item] of (tenant.conversation_items ?? []).entries()) {
      if (!store.conversations.get(item.conversationId)) {
        throw Errors.invalidStateDocument(`${at('conversation_items', i)}.conversationId`, `no conversation '${item.conversationId}' in this tenant`)
      }
      store.conversationItems.put(item.conversationId, item)
    }
    for (const a of tenant.agents ?? []) store.agents.put(a)
  })
  return { now: checked.now, stores }
}

/**
 * The first field of a tenant that holds more than the API accepts on creation (schemas/limits.ts), as the
 * 400's path and problem: a user message's text parts (each at most the message limit, at most
 * `contentParts` of them), an assistant's name, description and instructions, and every object's metadata.
 * Replies the emulator wrote itself may be longer (they quote the user), so assistant messages are not judged.
 */
function limitProblem (tenant: TenantState, t: number): { where: string, problem: string } | undefined {
  const at = (section: string, i: number, field: string) => `$.tenants[${t}].${section}[${i}].${field}`
  const tooLong = (text: unknown, max: number) => typeof text === 'string' && text.length > max
  const metadataProblem = (metadata: Readonly<Record<string, string>>): string | undefined => {
    const entries = Object.entries(metadata)
    if (entries.length > LIMITS.metadataPairs) return `more than ${LIMITS.metadataPairs} pairs`
    const key = entries.find(([k, v]) => k.length > LIMITS.metadataKey || v.length > LIMITS.metadataValue)
    return key === undefined ? undefined : `the pair '${key[0].slice(0, LIMITS.metadataKey)}' is longer than the API accepts`
  }
  for (const [i, message] of tenant.messages.entries()) {
    if (message.role !== 'user') continue
    if (message.content.length > LIMITS.contentParts) return { where: at('messages', i, 'content'), problem: `more than ${LIMITS.contentParts} content parts` }
    const part = message.content.findIndex(p => p.type === 'text' && p.text.value.length > LIMITS.messageContent)
    if (part >= 0) return { where: at('messages', i, `content[${part}].text.value`), problem: `longer than ${LIMITS.messageContent} characters` }
  }
  for (const [i, assistant] of tenant.assistants.entries()) {
    for (const [field, max] of [['name', LIMITS.assistantName], ['description', LIMITS.assistantDescription], ['instructions', LIMITS.instructions]] as const) {
      if (tooLong(assistant[field], max)) return { where: at('assistants', i, field), problem: `longer than ${max} characters` }
    }
  }
  for (const section of ['assistants', 'threads', 'messages', 'runs', 'vector_stores'] as const) {
    for (const [i, record] of (tenant[section] as ReadonlyArray<{ metadata?: Readonly<Record<string, string>> | null }>).entries()) {
      const problem = record.metadata === undefined || record.metadata === null ? undefined : metadataProblem(record.metadata)
      if (problem !== undefined) return { where: at(section, i, 'metadata'), problem }
    }
  }
  return undefined
}

/**
 * What the schema cannot say about a run's passes: replies only for the message steps each pass wrote (and the
 * empty placeholder a pass keeps for each hosted tool step it ran on the way: runs/script.ts `renderSegment`),
 * a prompt only on the first.
 */
function segmentProblem (run: RunRecord): string | undefined {
  for (const [k, segment] of run.segments.entries()) {
    if ((k === 0) !== (segment.prompt !== null)) return k === 0 ? 'the first segment needs its prompt' : `segment ${k} has a prompt; only the first has one`
    const notMessage = segment.replies.findIndex((reply, i) => {
      const step = run.script[segment.fromStep + i]
      return step === undefined || (step.kind !== 'message' && !(isHostedToolStep(step) && reply.text === ''))
    })
    if (notMessage >= 0) return `segment reply for step ${segment.fromStep + notMessage}, which is not a message or hosted tool step of the script`
  }
  return undefined
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

/**
 * Writes the state document to `path` atomically (a temporary file beside it, then a rename over it), a
 * chunk at a time (`yieldingChunks`): memory stays about one chunk however large the state is.
 */
export async function writeStateFile (path: string, pieces: Iterable<string>): Promise<void> {
  const temporary = `${path}.${process.pid}.tmp`
  const file = await open(temporary, 'w')
  try {
    for await (const chunk of yieldingChunks(pieces)) await file.write(chunk)
  } finally {
    await file.close()
  }
  renameSync(temporary, path)
}
