/**
 * Scenarios: the part of a fixtures file that scripts what runs do. Rules are matched in order against
 * a new run; the first match gives its steps (reply, call tools, search files, run code, fail, end incomplete)
 * and optional timings. No match: one reply derived from the last user message (after a search of the run's
 * files when it can search). Matching and scripting are pure and deterministic, so the same fixtures and
 * requests always give the same run.
 */
import { Type, type Static } from '@sinclair/typebox'

const FailCodeSchema = Type.Union([
  Type.Literal('server_error'), Type.Literal('rate_limit_exceeded'), Type.Literal('invalid_prompt')
])
export type FailCode = Static<typeof FailCodeSchema>

const IncompleteReasonSchema = Type.Union([Type.Literal('max_completion_tokens'), Type.Literal('max_prompt_tokens')])

/**
 * A scripted file search: `query` (default: the last user message) searched in the run's files, or the
 * `results` given (each naming its file by `file_id` or by `file_name`, a file of the run's vector stores).
 */
const ScenarioFileSearchSchema = Type.Object({
  query: Type.Optional(Type.String({ maxLength: 256000 })),
  results: Type.Optional(Type.Array(Type.Object({
    file_id: Type.Optional(Type.String({ minLength: 1 })),
    file_name: Type.Optional(Type.String({ minLength: 1 })),
    text: Type.String({ maxLength: 256000 }),
    score: Type.Optional(Type.Number({ minimum: 0, maximum: 1 }))
  }, { additionalProperties: false }), { maxItems: 50 }))
}, { additionalProperties: false })
export type ScenarioFileSearch = Static<typeof ScenarioFileSearchSchema>

const ScenarioStepSchema = Type.Union([
  Type.Object({
    reply: Type.String({ maxLength: 256000 }),
    /** A reasoning summary written before the reply: a `reasoning` item in a response; runs have none to show. */
    reasoning: Type.Optional(Type.String({ maxLength: 256000 }))
  }, { additionalProperties: false }),
  Type.Object({ file_search: ScenarioFileSearchSchema }, { additionalProperties: false }),
  Type.Object({
    code_interpreter: Type.Object({
      input: Type.String({ maxLength: 256000 }),
      logs: Type.Optional(Type.String({ maxLength: 256000 })),
      /** A file beside the fixtures file (read when the fixtures load), stored as the call's image output. */
      image: Type.Optional(Type.String({ minLength: 1 }))
    }, { additionalProperties: false })
  }, { additionalProperties: false }),
  Type.Object({
    tool_calls: Type.Array(Type.Object({
      name: Type.String({ minLength: 1, maxLength: 64 }),
      arguments: Type.Optional(Type.Union([Type.String(), Type.Record(Type.String(), Type.Unknown())]))
    }, { additionalProperties: false }), { minItems: 1, maxItems: 128 })
  }, { additionalProperties: false }),
  Type.Object({
    fail: Type.Object({ code: FailCodeSchema, message: Type.Optional(Type.String()) }, { additionalProperties: false })
  }, { additionalProperties: false }),
  Type.Object({
    incomplete: Type.Object({ reason: IncompleteReasonSchema }, { additionalProperties: false })
  }, { additionalProperties: false })
])

const Duration = Type.Integer({ minimum: 0, maximum: 24 * 60 * 60 * 1000 })

const ScenarioTimingsSchema = Type.Object({
  queued_ms: Type.Optional(Duration),
  in_progress_ms: Type.Optional(Duration),
  cancelling_ms: Type.Optional(Duration),
  /** Time between a reply's streamed chunks (overrides `--stream-chunk-ms`). */
  stream_chunk_ms: Type.Optional(Duration),
  expires_after_ms: Type.Optional(Type.Integer({ minimum: 1, maximum: 24 * 60 * 60 * 1000 }))
}, { additionalProperties: false })
export type ScenarioTimings = Static<typeof ScenarioTimingsSchema>

export const ScenarioSchema = Type.Object({
  name: Type.Optional(Type.String()),
  description: Type.Optional(Type.String()),
  match: Type.Optional(Type.Object({
    assistant_id: Type.Optional(Type.String()),
    assistant_name: Type.Optional(Type.String()),
    /** Case-insensitive substring of the last user message. */
    message_contains: Type.Optional(Type.String()),
    /** JavaScript regular expression tested against the last user message. */
    message_matches: Type.Optional(Type.String()),
    /** Every pair must be in the run's metadata. */
    metadata: Type.Optional(Type.Record(Type.String(), Type.String()))
  }, { additionalProperties: false })),
  timings: Type.Optional(ScenarioTimingsSchema),
  steps: Type.Array(ScenarioStepSchema, { minItems: 1, maxItems: 100 })
}, { additionalProperties: false })
export type Scenario = Static<typeof ScenarioSchema>

