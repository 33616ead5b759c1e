/**
 * A run and its steps as the wire shows them at one moment: from the stored record and the state derived
 * for that moment (runs/lifecycle.ts). Stream events are built by these same functions (runs/events.ts).
 */
import type { Generation } from '../api-versions.js'
import { toUnixSeconds } from '../clock.js'
import type { RunState, StepView } from '../runs/lifecycle.js'
import type { Run, RunStep } from '../schemas/run.js'
import type { RunRecord } from '../store/records.js'

/** A run as read at one moment: its record and the state derived from it (services/runs.ts). */
export interface RunView {
  readonly record: RunRecord
  readonly state: RunState
}

const seconds = (ms: number | null) => ms === null ? null : toUnixSeconds(ms)

/** A run's pending tool calls as `required_action`. */
function requiredActionOf (state: RunState): Run['required_action'] {
  if (state.pendingToolCalls === null) return null
  return {
    type: 'submit_tool_outputs',
    submit_tool_outputs: {
      tool_calls: state.pendingToolCalls.map(call => ({
        id: call.id, type: 'function', function: { name: call.name, arguments: call.arguments }
      }))
    }
  }
}

/** The run; v1 shows `file_ids`, v2 the run controls (the other generation's fields are undefined, never written). */
export function presentRun ({ record, state }: RunView, generation: Generation): Run {
  const v2 = generation !== 'v1'
  return {
    id: record.id,
    object: 'thread.run',
    created_at: toUnixSeconds(record.createdAt),
    assistant_id: record.assistantId,
    thread_id: record.threadId,
    status: state.status,
    started_at: seconds(state.startedAt),
    expires_at: seconds(state.expiresAt),
    cancelled_at: seconds(state.cancelledAt),
    failed_at: seconds(state.failedAt),
    completed_at: seconds(state.completedAt),
    required_action: requiredActionOf(state),
    last_error: state.lastError,
    model: record.model,
    instructions: record.instructions,
    tools: record.tools as Run['tools'],
    metadata: record.metadata,
    incomplete_details: state.incompleteReason === null ? null : { reason: state.incompleteReason },
    usage: state.usage,
    file_ids: v2 ? undefined : record.fileIds as string[],
    temperature: v2 ? record.temperature : undefined,
    top_p: v2 ? record.topP : undefined,
    max_prompt_tokens: v2 ? record.maxPromptTokens : undefined,
    max_completion_tokens: v2 ? record.maxCompletionTokens : undefined,
    truncation_strategy: v2 ? record.truncationStrategy : undefined,
    tool_choice: v2 ? record.toolChoice : undefined,
    response_format: v2 ? record.responseFormat : undefined,
    parallel_tool_calls: v2 ? record.parallelToolCalls : undefined
  }
}

/** One step of the run as its state shows it: a message creation, or tool calls with their outputs once submitted. */
export function presentStep (record: RunRecord, step: StepView): RunStep {
  const details = step.step.kind === 'message'
    ? { type: 'message_creation', message_creation: { message_id: step.step.messageId } }
    : {
        type: 'tool_calls',
        tool_calls: step.shownCalls.map(call => ({
          id: call.id,
          type: 'function',
          function: { name: call.name, arguments: call.arguments, output: step.outputs.get(call.id) ?? null }
        }))
      }
  return {
    id: step.step.stepId,
    object: 'thread.run.step',
    created_at: toUnixSeconds(step.createdAt),
    run_id: record.id,
    assistant_id: record.assistantId,
    thread_id: record.threadId,
    type: step.step.kind === 'message' ? 'message_creation' : 'tool_calls',
    status: step.status,
    cancelled_at: seconds(step.cancelledAt),
    completed_at: seconds(step.completedAt),
    expired_at: seconds(step.expiredAt),
    failed_at: null,
    last_error: null,
    step_details: details,
    usage: step.usage,
    metadata: {}
  }
}
