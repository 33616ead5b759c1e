/**
 * What the emulator stores. Records are generation-neutral (they keep both `file_ids` and `tool_resources`)
 * so an object created under one api-version reads back under another; presenters pick the wire fields.
 * Records are values: services replace them with `put`, never mutate a stored one. Times are epoch ms.
 */
import type { Metadata, Tool } from '../schemas/common.js'

export interface AssistantRecord {
  readonly id: string
  readonly createdAt: number
  readonly name: string | null
  readonly description: string | null
  readonly model: string
  readonly instructions: string | null
  readonly tools: readonly Tool[]
  readonly fileIds: readonly string[]
  readonly toolResources: unknown
  readonly temperature: number | null
  readonly topP: number | null
  readonly responseFormat: unknown
  readonly metadata: Metadata
  /** When each file was attached through `POST /assistants/{id}/files` (v1); others count from `createdAt`. */
  readonly fileAttachedAt?: Readonly<Record<string, number>>
}

export interface ThreadRecord {
  readonly id: string
  readonly createdAt: number
  /** The run that has not been settled yet: it locks the thread while it is not terminal. */
  readonly activeRunId: string | null
  readonly toolResources: unknown
  readonly metadata: Metadata
}

export type MessageContentPart =
  | { readonly type: 'text', readonly text: { readonly value: string, readonly annotations: readonly unknown[] } }
  | { readonly type: 'image_file', readonly image_file: unknown }
  | { readonly type: 'image_url', readonly image_url: unknown }

export interface MessageRecord {
  readonly id: string
  readonly threadId: string
  readonly createdAt: number
  readonly role: 'user' | 'assistant'
  readonly content: readonly MessageContentPart[]
  readonly assistantId: string | null
  readonly runId: string | null
  readonly fileIds: readonly string[]
  readonly attachments: readonly unknown[] | null
  readonly metadata: Metadata
  /** Set on a reply cut short (message status `incomplete`): `max_tokens`, `run_cancelled`, `run_expired`. */
  readonly incompleteReason?: string
  /** A reply its run is still writing (message status `in_progress`). */
  readonly inProgress?: boolean
  /** When a reply was completed or cut short; absent means `createdAt`. */
  readonly endedAt?: number
  /**
   * The message's prompt tokens (its text's, framing included), when they were counted as it was stored: a
   * run counts every message of its thread, and a long thread is not encoded again for each run.
   */
  readonly tokens?: number
}

/** One step of a run's script, fixed when the run is created (ids included, so reads are stable). */
export type ScriptStep =
  | { readonly kind: 'message', readonly stepId: string, readonly messageId: string, readonly template: string }
  | {
    readonly kind: 'tool_calls'
    readonly stepId: string
    readonly calls: ReadonlyArray<{ readonly id: string, readonly name: string, readonly arguments: string }>
    /** Tokens of the calls, as stored by earlier versions; absent, they are counted (runs/reply.ts `callTokens`). */
    readonly completionTokens?: number
  }
  | { readonly kind: 'fail', readonly code: string, readonly message: string }
  | { readonly kind: 'incomplete', readonly reason: string }

export interface ToolOutput {
  readonly tool_call_id: string
  readonly output: string
}

/**
 * One pass of a run through queued → in_progress → …: the first starts at creation, and each tool-output
 * submission starts another at the step after the tool calls. Reply texts are rendered when the pass
 * starts, because they may quote the outputs that started it.
 */
export interface RunSegment {
  readonly startedAt: number
  readonly fromStep: number
  /**
   * The prompt's tokens; or, for a run made before anything needed the tokenizer (which takes about half
   * a second to load), `prompt`: the texts to count them from when they are first read (runs/reply.ts).
   */
  readonly promptTokens?: number
  readonly prompt?: PromptTexts
  /** The outputs whose submission started this segment (empty for the first). */
  readonly outputs: readonly ToolOutput[]
  /**
   * The replies this pass wrote, in order: `replies[i]` is that of script step `fromStep + i` (see `replyAt`).
   * An array, not a record by step index: an object with an index key costs 200 bytes, a one-item array 50.
   */
  readonly replies: readonly Reply[]
  /** Where a token limit ends the run `incomplete`: after that step, or before any (`afterStep: null`). */
  readonly cutOff: { readonly afterStep: number | null, readonly reason: string } | null
}

