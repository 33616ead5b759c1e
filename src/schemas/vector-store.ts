/** Vector stores, their files and file batches (2024-05-01-preview on): request bodies and wire objects. */
import { Type, type Static } from '@sinclair/typebox'
import { AZURE_CHUNKING_SINCE } from '../api-versions.js'
import { listQuerySchema } from '../pagination.js'
import { DeletedSchema, MetadataSchema, Nullable, since } from './common.js'
import { LIMITS } from './limits.js'

const ExpiresAfterSchema = Type.Object({
  anchor: Type.Literal('last_active_at'),
  days: Type.Integer({ minimum: 1, maximum: LIMITS.expiryDaysMax })
}, { additionalProperties: false })

/** OpenAI's `ChunkingStrategyRequestParam` (2024-06-20); 2024-05-01-preview's spec predates it (see README). */
const ChunkingStrategySchema = Type.Union([
  Type.Object({ type: Type.Literal('auto') }, { additionalProperties: false }),
  Type.Object({
    type: Type.Literal('static'),
    static: Type.Object({
      max_chunk_size_tokens: Type.Integer({ minimum: LIMITS.chunkSizeMin, maximum: LIMITS.chunkSizeMax }),
      chunk_overlap_tokens: Type.Integer({ minimum: 0 })
    }, { additionalProperties: false })
  }, { additionalProperties: false })
])

export const CreateVectorStoreBodySchema = Type.Object({
  file_ids: Type.Optional(Type.Array(Type.String(), { maxItems: LIMITS.vectorStoreFiles })),
  name: Type.Optional(Nullable(Type.String({ maxLength: LIMITS.vectorStoreName }))),
  expires_after: Type.Optional(Nullable(ExpiresAfterSchema)),
  chunking_strategy: Type.Optional(since(AZURE_CHUNKING_SINCE, ChunkingStrategySchema)),
  metadata: Type.Optional(Nullable(MetadataSchema))
}, { additionalProperties: false })
export type CreateVectorStoreBody = Static<typeof CreateVectorStoreBodySchema>

export const ModifyVectorStoreBodySchema = Type.Object({
  name: Type.Optional(Nullable(Type.String({ maxLength: LIMITS.vectorStoreName }))),
  expires_after: Type.Optional(Nullable(ExpiresAfterSchema)),
  metadata: Type.Optional(Nullable(MetadataSchema))
}, { additionalProperties: false })
export type ModifyVectorStoreBody = Static<typeof ModifyVectorStoreBodySchema>

export const CreateVectorStoreFileBodySchema = Type.Object({
  file_id: Type.String(),
  chunking_strategy: Type.Optional(since(AZURE_CHUNKING_SINCE, ChunkingStrategySchema))
}, { additionalProperties: false })
export type CreateVectorStoreFileBody = Static<typeof CreateVectorStoreFileBodySchema>

export const CreateFileBatchBodySchema = Type.Object({
  file_ids: Type.Array(Type.String(), { minItems: 1, maxItems: LIMITS.fileBatchFiles }),
  chunking_strategy: Type.Optional(since(AZURE_CHUNKING_SINCE, ChunkingStrategySchema))
}, { additionalProperties: false })
export type CreateFileBatchBody = Static<typeof CreateFileBatchBodySchema>

/**
 * The `tool_resources.file_search.vector_stores` helper of assistant and thread creation (OpenAI 2024-06-20
 * `CreateAssistantRequest`; Azure 2024-05-01-preview's `CreateFileSearchToolResourceOptions` is an empty
 * schema, i.e. anything): at most one store, built from `file_ids`.
 */
export const InlineVectorStoresSchema = Type.Array(Type.Object({
  file_ids: Type.Optional(Type.Array(Type.String(), { maxItems: 10000 })),
  chunking_strategy: Type.Optional(ChunkingStrategySchema),
  metadata: Type.Optional(Nullable(MetadataSchema))
}, { additionalProperties: false }), { maxItems: 1 })

const FILE_STATUSES = ['in_progress', 'completed', 'failed', 'cancelled'] as const
export type VectorStoreFileStatus = typeof FILE_STATUSES[number]

export const ListVectorStoreFilesQuerySchema = listQuerySchema({
  filter: Type.Optional(Type.Union(FILE_STATUSES.map(status => Type.Literal(status))))
})

export const VectorStoreParamsSchema = Type.Object({ vector_store_id: Type.String() })
export const VectorStoreFileParamsSchema = Type.Object({ vector_store_id: Type.String(), file_id: Type.String() })
export const FileBatchParamsSchema = Type.Object({ vector_store_id: Type.String(), batch_id: Type.String() })

const FileCountsSchema = Type.Object({
  in_progress: Type.Integer(),
  completed: Type.Integer(),
  failed: Type.Integer(),
  cancelled: Type.Integer(),
  total: Type.Integer()
})
export type FileCounts = Static<typeof FileCountsSchema>

