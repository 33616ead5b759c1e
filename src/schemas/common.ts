/** Schema atoms shared by every resource, and the markers that tie a field to one api-version generation. */
import { Type, type TSchema, type SchemaOptions, type Static } from '@sinclair/typebox'
import { AZURE_CHUNKING_SINCE, AZURE_NEVER, AZURE_STRICT_SCHEMAS_SINCE, type Generation } from '../api-versions.js'
import { LIMITS } from './limits.js'

/** Schema keyword naming the only generation a property or union member exists in. */
export const GENERATION_KEY = 'x-generation'
/** Schema keyword limiting the length of an object's property names (TypeBox records cannot say it). */
export const MAX_KEY_LENGTH_KEY = 'x-max-key-length'

/** Schema keyword naming the first Azure api-version that knows a property or union member. */
export const SINCE_KEY = 'x-since'

/** Marks a schema as existing only in one generation; validation and projections drop it elsewhere. */
export function only<T extends TSchema> (generation: Generation, schema: T): T {
  return { ...schema, [GENERATION_KEY]: generation }
}

/**
 * Marks a v2 schema as existing from an Azure api-version on (e.g. `strict` functions and `json_schema`
 * response formats came with 2024-08-01-preview); the OpenAI flavour always has it.
 */
export function since<T extends TSchema> (apiVersion: string, schema: T): T {
  return { ...schema, [GENERATION_KEY]: 'v2', [SINCE_KEY]: apiVersion }
}

/** Marks a v2 field that only OpenAI's flavour knows (api-versions.ts `AZURE_NEVER`). */
function openaiOnly<T extends TSchema> (schema: T): T {
  return since(AZURE_NEVER, schema)
}

export const Nullable = <T extends TSchema>(schema: T, options: SchemaOptions = {}) =>
  Type.Union([schema, Type.Null()], options)

/** Up to 16 string pairs, keys up to 64 characters, values up to 512 (the documented metadata limits). */
export const MetadataSchema = Type.Record(Type.String(), Type.String({ maxLength: LIMITS.metadataValue }), {
  maxProperties: LIMITS.metadataPairs,
  [MAX_KEY_LENGTH_KEY]: LIMITS.metadataKey
})
export type Metadata = Static<typeof MetadataSchema>

/** OpenAI's function-name rule (its 400 names this pattern; the 64-character bound comes first). */
const FUNCTION_NAME_PATTERN = '^[a-zA-Z0-9_-]+$'

const FunctionDefinitionSchema = Type.Object({
  name: Type.String({ maxLength: LIMITS.functionName, pattern: FUNCTION_NAME_PATTERN }),
  description: Type.Optional(Type.String()),
  parameters: Type.Optional(Type.Record(Type.String(), Type.Unknown())),
  strict: Type.Optional(since(AZURE_STRICT_SCHEMAS_SINCE, Nullable(Type.Boolean())))
}, { additionalProperties: false })

/** `file_search.ranking_options` (OpenAI `FileSearchRankingOptions`; no Azure document has it). */
const RankingOptionsSchema = Type.Object({
  ranker: Type.Optional(Type.Union([Type.Literal('auto'), Type.Literal('default_2024_08_21')])),
  score_threshold: Type.Number({ minimum: 0, maximum: 1 })
}, { additionalProperties: false })

/**
 * The tool definitions. Members are in the order the service lists them in "Supported values are: …"
 * ('code_interpreter', 'function', 'file_search': the Azure capture in danny-avila/LibreChat#4416).
 * `retrieval` exists on the v1 api-versions only to be refused with Azure's own text (checks/tool-definitions.ts).
 */
const ToolSchema = Type.Union([
  Type.Object({ type: Type.Literal('code_interpreter') }, { additionalProperties: false }),
  Type.Object({ type: Type.Literal('function'), function: FunctionDefinitionSchema }, { additionalProperties: false }),
  only('v1', Type.Object({ type: Type.Literal('retrieval') }, { additionalProperties: false })),
  only('v2', Type.Object({
    type: Type.Literal('file_search'),
    file_search: Type.Optional(Type.Object({
      max_num_results: Type.Optional(since(AZURE_CHUNKING_SINCE,
        Type.Integer({ minimum: LIMITS.maxNumResultsMin, maximum: LIMITS.maxNumResultsMax }))),
      ranking_options: Type.Optional(openaiOnly(RankingOptionsSchema))
    }, { additionalProperties: false }))
  }, { additionalProperties: false }))
])
export type Tool = Static<typeof ToolSchema>

/** An assistant's tools (up to 128). */
export const ToolsSchema = Type.Array(ToolSchema, { maxItems: LIMITS.assistantTools })
/** A run's tools override (up to 20, OpenAI `CreateRunRequest.tools`). */
export const RunToolsSchema = Type.Array(ToolSchema, { maxItems: LIMITS.runTools })

export const FileIdsSchema = Type.Array(Type.String(), { maxItems: LIMITS.v1FileIds })

export const ToolResourcesSchema = Type.Object({
  code_interpreter: Type.Optional(Type.Object({
    file_ids: Type.Optional(Type.Array(Type.String(), { maxItems: LIMITS.codeInterpreterFiles }))
  }, { additionalProperties: false })),
  file_search: Type.Optional(Type.Object({
    vector_store_ids: Type.Optional(Type.Array(Type.String(), { maxItems: LIMITS.fileSearchVectorStores }))
  }, { additionalProperties: true }))
}, { additionalProperties: false })

/** `response_format: {type: 'json_schema'}` (OpenAI `ResponseFormatJsonSchema`); its schema is checked in checks/tool-definitions.ts. */
const JsonSchemaFormatSchema = Type.Object({
  name: Type.String({ maxLength: LIMITS.functionName, pattern: FUNCTION_NAME_PATTERN }),
  description: Type.Optional(Type.String()),
  schema: Type.Optional(Type.Record(Type.String(), Type.Unknown())),
  strict: Type.Optional(Nullable(Type.Boolean()))
}, { additionalProperties: false })

export const ResponseFormatSchema = Type.Union([
  Type.Literal('auto'),
  Type.Object({ type: Type.Union([Type.Literal('text'), Type.Literal('json_object')]) }, { additionalProperties: false }),
  since(AZURE_STRICT_SCHEMAS_SINCE, Type.Object({ type: Type.Literal('json_schema'), json_schema: JsonSchemaFormatSchema },
    { additionalProperties: false }))
])

/** `reasoning_effort` (OpenAI `ReasoningEffort`, in its order); the current `openai` SDK sends it. */
export const ReasoningEffortSchema = openaiOnly(Nullable(Type.Union(
  ['none', 'minimal', 'low', 'medium', 'high', 'xhigh', 'max'].map(value => Type.Literal(value)))))

/** Response-side: unconstrained JSON, serialised as is. */
export const AnyJson = Type.Unknown()

export const DeletedSchema = (object: string) => Type.Object({
  id: Type.String(),
  object: Type.Literal(object),
  deleted: Type.Boolean()
})
