/**
 * Runs: creation, lookup, settling and their wire form.
 *
 * A run's course is fixed when it is created (its RunPlan); its status is derived from that plan and the
 * clock (runs/lifecycle.ts). What a finished run leaves behind (the assistant's reply message) is written
 * by `settle`, which every read of a thread's runs calls first; it is idempotent, so the order of reads
 * never matters and no timer is needed.
 */
import type { Generation } from '../api-versions.js'
import { toUnixSeconds } from '../clock.js'
import { Errors } from '../errors.js'
import { newId } from '../ids.js'
import { isTerminal, runStateAt, type RunState } from '../runs/lifecycle.js'
import { countUsage, defaultReply, lastUserText } from '../runs/reply.js'
import type { CreateRunBody, Run } from '../schemas/run.js'
import type { AssistantRecord, RunRecord, ThreadRecord } from '../store/records.js'
import type { ServiceContext } from './context.js'
import { userMessageRecord } from './threads.js'

/** Runs not finished this long after creation expire, as on the real service. */
export const RUN_LIFETIME_MS = 10 * 60 * 1000
/** Smallest poll interval suggested to SDKs, so a run about to change is not polled in a tight loop. */
export const MIN_POLL_AFTER_MS = 10

export interface RunView {
  readonly record: RunRecord
  readonly state: RunState
}

function joinInstructions (base: string, additional: string | null | undefined): string {
  if (additional === undefined || additional === null || additional === '') return base
  return base === '' ? additional : `${base}\n${additional}`
}

export function presentRun ({ record, state }: RunView, generation: Generation): Run {
  const seconds = (ms: number | null) => ms === null ? null : toUnixSeconds(ms)
  const common = {
    id: record.id,
    object: 'thread.run' as const,
    created_at: toUnixSeconds(record.createdAt),
    assistant_id: record.assistantId,
    thread_id: record.threadId,
    status: state.status,
    started_at: seconds(state.startedAt),
    expires_at: seconds(state.expiresAt),
    cancelled_at: null,
    failed_at: null,
    completed_at: seconds(state.completedAt),
    required_action: null,
    last_error: null,
    model: record.model,
    instructions: record.instructions,
    tools: [...record.tools],
    metadata: record.metadata,
    incomplete_details: null,
    usage: state.status === 'completed' ? record.plan.usage : null
  }
  if (generation === 'v1') return { ...common, file_ids: [...record.fileIds] }
  return {
    ...common,
    temperature: record.temperature,
    top_p: record.topP,
    max_prompt_tokens: record.maxPromptTokens,
    max_completion_tokens: record.maxCompletionTokens,
    truncation_strategy: record.truncationStrategy,
    tool_choice: record.toolChoice,
    response_format: record.responseFormat,
    parallel_tool_calls: record.parallelToolCalls
  }
}

/** Milliseconds an SDK should wait before polling again (the `openai-poll-after-ms` header). */
export function pollAfterMs (state: RunState, now: number): number {
  return Math.max(MIN_POLL_AFTER_MS, state.nextChangeAt === null ? 0 : state.nextChangeAt - now)
}

export function createRunService ({ store, clock, config }: ServiceContext) {
  function requireThread (threadId: string): ThreadRecord {
    const thread = store.threads.get(threadId)
    if (!thread) throw Errors.notFound('thread', threadId)
    return thread
  }

  function requireAssistant (assistantId: string): AssistantRecord {
    const assistant = store.assistants.get(assistantId)
    if (!assistant) throw Errors.notFound('assistant', assistantId)
    return assistant
  }

  /** Writes what the thread's active run left behind once it has ended, and unlocks the thread. */
  function settle (thread: ThreadRecord): ThreadRecord {
    if (thread.activeRunId === null) return thread
    const run = store.runs.get(thread.id, thread.activeRunId)
    const state = run ? runStateAt(run, clock.now()) : undefined
    if (run && state && !isTerminal(state.status)) return thread
    if (run && state?.status === 'completed') {
      store.messages.put(thread.id, {
        id: newId('msg'),
        threadId: thread.id,
        createdAt: state.completedAt!,
        role: 'assistant',
        content: [{ type: 'text', text: { value: run.plan.reply, annotations: [] } }],
        assistantId: run.assistantId,
        runId: run.id,
        fileIds: [],
        attachments: [],
        metadata: {}
      })
    }
    const settled = { ...thread, activeRunId: null }
    store.threads.put(settled)
    return settled
  }

  return {
    /** Settles the thread's finished run, if any; call before reading a thread's messages or runs. */
    settleThread (threadId: string): ThreadRecord {
      return settle(requireThread(threadId))
    },

    async create (threadId: string, body: CreateRunBody): Promise<RunView> {
      if (body.stream === true) throw Errors.streamingUnsupported()
      requireThread(threadId)
      const assistant = requireAssistant(body.assistant_id)
      const instructions = joinInstructions(body.instructions ?? assistant.instructions ?? '', body.additional_instructions)
      // Counting tokens may wait for the tokenizer to load the first time; the run starts after it.
      const draftAt = clock.now()
      const additional = (body.additional_messages ?? []).map(input => userMessageRecord(input, threadId, draftAt))
      const prompt = [...store.messages.list(threadId), ...additional]
      const reply = defaultReply(lastUserText(prompt))
      const usage = await countUsage(instructions, prompt, reply)

      // Everything after the await runs synchronously: the lock check and the insert cannot interleave
      // with another request, so two concurrent creates on one thread never both succeed.
      const createdAt = clock.now()
      const thread = settle(requireThread(threadId))
      if (thread.activeRunId !== null) throw Errors.threadHasActiveRun(threadId, thread.activeRunId)
      const record: RunRecord = {
        id: newId('run'),
        threadId,
        assistantId: assistant.id,
        createdAt,
        model: body.model ?? assistant.model,
        instructions,
        tools: body.tools ?? assistant.tools,
        fileIds: assistant.fileIds,
        metadata: body.metadata ?? {},
        temperature: body.temperature ?? assistant.temperature ?? 1,
        topP: body.top_p ?? assistant.topP ?? 1,
        maxPromptTokens: body.max_prompt_tokens ?? null,
        maxCompletionTokens: body.max_completion_tokens ?? null,
        truncationStrategy: body.truncation_strategy ?? { type: 'auto', last_messages: null },
        toolChoice: body.tool_choice ?? 'auto',
        responseFormat: body.response_format ?? assistant.responseFormat ?? 'auto',
        parallelToolCalls: body.parallel_tool_calls ?? true,
        plan: {
          queuedMs: config.queuedMs,
          inProgressMs: config.inProgressMs,
          expiresAfterMs: RUN_LIFETIME_MS,
          reply,
          usage
        }
      }
      for (const message of additional) store.messages.put(threadId, message)
      store.runs.put(threadId, record)
      store.threads.put({ ...thread, activeRunId: record.id })
      return { record, state: runStateAt(record, clock.now()) }
    },

    get (threadId: string, runId: string): RunView {
      settle(requireThread(threadId))
      const record = store.runs.get(threadId, runId)
      if (!record) throw Errors.notFound('run', runId)
      return { record, state: runStateAt(record, clock.now()) }
    }
  }
}
export type RunService = ReturnType<typeof createRunService>
