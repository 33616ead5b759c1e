/**
 * The Responses and Conversations APIs: what a client may send (OpenAI's current document,
 * spec/openai-openapi.yaml: `CreateResponse`, `InputItem`, `CreateConversationBody`, …; responses-wire.md §5)
 * and the path and query parameters. Unknown fields are refused (`unknown_parameter`), as the service does
 * (responses-wire.md §5); the wire objects are made by presenters/response.ts.
 */
import { Type, type Static, type TSchema } from '@sinclair/typebox'
import { AnyJson, MetadataSchema, Nullable } from './common.js'
import { LIMITS } from './limits.js'

const Literals = <T extends string>(...values: T[]) => Type.Union(values.map(value => Type.Literal(value)))
const Closed = <T extends Parameters<typeof Type.Object>[0]>(properties: T) => Type.Object(properties, { additionalProperties: false })

const ItemStatusSchema = Literals('in_progress', 'completed', 'incomplete')
const TextSchema = Type.String({ maxLength: LIMITS.responseInputText })

/** Content parts of input messages (and of an assistant message echoed back: `output_text`, `refusal`). */
const InputContentSchema = Type.Union([
  Closed({ type: Type.Literal('input_text'), text: TextSchema }),
  Closed({
    type: Type.Literal('input_image'),
    image_url: Type.Optional(Nullable(Type.String())),
    file_id: Type.Optional(Nullable(Type.String())),
    detail: Type.Optional(Literals('low', 'high', 'auto', 'original'))
  }),
  Closed({
    type: Type.Literal('input_file'),
    file_id: Type.Optional(Nullable(Type.String())),
    filename: Type.Optional(Type.String()),
    file_data: Type.Optional(Type.String()),
    file_url: Type.Optional(Type.String())
  }),
  Closed({
    type: Type.Literal('output_text'),
    text: TextSchema,
    annotations: Type.Optional(Type.Array(AnyJson)),
    logprobs: Type.Optional(Type.Array(AnyJson))
  }),
  Closed({ type: Type.Literal('refusal'), refusal: Type.String() })
])
export type InputContent = Static<typeof InputContentSchema>

/** A message: `{role, content}` (`EasyInputMessage`), a typed input message, or an assistant message echoed back. */
const MessageItemSchema = Closed({
  type: Type.Optional(Type.Literal('message')),
  role: Literals('user', 'assistant', 'system', 'developer'),
  content: Type.Union([TextSchema, Type.Array(InputContentSchema)]),
  id: Type.Optional(Type.String()),
  status: Type.Optional(ItemStatusSchema),
  phase: Type.Optional(Nullable(Literals('commentary', 'final_answer')))
})

const FunctionCallItemSchema = Closed({
  type: Type.Literal('function_call'),
  call_id: Type.String(),
  name: Type.String(),
  arguments: Type.String(),
  id: Type.Optional(Type.String()),
  status: Type.Optional(ItemStatusSchema)
})

const FunctionCallOutputItemSchema = Closed({
  type: Type.Literal('function_call_output'),
  call_id: Type.String({ minLength: 1, maxLength: 64 }),
  output: Type.Union([Type.String({ maxLength: LIMITS.responseInputText }), Type.Array(InputContentSchema)]),
  id: Type.Optional(Type.String()),
  status: Type.Optional(ItemStatusSchema)
})

const ReasoningItemSchema = Closed({
  type: Type.Literal('reasoning'),
  id: Type.String(),
  summary: Type.Array(Closed({ type: Type.Literal('summary_text'), text: Type.String() })),
  content: Type.Optional(Type.Array(Closed({ type: Type.Literal('reasoning_text'), text: Type.String() }))),
  encrypted_content: Type.Optional(Nullable(Type.String())),
  status: Type.Optional(ItemStatusSchema)
})

const FileSearchCallItemSchema = Closed({
  type: Type.Literal('file_search_call'),
  id: Type.String(),
  status: Literals('in_progress', 'searching', 'completed', 'incomplete', 'failed'),
  queries: Type.Array(Type.String()),
  results: Type.Optional(Nullable(Type.Array(AnyJson)))
})

const ItemReferenceSchema = Closed({
  type: Type.Optional(Type.Literal('item_reference')),
  id: Type.String()
})

/**
 * One input item (OpenAI `InputItem`): a message (its `type` may be left out), an item reference (likewise),
 * or an item of the types the emulator writes (function calls and their outputs, reasoning, file search calls).
 */
const InputItemSchema = Type.Union([
  MessageItemSchema, ItemReferenceSchema, FunctionCallItemSchema, FunctionCallOutputItemSchema, ReasoningItemSchema, FileSearchCallItemSchema
])
export type InputItem = Static<typeof InputItemSchema>

