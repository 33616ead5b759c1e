/**
 * The last check of a request body before anything is stored: every file and vector store it names must
 * exist in the tenant's store (the service's 404s, naming the field). See `assertReferencesExist`.
 */
import { Errors } from '../errors.js'
import type { FileRecord } from '../store/records.js'
import { assertRetrievable } from './file-types.js'
import { InlineVectorStoresSchema } from '../schemas/vector-store.js'
import type { Store } from '../store/store.js'
import { validate } from './schema.js'

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
 * - files that would go into a vector store (inline `vector_stores[].file_ids`, attachments for file_search) and
 *   that file_search cannot read → 400 `unsupported_file` (file-types.ts);
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
        if (Array.isArray(child)) checkAttachments(store, child, childPath)
        break
      case 'file_search':
        if (isObject(child)) checkFileSearch(store, child, childPath, inline)
        break
      default:
        walk(store, child, childPath, inline)
    }
  }
}

/** Every attachment's file must exist; then those for file_search must be files it can read (checks/file-types.ts). */
function checkAttachments (store: Store, attachments: readonly unknown[], path: string): void {
  const forFileSearch: FileRecord[] = []
  attachments.forEach((attachment, index) => {
    if (!isObject(attachment) || typeof attachment.file_id !== 'string') return
    const file = store.files.get(attachment.file_id)
    if (file === undefined) throw Errors.filesNotFound([attachment.file_id], `${join(path, index)}.file_id`)
    const tools = Array.isArray(attachment.tools) ? attachment.tools : []
    if (tools.some(tool => isObject(tool) && tool.type === 'file_search')) forFileSearch.push(file)
  })
  assertRetrievable(forFileSearch)
}

/** The inline vector stores' files exist (the walk), and file_search can read them. */
function checkInlineStoreFiles (store: Store, inlineStores: unknown, path: string, inline: boolean): void {
  if (!Array.isArray(inlineStores)) return
  walk(store, inlineStores, path, inline)
  const ids = inlineStores.flatMap(entry => isObject(entry) ? strings(entry.file_ids) : [])
  assertRetrievable([...new Set(ids)].map(id => store.files.get(id)!))
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
  checkInlineStoreFiles(store, inlineStores, `${path}.vector_stores`, inline)
}
