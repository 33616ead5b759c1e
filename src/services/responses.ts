/**
 * Responses (OpenAI Responses API; responses-wire.md): create — with the checks the service makes, in its order
 * — retrieve, delete, cancel, input items, input token counts, and (Foundry) the list. A response's course is
 * fixed by its record (responses/plan.ts decides what it writes when it is created); its status is derived from
 * that and the clock (responses/course.ts), in the background on the run clock (`--queued-ms`,
 * `--in-progress-ms`, scenario timings).
 *
 * Context: a response sees the items before it — its `previous_response_id` chain (each response's input and
 * output, instructions not carried over) or its conversation's items — then its own input. Function calls and
 * outputs must pair up across them; outputs that answer a stored response's calls continue that response's
 * scenario where it stopped.
 *
 * `store: false`: the response is kept only while the request that made it runs (its stream, or its wait), then
 * forgotten (`forget`); reads answer 404 meanwhile, and items it wrote are refused later with the service's text.
 */
import type { Flavour } from '../api-surface.js'
import { Errors } from '../errors.js'
import { mapPage, paginate, type ListPage, type PageOptions } from '../pagination.js'
import type { ResponseView } from '../presenters/response.js'
import { isTerminalResponse, responseEndsAt, responseStateAt } from '../responses/course.js'
import { itemText, lastUserText, outputText, pairCalls, storeInput } from '../responses/items.js'
import { continuationScenario, controlsOf, planResponse } from '../responses/plan.js'
import { forcedFunction } from '../runs/script.js'
import { selectScenario, type Scenario } from '../runs/scenarios.js'
import { countPromptTokens, countSoon, tokenizer } from '../runs/tokens.js'
import type { CreateResponseBody, InputTokensBody, ResponseTool } from '../schemas/response.js'
import { NO_ITEMS, NO_METADATA, type Continuation, type ResponseRecord, type ResponseTimings, type StoredItem } from '../store/records.js'
import type { AgentService } from './agents.js'
import type { ConversationService } from './conversations.js'
import { MIN_POLL_AFTER_MS, type ServiceContext } from './context.js'
import type { ItemService } from './items.js'
import { checkResponseTools, responseTools, RESPONSES_MAX_NUM_RESULTS } from './response-tools.js'
import { warmSearchIndexes } from '../tools/file-search.js'
import type { VectorStoreService } from './vector-stores.js'

export type { ResponseView } from '../presenters/response.js'

/** Milliseconds a poller should wait before asking again (`openai-poll-after-ms`); undefined once nothing changes. */
export function responsePollAfterMs ({ state }: ResponseView, now: number): number | undefined {
  return state.nextChangeAt === null ? undefined : Math.max(MIN_POLL_AFTER_MS, state.nextChangeAt - now)
}

/** A JSON Schema in the strict form the Responses API normalises a function's parameters to when `strict` is left out. */
function strictSchema (schema: unknown): unknown {
  if (typeof schema !== 'object' || schema === null || Array.isArray(schema)) return schema
  const node = { ...schema as Record<string, unknown> }
  if (typeof node.properties === 'object' && node.properties !== null) {
    const properties = Object.fromEntries(Object.entries(node.properties).map(([key, value]) => [key, strictSchema(value)]))
    node.properties = properties
    node.required = Object.keys(properties)
    node.additionalProperties ??= false
  }
  if (node.items !== undefined) node.items = strictSchema(node.items)
  return node
}

/**
 * The tools as a response echoes them: functions with `description`, `parameters` and `strict` (omitted `strict`
 * is strict mode, the parameters normalised to it: OpenAI's function-calling guide), file_search with its defaults.
 */
function echoTools (tools: readonly ResponseTool[]): unknown[] {
  return tools.map(tool => {
    if (tool.type === 'file_search') {
      return {
        type: 'file_search',
        filters: tool.filters ?? null,
        max_num_results: tool.max_num_results ?? RESPONSES_MAX_NUM_RESULTS,
        ranking_options: tool.ranking_options ?? { ranker: 'auto', score_threshold: 0 },
        vector_store_ids: tool.vector_store_ids
      }
    }
    const strict = tool.strict ?? true
    const parameters = tool.parameters ?? null
    return {
      type: 'function',
      description: tool.description ?? null,
      name: tool.name,
      parameters: strict && tool.strict !== true ? strictSchema(parameters) : parameters,
      strict
    }
  })
}

