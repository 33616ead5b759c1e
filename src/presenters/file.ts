/** Uploaded files, and the v1 views of a file attached to an assistant or a message. */
import type { Generation } from '../api-versions.js'
import { toUnixSeconds } from '../clock.js'
import type { AssistantFile, FileObject, MessageFile } from '../schemas/file.js'
import type { FileRecord } from '../store/records.js'

/**
 * Azure's `OpenAIFile`. From 2024-05-01-preview on it carries `status`: uploads are usable at once, so that is
 * always `processed` (Azure's `FileState`); `status_details` only explains failures, so it is left out (the
 * spec's field is an optional, non-null string). 2024-02-15-preview's object has neither.
 */
export function presentFile (record: FileRecord, generation: Generation): FileObject {
  const file: FileObject = {
    object: 'file',
    id: record.id,
    purpose: record.purpose,
    filename: record.filename,
    bytes: record.bytes,
    created_at: toUnixSeconds(record.createdAt)
  }
  // Added in place rather than `{ ...file, status }`: a spread followed by more keys is slow on Node 20 (issue 20).
  if (generation !== 'v1') file.status = 'processed'
  return file
}

/** A file as attached to something (v1 sub-resources): its id, when it was attached, and to what. */
export interface AttachedFile {
  readonly id: string
  /** Epoch ms. */
  readonly attachedAt: number
  /** The assistant's or the message's id. */
  readonly parentId: string
}

export function presentAssistantFile (file: AttachedFile): AssistantFile {
  return { id: file.id, object: 'assistant.file', created_at: toUnixSeconds(file.attachedAt), assistant_id: file.parentId }
}

export function presentMessageFile (file: AttachedFile): MessageFile {
  return { id: file.id, object: 'thread.message.file', created_at: toUnixSeconds(file.attachedAt), message_id: file.parentId }
}
