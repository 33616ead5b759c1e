/**
 * What the emulator stores, defined once: each record is a TypeBox schema, its type is `Static` of that
 * schema, and the state document (control/state.ts) is made of these same schemas. Records are
 * generation-neutral (they keep both `file_ids` and `tool_resources`) so an object created under one
 * api-version reads back under another; presenters pick the wire fields. Records are values: services
 * replace them with `put`, never mutate a stored one. Times are epoch ms.
 *
 * Top-level records accept extra fields (a document written by a later version still loads); their parts
 * are exact.
 */
import { Type, type Static, type TProperties, type TSchema } from '@sinclair/typebox'
import { MAX_CLOCK_MS } from '../clock.js'
import { LIMITS } from '../schemas/limits.js'

/** A record's type: its schema's Static, read-only all the way down (records are values). */
type RecordOf<T extends TSchema> = DeepReadonly<Static<T>>
type DeepReadonly<T> = T extends Buffer
  ? T
  : T extends ReadonlyArray<infer U> ? ReadonlyArray<DeepReadonly<U>> : T extends object ? { readonly [K in keyof T]: DeepReadonly<T[K]> } : T

const Id = Type.String({ minLength: 1, maxLength: 256 })
const Nullable = <T extends TSchema>(schema: T) => Type.Union([schema, Type.Null()])
const Metadata = Type.Record(Type.String(), Type.String())
const Loose = <T extends TProperties>(properties: T) => Type.Object(properties, { additionalProperties: true })
const Strict = <T extends TProperties>(properties: T) => Type.Object(properties, { additionalProperties: false })
/**
 * Epoch ms within what a Date can print and a client can parse: 0 (1970) to the end of year 9999. Finite
 * safe integers only, so no stored time can push lifecycle arithmetic or a `date` header out of range.
 */
const Time = Type.Integer({ minimum: 0, maximum: MAX_CLOCK_MS })
/** A duration in ms, bounded like a time. */
const Duration = Type.Integer({ minimum: 0, maximum: MAX_CLOCK_MS })
const Count = Type.Integer({ minimum: 0, maximum: Number.MAX_SAFE_INTEGER })

/** A stored tool definition: only the fields presenters and the run script read are required. */
const StoredToolSchema = Type.Union([
  Loose({ type: Type.Union([Type.Literal('code_interpreter'), Type.Literal('retrieval'), Type.Literal('file_search')]) }),
  Loose({ type: Type.Literal('function'), function: Loose({ name: Type.String() }) })
])

export const AssistantRecordSchema = Loose({
  id: Id,
  createdAt: Time,
  name: Nullable(Type.String()),
  description: Nullable(Type.String()),
  model: Type.String(),
  instructions: Nullable(Type.String()),
  tools: Type.Array(StoredToolSchema),
  fileIds: Type.Array(Type.String()),
  toolResources: Type.Unknown(),
  temperature: Nullable(Type.Number()),
  topP: Nullable(Type.Number()),
  responseFormat: Type.Unknown(),
  metadata: Metadata,
  /** When each file was attached through `POST /assistants/{id}/files` (v1); others count from `createdAt`. */
  fileAttachedAt: Type.Optional(Type.Record(Type.String(), Time))
})
export type AssistantRecord = RecordOf<typeof AssistantRecordSchema>

export const ThreadRecordSchema = Loose({
  id: Id,
  createdAt: Time,
  /** The run that has not been settled yet: it locks the thread while it is not terminal. */
  activeRunId: Nullable(Type.String()),
  toolResources: Type.Unknown(),
  metadata: Metadata
})
export type ThreadRecord = RecordOf<typeof ThreadRecordSchema>

/**
 * An annotation of a reply's text, generation-neutral: tools/citations.ts writes each API's wire form from it.
 * `startIndex` / `endIndex` count Unicode code points of the text (see tools/citations.ts), and `text` is exactly
 * the characters between them: a citation marker (`file_citation`, citing `quote` from the file) or a sandbox
 * link to a file code_interpreter generated (`file_path`). A reply rendered for the Responses API has no
 * markers: its citations are empty (`text` '', `startIndex` = `endIndex`, where the marker would stand).
 */
