/**
 * A thread message's wire form: status from the record (a reply being written is `in_progress`), v1 `file_ids` or
 * v2 `attachments`, text annotations in the generation's shape (tools/citations.ts); and the `thread.message.delta`
 * a stream sends for each piece of a reply (runs/pieces.ts).
 */
import type { Generation } from '../api-versions.js'
import { toUnixSeconds } from '../clock.js'
import type { ReplyChunks } from '../runs/pieces.js'
import type { Message } from '../schemas/message.js'
import { NO_ITEMS, type MessageRecord, type Reply } from '../store/records.js'
import { annotationDelta, presentAnnotation } from '../tools/citations.js'

/** The content parts, with each text part's annotations in `generation`'s shape (the record's own array when none has any). */
function presentContent (content: MessageRecord['content'], generation: Generation): Message['content'] {
  if (!content.some(part => part.type === 'text' && part.text.annotations.length > 0)) return content as Message['content']
  return content.map(part => part.type === 'text' && part.text.annotations.length > 0
    ? { type: 'text', text: { value: part.text.value, annotations: part.text.annotations.map(a => presentAnnotation(a, generation)) } }
    : part)
}

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
    content: presentContent(record.content, generation),
    assistant_id: record.assistantId,
    run_id: record.runId,
    // The other generation's field is undefined, which the serialiser leaves out.
    file_ids: generation === 'v1' ? record.fileIds as string[] : undefined,
    attachments: generation === 'v1' ? undefined : (record.attachments ?? NO_ITEMS) as Message['attachments'],
    metadata: record.metadata
  }
}

/**
 * The `thread.message.delta` of piece `piece` of a reply (OpenAI `MessageDeltaObject`): an image (`image_file`
 * part, before the text), or a chunk of text at the content index after the images, carrying the annotation
 * whose text it is (with its index among the part's annotations), so a client's snapshot gains each annotation
 * once, whole. `reply` is undefined for a step whose reply is not rendered (its one empty chunk).
 */
export function presentMessageDelta (messageId: string, reply: Reply | undefined, chunks: ReplyChunks, piece: number, generation: Generation) {
  const part = chunks.pieces[piece]!
  const delta = (content: object) => ({ id: messageId, object: 'thread.message.delta' as const, delta: { content: [content] } })
  if (typeof part !== 'string') return delta({ index: piece, type: 'image_file', image_file: { file_id: part.imageFileId } })
  const at = chunks.annotationAt.get(piece)
  const annotations = at === undefined ? [] : [annotationDelta(reply!.annotations![at]!, at, generation)]
  return delta({ index: reply?.imageFileIds?.length ?? 0, type: 'text', text: { value: part, annotations } })
}
