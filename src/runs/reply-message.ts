/**
 * The reply message a run's message step writes to its thread: derived from the run's record and the step's
 * state at one moment, so a read of the thread and an event stream show the same message.
 */
import type { StepView } from './lifecycle.js'
import { NO_ITEMS, NO_METADATA, type MessageRecord, type RunRecord } from '../store/records.js'
import { annotationsWithin } from '../tools/citations.js'

const INCOMPLETE_REASONS: Readonly<Record<string, string>> = { cancelled: 'run_cancelled', expired: 'run_expired' }

/** What a reply shows so far; once that is the whole text, the run's own string (the message shares it, not a copy). */
const replyText = (step: StepView): string => step.shownText === step.text ? step.text ?? '' : step.shownText ?? ''

/**
 * What a reply shows after its first `step.piecesShown` chunks: the images shown so far (`image_file` parts, first),
 * then the text written so far with the annotations it already holds whole (none before the first text chunk).
 */
function replyContent (step: StepView): MessageRecord['content'] {
  const reply = step.reply
  if (reply === null || (reply.annotations === undefined && reply.imageFileIds === undefined)) {
    return [{ type: 'text', text: { value: replyText(step), annotations: NO_ITEMS } }]
  }
  const images = reply.imageFileIds ?? NO_ITEMS
  const content: MessageRecord['content'][number][] = images.slice(0, step.piecesShown).map(fileId => ({ type: 'image_file', image_file: { file_id: fileId } }))
  if (step.piecesShown > images.length) {
    const text = replyText(step)
    content.push({ type: 'text', text: { value: text, annotations: annotationsWithin(reply.annotations ?? NO_ITEMS, text) } })
  }
  return content
}

/**
 * The reply message a run's message step writes, as it is at that step's state: `in_progress` with the text
 * written so far (no content before the first chunk), `completed`, or `incomplete` when it was cut short
 * by the token budget (`max_tokens`) or its run was cancelled or expired. Created when the step starts.
 */
export function replyMessageRecord (run: RunRecord, step: StepView, metadata: MessageRecord['metadata'] = NO_METADATA): MessageRecord {
  if (step.step.kind !== 'message') throw new Error('not a message step')
  const inProgress = step.status === 'in_progress'
  const content: MessageRecord['content'] = step.piecesShown === 0 ? NO_ITEMS : replyContent(step)
  // One literal with every field (absent ones undefined): every message record has the same shape.
  return {
    id: step.step.messageId,
    threadId: run.threadId,
    createdAt: step.createdAt,
    role: 'assistant',
    content,
    assistantId: run.assistantId,
    runId: run.id,
    fileIds: NO_ITEMS,
    attachments: NO_ITEMS,
    metadata,
    incompleteReason: step.truncated && step.status === 'completed' ? 'max_tokens' : INCOMPLETE_REASONS[step.status],
    inProgress: inProgress ? true : undefined,
    endedAt: inProgress ? undefined : step.completedAt ?? step.cancelledAt ?? step.expiredAt ?? step.createdAt
  }
}
