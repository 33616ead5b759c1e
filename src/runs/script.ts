/**
 * Turning a matched scenario and the run's v2 controls into the run's script, and rendering the replies of
 * each pass (segment). Pure: the same inputs always give the same script and usage.
 *
 * The controls act as the real service's do, so code relying on them can be tested:
 * - `tool_choice`: `none` drops tool calls; `required` or a named function forces a call first (to that
 *   function, or to the first function tool) with arguments sampled from its `parameters` schema;
 * - `parallel_tool_calls: false`: one call per step;
 * - `truncation_strategy` / `max_prompt_tokens`: which thread messages make the prompt; a prompt that cannot
 *   fit ends the run `incomplete` (`max_prompt_tokens`);
 * - `max_completion_tokens`: a reply past the budget is cut there, and the run ends `incomplete`;
 * - `response_format`: `json_object` makes each reply a JSON object, `json_schema` one that fits the schema.
 *
 * Hosted tools: a run that can search searches first (`ScriptEnvironment.searchesByDefault`) and its reply
 * cites what it found; scenarios script searches and code_interpreter calls, and replies that cite them
 * (`{{citation.N}}`, `{{file_path.N}}`).
 */
import type { Ids } from '../ids.js'
import type { Tool } from '../schemas/common.js'
import {
  isHostedToolStep, type MessageRecord, type PromptTexts, type Reply, type ReplyContext, type RunRecord, type RunSegment, type ScriptStep,
  type TextAnnotation, type ToolOutput
} from '../store/records.js'
import { annotationsWithin, assistantsCitedText, citeResult, responsesCitedText, searchAnswer, type CitedPart } from '../tools/citations.js'
import { defaultReply, messageText } from './default-reply.js'
import { SampleTooLarge, sampleFromSchema } from './json-sample.js'
import { DEFAULT_FAIL_MESSAGES, renderReply, templateParts, type Scenario, type ScenarioFileSearch } from './scenarios.js'
import { callTokens, countPromptTokens, hostedCallTokens, messageTokens, tokenizer } from './tokens.js'

export interface ToolControls {
  readonly toolChoice: unknown
  readonly tools: readonly Tool[]
  readonly parallelToolCalls: boolean
  /** The run's response format: a `json_schema` one is sampled for each reply, within its budget. */
  readonly responseFormat?: unknown
}

type FunctionTool = Extract<Tool, { type: 'function' }>
const functionTools = (tools: readonly Tool[]) => tools.filter((tool): tool is FunctionTool => tool.type === 'function')

/**
 * The function a `tool_choice` forces, `undefined` when it forces none, or a problem with the request (worded for
 * a `run`, or a `response`).
 */
export function forcedFunction (toolChoice: unknown, tools: readonly Tool[], subject: 'run' | 'response' = 'run'): FunctionTool | undefined | { problem: string } {
  if (toolChoice === 'required') {
    return functionTools(tools)[0] ?? (tools.length === 0 ? { problem: `'tool_choice' is 'required', but the ${subject} has no tools.` } : undefined)
  }
  if (typeof toolChoice === 'object' && toolChoice !== null && (toolChoice as { type?: unknown }).type === 'function') {
    const name = (toolChoice as { function: { name: string } }).function.name
    return functionTools(tools).find(tool => tool.function.name === name) ??
      { problem: `'tool_choice' names the function '${name}', which is not one of the ${subject}'s tools.` }
  }
  return undefined
}

function toolCallStep (calls: ReadonlyArray<{ name: string, arguments: string }>, ids: Ids): ScriptStep {
  const withIds = calls.map(call => ({ id: ids.next('call'), name: call.name, arguments: call.arguments }))
  return { kind: 'tool_calls', stepId: ids.next('step'), calls: withIds }
}

const messageStep = (template: string, ids: Ids, reasoning?: string): ScriptStep => reasoning === undefined
  ? { kind: 'message', stepId: ids.next('step'), messageId: ids.next('msg'), template }
  : { kind: 'message', stepId: ids.next('step'), messageId: ids.next('msg'), template, reasoning }

type FileSearchStep = Extract<ScriptStep, { kind: 'file_search' }>
type CodeInterpreterStep = Extract<ScriptStep, { kind: 'code_interpreter' }>

/**
 * What a script's hosted tools need from the run's world (services/runs.ts gives it; it is the only part of
 * building a script that reads the store, and it reads, never writes).
 */