const TextAnnotationSchema = Type.Union([
  Strict({
    type: Type.Literal('file_citation'),
    text: Type.String(),
    startIndex: Count,
    endIndex: Count,
    fileId: Type.String(),
    fileName: Type.String(),
    quote: Type.String()
  }),
  Strict({ type: Type.Literal('file_path'), text: Type.String(), startIndex: Count, endIndex: Count, fileId: Type.String() })
])
export type TextAnnotation = RecordOf<typeof TextAnnotationSchema>

const MessageContentPartSchema = Type.Union([
  Strict({ type: Type.Literal('text'), text: Strict({ value: Type.String(), annotations: Type.Array(TextAnnotationSchema) }) }),
  Strict({ type: Type.Literal('image_file'), image_file: Loose({ file_id: Type.String() }) }),
  Strict({ type: Type.Literal('image_url'), image_url: Loose({ url: Type.String() }) })
])
export type MessageContentPart = RecordOf<typeof MessageContentPartSchema>

export const MessageRecordSchema = Loose({
  id: Id,
  threadId: Id,
  createdAt: Time,
  role: Type.Union([Type.Literal('user'), Type.Literal('assistant')]),
  content: Type.Array(MessageContentPartSchema),
  assistantId: Nullable(Type.String()),
  runId: Nullable(Type.String()),
  fileIds: Type.Array(Type.String()),
  attachments: Nullable(Type.Array(Type.Unknown())),
  metadata: Metadata,
  /** Set on a reply cut short (message status `incomplete`): `max_tokens`, `run_cancelled`, `run_expired`. */
  incompleteReason: Type.Optional(Type.String()),
  /** A reply its run is still writing (message status `in_progress`). */
  inProgress: Type.Optional(Type.Boolean()),
  /** When a reply was completed or cut short; absent means `createdAt`. */
  endedAt: Type.Optional(Time)
})
export type MessageRecord = RecordOf<typeof MessageRecordSchema>

const ToolCallSchema = Strict({ id: Id, name: Type.String(), arguments: Type.String() })

/** A file attribute value (OpenAI `VectorStoreFileAttributes`). */
const AttributeValue = Type.Union([Type.String(), Type.Number(), Type.Boolean()])

/** One result of a file search: a chunk of one file (tools/file-search.ts). */
const FileSearchResultSchema = Strict({
  fileId: Type.String(),
  fileName: Type.String(),
  /** 0 to 1, the best result of its vector store 1. */
  score: Type.Number({ minimum: 0, maximum: 1 }),
  /** The chunk's text: an exact slice of the file's text. */
  text: Type.String(),
  attributes: Type.Record(Type.String(), AttributeValue)
})
export type FileSearchResult = RecordOf<typeof FileSearchResultSchema>

/**
 * A file search as done (tools/file-search.ts `searchFiles`): the queries, the ranking options in force (the
 * ranker as resolved: `auto` is `default_2024_08_21`) and the results, best first. The same record serves a
 * run step's `file_search` tool call and a Responses `file_search_call` item.
 */
const FileSearchCallSchema = Strict({
  queries: Type.Array(Type.String()),
  ranker: Type.String(),
  scoreThreshold: Type.Number({ minimum: 0, maximum: 1 }),
  results: Type.Array(FileSearchResultSchema)
})
export type FileSearchCall = RecordOf<typeof FileSearchCallSchema>

/** An output of a code_interpreter call: text it printed, or an image it made (a file with purpose `assistants_output`). */
const CodeInterpreterOutputSchema = Type.Union([
  Strict({ type: Type.Literal('logs'), logs: Type.String() }),
  /** `fileName`: the generated file's name, which a reply links to as `sandbox:/mnt/data/<fileName>`. */
  Strict({ type: Type.Literal('image'), fileId: Id, fileName: Type.String() })
])
export type CodeInterpreterOutput = RecordOf<typeof CodeInterpreterOutputSchema>

