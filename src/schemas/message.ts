/** Thread messages: what a client may post (also inside thread creation) and the wire object. */
import { Type, type Static } from '@sinclair/typebox'
import { AnyJson, DeletedSchema, FileIdsSchema, MetadataSchema, Nullable, only } from './common.js'
import { LIMITS } from './limits.js'

const AttachmentSchema = Type.Object({
  file_id: Type.String(),
  tools: Type.Array(Type.Union([
    Type.Object({ type: Type.Literal('code_interpreter') }, { additionalProperties: false }),
    Type.Object({ type: Type.Literal('file_search') }, { additionalProperties: false })
  ]))
}, { additionalProperties: false })

const ContentPartSchema = Type.Union([
  // The message limit holds for a text part as for string content (the state document enforces it too).
  Type.Object({ type: Type.Literal('text'), text: Type.String({ maxLength: LIMITS.messageContent }) }, { additionalProperties: false }),
  Type.Object({
    type: Type.Literal('image_file'),
    image_file: Type.Object({
      file_id: Type.String(),
      detail: Type.Optional(Type.Union([Type.Literal('auto'), Type.Literal('low'), Type.Literal('high')]))
    }, { additionalProperties: false })
  }, { additionalProperties: false }),
  Type.Object({
    type: Type.Literal('image_url'),
    image_url: Type.Object({
      url: Type.String(),
      detail: Type.Optional(Type.Union([Type.Literal('auto'), Type.Literal('low'), Type.Literal('high')]))
    }, { additionalProperties: false })
  }, { additionalProperties: false })
])

export const MessageInputSchema = Type.Object({
  role: Type.Union([Type.Literal('user'), only('v2', Type.Literal('assistant'))]),
  content: Type.Union([Type.String({ maxLength: LIMITS.messageContent }), only('v2', Type.Array(ContentPartSchema, { minItems: 1, maxItems: LIMITS.contentParts }))]),
  file_ids: Type.Optional(only('v1', FileIdsSchema)),
  attachments: Type.Optional(only('v2', Nullable(Type.Array(AttachmentSchema, { maxItems: LIMITS.attachments })))),
  metadata: Type.Optional(Nullable(MetadataSchema))
}, { additionalProperties: false })
export type MessageInput = Static<typeof MessageInputSchema>

export const MessageSchema = Type.Object({
  id: Type.String(),
  object: Type.Literal('thread.message'),
  created_at: Type.Integer(),
  thread_id: Type.String(),
  status: Type.String(),
  incomplete_details: AnyJson,
  completed_at: Nullable(Type.Integer()),
  incomplete_at: Nullable(Type.Integer()),
  role: Type.String(),
  content: Type.Array(AnyJson),
  assistant_id: Nullable(Type.String()),
  run_id: Nullable(Type.String()),
  file_ids: Type.Optional(Type.Array(Type.String())),
  attachments: Type.Optional(AnyJson),
  metadata: Type.Record(Type.String(), Type.String())
})
export type Message = Static<typeof MessageSchema>

/** POST /threads/{t}/messages/{m}: only metadata can change. */
export const ModifyMessageBodySchema = Type.Object({
  metadata: Type.Optional(Nullable(MetadataSchema))
}, { additionalProperties: false })
export type ModifyMessageBody = Static<typeof ModifyMessageBodySchema>

export const MessageParamsSchema = Type.Object({ thread_id: Type.String(), message_id: Type.String() })

export const MessageDeletedSchema = DeletedSchema('thread.message.deleted')