export interface ScriptEnvironment {
  /** Whether an unscripted run searches before it replies: it has a file search tool, something to search, and a question. */
  readonly searchesByDefault: boolean
  /** The search a file_search step makes (`{}` for the default one): the tool, the marker's message index and the search. */
  readonly search: (scripted: ScenarioFileSearch) => Pick<FileSearchStep, 'tool' | 'messageIndex' | 'search'>
  /** The file a scripted code_interpreter image becomes (its id and name), or null when the image is not to be had. */
  readonly generatedImage: (image: string) => { readonly fileId: string, readonly fileName: string } | null
}

/** A run that cannot search and generates nothing. */
const NO_HOSTED_TOOLS: ScriptEnvironment = {
  searchesByDefault: false,
  search: () => ({ tool: 'file_search', messageIndex: 0, search: { queries: [], ranker: 'default_2024_08_21', scoreThreshold: 0, results: [] } }),
  generatedImage: () => null
}

function codeInterpreterStep (script: { input: string, logs?: string | undefined, image?: string | undefined }, ids: Ids, env: ScriptEnvironment): ScriptStep {
  const image = script.image === undefined ? null : env.generatedImage(script.image)
  const outputs: CodeInterpreterStep['outputs'][number][] = []
  if (script.logs !== undefined) outputs.push({ type: 'logs', logs: script.logs })
  if (image !== null) outputs.push({ type: 'image', fileId: image.fileId, fileName: image.fileName })
  return { kind: 'code_interpreter', stepId: ids.next('step'), callId: ids.next('call'), input: script.input, outputs }
}

/**
 * The run's script: the scenario's steps (or one default reply) with the tool controls applied. A schema
 * (forced function's parameters or `json_schema` format) whose value cannot be written within the sampling
 * budget makes the run fail with `server_error`, as the service fails a run its model cannot finish.
 */
export function buildScript (scenario: Scenario | null, controls: ToolControls, ids: Ids, env: ScriptEnvironment = NO_HOSTED_TOOLS): ScriptStep[] {
  try {
    const format = controls.responseFormat as { type?: unknown, json_schema?: { schema?: unknown } } | null | undefined
    if (format?.type === 'json_schema') sampleFromSchema(format.json_schema?.schema)
    return scriptOf(scenario, controls, ids, env)
  } catch (err) {
    if (!(err instanceof SampleTooLarge)) throw err
    return [{ kind: 'fail', code: 'server_error', message: DEFAULT_FAIL_MESSAGES.server_error }]
  }
}

/** An unscripted run: it searches first when it can, then replies. */
const DEFAULT_STEPS: Scenario['steps'] = [{ reply: '' }]
const SEARCH_THEN_REPLY: Scenario['steps'] = [{ file_search: {} }, { reply: '' }]

function scriptOf (scenario: Scenario | null, controls: ToolControls, ids: Ids, env: ScriptEnvironment): ScriptStep[] {
  const steps = scenario?.steps ?? (env.searchesByDefault ? SEARCH_THEN_REPLY : DEFAULT_STEPS)
  let script: ScriptStep[] = steps.flatMap((step): ScriptStep[] => {
    if ('reply' in step) return [messageStep(scenario ? step.reply : '', ids, step.reasoning)]
    if ('file_search' in step) return [{ kind: 'file_search', stepId: ids.next('step'), callId: ids.next('call'), ...env.search(step.file_search) }]
    if ('code_interpreter' in step) return [codeInterpreterStep(step.code_interpreter, ids, env)]
    if ('fail' in step) return [{ kind: 'fail', code: step.fail.code, message: step.fail.message ?? DEFAULT_FAIL_MESSAGES[step.fail.code] }]
    if ('incomplete' in step) return [{ kind: 'incomplete', reason: step.incomplete.reason }]
    const calls = step.tool_calls.map(call => ({
      name: call.name,
      arguments: typeof call.arguments === 'string' ? call.arguments : JSON.stringify(call.arguments ?? {})
    }))
    return controls.parallelToolCalls ? [toolCallStep(calls, ids)] : calls.map(call => toolCallStep([call], ids))
  })

  if (controls.toolChoice === 'none') {
    script = script.filter(step => step.kind !== 'tool_calls' && !isHostedToolStep(step))
    if (!script.some(step => step.kind === 'message')) script.unshift(messageStep('', ids))
  }
  const forced = forcedFunction(controls.toolChoice, controls.tools)
  if (forced !== undefined && !('problem' in forced)) {
    const first = script[0]
    const alreadyCalls = first?.kind === 'tool_calls' && first.calls.some(call => call.name === forced.function.name)
    if (!alreadyCalls) {
      const args = JSON.stringify(sampleFromSchema(forced.function.parameters ?? { type: 'object', properties: {} }))
      script.unshift(toolCallStep([{ name: forced.function.name, arguments: args }], ids))
      if (!script.some(step => step.kind === 'message')) script.push(messageStep('', ids))
    }
  }
  // Stored with the run: exactly as long as it is (flatMap and unshift leave room to grow).
  return script.slice()
}