/**
 * A rendered reply; `truncated` when cut at the token budget, and then its token count (the budget). Other
 * replies count as their text encodes (runs/reply.ts `replyTokens`).
 */
export interface Reply {
  readonly text: string
  readonly completionTokens?: number
  readonly truncated: boolean
}

/** The reply a segment rendered for script step `step`, if it rendered one. */
export const replyAt = (segment: Pick<RunSegment, 'fromStep' | 'replies'>, step: number): Reply | undefined =>
  step < segment.fromStep ? undefined : segment.replies[step - segment.fromStep]

/** A prompt kept as text: the instructions and the texts of the thread messages it holds, in order. */
export interface PromptTexts {
  readonly instructions: string
  readonly messages: readonly string[]
}

export interface RunTimings {
  readonly queuedMs: number
  readonly inProgressMs: number
  readonly cancellingMs: number
  /**
   * Pace of a reply's chunks in ms (see `stepPieces` in runs/lifecycle.ts); the in-progress phase lasts as
   * long as writing takes if that is longer. Absent or null: chunks are spread over the in-progress phase.
   */
  readonly streamChunkMs?: number | null
}

export interface RunRecord {
  readonly id: string
  readonly threadId: string
  readonly assistantId: string
  readonly createdAt: number
  readonly expiresAt: number
  readonly model: string
  readonly instructions: string
  readonly tools: readonly Tool[]
  readonly fileIds: readonly string[]
  readonly metadata: Metadata
  readonly temperature: number | null
  readonly topP: number | null
  readonly maxPromptTokens: number | null
  readonly maxCompletionTokens: number | null
  readonly truncationStrategy: unknown
  readonly toolChoice: unknown
  readonly responseFormat: unknown
  readonly parallelToolCalls: boolean
  readonly timings: RunTimings
  readonly script: readonly ScriptStep[]
  readonly segments: readonly RunSegment[]
  readonly cancelRequestedAt: number | null
  /** For reply templates rendered when later segments start. */
  readonly lastUserMessage: string | null
  readonly assistantName: string | null
  /** Reply messages already written to the thread while the run is active (see settle in services/runs.ts); not updated once it has ended. */
  readonly writtenMessageIds: readonly string[]
}

/** An uploaded file: its bytes are kept in memory (uploads are capped by `maxUploadBytes`). */
export interface FileRecord {
  readonly id: string
  readonly createdAt: number
  readonly filename: string
  readonly purpose: string
  readonly bytes: number
  readonly content: Buffer
}

export type ChunkingStrategy =
  | { readonly type: 'auto' }
  | { readonly type: 'static', readonly static: { readonly max_chunk_size_tokens: number, readonly chunk_overlap_tokens: number } }

export interface VectorStoreRecord {
  readonly id: string
  readonly createdAt: number
  readonly name: string
  readonly expiresAfter: { readonly anchor: 'last_active_at', readonly days: number } | null
  readonly lastActiveAt: number
  readonly metadata: Metadata
}

/**
 * A file in a vector store (its id is the file's id). Its status is derived on read: `in_progress` until
 * `readyAt`, then `completed`, unless its batch was cancelled before that (`cancelledAt`).
 */
export interface VectorStoreFileRecord {
  readonly id: string
  readonly vectorStoreId: string
  readonly createdAt: number
  readonly readyAt: number
  readonly bytes: number
  readonly chunkingStrategy: ChunkingStrategy
  readonly batchId: string | null
  readonly cancelledAt: number | null
}

export interface VectorStoreFileBatchRecord {
  readonly id: string
  readonly vectorStoreId: string
  readonly createdAt: number
  readonly readyAt: number
  readonly fileIds: readonly string[]
  readonly cancelledAt: number | null
}

/**
 * Empty values shared by every record that has nothing there, instead of an empty array or object each
 * (records are values, never changed in place; frozen so that nothing can).
 */
export const NO_ITEMS: readonly never[] = Object.freeze([])
export const NO_METADATA: Metadata = Object.freeze({})
export const NO_TOOL_RESOURCES: Readonly<Record<string, never>> = Object.freeze({})