interface Context {
  readonly items: readonly StoredItem[]
  /** The stored responses whose items the context holds, oldest first. */
  readonly responses: readonly ResponseRecord[]
}

/**
 * What a request asks the model for once its sources are resolved: the model, the instructions, the tools and how
 * they may be used, the output format. Every field comes from the body, into which `create` has first put the
 * Foundry agent version named by `agent_reference` or the OpenAI prompt named by `prompt` (services/agents.ts
 * `resolveRequest`); this is the one place that fills in the service's defaults.
 */
export interface EffectiveRequest {
  readonly model: string
  readonly instructions: string | null
  readonly tools: readonly ResponseTool[]
  readonly toolChoice: unknown
  readonly parallelToolCalls: boolean
  /** `text.format` (default `{type: 'text'}`). */
  readonly format: unknown
}

/** The effective request of a create (or input_tokens) body: its own fields with the service's defaults. */
function effectiveRequest (body: CreateResponseBody | InputTokensBody): EffectiveRequest {
  return {
    model: body.model ?? '',
    instructions: body.instructions ?? null,
    tools: body.tools ?? [],
    toolChoice: body.tool_choice ?? 'auto',
    parallelToolCalls: body.parallel_tool_calls ?? true,
    format: body.text?.format ?? { type: 'text' }
  }
}

/** What create and input_tokens make of a body before anything is stored. */
interface Prepared {
  readonly effective: EffectiveRequest
  readonly context: Context
  readonly input: StoredItem[]
  readonly conversationId: string | null
  readonly previousId: string | null
}