/** A function tool, flat (no `function: {}` wrapper, unlike the Assistants API). */
const FunctionToolSchema = Closed({
  type: Type.Literal('function'),
  name: Type.String({ maxLength: LIMITS.functionName, pattern: '^[a-zA-Z0-9_-]+$' }),
  description: Type.Optional(Nullable(Type.String())),
  parameters: Type.Optional(Nullable(Type.Record(Type.String(), Type.Unknown()))),
  strict: Type.Optional(Nullable(Type.Boolean()))
})

const FileSearchToolSchema = Closed({
  type: Type.Literal('file_search'),
  vector_store_ids: Type.Array(Type.String()),
  max_num_results: Type.Optional(Type.Integer({ minimum: LIMITS.maxNumResultsMin, maximum: LIMITS.maxNumResultsMax })),
  ranking_options: Type.Optional(Type.Record(Type.String(), Type.Unknown())),
  filters: Type.Optional(Nullable(Type.Record(Type.String(), Type.Unknown())))
})

/** The tools a response may use: functions (called by the client) and file_search (over the vector stores). */
const ResponseToolSchema = Type.Union([FunctionToolSchema, FileSearchToolSchema])
export type ResponseTool = Static<typeof ResponseToolSchema>

const ToolChoiceSchema = Type.Union([
  Literals('none', 'auto', 'required'),
  Closed({ type: Type.Literal('function'), name: Type.String() }),
  Closed({ type: Type.Literal('file_search') }),
  Closed({ type: Type.Literal('allowed_tools'), mode: Literals('auto', 'required'), tools: Type.Array(Type.Record(Type.String(), Type.Unknown())) })
])

/** `text.format` (OpenAI `TextResponseFormatConfiguration`): `json_schema` is flat here. */
const TextFormatSchema = Type.Union([
  Closed({ type: Type.Literal('text') }),
  Closed({ type: Type.Literal('json_object') }),
  Closed({
    type: Type.Literal('json_schema'),
    name: Type.String({ maxLength: LIMITS.functionName, pattern: '^[a-zA-Z0-9_-]+$' }),
    schema: Type.Record(Type.String(), Type.Unknown()),
    description: Type.Optional(Type.String()),
    strict: Type.Optional(Nullable(Type.Boolean()))
  })
])

const TextConfigSchema = Closed({
  format: Type.Optional(TextFormatSchema),
  verbosity: Type.Optional(Nullable(Literals('low', 'medium', 'high')))
})

const ReasoningConfigSchema = Closed({
  effort: Type.Optional(Nullable(Literals('none', 'minimal', 'low', 'medium', 'high', 'xhigh', 'max'))),
  summary: Type.Optional(Nullable(Literals('auto', 'concise', 'detailed')))
})

/** `include[]` values (OpenAI `IncludeEnum`). */
const INCLUDABLE = [
  'file_search_call.results', 'web_search_call.results', 'web_search_call.action.sources', 'message.input_image.image_url',
  'computer_call_output.output.image_url', 'code_interpreter_call.outputs', 'reasoning.encrypted_content', 'message.output_text.logprobs'
] as const
const IncludeValueSchema = Literals(...INCLUDABLE)

const ConversationParamSchema = Type.Union([Type.String(), Closed({ id: Type.String() })])

/** The input: a string (one user message) or a list of input items. */
const InputSchema = Type.Union([TextSchema, Type.Array(InputItemSchema)])

/** What a response is made from: shared by create and input_tokens (OpenAI `CreateResponse`). */
const responseOptions = {
  model: Type.String({ maxLength: LIMITS.model }),
  input: Type.Optional(InputSchema),
  instructions: Type.Optional(Nullable(Type.String({ maxLength: LIMITS.responseInputText }))),
  previous_response_id: Type.Optional(Nullable(Type.String())),
  conversation: Type.Optional(Nullable(ConversationParamSchema)),
  tools: Type.Optional(Type.Array(ResponseToolSchema, { maxItems: LIMITS.assistantTools })),
  tool_choice: Type.Optional(ToolChoiceSchema),
  parallel_tool_calls: Type.Optional(Nullable(Type.Boolean())),
  text: Type.Optional(TextConfigSchema),
  reasoning: Type.Optional(Nullable(ReasoningConfigSchema)),
  truncation: Type.Optional(Nullable(Literals('auto', 'disabled')))
}

