/** A thread message's wire form: status from the record (a reply being written is `in_progress`), v1 `file_ids` or v2 `attachments`. */
import type { Generation } from '../api-versions.js'
import { toUnixSeconds } from '../clock.js'
import type { Message } from '../schemas/message.js'
import { NO_ITEMS, type MessageRecord } from '../store/records.js'

export function presentMessage (record: MessageRecord, generation: Generation): Message {
  const status = record.inProgress === true ? 'in_progress' : record.incompleteReason === undefined ? 'completed' : 'incomplete'
  const endedAt = record.endedAt ?? record.createdAt
  return {
    id: record.id,
    object: 'thread.message',
    created_at: toUnixSeconds(record.createdAt),
    thread_id: record.threadId,
    status,
    incomplete_details: record.incompleteReason === undefined ? null : { reason: record.incompleteReason },
    completed_at: status === 'completed' ? toUnixSeconds(endedAt) : null,
    incomplete_at: status === 'incomplete' ? toUnixSeconds(endedAt) : null,
    role: record.role,
    content: record.content as Message['content'],
    assistant_id: record.assistantId,
    run_id: record.runId,
    // The other generation's field is undefined, which the serialiser leaves out.
    file_ids: generation === 'v1' ? record.fileIds as string[] : undefined,
    attachments: generation === 'v1' ? undefined : (record.attachments ?? NO_ITEMS) as Message['attachments'],
    metadata: record.metadata
  }
}