export function createResponseService ({ store, clock, config, scenarios, ids }: ServiceContext,
  { conversations, items, vectorStores, agents }: { conversations: ConversationService, items: ItemService, vectorStores: VectorStoreService, agents: AgentService }) {
  const itemContext = items.context

  /** A response that reads serve: stored (not `store: false`). */
  function requireStored (id: string): ResponseRecord {
    const record = store.responses.get(id)
    if (record === undefined || !record.store) throw Errors.responseNotFound(id)
    return record
  }

  const view = (record: ResponseRecord, asOfEvent = false): ResponseView => ({ record, state: responseStateAt(record, clock.now(), asOfEvent) })

  /** The `previous_response_id` chain: each response's input and output, oldest first. */
  function chainContext (previousId: string): Context {
    const previous = store.responses.get(previousId)
    if (previous === undefined || !previous.store) throw Errors.previousResponseNotFound(previousId)
    const now = clock.now()
    if (!isTerminalResponse(responseStateAt(previous, now).status)) throw Errors.previousResponseInProgress(previousId)
    const chain: ResponseRecord[] = []
    for (let record: ResponseRecord | undefined = previous; record !== undefined && record.store;
      record = record.previousResponseId === null ? undefined : store.responses.get(record.previousResponseId)) {
      chain.unshift(record)
    }
    return { items: chain.flatMap(record => [...record.input, ...responseStateAt(record, now).output]), responses: chain }
  }

  /** The conversation's items (settled) and the responses that added them. */
  function conversationContext (conversationId: string): Context {
    const items = conversations.items(conversationId)
    const responses = conversations.responseIdsOf(conversationId).flatMap(id => store.responses.get(id) ?? [])
    return { items, responses }
  }

  /** The service's checks in its order (schema first, then state: responses-wire.md §9), and the input stored. */
  function prepare (body: CreateResponseBody | InputTokensBody, flavour: Flavour): Prepared {
    if (body.model === '') throw Errors.modelNotFound('')
    const effective = effectiveRequest(body)
    // A Foundry agent's conversation already holds the user's message: its requests may send no input (AIP README).
    if (body.input === undefined && flavour !== 'foundry') throw Errors.missingParameter('input')
    const conversation = body.conversation ?? null
    const conversationId = conversation === null ? null : typeof conversation === 'string' ? conversation : conversation.id
    const previousId = body.previous_response_id ?? null
    if (conversationId !== null && previousId !== null) throw Errors.previousResponseWithConversation()
    const context = conversationId !== null
      ? conversationContext(conversationId)
      : previousId !== null ? chainContext(previousId) : { items: NO_ITEMS, responses: NO_ITEMS }
    const empty = body.input === undefined || body.input === '' || (Array.isArray(body.input) && body.input.length === 0)
    if (empty && conversationId === null && previousId === null) throw Errors.noInput()
    const input = storeInput(body.input, itemContext, context.items)
    checkResponseTools(store, effective.tools)
    return { effective, context, input, conversationId, previousId }
  }

  /** What the response plays: a stored response's remaining steps (its calls answered), or a scenario matched now. */
  function scriptSource (body: CreateResponseBody, { context, input }: Prepared) {
    const outputs = pairCalls(context.items, input)
    const producer = outputs.size === 0
      ? undefined
      : context.responses.findLast(record => record.output.some(item => item.type === 'function_call' && outputs.has(item.callId)))
    const everything = [...context.items, ...input]
    const lastUserMessage = lastUserText(everything)
    if (producer !== undefined) {
      const toolOutputs = producer.output.flatMap(item => item.type === 'function_call' && outputs.has(item.callId)
        ? [{ tool_call_id: item.callId, output: outputText(outputs.get(item.callId)!) }]
        : [])
      const steps = producer.continuation?.steps ?? NO_ITEMS
      return {
        scenario: steps.length === 0 ? null : continuationScenario(steps),
        timings: producer.continuation?.timings ?? {},
        toolOutputs,
        answeredCalls: 0,
        lastUserMessage,
        continued: true
      }
    }
    const scenario: Scenario | null = selectScenario(scenarios, { assistantId: '', assistantName: null, lastUserMessage, metadata: body.metadata ?? NO_METADATA })
    const t = scenario?.timings
    const timings: Continuation['timings'] = {
      ...(t?.queued_ms === undefined ? {} : { queuedMs: t.queued_ms }),
      ...(t?.in_progress_ms === undefined ? {} : { inProgressMs: t.in_progress_ms }),
      ...(t?.stream_chunk_ms === undefined ? {} : { streamChunkMs: t.stream_chunk_ms })
    }
    // Calls answered since the last user message that no stored response made: the client sends its history itself.
    const sinceUser = everything.slice(everything.findLastIndex(item => item.type === 'message' && (item as { role?: unknown }).role === 'user') + 1)
    const calls = outputs.size === 0 ? [] : sinceUser.flatMap(item => item.type === 'function_call' ? [String((item as { call_id?: unknown }).call_id)] : [])
    const toolOutputs = calls.flatMap(callId => outputs.has(callId) ? [{ tool_call_id: callId, output: outputText(outputs.get(callId)!) }] : [])
    return { scenario, timings, toolOutputs, answeredCalls: calls.length, lastUserMessage, continued: false }
  }

  /** Listeners told when a request changes a response (cancel, delete): open streams wake on it. */
  const watchers = new Map<string, Set<() => void>>()
  const changed = (id: string) => { for (const listener of [...watchers.get(id) ?? []]) listener() }

  return {
    /**
     * Builds the search indexes of the vector stores the response's file_search tools name (its agent's, for a
     * Foundry agent), letting the event loop turn (tools/file-search.ts `warmSearchIndexes`): the route awaits
     * it before `create`, which is synchronous. Best effort: a request `create` will refuse warms nothing.
     */
    async warmSearch (request: CreateResponseBody, flavour: Flavour): Promise<void> {
      let tools: CreateResponseBody['tools']
      try {
        tools = agents.resolveRequest(request, flavour).body.tools
      } catch {
        return // create refuses it, with the error in its place among the checks
      }
      const vectorStoreIds = (tools ?? []).flatMap(tool => tool.type === 'file_search' ? tool.vector_store_ids : [])
      if (vectorStoreIds.length > 0) await warmSearchIndexes(store, clock.now(), { vectorStoreIds }, vectorStores.searchIndexes)
    },

    /** Creates the response; answers it as of its creation (`queued` in the background). Synchronous throughout. */
    create (request: CreateResponseBody, flavour: Flavour): ResponseView {
      // A Foundry agent's (or an OpenAI prompt's) model, instructions and tools take their place in the body.
      const { body, agentReference, promptReference } = agents.resolveRequest(request, flavour)
      const stored = body.store ?? true
      const background = body.background ?? false
      const prepared = prepare(body, flavour)
      if (background && !stored) throw Errors.backgroundNeedsStore()
      const { tools, toolChoice, parallelToolCalls, format } = prepared.effective
      const controls = controlsOf(tools, toolChoice, parallelToolCalls, format)
      const forced = forcedFunction(controls.toolChoice, controls.tools, 'response')
      if (forced !== undefined && 'problem' in forced) throw Errors.invalidToolChoice(forced.problem)
      const source = scriptSource(body, prepared)
      const { context, input } = prepared
      const createdAt = clock.now()
      const prompt = { instructions: prepared.effective.instructions ?? '', messages: [...context.items, ...input].map(itemText) }
      const maxOutputTokens = body.max_output_tokens ?? null
      const plan = planResponse({
        scenario: source.scenario,
        controls,
        replyContext: { lastUserMessage: source.lastUserMessage, assistantName: null },
        prompt,
        outputs: source.toolOutputs,
        maxOutputTokens,
        createdAt,
        answeredCalls: source.answeredCalls,
        tools: responseTools({
          store,
          now: createdAt,
          searchIndexes: vectorStores.searchIndexes,
          tools,
          controls,
          question: source.lastUserMessage,
          // A response that answers another's calls plays what is left of its script: it searches only where that says.
          scripted: source.scenario !== null || source.continued
        })
      }, ids)
      const t = source.timings
      const timings: ResponseTimings = {
        queuedMs: background ? t.queuedMs ?? config.queuedMs : 0,
        // A foreground response takes only as long as its scenario says (the client waits for it).
        inProgressMs: t.inProgressMs ?? (background ? config.inProgressMs : 0),
        streamChunkMs: t.streamChunkMs ?? config.streamChunkMs
      }
      const record: ResponseRecord = {
        id: ids.next('resp'),
        createdAt,
        model: prepared.effective.model,
        instructions: prepared.effective.instructions,
        input,
        previousResponseId: prepared.previousId,
        conversationId: prepared.conversationId,
        tools: echoTools(tools),
        toolChoice,
        parallelToolCalls,
        text: { format, verbosity: body.text?.verbosity ?? 'medium' },
        reasoning: { effort: body.reasoning?.effort ?? null, summary: body.reasoning?.summary ?? null },
        temperature: body.temperature ?? 1,
        topP: body.top_p ?? 1,
        topLogprobs: body.top_logprobs ?? 0,
        maxOutputTokens,
        maxToolCalls: body.max_tool_calls ?? null,
        truncation: body.truncation ?? 'disabled',
        serviceTier: body.service_tier === undefined || body.service_tier === null || body.service_tier === 'auto' ? 'default' : body.service_tier,
        store: stored,
        background,
        stream: body.stream ?? false,
        metadata: body.metadata ?? NO_METADATA,
        user: body.user ?? null,
        safetyIdentifier: body.safety_identifier ?? null,
        promptCacheKey: body.prompt_cache_key ?? null,
        include: body.include ?? NO_ITEMS,
        prompt,
        output: plan.output,
        ending: plan.ending,
        timings,
        cancelledAt: null,
        continuation: plan.rest === null ? null : { steps: plan.rest, timings: source.timings },
        ...(agentReference === null ? {} : { agentReference }),
        ...(promptReference === null ? {} : { promptReference })
      }
      // What its usage will be counted from, counted now in the worker while the response goes on.
      countSoon([prompt.instructions, ...prompt.messages, ...plan.output.flatMap(item =>
        item.type === 'message' ? [item.text] : item.type === 'function_call' ? [item.name, item.arguments] : item.type === 'reasoning' ? [item.summary] : [])])
      store.responses.put(record)
      if (!stored) items.rememberUnstored([record.id, ...input.map(item => item.id), ...plan.output.map(item => item.id)])
      if (prepared.conversationId !== null) conversations.addPending(prepared.conversationId, record.id)
      return view(record, true)
    },

    /** The response as it is now, stored or not (the request that made it reads it until it is done). */
    current (id: string): ResponseView {
      const record = store.responses.get(id)
      if (record === undefined) throw Errors.responseNotFound(id)
      if (record.conversationId !== null) conversations.settleById(record.conversationId)
      return view(record)
    },

    /** When the response's course ends (epoch ms): what a foreground create waits for. */
    endsAt: (record: ResponseRecord): number => responseEndsAt(record),

    /**
     * The stored response as it is now; `include` (GET's `include[]`) adds to what its create asked to include
     * (`file_search_call.results`).
     */
    get (id: string, include: readonly string[] = NO_ITEMS): ResponseView {
      const record = requireStored(id)
      const more = include.filter(value => !record.include.includes(value))
      return view(more.length === 0 ? record : { ...record, include: [...record.include, ...more] })
    },

    /** A stored background response created with `stream: true`: the only ones whose stream can be replayed. */
    streamable (id: string): ResponseRecord {
      const record = requireStored(id)
      if (!record.background || !record.stream) throw Errors.responseNotFound(id)
      return record
    },

    delete (id: string): string {
      const record = requireStored(id)
      store.responses.delete(record.id)
      changed(record.id)
      return record.id
    },

    cancel (id: string): ResponseView {
      const record = requireStored(id)
      if (!record.background) throw Errors.foregroundNotCancellable()
      const now = clock.now()
      const { status } = responseStateAt(record, now)
      if (status === 'cancelled') return view(record, true)
      if (isTerminalResponse(status)) throw Errors.responseNotCancellable(status)
      const updated = { ...record, cancelledAt: now }
      store.responses.put(updated)
      changed(record.id)
      return view(updated, true)
    },

    /** Forgets a `store: false` response once the request that made it is done (after its conversation took its items). */
    forget (id: string): void {
      const record = store.responses.get(id)
      if (record === undefined || record.store) return
      if (record.conversationId !== null) conversations.settleById(record.conversationId)
      store.responses.delete(id)
    },

    /** The response's own input items (not those of its context), newest first by default. */
    inputItems (id: string, query: PageOptions): ListPage<StoredItem> {
      return paginate(requireStored(id).input, query)
    },

    /** Input tokens the body would count (the same count as `usage.input_tokens`). */
    inputTokens (body: InputTokensBody, flavour: Flavour): number {
      const { effective, context, input } = prepare(body, flavour)
      const { count } = tokenizer()
      return countPromptTokens(count, effective.instructions ?? '', [...context.items, ...input].map(itemText))
    },

    /**
     * Foundry's list of responses (F-TSP `listResponses`), optionally of one conversation, of one agent (`agent_name`)
     * or of one agent version (`agent_id`, `name:version`).
     */
    list (query: PageOptions & { agent_name?: string, agent_id?: string, conversation_id?: string }): ListPage<ResponseView> {
      const agentOf = (record: ResponseRecord) => record.agentReference ?? null
      const records = store.responses.list().filter(record => record.store &&
        (query.agent_name === undefined || agentOf(record)?.name === query.agent_name) &&
        (query.agent_id === undefined || (agentOf(record) !== null && `${agentOf(record)!.name}:${agentOf(record)!.version}` === query.agent_id)) &&
        (query.conversation_id === undefined || record.conversationId === query.conversation_id))
      return mapPage(paginate(records, query), record => view(record))
    },

    /** Wakes the open streams of a response changed from outside (the control plane's advance). */
    notify (id: string): void {
      changed(id)
    },

    /** Calls `listener` whenever a request changes the response; returns the unsubscribe function. */
    watch (id: string, listener: () => void): () => void {
      let listeners = watchers.get(id)
      if (!listeners) watchers.set(id, listeners = new Set())
      listeners.add(listener)
      return () => {
        listeners.delete(listener)
        if (listeners.size === 0) watchers.delete(id)
      }
    }
  }
}