/** One step of a run's script, fixed when the run is created (ids included, so reads are stable). */
const ScriptStepSchema = Type.Union([
  Strict({
    kind: Type.Literal('message'),
    stepId: Id,
    messageId: Id,
    template: Type.String(),
    /** The scenario's reasoning summary for this reply (responses show it as a `reasoning` item; runs do not). */
    reasoning: Type.Optional(Type.String())
  }),
  Strict({
    kind: Type.Literal('tool_calls'),
    stepId: Id,
    calls: Type.Array(ToolCallSchema, { minItems: 1 })
  }),
  /**
   * A `tool_calls` step with one file_search call, which the run completes by itself (runs/hosted-tools.ts).
   * `tool` is the tool the run searched with (`retrieval` on a v1 assistant): its replies cite in that
   * generation's form. `messageIndex` is where the search output sits in the conversation the model saw, the
   * first number of a v2 citation marker.
   */
  Strict({
    kind: Type.Literal('file_search'),
    stepId: Id,
    callId: Id,
    tool: Type.Union([Type.Literal('file_search'), Type.Literal('retrieval')]),
    messageIndex: Count,
    search: FileSearchCallSchema
  }),
  /** A `tool_calls` step with one scripted code_interpreter call, which the run completes by itself. */
  Strict({
    kind: Type.Literal('code_interpreter'),
    stepId: Id,
    callId: Id,
    input: Type.String(),
    outputs: Type.Array(CodeInterpreterOutputSchema)
  }),
  Strict({ kind: Type.Literal('fail'), code: Type.String(), message: Type.String() }),
  Strict({ kind: Type.Literal('incomplete'), reason: Type.String() })
])
export type ScriptStep = RecordOf<typeof ScriptStepSchema>

/** A step with a tool the service runs itself (file_search, code_interpreter): the run completes it without `requires_action`. */
export type HostedToolStep = Extract<ScriptStep, { kind: 'file_search' | 'code_interpreter' }>

export const isHostedToolStep = (step: ScriptStep): step is HostedToolStep => step.kind === 'file_search' || step.kind === 'code_interpreter'

const ToolOutputSchema = Strict({ tool_call_id: Type.String(), output: Type.String() })
export type ToolOutput = RecordOf<typeof ToolOutputSchema>

/**
 * A rendered reply; `truncated` when cut at the token budget, and then its token count (the budget). Other
 * replies count as their text encodes (runs/tokens.ts `replyTokens`).
 */
const ReplySchema = Strict({
  text: Type.String(),
  completionTokens: Type.Optional(Count),
  truncated: Type.Boolean(),
  /** The text's annotations (citations, file paths), in text order and never overlapping; absent when none. */
  annotations: Type.Optional(Type.Array(TextAnnotationSchema)),
  /** Images the reply shows before its text (`image_file` parts): files a code_interpreter step generated. */
  imageFileIds: Type.Optional(Type.Array(Id))
})
export type Reply = RecordOf<typeof ReplySchema>

/** The first model call's prompt: the instructions and the texts of the thread messages it kept, in order. */
const PromptTextsSchema = Strict({ instructions: Type.String(), messages: Type.Array(Type.String()) })
export type PromptTexts = RecordOf<typeof PromptTextsSchema>

/**
 * One pass of a run through queued → in_progress → …: the first starts at creation, and each tool-output
 * submission starts another at the step after the tool calls. Reply texts are rendered when the pass
 * starts, because they may quote the outputs that started it.
 */
const RunSegmentSchema = Strict({
  startedAt: Time,
  fromStep: Count,
  /**
   * The first pass's prompt (its tokens are counted from these texts when read: runs/tokens.ts). Later passes
   * have none: their prompt is the previous one, what the model wrote then, and the outputs that started them.
   */
  prompt: Nullable(PromptTextsSchema),
  /** The outputs whose submission started this segment (empty for the first). */
  outputs: Type.Array(ToolOutputSchema),
  /**
   * The replies this pass wrote, in order: `replies[i]` is that of script step `fromStep + i` (see `replyAt`); a
   * file_search or code_interpreter step the pass played between two replies has an empty entry.
   */
  replies: Type.Array(ReplySchema),
  /** Where a token limit ends the run `incomplete`: after that step, or before any (`afterStep: null`). */
  cutOff: Nullable(Strict({ afterStep: Nullable(Count), reason: Type.String() }))
})
export type RunSegment = RecordOf<typeof RunSegmentSchema>

/** The reply a segment rendered for script step `step`, if it rendered one. */
export const replyAt = (segment: Pick<RunSegment, 'fromStep' | 'replies'>, step: number): Reply | undefined =>
  step < segment.fromStep ? undefined : segment.replies[step - segment.fromStep]

