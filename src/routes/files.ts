/**
 * File routes: multipart upload, list, retrieve, delete and content download.
 *
 * Only this plugin parses `multipart/form-data` (@fastify/multipart is registered in its scope), so every
 * other route keeps refusing it as an unsupported content type. Every way an upload can be malformed
 * answers a 400 in the OpenAI envelope, a file over `maxUploadBytes` a 413; never Fastify's own bodies.
 */
import multipart from '@fastify/multipart'
import contentDisposition from 'content-disposition'
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import type { FastifyRequest } from 'fastify'
import { ApiError, Errors } from '../errors.js'
import {
  ALL_PURPOSES, FileDeletedSchema, FileListSchema, FileParamsSchema, FileSchema, ListFilesQuerySchema, UPLOAD_PURPOSES
} from '../schemas/file.js'
import { presentFile } from '../presenters/file.js'
import type { Upload } from '../services/files.js'

/** Form fields other than the file are short: a purpose, perhaps a filename. */
const MAX_FIELD_BYTES = 64 * 1024

interface ParsedUpload {
  purpose: string | undefined
  filename: string | undefined
  file: { filename: string, content: Buffer } | undefined
}

/** Reads every part of the form; throws the ApiError for a form that is not one, or a file over the limit. */
async function readForm (request: FastifyRequest, maxUploadBytes: number): Promise<ParsedUpload> {
  const form: ParsedUpload = { purpose: undefined, filename: undefined, file: undefined }
  try {
    const parts = request.parts({ limits: { fileSize: maxUploadBytes, files: 1, fields: 10, fieldSize: MAX_FIELD_BYTES } })
    for await (const part of parts) {
      if (part.type === 'file') {
        const content = await part.toBuffer()
        if (part.fieldname !== 'file') throw Errors.unknownParameter(part.fieldname)
        form.file = { filename: part.filename, content }
      } else if (part.fieldname === 'purpose' || part.fieldname === 'filename') {
        if (part.valueTruncated) throw Errors.invalidUpload(`Invalid '${part.fieldname}': value too long.`, part.fieldname)
        form[part.fieldname] = String(part.value)
      } else {
        throw Errors.unknownParameter(part.fieldname)
      }
    }
  } catch (err) {
    if (err instanceof ApiError) throw err
    const code = (err as { code?: string }).code
    if (code === 'FST_REQ_FILE_TOO_LARGE') throw Errors.fileTooLarge(maxUploadBytes)
    if (code === 'FST_FILES_LIMIT') throw Errors.invalidUpload('Only one file can be uploaded per request.', 'file')
    if (code === 'FST_FIELDS_LIMIT' || code === 'FST_PARTS_LIMIT') throw Errors.invalidUpload('The form has too many fields.')
    throw Errors.invalidUpload(`The multipart/form-data body could not be parsed: ${(err as Error).message}.`)
  }
  return form
}

const fileRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const { maxUploadBytes } = app.runtime.config

  // Parses lazily: the handler reads the parts (see readForm), so nothing here can fail with Fastify's body.
  await app.register(multipart, { limits: { fileSize: maxUploadBytes } })

  /** POST /files — upload a file (multipart/form-data: `purpose`, `file`, optional `filename`) */
  app.post('/files', {
    schema: { response: { 200: FileSchema } }
  }, async (request) => {
    if (!request.isMultipart()) {
      const contentType = request.headers['content-type'] ?? 'none'
      throw Errors.invalidUpload(`Invalid Content-Type header (${contentType}): this endpoint expects ` +
        'multipart/form-data with the fields \'purpose\' and \'file\'.')
    }
    const form = await readForm(request, maxUploadBytes)
    if (form.purpose === undefined) throw Errors.missingParameter('purpose')
    const purposes = UPLOAD_PURPOSES[request.apiVersion.generation]
    if (!purposes.includes(form.purpose)) throw Errors.invalidValue('purpose', form.purpose, purposes)
    if (form.file === undefined) throw Errors.missingParameter('file')
    const upload: Upload = {
      filename: form.filename ?? form.file.filename,
      purpose: form.purpose,
      content: form.file.content,
      flavour: request.apiVersion.flavour
    }
    return presentFile(request.tenant.services.files.upload(upload), request.apiVersion.generation)
  })

  /** GET /files — every file (newest first), optionally only those with one `purpose`; Azure's list has no cursors */
  app.get('/files', {
    schema: { querystring: ListFilesQuerySchema, response: { 200: FileListSchema } }
  }, async (request) => {
    const { purpose } = request.query
    if (purpose !== undefined) {
      const purposes = ALL_PURPOSES[request.apiVersion.generation]
      if (!purposes.includes(purpose)) throw Errors.invalidValue('purpose', purpose, purposes)
    }
    return { object: 'list' as const, data: [...request.tenant.services.files.list(purpose)].reverse().map(file => presentFile(file, request.apiVersion.generation)) }
  })

  /** GET /files/:file_id — retrieve a file's description */
  app.get('/files/:file_id', {
    schema: { params: FileParamsSchema, response: { 200: FileSchema } }
  }, async (request) => presentFile(request.tenant.services.files.get(request.params.file_id), request.apiVersion.generation))

  /** DELETE /files/:file_id — delete a file */
  app.delete('/files/:file_id', {
    schema: { params: FileParamsSchema, response: { 200: FileDeletedSchema } }
  }, async (request) => request.tenant.services.files.delete(request.params.file_id))

  /** GET /files/:file_id/content — the bytes as uploaded */
  app.get('/files/:file_id/content', {
    schema: { params: FileParamsSchema }
  }, async (request, reply) => {
    const record = request.tenant.services.files.get(request.params.file_id)
    return reply.type('application/octet-stream')
      // RFC 6266/8187: any filename (emoji, quotes, control characters) becomes a valid header value.
      .header('content-disposition', contentDisposition(record.filename))
      .send(record.content)
  })
}

export default fileRoutes
