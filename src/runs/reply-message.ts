/**
 * The reply message a run's message step writes to its thread: derived from the run's record and the step's
 * state at one moment, so a read of the thread and an event stream show the same message.
 */
import type { StepView } from './lifecycle.js'
import { NO_ITEMS, NO_METADATA, type MessageRecord, type RunRecord } from '../store/records.js'

const INCOMPLETE_REASONS: Readonly<Record<string, string>> = { cancelled: 'run_cancelled', expired: 'run_expired' }

/** What a reply shows so far; once that is the whole text, the run's own string (the message shares it, not a copy). */
const replyText = (step: StepView): string => step.shownText === step.text ? step.text ?? '' : step.shownText ?? ''

/**
 * The reply message a run's message step writes, as it is at that step's state: `in_progress` with the text
 * written so far (no content before the first chunk), `completed`, or `incomplete` when it was cut short
 * by the token budget (`max_tokens`) or its run was cancelled or expired. Created when the step starts.
 */
export function replyMessageRecord (run: RunRecord, step: StepView, metadata: MessageRecord['metadata'] = NO_METADATA): MessageRecord {
  if (step.step.kind !== 'message') throw new Error('not a message step')
  const inProgress = step.status === 'in_progress'
  const content: MessageRecord['content'] = step.piecesShown === 0 ? NO_ITEMS : [{ type: 'text', text: { value: replyText(step), annotations: NO_ITEMS } }]
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