export interface PromptControls {
  readonly truncationStrategy: unknown
  readonly maxPromptTokens: number | null
}

/**
 * Prompt of the first model call: the instructions plus the thread messages the truncation strategy keeps
 * (`last_messages` N keeps the last N; `auto` drops the oldest until `max_prompt_tokens` fits). `fits` is
 * false when even that is over `max_prompt_tokens`. Only a run with that limit counts tokens here.
 */
export function promptOf (instructions: string, messages: readonly MessageRecord[], controls: PromptControls): { prompt: PromptTexts, fits: boolean } {
  const strategy = controls.truncationStrategy as { type?: string, last_messages?: number | null } | null
  const lastMessages = strategy?.type === 'last_messages' && typeof strategy.last_messages === 'number' ? strategy.last_messages : null
  let kept = lastMessages === null ? messages : messages.slice(-lastMessages)
  if (controls.maxPromptTokens === null) return { prompt: { instructions, messages: kept.map(messageText) }, fits: true }
  const { count } = tokenizer()
  let counts = kept.map(message => messageTokens(message, count))
  let tokens = countPromptTokens(count, instructions, []) + counts.reduce((sum, n) => sum + n, 0)
  if (strategy?.type !== 'last_messages') {
    while (tokens > controls.maxPromptTokens && kept.length > 1) {
      tokens -= counts[0]!
      counts = counts.slice(1)
      kept = kept.slice(1)
    }
  }
  return { prompt: { instructions, messages: kept.map(messageText) }, fits: tokens <= controls.maxPromptTokens }
}

/** What a pass's replies are rendered from (the run's script, its reply context and its reply controls). */
export interface SegmentInput {
  readonly script: readonly ScriptStep[]
  readonly replyContext: ReplyContext
  readonly responseFormat: unknown
  readonly maxCompletionTokens: number | null
  /**
   * How replies cite: `assistants` (absent; markers in the text, in the form of the search's tool) or `responses`
   * (no markers; each citation an empty annotation where its marker would stand: tools/citations.ts).
   */
  readonly citations?: 'assistants' | 'responses'
}

/** A stored run's segment input. */
export const segmentInputOf = (run: RunRecord): SegmentInput =>
  ({ script: run.script, replyContext: run.replyContext, responseFormat: run.responseFormat, maxCompletionTokens: run.maxCompletionTokens })

function formatReply (text: string, responseFormat: unknown): string {
  const format = responseFormat as { type?: string, json_schema?: { schema?: unknown } } | null
  if (format?.type !== 'json_object' && format?.type !== 'json_schema') return text
  try {
    const parsed: unknown = JSON.parse(text)
    if (typeof parsed === 'object' && parsed !== null) return text
  } catch {}
  if (format.type !== 'json_schema') return JSON.stringify({ reply: text })
  try {
    return JSON.stringify(sampleFromSchema(format.json_schema?.schema))
  } catch (err) {
    // buildScript already turned such a run into a failure; a reply is never bigger than the budget.
    if (err instanceof SampleTooLarge) return '{}'
    throw err
  }
}

/** What a reply says before the response format and the token budget have their say. */
interface DraftReply {
  readonly text: string
  readonly annotations: readonly TextAnnotation[]
  readonly imageFileIds: readonly string[]
}

/** The last file_search step before script step `index`, if any. */
function searchBefore (script: readonly ScriptStep[], index: number): FileSearchStep | undefined {
  return script.slice(0, index).findLast((step): step is FileSearchStep => step.kind === 'file_search')
}

/**
 * The reply of message step `index`: its template rendered (an empty template is the default reply: the cited
 * answer to the latest search, or the default sentence), `{{citation.N}}` citing result N of the latest search
 * and `{{file_path.N}}` linking the Nth file the run's code_interpreter calls generated; and the images the
 * code_interpreter calls since the previous reply generated, shown before its text.
 */
