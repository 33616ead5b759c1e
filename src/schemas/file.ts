/** Files: upload purposes, the wire objects (Azure's `OpenAIFile`, v1 assistant / message files) and params. */
import { Type, type Static } from '@sinclair/typebox'
import type { Generation } from '../api-versions.js'
import { DeletedSchema } from './common.js'

/**
 * Purposes a client may upload with, by generation. The Azure specs list every purpose a file can have
 * (`FilePurpose`), including the service's own outputs (`assistants_output`, `batch_output`,
 * `fine-tune-results`), which nobody uploads; OpenAI's `CreateFileRequest` (2024-06-20) takes
 * `assistants`, `batch`, `fine-tune` and `vision`. 2024-02-15-preview knows only `assistants` and `fine-tune`.
 */
export const UPLOAD_PURPOSES: Readonly<Record<Generation, readonly string[]>> = {
  v1: ['assistants', 'fine-tune'],
  v2: ['assistants', 'batch', 'fine-tune', 'vision']
}

/** Every purpose a file can have (the `purpose` filter of `GET /files`), from the Azure specs' `FilePurpose`. */
export const ALL_PURPOSES: Readonly<Record<Generation, readonly string[]>> = {
  v1: ['fine-tune', 'fine-tune-results', 'assistants', 'assistants_output'],
  v2: ['fine-tune', 'fine-tune-results', 'assistants', 'assistants_output', 'batch', 'batch_output', 'vision']
}

export const FileSchema = Type.Object({
  object: Type.Literal('file'),
  id: Type.String(),
  purpose: Type.String(),
  filename: Type.String(),
  bytes: Type.Integer(),
  created_at: Type.Integer(),
  status: Type.Optional(Type.String()),
  status_details: Type.Optional(Type.String())
})
export type FileObject = Static<typeof FileSchema>

/** Azure's `FileListResponse`: `{object, data}`, no cursors (the spec has none). */
export const FileListSchema = Type.Object({
  object: Type.Literal('list'),
  data: Type.Array(FileSchema)
})

export const ListFilesQuerySchema = Type.Object({
  purpose: Type.Optional(Type.String()),
  'api-version': Type.Optional(Type.String())
})

export const FileParamsSchema = Type.Object({ file_id: Type.String() })

export const FileDeletedSchema = DeletedSchema('file')

/** v1: `POST /assistants/{id}/files`. */
export const CreateAssistantFileBodySchema = Type.Object({
  file_id: Type.String()
}, { additionalProperties: false })

export const AssistantFileParamsSchema = Type.Object({ assistant_id: Type.String(), file_id: Type.String() })
export const MessageFileParamsSchema = Type.Object({ thread_id: Type.String(), message_id: Type.String(), file_id: Type.String() })

/** OpenAI's 2024-03 `assistant.file`. */
export const AssistantFileSchema = Type.Object({
  id: Type.String(),
  object: Type.Literal('assistant.file'),
  created_at: Type.Integer(),
  assistant_id: Type.String()
})
export type AssistantFile = Static<typeof AssistantFileSchema>

export const AssistantFileDeletedSchema = DeletedSchema('assistant.file.deleted')

/** OpenAI's 2024-03 `thread.message.file`. */
export const MessageFileSchema = Type.Object({
  id: Type.String(),
  object: Type.Literal('thread.message.file'),
  created_at: Type.Integer(),
  message_id: Type.String()
})
export type MessageFile = Static<typeof MessageFileSchema>
