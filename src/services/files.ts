/**
 * Files: upload (bytes kept in memory), list, lookup, deletion, download — and the one check every body that
 * names files or vector stores goes through, `assertReferencesExist`.
 */
import type { Generation } from '../api-versions.js'
import type { Flavour } from '../plugins/azure-gate.js'
import { toUnixSeconds } from '../clock.js'
import { Errors } from '../errors.js'
import { newFileId } from '../ids.js'
import type { AssistantFile, FileObject, MessageFile } from '../schemas/file.js'
import { InlineVectorStoresSchema } from '../schemas/vector-store.js'
import type { AssistantRecord, FileRecord, MessageRecord } from '../store/records.js'
import type { Store } from '../store/store.js'
import { validate } from '../validation.js'
import type { ServiceContext } from './context.js'

export interface Upload {
  readonly filename: string
  readonly purpose: string
  readonly content: Buffer
  readonly flavour: Flavour
}

/**
 * Azure's `OpenAIFile`. From 2024-05-01-preview on it carries `status`: uploads are usable at once, so that is
 * always `processed` (Azure's `FileState`); `status_details` only explains failures, so it is left out (the
 * spec's field is an optional, non-null string). 2024-02-15-preview's object has neither.
 */
export function presentFile (record: FileRecord, generation: Generation): FileObject {
  const file: FileObject = {
    object: 'file',
    id: record.id,
    purpose: record.purpose,
    filename: record.filename,
    bytes: record.bytes,
    created_at: toUnixSeconds(record.createdAt)
  }
  return generation === 'v1' ? file : { ...file, status: 'processed' }
}

export function createFileService ({ store, clock }: Pick<ServiceContext, 'store' | 'clock'>) {
  function get (id: string): FileRecord {
    const record = store.files.get(id)
    if (!record) throw Errors.notFound('file', id)
    return record
  }

  return {
    upload ({ filename, purpose, content, flavour }: Upload): FileRecord {
      const record: FileRecord = {
        id: newFileId(flavour),
        createdAt: clock.now(),
        filename,
        purpose,
        bytes: content.length,
        content
      }
      store.files.put(record)
      return record
    },

    /** Every file, oldest first, only those with `purpose` when it is given. */
    list (purpose?: string): readonly FileRecord[] {
      const files = store.files.list()
      return purpose === undefined ? files : files.filter(file => file.purpose === purpose)
    },

    get,

    /**
     * Removes the file and its bytes. Vector stores keep their copy of what they need (their file entries
     * stay until removed from the store), as assistants and messages keep the ids they were given.
     */
    delete (id: string): { id: string, object: 'file', deleted: true } {
      get(id)
      store.files.delete(id)
      return { id, object: 'file', deleted: true }
    }
  }
}
export type FileService = ReturnType<typeof createFileService>

// ---------------------------------------------------------------------------------------------------------
// References

type Json = Record<string, unknown>

const isObject = (value: unknown): value is Json => typeof value === 'object' && value !== null && !Array.isArray(value)
const strings = (value: unknown): string[] => Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : []

const join = (path: string, key: string | number): string =>
  typeof key === 'number' ? `${path}[${key}]` : path === '' ? key : `${path}.${key}`

export interface ReferenceCheckOptions {
  /**
   * Whether `tool_resources.file_search.vector_stores` (build a vector store inline) may appear: it may on
   * assistant and thread creation, not on modification, where it is an unknown parameter.
   */
  readonly inlineVectorStores?: boolean
}

/** The missing ones among `ids`, in order, each once. */
function missingFiles (store: Store, ids: readonly string[]): string[] {
  return [...new Set(ids.filter(id => store.files.get(id) === undefined))]
}

/**
 * Checks that every file and vector store a request body names exists, and throws the service's error for
 * the first that does not. It knows every place those ids appear in assistant, thread, message and run bodies
 * of both generations, wherever they are nested (`thread.messages[0].attachments[0].file_id` in
 * create-thread-and-run, `additional_messages[…]` in create-run):
 * - `file_ids` (v1 assistants, messages and runs; `tool_resources.code_interpreter.file_ids`;
 *   `tool_resources.file_search.vector_stores[].file_ids`) → 404 `Files [<ids>] were not found`;
 * - `attachments[].file_id` (v2 messages) → the same;
 * - `tool_resources.file_search.vector_store_ids` → 404 `No vector store found with id '<id>'.`;
 * each with `param` naming the field. Call it after body validation and before anything is stored.
 * `file_search.vector_stores` is validated here too (its schema is open in the specs), and at most one
 * vector store may be attached, whether by id or inline.
 */
export function assertReferencesExist (store: Store, body: unknown, options: ReferenceCheckOptions = {}): void {
  walk(store, body, '', options.inlineVectorStores ?? true)
}

function walk (store: Store, value: unknown, path: string, inline: boolean): void {
  if (Array.isArray(value)) {
    value.forEach((item, index) => walk(store, item, join(path, index), inline))
    return
  }
  if (!isObject(value)) return
  for (const [key, child] of Object.entries(value)) {
    const childPath = join(path, key)
    switch (key) {
      case 'metadata':
      case 'tools':
      case 'content':
      case 'response_format':
      case 'tool_choice':
      case 'truncation_strategy':
        break // free-form (a JSON schema may name anything) or never a reference
      case 'file_ids': {
        const missing = missingFiles(store, strings(child))
        if (missing.length > 0) throw Errors.filesNotFound(missing, childPath)
        break
      }
      case 'attachments':
        if (Array.isArray(child)) {
          child.forEach((attachment, index) => {
            const fileId = isObject(attachment) ? attachment.file_id : undefined
            if (typeof fileId === 'string' && store.files.get(fileId) === undefined) {
              throw Errors.filesNotFound([fileId], `${join(childPath, index)}.file_id`)
            }
          })
        }
        break
      case 'file_search':
        if (isObject(child)) checkFileSearch(store, child, childPath, inline)
        break
      default:
        walk(store, child, childPath, inline)
    }
  }
}