/** What a rule is matched against: known when the run is created. */
export interface MatchInput {
  readonly assistantId: string
  readonly assistantName: string | null
  readonly lastUserMessage: string | null
  readonly metadata: Readonly<Record<string, string>>
}

export function matches (scenario: Scenario, input: MatchInput): boolean {
  const rule = scenario.match
  if (!rule) return true
  const message = input.lastUserMessage ?? ''
  if (rule.assistant_id !== undefined && rule.assistant_id !== input.assistantId) return false
  if (rule.assistant_name !== undefined && rule.assistant_name !== input.assistantName) return false
  if (rule.message_contains !== undefined && !message.toLowerCase().includes(rule.message_contains.toLowerCase())) return false
  if (rule.message_matches !== undefined && !new RegExp(rule.message_matches).test(message)) return false
  for (const [key, value] of Object.entries(rule.metadata ?? {})) {
    if (!Object.hasOwn(input.metadata, key) || input.metadata[key] !== value) return false
  }
  return true
}

/** The first scenario matching the run, or null for the default behaviour. */
export function selectScenario (scenarios: readonly Scenario[], input: MatchInput): Scenario | null {
  return scenarios.find(scenario => matches(scenario, input)) ?? null
}

/** A scenario's regular expressions and scripted search results, checked when fixtures load so a bad one fails at startup. */
export function scenarioProblem (scenario: Scenario): { path: string, message: string } | null {
  for (const [index, step] of scenario.steps.entries()) {
    if (!('file_search' in step)) continue
    const unnamed = (step.file_search.results ?? []).findIndex(result => result.file_id === undefined && result.file_name === undefined)
    if (unnamed >= 0) return { path: `steps[${index}].file_search.results[${unnamed}]`, message: 'a result names its file by file_id or file_name' }
  }
  const pattern = scenario.match?.message_matches
  if (pattern === undefined) return null
  try {
    RegExp(pattern)
    return null
  } catch (err) {
    return { path: 'match.message_matches', message: `not a valid regular expression (${(err as Error).message})` }
  }
}

export const DEFAULT_FAIL_MESSAGES: Record<FailCode, string> = {
  server_error: 'Sorry, something went wrong.',
  rate_limit_exceeded: 'Rate limit is exceeded. Try again in 60 seconds.',
  invalid_prompt: 'Invalid prompt: your prompt was flagged as potentially violating our usage policy. ' +
    'Please try again with a different prompt.'
}

export interface TemplateContext {
  readonly lastUserMessage: string | null
  readonly assistantName: string | null
  /** Outputs submitted for the run's latest tool calls, in call order. */
  readonly toolOutputs: readonly string[]
}

/** A reply template cut at its citation placeholders: text (rendered by `renderReply`), or a placeholder. */
type TemplatePart = string | { readonly placeholder: 'citation' | 'file_path', readonly index: number }

const CITATION_PLACEHOLDER = /\{\{\s*(citation|file_path)\.(\d+)\s*\}\}/g

/**
 * `template` cut at `{{citation.N}}` (a citation of result N of the run's latest search) and `{{file_path.N}}`
 * (a link to the Nth file the run's code_interpreter calls generated), which become annotated text
 * (runs/script.ts); a template without them is one part.
 */
export function templateParts (template: string): TemplatePart[] {
  const parts: TemplatePart[] = []
  let at = 0
  for (const match of template.matchAll(CITATION_PLACEHOLDER)) {
    if (match.index > at) parts.push(template.slice(at, match.index))
    parts.push({ placeholder: match[1] as 'citation' | 'file_path', index: Number(match[2]) })
    at = match.index + match[0].length
  }
  if (at < template.length || parts.length === 0) parts.push(template.slice(at))
  return parts
}

/**
 * Fills `{{last_user_message}}`, `{{assistant_name}}`, `{{tool_outputs}}` (all outputs, one per line) and
 * `{{tool_outputs.N}}` (the Nth output) in a reply; unknown placeholders stay as written.
 */
export function renderReply (template: string, context: TemplateContext): string {
  return template.replace(/\{\{\s*([a-z_]+)(?:\.(\d+))?\s*\}\}/g, (whole, name: string, index?: string) => {
    switch (name) {
      case 'last_user_message': return context.lastUserMessage ?? ''
      case 'assistant_name': return context.assistantName ?? ''
      case 'tool_outputs': return index === undefined ? context.toolOutputs.join('\n') : context.toolOutputs[Number(index)] ?? ''
      default: return whole
    }
  })
}