const RunTimingsSchema = Strict({
  queuedMs: Duration,
  inProgressMs: Duration,
  cancellingMs: Duration,
  /**
   * Pace of a reply's chunks in ms (see `stepPieces` in runs/lifecycle.ts); the in-progress phase lasts as
   * long as writing takes if that is longer. Absent or null: chunks are spread over the in-progress phase.
   */
  streamChunkMs: Type.Optional(Nullable(Duration))
})
export type RunTimings = RecordOf<typeof RunTimingsSchema>

/** What reply templates of later passes are rendered with (runs/script.ts `renderSegment`). */
const ReplyContextSchema = Strict({
  lastUserMessage: Nullable(Type.String()),
  assistantName: Nullable(Type.String())
})
export type ReplyContext = RecordOf<typeof ReplyContextSchema>

export const RunRecordSchema = Loose({
  id: Id,
  threadId: Id,
  assistantId: Type.String(),
  createdAt: Time,
  expiresAt: Time,
  model: Type.String(),
  instructions: Type.String(),
  tools: Type.Array(StoredToolSchema),
  fileIds: Type.Array(Type.String()),
  metadata: Metadata,
  temperature: Nullable(Type.Number()),
  topP: Nullable(Type.Number()),
  maxPromptTokens: Nullable(Count),
  maxCompletionTokens: Nullable(Count),
  truncationStrategy: Type.Unknown(),
  toolChoice: Type.Unknown(),
  responseFormat: Type.Unknown(),
  parallelToolCalls: Type.Boolean(),
  timings: RunTimingsSchema,
  script: Type.Array(ScriptStepSchema),
  segments: Type.Array(RunSegmentSchema, { minItems: 1 }),
  cancelRequestedAt: Nullable(Time),
  replyContext: ReplyContextSchema,
  /** Reply messages already written to the thread while the run is active (see settle in services/runs.ts); not updated once it has ended. */
  writtenMessageIds: Type.Array(Type.String()),
  /**
   * The fixtures' scenario that scripted the run (the inspector shows it): its `name`, or `#N` (its place among
   * the scenarios, from 1) when it has none. Absent: no scenario matched, the run gives the default reply.
   */
  scenario: Type.Optional(Type.String())
})
export type RunRecord = RecordOf<typeof RunRecordSchema>

/** An uploaded file: its bytes are kept in memory (uploads are capped by `maxUploadBytes`). */
export const FileRecordSchema = Loose({
  id: Id,
  createdAt: Time,
  filename: Type.String(),
  purpose: Type.String(),
  bytes: Type.Integer({ minimum: 0 }),
  content: Type.Unsafe<Buffer>({ description: 'the bytes as uploaded' })
})
export type FileRecord = RecordOf<typeof FileRecordSchema>

const ChunkingStrategySchema = Type.Union([
  Strict({ type: Type.Literal('auto') }),
  Strict({ type: Type.Literal('static'), static: Strict({ max_chunk_size_tokens: Count, chunk_overlap_tokens: Count }) })
])
export type ChunkingStrategy = RecordOf<typeof ChunkingStrategySchema>

export const VectorStoreRecordSchema = Loose({
  id: Id,
  createdAt: Time,
  name: Type.String(),
  expiresAfter: Nullable(Strict({ anchor: Type.Literal('last_active_at'), days: Type.Integer({ minimum: 1, maximum: LIMITS.expiryDaysMax }) })),
  lastActiveAt: Time,
  metadata: Metadata
})
export type VectorStoreRecord = RecordOf<typeof VectorStoreRecordSchema>

/**
 * A file in a vector store (its id is the file's id). Its status is derived on read: `in_progress` until
 * `readyAt`, then `completed`, unless its batch was cancelled before that (`cancelledAt`).
 */
export const VectorStoreFileRecordSchema = Loose({
  id: Id,
  vectorStoreId: Id,
  createdAt: Time,
  readyAt: Time,
  bytes: Count,
  chunkingStrategy: ChunkingStrategySchema,
  batchId: Nullable(Type.String()),
  cancelledAt: Nullable(Time)
})
export type VectorStoreFileRecord = RecordOf<typeof VectorStoreFileRecordSchema>

export const VectorStoreFileBatchRecordSchema = Loose({
  id: Id,
  vectorStoreId: Id,
  createdAt: Time,
  readyAt: Time,
  fileIds: Type.Array(Type.String()),
  cancelledAt: Nullable(Time)
})
export type VectorStoreFileBatchRecord = RecordOf<typeof VectorStoreFileBatchRecordSchema>

