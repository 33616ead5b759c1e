/**
 * Vector store routes (from 2024-05-01-preview on, and on /v1 and Foundry Agents): vector stores, their files
 * and file batches. The v1 api-versions have none of these paths: Azure answers them 404 "Resource not found".
 * Search and file content came with the inference-spec api-versions on Azure (spec/SOURCES.md).
 */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import type { Availability } from '../api-surface.js'
import { AZURE_INFERENCE_ERA } from '../api-versions.js'
import { withPollHint } from '../http/poll-hint.js'
import { ListQuerySchema, listSchema, mapPage, paginate } from '../pagination.js'
import { presentVectorStore, presentVectorStoreFile, presentVectorStoreFileBatch } from '../presenters/vector-store.js'
import {
  CreateFileBatchBodySchema, CreateVectorStoreBodySchema, CreateVectorStoreFileBodySchema, FileBatchParamsSchema,
  ListVectorStoreFilesQuerySchema, ModifyVectorStoreBodySchema, VectorStoreDeletedSchema, VectorStoreFileBatchSchema,
  VectorStoreFileDeletedSchema, VectorStoreFileParamsSchema, VectorStoreFileSchema, VectorStoreParamsSchema,
  VectorStoreFileContentSchema, VectorStoreSchema, VectorStoreSearchBodySchema, VectorStoreSearchResultsSchema
} from '../schemas/vector-store.js'
import type { VectorStoreRecord } from '../store/records.js'

/** An old version never sees a 400: the gate answers 404 before the body is checked. */
const V2: Availability = { generations: ['v2'] }
const SEARCH_ERA: Availability = { generations: ['v2'], azureSince: AZURE_INFERENCE_ERA }

const vectorStoreRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const { clock } = app.runtime

  /** POST /vector_stores — create a vector store, optionally with files */
  app.post('/vector_stores', {
    config: { available: V2 },
    schema: { body: CreateVectorStoreBodySchema, response: { 200: VectorStoreSchema } }
  }, async (request, reply) => {
    const { vectorStores } = request.tenant.services
    const record = vectorStores.create(request.body)
    return withPollHint(reply, vectorStores.pollAfterMs(record), presentVectorStore(record, vectorStores.filesOf(record.id), clock.now()))
  })

  /** GET /vector_stores — list vector stores, newest first by default */
  app.get('/vector_stores', {
    config: { available: V2 },
    schema: { querystring: ListQuerySchema, response: { 200: listSchema(VectorStoreSchema) } }
  }, async (request) => {
    const { vectorStores } = request.tenant.services
    const now = clock.now()
    return mapPage(paginate(vectorStores.list(), request.query), (record: VectorStoreRecord) => presentVectorStore(record, vectorStores.filesOf(record.id), now))
  })

  /** GET /vector_stores/:vector_store_id — retrieve a vector store (status and file counts as of now) */
  app.get('/vector_stores/:vector_store_id', {
    config: { available: V2 },
    schema: { params: VectorStoreParamsSchema, response: { 200: VectorStoreSchema } }
  }, async (request, reply) => {
    const { vectorStores } = request.tenant.services
    const record = vectorStores.get(request.params.vector_store_id)
    return withPollHint(reply, vectorStores.pollAfterMs(record), presentVectorStore(record, vectorStores.filesOf(record.id), clock.now()))
  })

  /** POST /vector_stores/:vector_store_id — change name, expiry or metadata */
  app.post('/vector_stores/:vector_store_id', {
    config: { available: V2 },
    schema: { params: VectorStoreParamsSchema, body: ModifyVectorStoreBodySchema, response: { 200: VectorStoreSchema } }
  }, async (request, reply) => {
    const { vectorStores } = request.tenant.services
    const record = vectorStores.modify(request.params.vector_store_id, request.body)
    return withPollHint(reply, vectorStores.pollAfterMs(record), presentVectorStore(record, vectorStores.filesOf(record.id), clock.now()))
  })

  /** DELETE /vector_stores/:vector_store_id — delete a vector store (the uploaded files stay) */
  app.delete('/vector_stores/:vector_store_id', {
    config: { available: V2 },
    schema: { params: VectorStoreParamsSchema, response: { 200: VectorStoreDeletedSchema } }
  }, async (request) => request.tenant.services.vectorStores.delete(request.params.vector_store_id))

  /** POST /vector_stores/:vector_store_id/files — add an uploaded file */
  app.post('/vector_stores/:vector_store_id/files', {
    config: { available: V2 },
    schema: { params: VectorStoreParamsSchema, body: CreateVectorStoreFileBodySchema, response: { 200: VectorStoreFileSchema } }
  }, async (request, reply) => {
    const { vectorStores } = request.tenant.services
    const record = vectorStores.addFile(request.params.vector_store_id, request.body)
    return withPollHint(reply, vectorStores.pollAfterMs(record), presentVectorStoreFile(record, clock.now(), request.apiVersion))
  })

  /** GET /vector_stores/:vector_store_id/files — list the store's files, optionally by status (`filter`) */
  app.get('/vector_stores/:vector_store_id/files', {
    config: { available: V2 },
    schema: { params: VectorStoreParamsSchema, querystring: ListVectorStoreFilesQuerySchema, response: { 200: listSchema(VectorStoreFileSchema) } }
  }, async (request) => {
    const now = clock.now()
    return mapPage(paginate(request.tenant.services.vectorStores.listFiles(request.params.vector_store_id, request.query.filter), request.query),
      record => presentVectorStoreFile(record, now, request.apiVersion))
  })

  /** GET /vector_stores/:vector_store_id/files/:file_id — retrieve one of the store's files */
  app.get('/vector_stores/:vector_store_id/files/:file_id', {
    config: { available: V2 },
    schema: { params: VectorStoreFileParamsSchema, response: { 200: VectorStoreFileSchema } }
  }, async (request, reply) => {
    const { vectorStores } = request.tenant.services
    const record = vectorStores.getFile(request.params.vector_store_id, request.params.file_id)
    return withPollHint(reply, vectorStores.pollAfterMs(record), presentVectorStoreFile(record, clock.now(), request.apiVersion))
  })

  /** DELETE /vector_stores/:vector_store_id/files/:file_id — take a file out of the store */
  app.delete('/vector_stores/:vector_store_id/files/:file_id', {
    config: { available: V2 },
    schema: { params: VectorStoreFileParamsSchema, response: { 200: VectorStoreFileDeletedSchema } }
  }, async (request) => request.tenant.services.vectorStores.deleteFile(request.params.vector_store_id, request.params.file_id))

  /** POST /vector_stores/:vector_store_id/search — lexical search over the store's completed files */
  app.post('/vector_stores/:vector_store_id/search', {
    config: { available: SEARCH_ERA },
    schema: { params: VectorStoreParamsSchema, body: VectorStoreSearchBodySchema, response: { 200: VectorStoreSearchResultsSchema } }
  }, async (request) => request.tenant.services.vectorStores.search(request.params.vector_store_id, request.body))

  /** GET /vector_stores/:vector_store_id/files/:file_id/content — the parsed text of one of the store's files */
  app.get('/vector_stores/:vector_store_id/files/:file_id/content', {
    config: { available: SEARCH_ERA },
    schema: { params: VectorStoreFileParamsSchema, response: { 200: VectorStoreFileContentSchema } }
  }, async (request) => request.tenant.services.vectorStores.fileContent(request.params.vector_store_id, request.params.file_id))

  /** POST /vector_stores/:vector_store_id/file_batches — add several files at once */
  app.post('/vector_stores/:vector_store_id/file_batches', {
    config: { available: V2 },
    schema: { params: VectorStoreParamsSchema, body: CreateFileBatchBodySchema, response: { 200: VectorStoreFileBatchSchema } }
  }, async (request, reply) => {
    const { vectorStores } = request.tenant.services
    const record = vectorStores.createBatch(request.params.vector_store_id, request.body)
    return withPollHint(reply, vectorStores.pollAfterMs(record), presentVectorStoreFileBatch(record, clock.now()))
  })

  /** GET /vector_stores/:vector_store_id/file_batches/:batch_id — retrieve a batch */
  app.get('/vector_stores/:vector_store_id/file_batches/:batch_id', {
    config: { available: V2 },
    schema: { params: FileBatchParamsSchema, response: { 200: VectorStoreFileBatchSchema } }
  }, async (request, reply) => {
    const { vectorStores } = request.tenant.services
    const record = vectorStores.getBatch(request.params.vector_store_id, request.params.batch_id)
    return withPollHint(reply, vectorStores.pollAfterMs(record), presentVectorStoreFileBatch(record, clock.now()))
  })

  /** POST /vector_stores/:vector_store_id/file_batches/:batch_id/cancel — cancel a batch still in progress */
  app.post('/vector_stores/:vector_store_id/file_batches/:batch_id/cancel', {
    config: { available: V2 },
    schema: { params: FileBatchParamsSchema, response: { 200: VectorStoreFileBatchSchema } }
  }, async (request) => presentVectorStoreFileBatch(request.tenant.services.vectorStores.cancelBatch(request.params.vector_store_id, request.params.batch_id), clock.now()))

  /** GET /vector_stores/:vector_store_id/file_batches/:batch_id/files — list a batch's files, optionally by status */
  app.get('/vector_stores/:vector_store_id/file_batches/:batch_id/files', {
    config: { available: V2 },
    schema: { params: FileBatchParamsSchema, querystring: ListVectorStoreFilesQuerySchema, response: { 200: listSchema(VectorStoreFileSchema) } }
  }, async (request) => {
    const now = clock.now()
    return mapPage(
      paginate(request.tenant.services.vectorStores.listBatchFiles(request.params.vector_store_id, request.params.batch_id, request.query.filter), request.query),
      record => presentVectorStoreFile(record, now, request.apiVersion))
  })
}

export default vectorStoreRoutes
