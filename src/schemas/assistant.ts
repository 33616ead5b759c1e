/** Assistant: request bodies (per generation) and the wire object. */
import { Type, type Static } from '@sinclair/typebox'
import {
  AnyJson, DeletedSchema, FileIdsSchema, MetadataSchema, Nullable, ReasoningEffortSchema, ResponseFormatSchema, ToolResourcesSchema,
  ToolsSchema, only
} from './common.js'
import { LIMITS } from './limits.js'

/** Every field an assistant has that a client may set; `model` is required on create only. */
const assistantFields = {
  name: Type.Optional(Nullable(Type.String({ maxLength: LIMITS.assistantName }))),
  description: Type.Optional(Nullable(Type.String({ maxLength: LIMITS.assistantDescription }))),
  instructions: Type.Optional(Nullable(Type.String({ maxLength: LIMITS.instructions }))),
  reasoning_effort: Type.Optional(ReasoningEffortSchema),
  tools: Type.Optional(ToolsSchema),
  file_ids: Type.Optional(only('v1', FileIdsSchema)),
  tool_resources: Type.Optional(only('v2', Nullable(ToolResourcesSchema))),
  temperature: Type.Optional(only('v2', Nullable(Type.Number({ minimum: 0, maximum: LIMITS.temperatureMax })))),
  top_p: Type.Optional(only('v2', Nullable(Type.Number({ minimum: 0, maximum: LIMITS.topPMax })))),
  response_format: Type.Optional(only('v2', Nullable(ResponseFormatSchema))),
  metadata: Type.Optional(Nullable(MetadataSchema))
}

export const CreateAssistantBodySchema = Type.Object({
  model: Type.String({ minLength: 1, maxLength: LIMITS.model }),
  ...assistantFields
}, { additionalProperties: false })
export type CreateAssistantBody = Static<typeof CreateAssistantBodySchema>

/** POST /assistants/{id}: the create fields, all optional, under the same generation rules. */
export const ModifyAssistantBodySchema = Type.Object({
  model: Type.Optional(Type.String({ minLength: 1, maxLength: LIMITS.model })),
  ...assistantFields
}, { additionalProperties: false })
export type ModifyAssistantBody = Static<typeof ModifyAssistantBodySchema>

export const AssistantParamsSchema = Type.Object({ assistant_id: Type.String() })

/** Superset of both generations; the presenter includes exactly the request generation's fields. */
export const AssistantSchema = Type.Object({
  id: Type.String(),
  object: Type.Literal('assistant'),
  created_at: Type.Integer(),
  name: Nullable(Type.String()),
  description: Nullable(Type.String()),
  model: Type.String(),
  instructions: Nullable(Type.String()),
  tools: Type.Array(AnyJson),
  file_ids: Type.Optional(Type.Array(Type.String())),
  tool_resources: Type.Optional(AnyJson),
  temperature: Type.Optional(Nullable(Type.Number())),
  top_p: Type.Optional(Nullable(Type.Number())),
  response_format: Type.Optional(AnyJson),
  metadata: Type.Record(Type.String(), Type.String())
})
export type Assistant = Static<typeof AssistantSchema>

export const AssistantDeletedSchema = DeletedSchema('assistant.deleted')
