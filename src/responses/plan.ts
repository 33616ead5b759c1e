/**
 * What a response writes, decided when it is created: the scenario language of runs (runs/scenarios.ts), built
 * into a script with the same controls (runs/script.ts `buildScript`) and rendered the same way
 * (`renderSegment`: templates, JSON formats, the token budget), then laid out as a response's output items.
 *
 * A response is one model pass: its replies (each after its reasoning summary, when scripted) and the file
 * searches on the way (each a `file_search_call` item; the replies after it cite its results as the Responses API
 * does: tools/citations.ts), then either the end, or function calls — the response completes with them, and the response that answers them (by
 * `previous_response_id` or in the same conversation) plays the scenario's remaining steps — or a scripted
 * failure or cut.
 */
import type { Ids } from '../ids.js'
import { buildScript, renderSegment, type ScriptEnvironment, type ToolControls } from '../runs/script.js'
import type { FailCode, Scenario } from '../runs/scenarios.js'
import type { Tool } from '../schemas/common.js'
import type { ResponseTool } from '../schemas/response.js'
import { isHostedToolStep, type PlannedItem, type PromptTexts, type Reply, type ReplyContext, type ResponseRecord, type ScriptStep, type ToolOutput } from '../store/records.js'

/** The response's output, how it ends, and what a response answering its function calls plays. */
export interface Plan {
  readonly output: PlannedItem[]
  readonly ending: ResponseRecord['ending']
  /** The script's steps after the function calls this response makes; null when it makes none. */
  readonly rest: ScriptStep[] | null
}

/** The run tool a response tool stands for (Responses tools are flat; runs/script.ts reads the Assistants form). */
function runTool (tool: ResponseTool): Tool {
  if (tool.type === 'file_search') return { type: 'file_search' }
  const fn: Extract<Tool, { type: 'function' }>['function'] = { name: tool.name }
  if (tool.parameters !== undefined && tool.parameters !== null) fn.parameters = tool.parameters
  return { type: 'function', function: fn }
}

/** A response's `tool_choice` in the form runs/script.ts reads (`{type: 'function', name}` → `{…, function: {name}}`). */
function runToolChoice (choice: unknown): unknown {
  if (typeof choice !== 'object' || choice === null) return choice ?? 'auto'
  const { type, name, mode } = choice as { type?: string, name?: string, mode?: string }
  if (type === 'function') return { type: 'function', function: { name } }
  if (type === 'allowed_tools') return mode
  return choice
}

/** A response's `text.format` as a run's `response_format` (`json_schema` is flat in Responses). */
function runResponseFormat (format: unknown): unknown {
  const f = format as { type?: string, name?: string, schema?: unknown, strict?: unknown } | undefined
  if (f?.type === 'json_object') return { type: 'json_object' }
  if (f?.type === 'json_schema') return { type: 'json_schema', json_schema: { name: f.name, schema: f.schema, strict: f.strict } }
  return 'auto'
}

/** The run controls of a response's tools, tool choice and format. */
export function controlsOf (tools: readonly ResponseTool[], toolChoice: unknown, parallelToolCalls: boolean, format: unknown): ToolControls {
  return { tools: tools.map(runTool), toolChoice: runToolChoice(toolChoice), parallelToolCalls, responseFormat: runResponseFormat(format) }
}

/**
 * The steps a previous response left to play, back in the scenario language: a continuation is built again with
 * the answering response's own controls and fresh ids (a response may be answered, and so continued, twice).
 */
export function continuationScenario (steps: readonly ScriptStep[]): Scenario {
  return { steps: scenarioSteps(steps) }
}

function scenarioSteps (steps: readonly ScriptStep[]): Scenario['steps'] {
  return steps.map((step): Scenario['steps'][number] => {
    switch (step.kind) {
      case 'message': return step.reasoning === undefined ? { reply: step.template } : { reply: step.template, reasoning: step.reasoning }
      case 'tool_calls': return { tool_calls: step.calls.map(call => ({ name: call.name, arguments: call.arguments })) }
      case 'file_search': return {
        file_search: {
          query: step.search.queries[0] ?? '',
          // The search was made when the scenario was first played: its results are kept as they were.
          results: step.search.results.map(result => ({ file_id: result.fileId, file_name: result.fileName, text: result.text, score: result.score }))
        }
      }
      case 'code_interpreter': {
        const logs = step.outputs.flatMap(output => output.type === 'logs' ? [output.logs] : [])
        return { code_interpreter: logs.length === 0 ? { input: step.input } : { input: step.input, logs: logs.join('') } }
      }
      case 'fail': return { fail: { code: step.code as FailCode, message: step.message } }
      default: return { incomplete: { reason: step.reason as 'max_completion_tokens' } }
    }
  })
}

