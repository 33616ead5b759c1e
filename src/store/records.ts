/**
 * What the emulator stores. Records are generation-neutral (they keep both `file_ids` and `tool_resources`)
 * so an object created under one api-version reads back under another; presenters pick the wire fields.
 * Records are values: services replace them with `put`, never mutate a stored one. Times are epoch ms.
 */
import type { Metadata, Tool } from '../schemas/common.js'
import type { Usage } from '../schemas/run.js'

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
}

/** The fixed course a run takes from its creation; status is derived from it and the clock. */
export interface RunPlan {
  readonly queuedMs: number
  readonly inProgressMs: number
  /** Lifetime before an unfinished run expires. */
  readonly expiresAfterMs: number
  readonly reply: string
  readonly usage: Usage
}

export interface RunRecord {
  readonly id: string
  readonly threadId: string
  readonly assistantId: string
  readonly createdAt: number
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
  readonly plan: RunPlan
}
