/**
 * Runs: creation (with the scenario that scripts them), lookup, tool outputs, cancellation, steps and
 * settling (their wire forms: presenters/run.ts).
 *
 * A run's course is fixed by its record (script, segments, cancel request); its status is derived from
 * that and the clock (runs/lifecycle.ts). What the run leaves on its thread (reply messages) is written
 * by `settle`, which every read of a thread's messages or runs calls first: it is idempotent, so the
 * order of reads never matters and no timer is needed.
 */
import type { Flavour } from '../api-surface.js'
import { assertReferencesExist } from '../checks/references.js'
import { Errors } from '../errors.js'
import { mapPage, paginate, type ListPage, type PageOptions } from '../pagination.js'
import type { RunView } from '../presenters/run.js'
import { canTransition, isTerminal, runStateAt, type RunState, type StepView } from '../runs/lifecycle.js'
import { lastUserText, messageText } from '../runs/default-reply.js'
import { replyMessageRecord } from '../runs/reply-message.js'
import { buildScript, forcedFunction, promptOf, renderSegment, segmentInputOf } from '../runs/script.js'
import { completionTokensOf, countSoon } from '../runs/tokens.js'
import { selectScenario, type ScenarioTimings } from '../runs/scenarios.js'
import type { CreateRunBody, CreateThreadAndRunBody, SubmitToolOutputsBody } from '../schemas/run.js'
import type { Metadata } from '../schemas/common.js'
import { NO_ITEMS, NO_METADATA, type AssistantRecord, type MessageRecord, type RunRecord, type RunTimings, type ThreadRecord } from '../store/records.js'
import type { AssistantService } from './assistants.js'
import { found, MIN_POLL_AFTER_MS, type ServiceContext } from './context.js'
import { runTools } from './run-tools.js'
import { assistantsSearchScope, warmSearchIndexes } from '../tools/file-search.js'
import { userMessageRecord, type ThreadService } from './threads.js'
import type { VectorStoreService } from './vector-stores.js'

export type { RunView } from '../presenters/run.js'

/** A step of a run as read at one moment (presenters/run.ts `presentStep`). */
export interface StepRead {
  readonly record: RunRecord
  readonly step: StepView
}

function joinInstructions (base: string, additional: string | null | undefined): string {
  if (additional === undefined || additional === null || additional === '') return base
  return base === '' ? additional : `${base}\n${additional}`
}

/** Milliseconds an SDK should wait before polling again (the `openai-poll-after-ms` header). */
export function pollAfterMs (state: RunState, now: number): number {
  return Math.max(MIN_POLL_AFTER_MS, state.nextChangeAt === null ? 0 : state.nextChangeAt - now)
}

/** How many of a new run's newest prompt messages are counted ahead (`countSoon`). */
const COUNT_SOON_MESSAGES = 8

/** Shared by every run without a truncation strategy (records are never changed in place). */
const DEFAULT_TRUNCATION = Object.freeze({ type: 'auto', last_messages: null })

/** No fixture files (fixtures given as objects, or none). */
const NO_FILES: ReadonlyMap<string, Buffer> = new Map()

