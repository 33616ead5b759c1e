/**
 * Vector store routes (under /openai from 2024-05-01-preview on, and /v1): vector stores, their files and file
 * batches. The v1 api-versions have none of these paths: Azure answers them 404 "Resource not found".
 */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import type { FastifyReply, FastifyRequest } from 'fastify'
import { compareApiVersions } from '../api-versions.js'
import { Errors } from '../errors.js'
import { AZURE_INFERENCE_ERA } from '../schemas/common.js'
import { ListQuerySchema, listSchema, mapPage, paginate } from '../pagination.js'
import {
  CreateFileBatchBodySchema, CreateVectorStoreBodySchema, CreateVectorStoreFileBodySchema, FileBatchParamsSchema,
  ListVectorStoreFilesQuerySchema, ModifyVectorStoreBodySchema, VectorStoreDeletedSchema, VectorStoreFileBatchSchema,
  VectorStoreFileDeletedSchema, VectorStoreFileParamsSchema, VectorStoreFileSchema, VectorStoreParamsSchema,
  VectorStoreFileContentSchema, VectorStoreSchema, VectorStoreSearchBodySchema, VectorStoreSearchResultsSchema
} from '../schemas/vector-store.js'
import type { VectorStoreFileBatchRecord, VectorStoreFileRecord, VectorStoreRecord } from '../store/records.js'

const POLL_AFTER_HEADER = 'openai-poll-after-ms'

/** Search and file content came with the inference-spec api-versions on Azure (spec/SOURCES.md); /v1 has them. */
function requireSearchEra (request: FastifyRequest): void {
  const { flavour, version } = request.apiVersion
  if (flavour === 'azure' && compareApiVersions(version, AZURE_INFERENCE_ERA) < 0) throw Errors.resourceNotFound()
}

const vectorStoreRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const { vectorStores } = app.services
  /** Sends `openai-poll-after-ms` while the object is in progress, so the SDKs' pollers ask again when it is ready. */
  const hint = <R extends VectorStoreRecord | VectorStoreFileRecord | VectorStoreFileBatchRecord>(reply: FastifyReply, record: R): R => {
    const after = vectorStores.pollAfterMs(record)
    if (after !== undefined) reply.header(POLL_AFTER_HEADER, after)
    return record
  }

  // Runs after the gate (which sets apiVersion), before body validation: an old version never sees a 400.
  app.addHook('onRequest', (request, _reply, done) => {
    done(request.apiVersion.generation === 'v1' ? Errors.resourceNotFound() : undefined)
  })

  /** POST /vector_stores — create a vector store, optionally with files */
  app.post('/vector_stores', {
    schema: { body: CreateVectorStoreBodySchema, response: { 200: VectorStoreSchema } }
  }, async (request, reply) => vectorStores.present(hint(reply, vectorStores.create(request.body))))

  /** GET /vector_stores — list vector stores, newest first by default */
  app.get('/vector_stores', {
    schema: { querystring: ListQuerySchema, response: { 200: listSchema(VectorStoreSchema) } }
  }, async (request) => mapPage(paginate(vectorStores.list(), request.query), vectorStores.present))

  /** GET /vector_stores/:vector_store_id — retrieve a vector store (status and file counts as of now) */
  app.get('/vector_stores/:vector_store_id', {
    schema: { params: VectorStoreParamsSchema, response: { 200: VectorStoreSchema } }
  }, async (request, reply) => vectorStores.present(hint(reply, vectorStores.get(request.params.vector_store_id))))

  /** POST /vector_stores/:vector_store_id — change name, expiry or metadata */
  app.post('/vector_stores/:vector_store_id', {
    schema: { params: VectorStoreParamsSchema, body: ModifyVectorStoreBodySchema, response: { 200: VectorStoreSchema } }
  }, async (request, reply) => vectorStores.present(hint(reply, vectorStores.modify(request.params.vector_store_id, request.body))))

  /** DELETE /vector_stores/:vector_store_id — delete a vector store (the uploaded files stay) */
  app.delete('/vector_stores/:vector_store_id', {
    schema: { params: VectorStoreParamsSchema, response: { 200: VectorStoreDeletedSchema } }
  }, async (request) => vectorStores.delete(request.params.vector_store_id))

  /** POST /vector_stores/:vector_store_id/files — add an uploaded file */
  app.post('/vector_stores/:vector_store_id/files', {
    schema: { params: VectorStoreParamsSchema, body: CreateVectorStoreFileBodySchema, response: { 200: VectorStoreFileSchema } }
  }, async (request, reply) => vectorStores.presentFile(hint(reply, vectorStores.addFile(request.params.vector_store_id, request.body)),
    request.apiVersion))

  /** GET /vector_stores/:vector_store_id/files — list the store's files, optionally by status (`filter`) */
  app.get('/vector_stores/:vector_store_id/files', {
    schema: { params: VectorStoreParamsSchema, querystring: ListVectorStoreFilesQuerySchema, response: { 200: listSchema(VectorStoreFileSchema) } }
  }, async (request) => mapPage(
    paginate(vectorStores.listFiles(request.params.vector_store_id, request.query.filter), request.query),
    record => vectorStores.presentFile(record, request.apiVersion)))

  /** GET /vector_stores/:vector_store_id/files/:file_id — retrieve one of the store's files */
  app.get('/vector_stores/:vector_store_id/files/:file_id', {
    schema: { params: VectorStoreFileParamsSchema, response: { 200: VectorStoreFileSchema } }
  }, async (request, reply) => vectorStores.presentFile(hint(reply, vectorStores.getFile(request.params.vector_store_id, request.params.file_id)),
    request.apiVersion))

  /** DELETE /vector_stores/:vector_store_id/files/:file_id — take a file out of the store */
  app.delete('/vector_stores/:vector_store_id/files/:file_id', {
    schema: { params: VectorStoreFileParamsSchema, response: { 200: VectorStoreFileDeletedSchema } }
  }, async (request) => vectorStores.deleteFile(request.params.vector_store_id, request.params.file_id))

  /** POST /vector_stores/:vector_store_id/search — lexical search over the store's completed files */
  app.post('/vector_stores/:vector_store_id/search', {
    onRequest: async (request) => requireSearchEra(request),
    schema: { params: VectorStoreParamsSchema, body: VectorStoreSearchBodySchema, response: { 200: VectorStoreSearchResultsSchema } }
  }, async (request) => vectorStores.search(request.params.vector_store_id, request.body))

  /** GET /vector_stores/:vector_store_id/files/:file_id/content — the parsed text of one of the store's files */
  app.get('/vector_stores/:vector_store_id/files/:file_id/content', {
    onRequest: async (request) => requireSearchEra(request),
    schema: { params: VectorStoreFileParamsSchema, response: { 200: VectorStoreFileContentSchema } }
  }, async (request) => vectorStores.fileContent(request.params.vector_store_id, request.params.file_id))

  /** POST /vector_stores/:vector_store_id/file_batches — add several files at once */
  app.post('/vector_stores/:vector_store_id/file_batches', {
    schema: { params: VectorStoreParamsSchema, body: CreateFileBatchBodySchema, response: { 200: VectorStoreFileBatchSchema } }
  }, async (request, reply) => vectorStores.presentBatch(hint(reply, vectorStores.createBatch(request.params.vector_store_id, request.body))))

  /** GET /vector_stores/:vector_store_id/file_batches/:batch_id — retrieve a batch */
  app.get('/vector_stores/:vector_store_id/file_batches/:batch_id', {
    schema: { params: FileBatchParamsSchema, response: { 200: VectorStoreFileBatchSchema } }
  }, async (request, reply) => vectorStores.presentBatch(hint(reply, vectorStores.getBatch(request.params.vector_store_id, request.params.batch_id))))

  /** POST /vector_stores/:vector_store_id/file_batches/:batch_id/cancel — cancel a batch still in progress */
  app.post('/vector_stores/:vector_store_id/file_batches/:batch_id/cancel', {
    schema: { params: FileBatchParamsSchema, response: { 200: VectorStoreFileBatchSchema } }
  }, async (request) => vectorStores.presentBatch(vectorStores.cancelBatch(request.params.vector_store_id, request.params.batch_id)))

  /** GET /vector_stores/:vector_store_id/file_batches/:batch_id/files — list a batch's files, optionally by status */
  app.get('/vector_stores/:vector_store_id/file_batches/:batch_id/files', {
    schema: { params: FileBatchParamsSchema, querystring: ListVectorStoreFilesQuerySchema, response: { 200: listSchema(VectorStoreFileSchema) } }
  }, async (request) => mapPage(
    paginate(vectorStores.listBatchFiles(request.params.vector_store_id, request.params.batch_id, request.query.filter), request.query),
    record => vectorStores.presentFile(record, request.apiVersion)))
}

export default vectorStoreRoutes