export const CreateResponseBodySchema = Closed({
  ...responseOptions,
  store: Type.Optional(Nullable(Type.Boolean())),
  background: Type.Optional(Nullable(Type.Boolean())),
  stream: Type.Optional(Nullable(Type.Boolean())),
  stream_options: Type.Optional(Nullable(Closed({ include_obfuscation: Type.Optional(Type.Boolean()) }))),
  metadata: Type.Optional(Nullable(MetadataSchema)),
  max_output_tokens: Type.Optional(Nullable(Type.Integer({ minimum: LIMITS.maxOutputTokensMin }))),
  max_tool_calls: Type.Optional(Nullable(Type.Integer({ minimum: 1 }))),
  temperature: Type.Optional(Nullable(Type.Number({ minimum: 0, maximum: LIMITS.temperatureMax }))),
  top_p: Type.Optional(Nullable(Type.Number({ minimum: 0, maximum: LIMITS.topPMax }))),
  top_logprobs: Type.Optional(Nullable(Type.Integer({ minimum: 0, maximum: 20 }))),
  include: Type.Optional(Nullable(Type.Array(IncludeValueSchema))),
  user: Type.Optional(Type.String()),
  safety_identifier: Type.Optional(Nullable(Type.String({ maxLength: 64 }))),
  prompt_cache_key: Type.Optional(Nullable(Type.String())),
  prompt_cache_retention: Type.Optional(Nullable(Literals('in_memory', '24h'))),
  service_tier: Type.Optional(Nullable(Literals('auto', 'default', 'flex', 'scale', 'priority')))
})
export type CreateResponseBody = Static<typeof CreateResponseBodySchema>

/** `POST /responses/input_tokens`: the create body's inputs, `model` optional (OpenAI `Getinputtokencounts`). */
export const InputTokensBodySchema = Closed({ ...responseOptions, model: Type.Optional(Nullable(Type.String({ maxLength: LIMITS.model }))) })
export type InputTokensBody = Static<typeof InputTokensBodySchema>

export const ResponseParamsSchema = Type.Object({ response_id: Type.String() })
export const ConversationParamsSchema = Type.Object({ conversation_id: Type.String() })
export const ConversationItemParamsSchema = Type.Object({ conversation_id: Type.String(), item_id: Type.String() })

/**
 * `include[]` as the SDKs send it (`include[]=a&include[]=b`, or `include` without the brackets): one value or
 * several. Unknown query parameters are ignored, as everywhere.
 */
const includeQuery = {
  'include[]': Type.Optional(Type.Union([IncludeValueSchema, Type.Array(IncludeValueSchema)])),
  include: Type.Optional(Type.Union([IncludeValueSchema, Type.Array(IncludeValueSchema)]))
}

const BooleanString = Literals('true', 'false')

/** GET /responses/{id}: `include[]`, and `stream=true` (with `starting_after`) to replay a background stream. */
export const RetrieveResponseQuerySchema = Type.Object({
  ...includeQuery,
  stream: Type.Optional(BooleanString),
  starting_after: Type.Optional(Type.Integer()),
  include_obfuscation: Type.Optional(BooleanString),
  'api-version': Type.Optional(Type.String())
})

/** List query of input items and conversation items: `limit`, `order` (default `desc`), `after`, `include[]`. */
export const ItemListQuerySchema = Type.Object({
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 100 })),
  order: Type.Optional(Literals('asc', 'desc')),
  after: Type.Optional(Type.String()),
  before: Type.Optional(Type.String()),
  ...includeQuery,
  'api-version': Type.Optional(Type.String())
})

/** `include[]` alone (get item, create items). */
export const IncludeOnlyQuerySchema = Type.Object({ ...includeQuery, 'api-version': Type.Optional(Type.String()) })

/** Foundry's list of responses and of conversations: the list query and its filters (F-TSP routes). */
export const FoundryListQuerySchema = Type.Object({
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 100 })),
  order: Type.Optional(Literals('asc', 'desc')),
  after: Type.Optional(Type.String()),
  before: Type.Optional(Type.String()),
  agent_name: Type.Optional(Type.String()),
  agent_id: Type.Optional(Type.String()),
  conversation_id: Type.Optional(Type.String()),
  'api-version': Type.Optional(Type.String())
})

const ConversationItemsSchema = Type.Array(InputItemSchema, { maxItems: LIMITS.conversationItems })

export const CreateConversationBodySchema = Closed({
  items: Type.Optional(Nullable(ConversationItemsSchema)),
  metadata: Type.Optional(Nullable(MetadataSchema))
})
export type CreateConversationBody = Static<typeof CreateConversationBodySchema>

export const UpdateConversationBodySchema = Closed({ metadata: Nullable(MetadataSchema) })

export const CreateConversationItemsBodySchema = Closed({ items: ConversationItemsSchema })

/** Response-side: the wire objects are built by the presenters and sent as they are. */
export const ResponseObjectSchema: TSchema = AnyJson