function checkFileSearch (store: Store, fileSearch: Json, path: string, inline: boolean): void {
  // The shared schema leaves `file_search` open; OpenAI answers anything else as unknown (openai-python#1983).
  const unknown = Object.keys(fileSearch).find(key => key !== 'vector_store_ids' && key !== 'vector_stores')
  if (unknown !== undefined) throw Errors.unknownParameter(`${path}.${unknown}`)
  const inlineStores = fileSearch.vector_stores
  if (inlineStores !== undefined) {
    if (!inline) throw Errors.unknownParameter(`${path}.vector_stores`)
    validate(InlineVectorStoresSchema, inlineStores, { generation: 'v2' }, `${path}.vector_stores`)
  }
  const ids = strings(fileSearch.vector_store_ids)
  const attached = ids.length + (Array.isArray(inlineStores) ? inlineStores.length : 0)
  if (attached > 1) throw Errors.arrayTooLong(`${path}.vector_store_ids`, 1, attached)
  for (const id of ids) {
    if (store.vectorStores.get(id) === undefined) throw Errors.vectorStoreReferenceNotFound(id, `${path}.vector_store_ids`)
  }
  if (Array.isArray(inlineStores)) walk(store, inlineStores, `${path}.vector_stores`, inline)
}

// ---------------------------------------------------------------------------------------------------------
// v1 sub-resources: assistant files and message files

/** An assistant may have at most this many files (v1 `file_ids` maxItems). */
export const MAX_ASSISTANT_FILES = 20

export interface V1FileServiceDeps {
  /** The message, after settling its thread; throws for an unknown thread or message. */
  getMessage (threadId: string, messageId: string): MessageRecord
}

export function createV1FileService ({ store, clock }: Pick<ServiceContext, 'store' | 'clock'>, { getMessage }: V1FileServiceDeps) {
  function getAssistant (id: string): AssistantRecord {
    const record = store.assistants.get(id)
    if (!record) throw Errors.notFound('assistant', id)
    return record
  }

  function assistantFile (assistant: AssistantRecord, fileId: string): AssistantFile {
    const attachedAt = assistant.fileAttachedAt?.[fileId] ?? assistant.createdAt
    return { id: fileId, object: 'assistant.file', created_at: toUnixSeconds(attachedAt), assistant_id: assistant.id }
  }

  function messageFile (message: MessageRecord, fileId: string): MessageFile {
    return { id: fileId, object: 'thread.message.file', created_at: toUnixSeconds(message.createdAt), message_id: message.id }
  }

  return {
    /** Adds the file to the assistant's `file_ids` (once; attaching it again returns the same object). */
    attach (assistantId: string, fileId: string): AssistantFile {
      const assistant = getAssistant(assistantId)
      if (store.files.get(fileId) === undefined) throw Errors.filesNotFound([fileId], 'file_id')
      if (assistant.fileIds.includes(fileId)) return assistantFile(assistant, fileId)
      if (assistant.fileIds.length >= MAX_ASSISTANT_FILES) throw Errors.tooManyAssistantFiles(MAX_ASSISTANT_FILES)
      const attached: AssistantRecord = {
        ...assistant,
        fileIds: [...assistant.fileIds, fileId],
        fileAttachedAt: { ...assistant.fileAttachedAt, [fileId]: clock.now() }
      }
      store.assistants.put(attached)
      return assistantFile(attached, fileId)
    },

    /** The assistant's files in the order they were attached (the order lists page over). */
    listAssistantFiles (assistantId: string): AssistantFile[] {
      const assistant = getAssistant(assistantId)
      return assistant.fileIds.map(fileId => assistantFile(assistant, fileId))
    },

    getAssistantFile (assistantId: string, fileId: string): AssistantFile {
      const assistant = getAssistant(assistantId)
      if (!assistant.fileIds.includes(fileId)) throw Errors.notFound('file', fileId)
      return assistantFile(assistant, fileId)
    },

    /** Removes the file from the assistant's `file_ids`; the uploaded file stays. */
    detach (assistantId: string, fileId: string): { id: string, object: 'assistant.file.deleted', deleted: true } {
      const assistant = getAssistant(assistantId)
      if (!assistant.fileIds.includes(fileId)) throw Errors.notFound('file', fileId)
      const { [fileId]: _removed, ...attachedAt } = assistant.fileAttachedAt ?? {}
      store.assistants.put({ ...assistant, fileIds: assistant.fileIds.filter(id => id !== fileId), fileAttachedAt: attachedAt })
      return { id: fileId, object: 'assistant.file.deleted', deleted: true }
    },

    listMessageFiles (threadId: string, messageId: string): MessageFile[] {
      const message = getMessage(threadId, messageId)
      return message.fileIds.map(fileId => messageFile(message, fileId))
    },

    getMessageFile (threadId: string, messageId: string, fileId: string): MessageFile {
      const message = getMessage(threadId, messageId)
      if (!message.fileIds.includes(fileId)) throw Errors.notFound('file', fileId)
      return messageFile(message, fileId)
    }
  }
}
export type V1FileService = ReturnType<typeof createV1FileService>