export interface PlanInput {
  /** The matched scenario (or `continuationScenario`), or null: the default reply. */
  readonly scenario: Scenario | null
  readonly controls: ToolControls
  readonly replyContext: ReplyContext
  readonly prompt: PromptTexts
  /** The outputs that answer the previous response's calls, in call order (`{{tool_outputs}}`). */
  readonly outputs: readonly ToolOutput[]
  readonly maxOutputTokens: number | null
  readonly createdAt: number
  /**
   * Function calls the input already answers that no stored response made (a client that sends the whole history
   * itself): the scenario's steps up to and including the calls they answer are skipped.
   */
  readonly answeredCalls: number
  /** The response's file search (services/response-tools.ts): whether an unscripted response searches, and how. */
  readonly tools: ScriptEnvironment
}

/** The script without its steps up to the tool calls that `answered` calls answer; empty when it has no more. */
function unanswered (script: ScriptStep[], answered: number): ScriptStep[] {
  if (answered === 0) return script
  let consumed = 0
  for (let i = 0; i < script.length; i++) {
    const step = script[i]!
    if (step.kind === 'tool_calls') {
      consumed += step.calls.length
      if (consumed >= answered) return script.slice(i + 1)
    } else if (step.kind !== 'message' && !isHostedToolStep(step)) break
  }
  return []
}

/** Lays out what the response writes. Ids come from `ids` (seeded with --seed), in the order of the script. */
/** The script a response plays: code_interpreter steps are left out (the Responses API's needs a container: docs/responses.md). */
const responseScript = (script: readonly ScriptStep[]): ScriptStep[] => script.filter(step => step.kind !== 'code_interpreter')

/** A reply as a message item: its citations (empty annotations of the Responses form) as `{fileId, fileName, index}`. */
function messageItem (id: string, reply: Reply): PlannedItem {
  const annotations = (reply.annotations ?? []).flatMap(annotation => annotation.type === 'file_citation'
    ? [{ fileId: annotation.fileId, fileName: annotation.fileName, index: annotation.startIndex }]
    : [])
  return {
    type: 'message',
    id,
    text: reply.text,
    truncated: reply.truncated,
    ...(reply.completionTokens === undefined ? {} : { completionTokens: reply.completionTokens }),
    ...(annotations.length === 0 ? {} : { annotations })
  }
}

export function planResponse (input: PlanInput, ids: Ids): Plan {
  let script = responseScript(unanswered(buildScript(input.scenario, input.controls, ids, input.tools), input.answeredCalls))
  // Nothing left to play: the default reply (the model answers what the tools returned).
  if (script.length === 0) script = responseScript(buildScript(null, input.controls, ids, input.tools))
  const segment = renderSegment({
    script,
    replyContext: input.replyContext,
    responseFormat: input.controls.responseFormat,
    maxCompletionTokens: input.maxOutputTokens,
    citations: 'responses'
  }, input.createdAt, 0, input.prompt, input.outputs, 0)
  const output: PlannedItem[] = []
  segment.replies.forEach((reply, i) => {
    const step = script[i]!
    if (step.kind === 'file_search') output.push({ type: 'file_search_call', id: ids.next('fs'), search: step.search })
    if (step.kind !== 'message') return
    if (step.reasoning !== undefined) output.push({ type: 'reasoning', id: ids.next('rs'), summary: step.reasoning })
    output.push(messageItem(step.messageId, reply))
  })
  if (segment.cutOff !== null) return { output, ending: { kind: 'incomplete', reason: 'max_output_tokens' }, rest: null }
  const next = script[segment.replies.length]
  if (next === undefined) return { output, ending: null, rest: null }
  switch (next.kind) {
    case 'tool_calls':
      for (const call of next.calls) output.push({ type: 'function_call', id: ids.next('fc'), callId: call.id, name: call.name, arguments: call.arguments })
      return { output, ending: null, rest: script.slice(segment.replies.length + 1) }
    case 'fail':
      return { output, ending: { kind: 'fail', code: next.code, message: next.message }, rest: null }
    case 'incomplete':
      return { output, ending: { kind: 'incomplete', reason: 'max_output_tokens' }, rest: null }
    default:
      throw new Error('unreachable: every reply of the pass is rendered')
  }
}
