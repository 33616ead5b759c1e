/** Runs: the create-run body (per generation), the run statuses and the wire object. */
import { Type, type Static } from '@sinclair/typebox'
import { AZURE_INFERENCE_ERA } from '../api-versions.js'
import {
  AnyJson, MetadataSchema, Nullable, ReasoningEffortSchema, ResponseFormatSchema, RunToolsSchema, ToolResourcesSchema,
  only, since
} from './common.js'
import { LIMITS } from './limits.js'
import { MessageInputSchema } from './message.js'
import { CreateThreadBodySchema } from './thread.js'

const ToolChoiceSchema = Type.Union([
  Type.Literal('none'),
  Type.Literal('auto'),
  Type.Literal('required'),
  Type.Object({ type: Type.Literal('code_interpreter') }, { additionalProperties: false }),
  Type.Object({ type: Type.Literal('file_search') }, { additionalProperties: false }),
  Type.Object({
    type: Type.Literal('function'),
    function: Type.Object({ name: Type.String() }, { additionalProperties: false })
  }, { additionalProperties: false })
])

const TruncationStrategySchema = Type.Object({
  type: Type.Union([Type.Literal('auto'), Type.Literal('last_messages')]),
  last_messages: Type.Optional(Nullable(Type.Integer({ minimum: 1 })))
}, { additionalProperties: false })

/** Fields shared by create-run and create-thread-and-run. */
const runOptions = {
  assistant_id: Type.String(),
  model: Type.Optional(Nullable(Type.String({ maxLength: LIMITS.model }))),
  instructions: Type.Optional(Nullable(Type.String({ maxLength: LIMITS.instructions }))),
  tools: Type.Optional(Nullable(RunToolsSchema)),
  metadata: Type.Optional(Nullable(MetadataSchema)),
  stream: Type.Optional(Nullable(Type.Boolean())),
  temperature: Type.Optional(only('v2', Nullable(Type.Number({ minimum: 0, maximum: LIMITS.temperatureMax })))),
  top_p: Type.Optional(only('v2', Nullable(Type.Number({ minimum: 0, maximum: LIMITS.topPMax })))),
  max_prompt_tokens: Type.Optional(only('v2', Nullable(Type.Integer({ minimum: LIMITS.runTokensMin })))),
  max_completion_tokens: Type.Optional(only('v2', Nullable(Type.Integer({ minimum: LIMITS.runTokensMin })))),
  truncation_strategy: Type.Optional(only('v2', Nullable(TruncationStrategySchema))),
  tool_choice: Type.Optional(only('v2', Nullable(ToolChoiceSchema))),
  response_format: Type.Optional(only('v2', Nullable(ResponseFormatSchema))),
  parallel_tool_calls: Type.Optional(only('v2', Type.Boolean()))
}

export const CreateRunBodySchema = Type.Object({
  ...runOptions,
  reasoning_effort: Type.Optional(ReasoningEffortSchema),
  additional_instructions: Type.Optional(Nullable(Type.String({ maxLength: LIMITS.instructions }))),
  additional_messages: Type.Optional(only('v2', Nullable(Type.Array(MessageInputSchema, { maxItems: LIMITS.threadMessages }))))
}, { additionalProperties: false })
export type CreateRunBody = Static<typeof CreateRunBodySchema>

export const CreateThreadAndRunBodySchema = Type.Object({
  ...runOptions,
  thread: Type.Optional(CreateThreadBodySchema),
  tool_resources: Type.Optional(only('v2', Nullable(ToolResourcesSchema)))
}, { additionalProperties: false })
export type CreateThreadAndRunBody = Static<typeof CreateThreadAndRunBodySchema>

export const ModifyRunBodySchema = Type.Object({
  metadata: Type.Optional(Nullable(MetadataSchema))
}, { additionalProperties: false })

/** Longest tool output accepted, in characters. */
export const MAX_TOOL_OUTPUT_CHARS = 1024 * 1024

/**
 * `tool_outputs`, checked item by item before the set is compared with the run's calls (services/runs.ts): an
 * item without `tool_call_id` is "Missing required parameter: 'tool_outputs[0].tool_call_id'." (the service's
 * answer, although OpenAI's document marks the field optional). `output` may be left out (an empty output).
 */
export const SubmitToolOutputsBodySchema = Type.Object({
  tool_outputs: Type.Array(Type.Object({
    tool_call_id: Type.String(),
    // The cap OpenAI puts on one string of a request (`string_above_max_length`, 1,048,576 characters).
    output: Type.Optional(Type.String({ maxLength: MAX_TOOL_OUTPUT_CHARS }))
  }, { additionalProperties: false }), { maxItems: LIMITS.toolOutputs }),
  stream: Type.Optional(Nullable(Type.Boolean()))
}, { additionalProperties: false })
export type SubmitToolOutputsBody = Static<typeof SubmitToolOutputsBodySchema>