// ---------------------------------------------------------------------------------------------------------
// The Responses API: responses, conversations and their items

/**
 * An item as the wire shows it (`message`, `function_call`, `function_call_output`, `reasoning`,
 * `file_search_call`, …): stored as sent or written, with its `id` and `type` (and `status`), so a read of a
 * conversation's items or of a response's input items answers it as it is.
 */
const StoredItemSchema = Loose({ id: Id, type: Type.String() })
export type StoredItem = RecordOf<typeof StoredItemSchema>

/**
 * An output item a response writes, fixed when the response is created (ids and rendered text included, so every
 * read and stream shows the same): its status and how much of it shows are derived from the clock
 * (responses/course.ts). A message cut at `max_output_tokens` is `truncated` and counts that budget.
 */
const PlannedItemSchema = Type.Union([
  Strict({
    type: Type.Literal('message'),
    id: Id,
    text: Type.String(),
    truncated: Type.Boolean(),
    completionTokens: Type.Optional(Count),
    /** Its `file_citation` annotations (absent: none): `index` is where each stands in `text`, in code points. */
    annotations: Type.Optional(Type.Array(Strict({ fileId: Type.String(), fileName: Type.String(), index: Count })))
  }),
  Strict({ type: Type.Literal('function_call'), id: Id, callId: Id, name: Type.String(), arguments: Type.String() }),
  Strict({ type: Type.Literal('reasoning'), id: Id, summary: Type.String() }),
  /** A `file_search_call`: the search made when the response was created (tools/file-search.ts). */
  Strict({ type: Type.Literal('file_search_call'), id: Id, search: FileSearchCallSchema })
])
export type PlannedItem = RecordOf<typeof PlannedItemSchema>

/** How a response ends after its items: failed (a scripted failure), or incomplete (a scripted cut, or the token budget). */
const ResponseEndingSchema = Type.Union([
  Strict({ kind: Type.Literal('fail'), code: Type.String(), message: Type.String() }),
  Strict({ kind: Type.Literal('incomplete'), reason: Type.String() })
])

/** A response's phases in ms: queued (background only), in progress (or the pace of its chunks). */
const ResponseTimingsSchema = Strict({
  queuedMs: Duration,
  inProgressMs: Duration,
  streamChunkMs: Type.Optional(Nullable(Duration))
})
export type ResponseTimings = RecordOf<typeof ResponseTimingsSchema>

/**
 * What the response that answers this one's function calls plays: the scenario's steps after the calls, and
 * the scenario's own timings (ms; absent: the configured ones).
 */
const ContinuationSchema = Strict({
  steps: Type.Array(ScriptStepSchema),
  timings: Strict({ queuedMs: Type.Optional(Duration), inProgressMs: Type.Optional(Duration), streamChunkMs: Type.Optional(Duration) })
})
export type Continuation = RecordOf<typeof ContinuationSchema>

/**
 * A response: the request as echoed (with defaults filled), its input items (with ids), the prompt it counts
 * (texts: instructions, then every item of its context), the items it writes and how it ends. Its status is
 * derived on read from `createdAt`, `timings` and `cancelledAt` (responses/course.ts); nothing moves it.
 */