export function createRunService ({ store, clock, config, scenarios, ids, fixtureFiles = NO_FILES }: ServiceContext,
  { threads, assistants, vectorStores }: { threads: ThreadService, assistants: AssistantService, vectorStores: VectorStoreService }) {
  const timingsOf = (timings: ScenarioTimings): RunTimings => ({
    queuedMs: timings.queued_ms ?? config.queuedMs,
    inProgressMs: timings.in_progress_ms ?? config.inProgressMs,
    cancellingMs: timings.cancelling_ms ?? config.cancellingMs,
    streamChunkMs: timings.stream_chunk_ms ?? config.streamChunkMs
  })
  /** Shared by every run without scenario timings (records are values: nothing changes it). */
  const defaultTimings = Object.freeze(timingsOf({}))

  const requireRun = (threadId: string, runId: string): RunRecord => found(store.runs.get(threadId, runId), 'run', runId)

  /**
   * Writes the reply messages the thread's active run has produced by now and, once the run has ended,
   * unlocks the thread. Idempotent.
   */
  function settle (thread: ThreadRecord): ThreadRecord {
    if (thread.activeRunId === null) return thread
    const run = store.runs.get(thread.id, thread.activeRunId)
    if (!run) return putThread({ ...thread, activeRunId: null })
    const state = runStateAt(run, clock.now())
    const finished: string[] = []
    for (const step of state.steps) {
      if (step.step.kind !== 'message' || run.writtenMessageIds.includes(step.step.messageId)) continue
      const stored = store.messages.get(thread.id, step.step.messageId)
      const reply = replyMessageRecord(run, step, stored?.metadata)
      if (!reply.inProgress) finished.push(reply.id)
      // A reply being written is rewritten as it grows, so a read shows what a stream has shown by then.
      if (!stored || stored.inProgress !== reply.inProgress || stored.content.length !== reply.content.length || messageText(stored) !== messageText(reply)) {
        store.messages.put(thread.id, reply)
      }
    }
    // An ended run is settled for the last time (the thread lets go of it): its record, and the course
    // derived from it, stay as they are.
    if (isTerminal(state.status)) return putThread({ ...thread, activeRunId: null })
    if (finished.length > 0) {
      store.runs.put(thread.id, { ...run, writtenMessageIds: run.writtenMessageIds.concat(finished) })
    }
    return thread
  }

  /** Settles the thread's active run, if any; call before reading or adding to a thread's messages or runs. */
  function settleThread (threadId: string): ThreadRecord {
    return settle(threads.get(threadId))
  }

  function putThread (thread: ThreadRecord): ThreadRecord {
    store.threads.put(thread)
    return thread
  }

  /** The run as it is now; `asOfEvent` for the answer to the request that just changed it. */
  function view (record: RunRecord, asOfEvent = false): RunView {
    return { record, state: runStateAt(record, clock.now(), asOfEvent) }
  }

  /** The run's tools and tool choice, refused when the choice names no tool the run has. */
  function checkToolChoice (assistant: AssistantRecord, body: Pick<CreateRunBody, 'tools' | 'tool_choice'>) {
    const tools = body.tools ?? assistant.tools
    const toolChoice = body.tool_choice ?? 'auto'
    const forced = forcedFunction(toolChoice, tools)
    if (forced !== undefined && 'problem' in forced) throw Errors.invalidToolChoice(forced.problem)
    return { tools, toolChoice }
  }

  interface RunOptions {
    readonly assistant: AssistantRecord
    readonly body: Omit<CreateRunBody, 'assistant_id' | 'additional_messages' | 'additional_instructions'> & {
      additional_instructions?: string | null
    }
    /** Messages the run adds to the thread when it starts (`additional_messages`). */
    readonly additional: readonly MessageRecord[]
    /** The flavour creating the run: files its code_interpreter calls generate get that flavour's id form. */
    readonly flavour: Flavour
  }

  /**
   * Creates the run, synchronously: the lock check and the insert cannot interleave with another request, so
   * two concurrent creates on one thread never both win.
   */
  function startRun (thread: ThreadRecord, { assistant, body, additional, flavour }: RunOptions): RunView {
    const settled = settle(thread)
    if (settled.activeRunId !== null) throw Errors.threadHasActiveRun(thread.id, settled.activeRunId)
    const { tools, toolChoice } = checkToolChoice(assistant, body)

    const createdAt = clock.now()
    const instructions = joinInstructions(body.instructions ?? assistant.instructions ?? '', body.additional_instructions)
    const prompt = [...store.messages.list(thread.id), ...additional]
    const lastUserMessage = lastUserText(prompt)
    const metadata: Metadata = body.metadata ?? NO_METADATA
    const scenario = selectScenario(scenarios, { assistantId: assistant.id, assistantName: assistant.name, lastUserMessage, metadata })
    const expiresAfterMs = scenario?.timings?.expires_after_ms ?? config.runExpiryMs
    const parallelToolCalls = body.parallel_tool_calls ?? true
    const truncationStrategy = body.truncation_strategy ?? DEFAULT_TRUNCATION
    const maxPromptTokens = body.max_prompt_tokens ?? null
    const responseFormat = body.response_format ?? assistant.responseFormat ?? 'auto'
    const model = body.model ?? assistant.model
    const { prompt: segmentPrompt, fits } = promptOf(instructions, prompt, { truncationStrategy, maxPromptTokens })
    const hosted = runTools({
      store,
      ids,
      now: createdAt,
      searchIndexes: vectorStores.searchIndexes,
      fixtureFiles,
      flavour,
      model,
      tools,
      toolChoice,
      assistant,
      threadToolResources: settled.toolResources,
      messages: prompt,
      lastUserMessage,
      promptMessages: segmentPrompt.messages.length,
      scripted: scenario !== null
    })
    const script = buildScript(scenario, { toolChoice, tools, parallelToolCalls, responseFormat }, ids, hosted.env)
    hosted.storeGeneratedFiles(script)
    const maxCompletionTokens = body.max_completion_tokens ?? null
    const replyContext = { lastUserMessage, assistantName: assistant.name }
    const segment = renderSegment({ script, replyContext, responseFormat, maxCompletionTokens }, createdAt, 0, segmentPrompt, NO_ITEMS, 0, fits)
    const record: RunRecord = {
      id: ids.next('run'),
      threadId: thread.id,
      assistantId: assistant.id,
      createdAt,
      expiresAt: createdAt + expiresAfterMs,
      model,
      instructions,
      tools,
      fileIds: assistant.fileIds,
      metadata,
      temperature: body.temperature ?? assistant.temperature ?? 1,
      topP: body.top_p ?? assistant.topP ?? 1,
      maxPromptTokens,
      maxCompletionTokens,
      truncationStrategy,
      toolChoice,
      responseFormat,
      parallelToolCalls,
      timings: scenario?.timings === undefined ? defaultTimings : timingsOf(scenario.timings),
      script,
      segments: [segment],
      cancelRequestedAt: null,
      replyContext,
      writtenMessageIds: NO_ITEMS,
      // Absent rather than undefined for the default reply: a key costs its weight in every run stored.
      ...(scenario === null ? {} : { scenario: scenario.name ?? `#${scenarios.indexOf(scenario) + 1}` })
    }
    for (const message of additional) store.messages.put(thread.id, { ...message, createdAt })
    // What the run's usage will be counted from, counted now in the worker while the run goes on: the newest
    // messages only (the earlier ones were counted for the thread's earlier runs), not a walk of a long thread.
    countSoon([instructions, ...segmentPrompt.messages.slice(-COUNT_SOON_MESSAGES), ...segment.replies.map(reply => reply.text)])
    store.runs.put(thread.id, record)
    putThread({ ...settled, activeRunId: record.id })
    return view(record, true)
  }

  /** Listeners told when a request changes a run (cancel, tool outputs, metadata): open streams wake on it. */
  const watchers = new Map<string, Set<() => void>>()
  const changed = (runId: string) => { for (const listener of [...watchers.get(runId) ?? []]) listener() }

  return {
    settleThread,

    /** Calls `listener` whenever a request changes the run; returns the unsubscribe function. */
    watch (runId: string, listener: () => void): () => void {
      let listeners = watchers.get(runId)
      if (!listeners) watchers.set(runId, listeners = new Set())
      listeners.add(listener)
      return () => {
        listeners.delete(listener)
        if (listeners.size === 0) watchers.delete(runId)
      }
    },

    /** How many runs have listeners (a leak check for tests). */
    watchedRuns: () => watchers.size,

    /**
     * Builds the search indexes a new run may use, letting the event loop turn while it works
     * (tools/file-search.ts `warmSearchIndexes`): the route awaits it before `create` or `createThreadAndRun`,
     * which are synchronous and so would otherwise build a large vector store's index at once, stalling every
     * other request. Best effort: a request that names nothing to search, or that `create` will refuse, warms
     * nothing. `threadId`: the run's thread, or null when the request creates it (`body.thread`).
     */
    async warmSearch (threadId: string | null, body: CreateRunBody | CreateThreadAndRunBody): Promise<void> {
      const assistant = store.assistants.get(body.assistant_id)
      if (assistant === undefined) return
      const tools = body.tools ?? assistant.tools
      if (!tools.some(tool => tool.type === 'file_search' || tool.type === 'retrieval')) return
      const thread = threadId === null ? undefined : store.threads.get(threadId)
      if (threadId !== null && thread === undefined) return
      const created = 'thread' in body ? body.thread : undefined
      const inputs = [...created?.messages ?? [], ...('additional_messages' in body ? body.additional_messages ?? [] : [])]
      const { scope } = assistantsSearchScope({
        tools: tools as ReadonlyArray<{ type: string, file_search?: unknown }>,
        assistantToolResources: assistant.toolResources,
        threadToolResources: thread?.toolResources ?? ('tool_resources' in body ? body.tool_resources : undefined) ?? created?.tool_resources,
        assistantFileIds: assistant.fileIds,
        messages: [
          ...thread === undefined ? [] : store.messages.list(thread.id),
          ...inputs.map(input => ({ attachments: input.attachments ?? null, fileIds: input.file_ids ?? [] }))
        ]
      })
      await warmSearchIndexes(store, clock.now(), scope, vectorStores.searchIndexes)
    },

    /**
     * Synchronous throughout: the checks and the writes see the same store, with no other request between.
     * `flavour`: the front door creating the run (the id form of files its code_interpreter calls generate).
     */
    create (threadId: string, body: CreateRunBody, flavour: Flavour = 'azure'): RunView {
      // The stored thread's own id string: the parameter is a slice that would keep the request's URL alive.
      const { id: storedThreadId } = threads.get(threadId)
      const assistant = assistants.get(body.assistant_id)
      assertReferencesExist(store, body)
      const additional = (body.additional_messages ?? []).map(input => userMessageRecord(input, ids.next('msg'), storedThreadId, 0))
      return startRun(threads.get(threadId), { assistant, body, additional, flavour })
    },

    /** Everything is checked before the thread is created; `flavour` as for `create`. */
    createThreadAndRun (body: CreateThreadAndRunBody, flavour: Flavour = 'azure'): RunView {
      const assistant = assistants.get(body.assistant_id)
      assertReferencesExist(store, body)
      checkToolChoice(assistant, body)
      const { thread: threadBody, assistant_id: _assistantId, tool_resources: toolResources, ...runBody } = body
      const thread = threads.create({ ...threadBody, tool_resources: toolResources ?? threadBody?.tool_resources })
      return startRun(thread, { assistant, body: runBody, additional: [], flavour })
    },

    get (threadId: string, runId: string): RunView {
      settleThread(threadId)
      return view(requireRun(threadId, runId))
    },

    list (threadId: string, query: PageOptions): ListPage<RunView> {
      settleThread(threadId)
      return mapPage(paginate(store.runs.list(threadId), query), view)
    },

    modify (threadId: string, runId: string, metadata: Metadata | null | undefined): RunView {
      settleThread(threadId)
      const run = requireRun(threadId, runId)
      const updated = metadata === undefined ? run : { ...run, metadata: metadata ?? {} }
      store.runs.put(threadId, updated)
      return view(updated)
    },

    submitToolOutputs (threadId: string, runId: string, body: SubmitToolOutputsBody): RunView {
      settleThread(threadId)
      const run = requireRun(threadId, runId)
      const state = runStateAt(run, clock.now())
      if (state.status !== 'requires_action' || state.pendingToolCalls === null) {
        throw Errors.runRejectsToolOutputs(state.status)
      }
      const expected = state.pendingToolCalls.map(call => call.id)
      const given = body.tool_outputs.map(o => o.tool_call_id)
      // Item by item first (a call answered twice), then the set against the run's calls.
      const duplicates = given.filter(id => given.indexOf(id) !== given.lastIndexOf(id))
      if (duplicates.length > 0) throw Errors.duplicateToolCallIds(duplicates)
      const exactlyOnce = given.length === expected.length && expected.every(id => given.filter(g => g === id).length === 1)
      if (!exactlyOnce) throw Errors.toolOutputsMismatch(expected, given)

      const now = clock.now()
      // Kept in call order, whatever order they were sent in, so `{{tool_outputs.N}}` means the Nth call.
      const outputs = expected.map(id => ({ tool_call_id: id, output: body.tool_outputs.find(o => o.tool_call_id === id)?.output ?? '' }))
      // The next pass's prompt is derived from this one's when read (runs/tokens.ts `promptTokensOf`).
      const toolStep = state.steps.findLast(s => s.step.kind === 'tool_calls' && s.status === 'in_progress')!
      // Only a completion budget needs what earlier passes wrote counted now.
      const written = run.maxCompletionTokens === null ? 0 : run.segments.reduce((n, segment) => n + completionTokensOf(segment, run.script), 0)
      const segment = renderSegment(segmentInputOf(run), now, toolStep.index + 1, null, outputs, written)
      const updated = { ...run, segments: run.segments.concat([segment]) }
      store.runs.put(threadId, updated)
      changed(runId)
      return view(updated, true)
    },

    cancel (threadId: string, runId: string): RunView {
      settleThread(threadId)
      const run = requireRun(threadId, runId)
      const now = clock.now()
      const { status } = runStateAt(run, now)
      if (!canTransition(status, 'cancelling')) throw Errors.runNotCancellable(status)
      const updated = { ...run, cancelRequestedAt: now }
      store.runs.put(threadId, updated)
      changed(runId)
      return view(updated, true)
    },

    listSteps (threadId: string, runId: string, query: PageOptions): ListPage<StepRead> {
      settleThread(threadId)
      const run = requireRun(threadId, runId)
      const { steps } = runStateAt(run, clock.now())
      const page = paginate(steps.map(step => ({ id: step.step.stepId, step })), query)
      return mapPage(page, ({ step }) => ({ record: run, step }))
    },

    getStep (threadId: string, runId: string, stepId: string): StepRead {
      settleThread(threadId)
      const run = requireRun(threadId, runId)
      const step = found(runStateAt(run, clock.now()).steps.find(s => s.step.stepId === stepId), 'run step', stepId)
      return { record: run, step }
    }
  }
}
export type RunService = ReturnType<typeof createRunService>