function draftReply (run: SegmentInput, index: number, template: string, outputs: readonly ToolOutput[]): DraftReply {
  const search = searchBefore(run.script, index)
  const previousReply = run.script.slice(0, index).findLastIndex(step => step.kind === 'message')
  const images = run.script.slice(0, index).flatMap((step, i) => step.kind === 'code_interpreter'
    ? step.outputs.flatMap(output => output.type === 'image' ? [{ ...output, recent: i > previousReply }] : [])
    : [])
  const query = search?.search.queries[0] ?? ''
  let parts: CitedPart[]
  if (template !== '') {
    const context = { ...run.replyContext, toolOutputs: outputs.map(o => o.output) }
    parts = templateParts(template).map((part): CitedPart => {
      if (typeof part === 'string') return renderReply(part, context)
      if (part.placeholder === 'citation') return (search && citeResult(search.search.results, part.index, query)) ?? ''
      const image = images[part.index]
      return image === undefined ? '' : { kind: 'file_path', fileId: image.fileId, fileName: image.fileName }
    })
  } else {
    parts = search ? searchAnswer(query, search.search.results) : [defaultReply(run.replyContext.lastUserMessage)]
  }
  const { text, annotations } = run.citations === 'responses'
    ? responsesReply(parts)
    : assistantsCitedText(parts, search?.tool === 'retrieval' ? 'v1' : 'v2', search?.messageIndex ?? 0)
  return { text, annotations, imageFileIds: images.filter(image => image.recent).map(image => image.fileId) }
}

/** A reply in the Responses form: no markers, each citation an empty annotation at its `index` (quote included). */
function responsesReply (parts: readonly CitedPart[]): { text: string, annotations: TextAnnotation[] } {
  const { text, annotations } = responsesCitedText(parts)
  const quotes = parts.flatMap(part => typeof part !== 'string' && part.kind === 'file_citation' ? [part.quote] : [])
  return {
    text,
    annotations: annotations.map((annotation, i) => ({
      type: 'file_citation', text: '', startIndex: annotation.index, endIndex: annotation.index, fileId: annotation.file_id, fileName: annotation.filename, quote: quotes[i]!
    }))
  }
}

/** A reply record: annotations and images only when it has some (most replies have neither). */
function replyOf (base: Reply, annotations: readonly TextAnnotation[], imageFileIds: readonly string[]): Reply {
  return {
    ...base,
    ...(annotations.length === 0 ? {} : { annotations }),
    ...(imageFileIds.length === 0 ? {} : { imageFileIds })
  }
}

/** What a hosted tool step has in its pass's `replies`: nothing (it writes no reply). */
const HOSTED_STEP_REPLY: Reply = Object.freeze({ text: '', truncated: false })

/**
 * One pass of the run from `fromStep`, its replies rendered now (they may quote the outputs that started
 * it). `completionTokensSoFar` is what earlier passes wrote, counted against `max_completion_tokens`; only
 * a run with that budget counts tokens here.
 */
export function renderSegment (run: SegmentInput, startedAt: number, fromStep: number, prompt: PromptTexts | null,
  outputs: readonly ToolOutput[], completionTokensSoFar: number, promptFits = true): RunSegment {
  // `slice`: the stored list is exactly as long as it is (the pushes below reserve room for 17).
  const segment = (replies: Reply[], cutOff: RunSegment['cutOff']): RunSegment =>
    ({ startedAt, fromStep, prompt, outputs, replies: replies.slice(), cutOff })
  const replies: Reply[] = []
  if (!promptFits) return segment(replies, { afterStep: null, reason: 'max_prompt_tokens' })
  let used = completionTokensSoFar
  for (let index = fromStep; index < run.script.length; index++) {
    const step = run.script[index]!
    if (step.kind === 'tool_calls' && run.maxCompletionTokens !== null) used += callTokens(step)
    if (isHostedToolStep(step)) {
      if (run.maxCompletionTokens !== null) used += hostedCallTokens(step)
      replies.push(HOSTED_STEP_REPLY)
      continue
    }
    if (step.kind !== 'message') break
    const draft = draftReply(run, index, step.template, outputs)
    const text = formatReply(draft.text, run.responseFormat)
    // A reply the response format rewrote has no markers left to annotate.
    const annotations = text === draft.text ? draft.annotations : []
    if (run.maxCompletionTokens === null) {
      replies.push(replyOf({ text, truncated: false }, annotations, draft.imageFileIds))
      continue
    }
    const { count, encode, decode } = tokenizer()
    const tokens = count(text)
    const budget = Math.max(0, run.maxCompletionTokens - used)
    if (tokens > budget) {
      const cut = decode(encode(text).slice(0, budget))
      replies.push(replyOf({ text: cut, completionTokens: budget, truncated: true }, annotationsWithin(annotations, cut), draft.imageFileIds))
      return segment(replies, { afterStep: index, reason: 'max_completion_tokens' })
    }
    replies.push(replyOf({ text, truncated: false }, annotations, draft.imageFileIds))
    used += tokens
  }
  return segment(replies, null)
}
