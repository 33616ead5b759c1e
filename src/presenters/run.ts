/**
 * A run and its steps as the wire shows them at one moment: from the stored record and the state derived
 * for that moment (runs/lifecycle.ts). Stream events are built by these same functions (runs/events.ts).
 */
import type { Generation } from '../api-versions.js'
import { toUnixSeconds } from '../clock.js'
import type { RunState, StepView } from '../runs/lifecycle.js'
import { codeShown, type HostedToolPiece } from '../runs/pieces.js'
import type { Run, RunStep } from '../schemas/run.js'
import type { HostedToolStep, RunRecord } from '../store/records.js'
import {
  codeInterpreterDelta, presentCodeInterpreterToolCall, type CodeInterpreterDeltaWire, type CodeInterpreterToolCallWire
} from '../tools/code-interpreter.js'
import { presentFileSearchToolCall, type FileSearchToolCallWire } from '../tools/file-search.js'

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

/** A step's function calls as far as they have been streamed, with their outputs once submitted. */
function functionCalls (step: StepView) {
  return step.shownCalls.map(call => ({
    id: call.id,
    type: 'function',
    function: { name: call.name, arguments: call.arguments, output: step.outputs.get(call.id) ?? null }
  }))
}

/** How a step is shown: the generation's shapes, and search results with their text (`include[]`). */
export interface StepPresentation {
  readonly generation: Generation
  /** `include[]=step_details.tool_calls[*].file_search.results[*].content` was asked. */
  readonly includeSearchContent: boolean
}

const V2_STEPS: StepPresentation = { generation: 'v2', includeSearchContent: false }

/** A hosted tool call as far as its first `piecesShown` pieces show it; none before its header. */
function hostedToolCalls (step: HostedToolStep, piecesShown: number, how: StepPresentation): Array<FileSearchToolCallWire | CodeInterpreterToolCallWire> {
  if (piecesShown === 0) return []
  if (step.kind === 'file_search') {
    return [presentFileSearchToolCall(step.callId, step.search, { generation: how.generation, includeContent: how.includeSearchContent })]
  }
  const shown = codeShown(step, piecesShown)
  return [presentCodeInterpreterToolCall(step.callId, shown.input, shown.outputs ? step.outputs : [])]
}

/**
 * The `step_details` delta a stream sends for one piece of a hosted tool call (runs/pieces.ts): a file search
 * arrives whole in one delta (with its results, which the Agents SDK needs to read the delta); a code_interpreter
 * call as its header, its input in chunks, then its outputs.
 */
export function presentHostedToolDelta (step: HostedToolStep, piece: HostedToolPiece, how: StepPresentation): {
  type: 'tool_calls', tool_calls: Array<(FileSearchToolCallWire & { index: number }) | CodeInterpreterDeltaWire>
} {
  if (step.kind === 'file_search') {
    const call = presentFileSearchToolCall(step.callId, step.search, { generation: how.generation, includeContent: how.includeSearchContent })
    return { type: 'tool_calls', tool_calls: [{ index: 0, ...call }] }
  }
  const delta = piece.part === 'header'
    ? codeInterpreterDelta.header(0, step.callId)
    : piece.part === 'input' ? codeInterpreterDelta.input(0, piece.input) : codeInterpreterDelta.outputs(0, step.outputs)
  return { type: 'tool_calls', tool_calls: [delta] }
}

/**
 * One step of the run as its state shows it: a message creation, function calls with their outputs once
 * submitted, or a hosted tool call (file_search, code_interpreter) as far as it has happened.
 */
export function presentStep (record: RunRecord, step: StepView, how: StepPresentation = V2_STEPS): RunStep {
  const details = step.step.kind === 'message'
    ? { type: 'message_creation', message_creation: { message_id: step.step.messageId } }
    : { type: 'tool_calls', tool_calls: step.step.kind === 'tool_calls' ? functionCalls(step) : hostedToolCalls(step.step, step.piecesShown, how) }
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
