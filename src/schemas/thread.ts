/** Thread: creation body and the wire object. */
import { Type, type Static } from '@sinclair/typebox'
import { AnyJson, DeletedSchema, MetadataSchema, Nullable, ToolResourcesSchema, only } from './common.js'
import { LIMITS } from './limits.js'
import { MessageInputSchema } from './message.js'

export const CreateThreadBodySchema = Type.Object({
  messages: Type.Optional(Nullable(Type.Array(MessageInputSchema, { maxItems: LIMITS.threadMessages }))),
  tool_resources: Type.Optional(only('v2', Nullable(ToolResourcesSchema))),
  metadata: Type.Optional(Nullable(MetadataSchema))
}, { additionalProperties: false })
export type CreateThreadBody = Static<typeof CreateThreadBodySchema>

/** POST /threads/{id}: metadata and, from 2024-05-01-preview on, tool_resources. */
export const ModifyThreadBodySchema = Type.Object({
  tool_resources: Type.Optional(only('v2', Nullable(ToolResourcesSchema))),
  metadata: Type.Optional(Nullable(MetadataSchema))
}, { additionalProperties: false })
export type ModifyThreadBody = Static<typeof ModifyThreadBodySchema>

export const ThreadParamsSchema = Type.Object({ thread_id: Type.String() })

export const ThreadSchema = Type.Object({
  id: Type.String(),
  object: Type.Literal('thread'),
  created_at: Type.Integer(),
  tool_resources: Type.Optional(AnyJson),
  metadata: Type.Record(Type.String(), Type.String())
})
export type Thread = Static<typeof ThreadSchema>

export const ThreadDeletedSchema = DeletedSchema('thread.deleted')