/** The one `include[]` value (OpenAI; Azure from the 2025-04-01-preview inference spec on, spec/SOURCES.md). */
const RUN_STEP_INCLUDE = 'step_details.tool_calls[*].file_search.results[*].content'
const IncludeValue = Type.Literal(RUN_STEP_INCLUDE)
/**
 * `include[]` on create run, list steps and get step. Unknown query parameters are ignored by the service, so on
 * api-versions without it the parameter passes unchecked.
 */
export const includeQueryProperty = {
  'include[]': Type.Optional(since(AZURE_INFERENCE_ERA, Type.Union([IncludeValue, Type.Array(IncludeValue)])))
}
export const IncludeQuerySchema = Type.Object({ ...includeQueryProperty, 'api-version': Type.Optional(Type.String()) })

/**
 * Whether a request's query asks for search results' content: `include[]` as the OpenAI SDKs send it, or
 * `include%5B%5D` as @azure/ai-agents 1.1.0 does (it encodes the key twice: shared/reference/foundry-agents.md §2).
 */
export function includesSearchContent (query: unknown): boolean {
  const params = (query ?? {}) as Record<string, unknown>
  return [params['include[]'], params['include%5B%5D']].flat().includes(RUN_STEP_INCLUDE)
}

export const StepParamsSchema = Type.Object({ thread_id: Type.String(), run_id: Type.String(), step_id: Type.String() })

export const RunParamsSchema = Type.Object({ thread_id: Type.String(), run_id: Type.String() })

export const RUN_STATUSES = [
  'queued', 'in_progress', 'requires_action', 'cancelling', 'cancelled', 'failed', 'completed', 'incomplete', 'expired'
] as const
export type RunStatus = typeof RUN_STATUSES[number]

const UsageSchema = Type.Object({
  prompt_tokens: Type.Integer(),
  completion_tokens: Type.Integer(),
  total_tokens: Type.Integer()
})
export type Usage = Static<typeof UsageSchema>

/** Superset of both generations; the presenter includes exactly the request generation's fields. */
export const RunSchema = Type.Object({
  id: Type.String(),
  object: Type.Literal('thread.run'),
  created_at: Type.Integer(),
  thread_id: Type.String(),
  assistant_id: Type.String(),
  status: Type.Union(RUN_STATUSES.map(s => Type.Literal(s))),
  required_action: AnyJson,
  last_error: AnyJson,
  expires_at: Nullable(Type.Integer()),
  started_at: Nullable(Type.Integer()),
  cancelled_at: Nullable(Type.Integer()),
  failed_at: Nullable(Type.Integer()),
  completed_at: Nullable(Type.Integer()),
  incomplete_details: AnyJson,
  model: Type.String(),
  instructions: Type.String(),
  tools: Type.Array(AnyJson),
  file_ids: Type.Optional(Type.Array(Type.String())),
  metadata: Type.Record(Type.String(), Type.String()),
  usage: Nullable(UsageSchema),
  temperature: Type.Optional(Nullable(Type.Number())),
  top_p: Type.Optional(Nullable(Type.Number())),
  max_prompt_tokens: Type.Optional(Nullable(Type.Integer())),
  max_completion_tokens: Type.Optional(Nullable(Type.Integer())),
  truncation_strategy: Type.Optional(AnyJson),
  tool_choice: Type.Optional(AnyJson),
  response_format: Type.Optional(AnyJson),
  parallel_tool_calls: Type.Optional(Type.Boolean())
})
export type Run = Static<typeof RunSchema>

export const RunStepSchema = Type.Object({
  id: Type.String(),
  object: Type.Literal('thread.run.step'),
  created_at: Type.Integer(),
  run_id: Type.String(),
  assistant_id: Type.String(),
  thread_id: Type.String(),
  type: Type.Union([Type.Literal('message_creation'), Type.Literal('tool_calls')]),
  status: Type.Union([
    Type.Literal('in_progress'), Type.Literal('cancelled'), Type.Literal('failed'), Type.Literal('completed'), Type.Literal('expired')
  ]),
  cancelled_at: Nullable(Type.Integer()),
  completed_at: Nullable(Type.Integer()),
  expired_at: Nullable(Type.Integer()),
  failed_at: Nullable(Type.Integer()),
  last_error: AnyJson,
  step_details: AnyJson,
  usage: Nullable(UsageSchema),
  metadata: Type.Record(Type.String(), Type.String())
})
export type RunStep = Static<typeof RunStepSchema>