export const VectorStoreSchema = Type.Object({
  id: Type.String(),
  object: Type.Literal('vector_store'),
  created_at: Type.Integer(),
  name: Type.String(),
  usage_bytes: Type.Integer(),
  file_counts: FileCountsSchema,
  status: Type.String(),
  expires_after: Type.Optional(ExpiresAfterSchema),
  expires_at: Nullable(Type.Integer()),
  last_active_at: Nullable(Type.Integer()),
  metadata: Type.Record(Type.String(), Type.String())
})
export type VectorStore = Static<typeof VectorStoreSchema>

export const VectorStoreFileSchema = Type.Object({
  id: Type.String(),
  object: Type.Literal('vector_store.file'),
  usage_bytes: Type.Integer(),
  created_at: Type.Integer(),
  vector_store_id: Type.String(),
  status: Type.String(),
  last_error: Type.Null(),
  chunking_strategy: Type.Optional(Type.Object({
    type: Type.Literal('static'),
    static: Type.Object({ max_chunk_size_tokens: Type.Integer(), chunk_overlap_tokens: Type.Integer() })
  }))
})
export type VectorStoreFile = Static<typeof VectorStoreFileSchema>

export const VectorStoreFileBatchSchema = Type.Object({
  id: Type.String(),
  object: Type.Literal('vector_store.files_batch'),
  created_at: Type.Integer(),
  vector_store_id: Type.String(),
  status: Type.String(),
  file_counts: FileCountsSchema
})
export type VectorStoreFileBatch = Static<typeof VectorStoreFileBatchSchema>

export const VectorStoreDeletedSchema = DeletedSchema('vector_store.deleted')
export const VectorStoreFileDeletedSchema = DeletedSchema('vector_store.file.deleted')

const FilterValue = Type.Union([Type.String(), Type.Number(), Type.Boolean()])
const ComparisonFilterSchema = Type.Object({
  type: Type.Union(['eq', 'ne', 'gt', 'gte', 'lt', 'lte'].map(op => Type.Literal(op))),
  key: Type.String(),
  value: FilterValue
}, { additionalProperties: false })
/** OpenAI `CompoundFilter`: its members are comparison filters or (one level down) compound ones. */
const CompoundFilterSchema = Type.Object({
  type: Type.Union([Type.Literal('and'), Type.Literal('or')]),
  filters: Type.Array(Type.Union([ComparisonFilterSchema, Type.Object({
    type: Type.Union([Type.Literal('and'), Type.Literal('or')]),
    filters: Type.Array(ComparisonFilterSchema)
  }, { additionalProperties: false })]))
}, { additionalProperties: false })

/** POST /vector_stores/{id}/search (OpenAI `VectorStoreSearchRequest`). */
export const VectorStoreSearchBodySchema = Type.Object({
  // The caps are the emulator's own (OpenAI documents none): they keep a search's cost small (docs/endpoints.md, vector-store search).
  query: Type.Union([
    Type.String({ maxLength: LIMITS.searchQuery }),
    Type.Array(Type.String({ maxLength: LIMITS.searchQuery }), { minItems: 1, maxItems: LIMITS.searchQueries })
  ]),
  rewrite_query: Type.Optional(Type.Boolean()),
  max_num_results: Type.Optional(Type.Integer({ minimum: LIMITS.maxNumResultsMin, maximum: LIMITS.maxNumResultsMax })),
  filters: Type.Optional(Type.Union([ComparisonFilterSchema, CompoundFilterSchema])),
  ranking_options: Type.Optional(Type.Object({
    ranker: Type.Optional(Type.Union([Type.Literal('none'), Type.Literal('auto'), Type.Literal('default-2024-11-15')])),
    score_threshold: Type.Optional(Type.Number({ minimum: 0, maximum: 1 }))
  }, { additionalProperties: false }))
}, { additionalProperties: false })
export type VectorStoreSearchBody = Static<typeof VectorStoreSearchBodySchema>

export const VectorStoreSearchResultsSchema = Type.Object({
  object: Type.Literal('vector_store.search_results.page'),
  search_query: Type.Array(Type.String()),
  data: Type.Array(Type.Object({
    file_id: Type.String(),
    filename: Type.String(),
    score: Type.Number(),
    attributes: Type.Record(Type.String(), Type.Union([Type.String(), Type.Number(), Type.Boolean()])),
    content: Type.Array(Type.Object({ type: Type.Literal('text'), text: Type.String() }))
  })),
  has_more: Type.Boolean(),
  next_page: Nullable(Type.String())
})

/** GET /vector_stores/{id}/files/{file_id}/content (OpenAI `VectorStoreFileContentResponse`). */
export const VectorStoreFileContentSchema = Type.Object({
  object: Type.Literal('vector_store.file_content.page'),
  data: Type.Array(Type.Object({ type: Type.Literal('text'), text: Type.String() })),
  has_more: Type.Boolean(),
  next_page: Nullable(Type.String())
})
