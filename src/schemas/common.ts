/** Schema atoms shared by every resource, and the markers that tie a field to one api-version generation. */
import { Type, type TSchema, type SchemaOptions, type Static } from '@sinclair/typebox'
import type { Generation } from '../api-versions.js'

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

export const Nullable = <T extends TSchema>(schema: T, options: SchemaOptions = {}) =>
  Type.Union([schema, Type.Null()], options)

/** Up to 16 string pairs, keys up to 64 characters, values up to 512 (the documented metadata limits). */
export const MetadataSchema = Type.Record(Type.String(), Type.String({ maxLength: 512 }), {
  maxProperties: 16,
  [MAX_KEY_LENGTH_KEY]: 64
})
export type Metadata = Static<typeof MetadataSchema>

export const FunctionDefinitionSchema = Type.Object({
  name: Type.String({ maxLength: 64 }),
  description: Type.Optional(Type.String()),
  parameters: Type.Optional(Type.Record(Type.String(), Type.Unknown())),
  strict: Type.Optional(since('2024-08-01-preview', Nullable(Type.Boolean())))
}, { additionalProperties: false })

export const ToolSchema = Type.Union([
  Type.Object({ type: Type.Literal('code_interpreter') }, { additionalProperties: false }),
  only('v1', Type.Object({ type: Type.Literal('retrieval') }, { additionalProperties: false })),
  only('v2', Type.Object({
    type: Type.Literal('file_search'),
    file_search: Type.Optional(Type.Object({
      max_num_results: Type.Optional(Type.Integer({ minimum: 1, maximum: 50 }))
    }, { additionalProperties: false }))
  }, { additionalProperties: false })),
  Type.Object({ type: Type.Literal('function'), function: FunctionDefinitionSchema }, { additionalProperties: false })
])
export type Tool = Static<typeof ToolSchema>

export const ToolsSchema = Type.Array(ToolSchema, { maxItems: 128 })

export const FileIdsSchema = Type.Array(Type.String(), { maxItems: 20 })

export const ToolResourcesSchema = Type.Object({
  code_interpreter: Type.Optional(Type.Object({
    file_ids: Type.Optional(Type.Array(Type.String(), { maxItems: 20 }))
  }, { additionalProperties: false })),
  file_search: Type.Optional(Type.Object({
    vector_store_ids: Type.Optional(Type.Array(Type.String(), { maxItems: 1 }))
  }, { additionalProperties: true }))
}, { additionalProperties: false })

export const ResponseFormatSchema = Type.Union([
  Type.Literal('auto'),
  Type.Object({ type: Type.Union([Type.Literal('text'), Type.Literal('json_object')]) }, { additionalProperties: false }),
  since('2024-08-01-preview', Type.Object({ type: Type.Literal('json_schema'), json_schema: Type.Record(Type.String(), Type.Unknown()) },
    { additionalProperties: false }))
])

/** Response-side: unconstrained JSON, serialised as is. */
export const AnyJson = Type.Unknown()

export const DeletedSchema = (object: string) => Type.Object({
  id: Type.String(),
  object: Type.Literal(object),
  deleted: Type.Boolean()
})

export const ErrorEnvelopeSchema = Type.Unknown({ description: 'OpenAI or Azure error envelope' })
