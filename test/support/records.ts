/** Stored records for unit tests of the pure run lifecycle. */
import { countPromptTokens, tokenizer } from '../../src/runs/tokens.js'
import type { PromptTexts, Reply, RunRecord, RunSegment } from '../../src/store/records.js'

/** The first pass's prompt in these records: one user message. */
const PROMPT: PromptTexts = { instructions: '', messages: ['hello'] }
/** Its tokens, as the run's usage counts them (reply primer and message framing included). */
export const PROMPT_TOKENS = countPromptTokens(tokenizer().count, PROMPT.instructions, PROMPT.messages)

/** A run record created at `createdAt` with a single reply step; override any field. */
export function runRecord (createdAt: number, overrides: Partial<RunRecord> = {}): RunRecord {
  return {
    id: 'run_abc',
    threadId: 'thread_abc',
    assistantId: 'asst_abc',
    createdAt,
    expiresAt: createdAt + 600_000,
    model: 'gpt-4o',
    instructions: '',
    tools: [],
    fileIds: [],
    metadata: {},
    temperature: 1,
    topP: 1,
    maxPromptTokens: null,
    maxCompletionTokens: null,
    truncationStrategy: null,
    toolChoice: 'auto',
    responseFormat: 'auto',
    parallelToolCalls: true,
    timings: { queuedMs: 500, inProgressMs: 1500, cancellingMs: 500 },
    script: [{ kind: 'message', stepId: 'step_reply', messageId: 'msg_reply', template: '' }],
    segments: [segment(createdAt, 0, { 0: { text: 'hi', completionTokens: 2, truncated: false } })],
    cancelRequestedAt: null,
    replyContext: { lastUserMessage: 'hello', assistantName: null },
    writtenMessageIds: [],
    ...overrides
  }
}

/** One pass of a run (the first, from step 0, has PROMPT); `replies` by script step index, from `fromStep` on. */
export function segment (startedAt: number, fromStep: number, replies: Readonly<Record<number, Reply>> = {},
  outputs: RunSegment['outputs'] = [], cutOff: RunSegment['cutOff'] = null): RunSegment {
  const list = Object.keys(replies).map(Number).sort((a, b) => a - b).map(step => replies[step]!)
  return { startedAt, fromStep, prompt: fromStep === 0 ? PROMPT : null, outputs, replies: list, cutOff }
}