export const ResponseRecordSchema = Loose({
  id: Id,
  createdAt: Time,
  model: Type.String(),
  instructions: Nullable(Type.String()),
  input: Type.Array(StoredItemSchema),
  previousResponseId: Nullable(Type.String()),
  conversationId: Nullable(Type.String()),
  /** The tools as echoed (the wire's flat form). */
  tools: Type.Array(Type.Unknown()),
  toolChoice: Type.Unknown(),
  parallelToolCalls: Type.Boolean(),
  /** `text` as echoed: `{format, verbosity}`. */
  text: Type.Unknown(),
  /** `reasoning` as echoed: `{effort, summary}`. */
  reasoning: Type.Unknown(),
  temperature: Type.Number(),
  topP: Type.Number(),
  topLogprobs: Count,
  maxOutputTokens: Nullable(Count),
  maxToolCalls: Nullable(Count),
  truncation: Type.String(),
  serviceTier: Type.String(),
  store: Type.Boolean(),
  background: Type.Boolean(),
  /** Created with `stream: true` (a background stream can then be resumed). */
  stream: Type.Boolean(),
  metadata: Metadata,
  user: Nullable(Type.String()),
  safetyIdentifier: Nullable(Type.String()),
  promptCacheKey: Nullable(Type.String()),
  include: Type.Array(Type.String()),
  prompt: PromptTextsSchema,
  output: Type.Array(PlannedItemSchema),
  ending: Nullable(ResponseEndingSchema),
  timings: ResponseTimingsSchema,
  /** When a cancel was accepted (background responses only). */
  cancelledAt: Nullable(Time),
  continuation: Nullable(ContinuationSchema),
  /** The Foundry agent version that answered (`agent_reference` on the wire, its version resolved); absent: none. */
  agentReference: Type.Optional(Nullable(Strict({ name: Type.String(), version: Type.String() }))),
  /** The OpenAI prompt the response was made from (`prompt` on the wire: id, version, variables); absent: none. */
  promptReference: Type.Optional(Nullable(Strict({ id: Type.String(), version: Type.String(), variables: Type.Record(Type.String(), Type.Unknown()) })))
})
export type ResponseRecord = RecordOf<typeof ResponseRecordSchema>

/**
 * A conversation. Deleting one keeps its record (`deleted`) and its items: they are no longer served, but
 * nothing that referred to them breaks. `pendingResponseIds`: responses on it whose items have not been added
 * yet, in creation order (added when each ends: services/conversations.ts `settle`).
 */
export const ConversationRecordSchema = Loose({
  id: Id,
  createdAt: Time,
  metadata: Metadata,
  deleted: Type.Boolean(),
  pendingResponseIds: Type.Array(Type.String())
})
export type ConversationRecord = RecordOf<typeof ConversationRecordSchema>

/** An item of a conversation (its id is the item's): the wire item, and the response that added it, if one did. */
export const ConversationItemRecordSchema = Loose({
  id: Id,
  conversationId: Id,
  createdAt: Time,
  responseId: Nullable(Type.String()),
  item: StoredItemSchema
})
export type ConversationItemRecord = RecordOf<typeof ConversationItemRecordSchema>

/**
 * One version of a Foundry agent (F-TSP `agents/models.tsp` `AgentVersionObject`): immutable once made; its id on
 * the wire is `name:version`. `definition` is kept as sent (`kind` and the kind's fields: a prompt agent's
 * `model`, `instructions`, `tools`, …); `foundryFeatures` is the preview opt-in it was created with, if any.
 */
const AgentVersionSchema = Strict({
  version: Type.String(),
  createdAt: Time,
  description: Nullable(Type.String()),
  metadata: Metadata,
  definition: Loose({ kind: Type.String() })
})
export type AgentVersion = RecordOf<typeof AgentVersionSchema>

/**
 * A Foundry agent (the "new" agents, `{project}/agents/{name}`): its name is its id, its versions are kept in
 * creation order, and `versionCount` is the last version number given (numbers are never given twice while the
 * agent exists, even after its newest version is deleted). An agent whose last version is deleted is gone.
 */
export const AgentRecordSchema = Loose({
  id: Id,
  versionCount: Count,
  versions: Type.Array(AgentVersionSchema)
})
export type AgentRecord = RecordOf<typeof AgentRecordSchema>

/**
 * Empty values shared by every record that has nothing there, instead of an empty array or object each
 * (records are values, never changed in place; frozen so that nothing can).
 */
export const NO_ITEMS: readonly never[] = Object.freeze([])
export const NO_METADATA: Readonly<Record<string, string>> = Object.freeze({})
export const NO_TOOL_RESOURCES: Readonly<Record<string, never>> = Object.freeze({})

/** Every top-level record's schema (the store weighs keys these name as shared field names: memory-store.ts). */
export const RECORD_SCHEMAS: readonly TSchema[] = [
  AssistantRecordSchema, ThreadRecordSchema, MessageRecordSchema, RunRecordSchema, FileRecordSchema, VectorStoreRecordSchema,
  VectorStoreFileRecordSchema, VectorStoreFileBatchRecordSchema, ResponseRecordSchema, ConversationRecordSchema,
  ConversationItemRecordSchema, AgentRecordSchema
]
