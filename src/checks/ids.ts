/**
 * The form of every id a request names, in its path and in its body, checked before anything is looked up, in
 * the service's order: first its characters (letters, digits, `_` and `-` only), then the prefix each kind of
 * object's ids begin with. Each problem is the ApiError the service answers (src/errors.ts); the first one found
 * is thrown.
 */
import type { RequestApiVersion } from '../api-versions.js'
import { Errors } from '../errors.js'

/** Each path parameter's id prefix; `file_id` depends on the flavour (see `filePrefixes`). */
const PATH_PREFIXES: Readonly<Record<string, string>> = {
  thread_id: 'thread',
  run_id: 'run',
  message_id: 'msg',
  step_id: 'step',
  assistant_id: 'asst',
  vector_store_id: 'vs',
  batch_id: 'vsfb',
  conversation_id: 'conv_'
}

/**
 * File ids: OpenAI's are `file-…`; Azure's Assistants uploads are `assistant-…`, and its other uploads
 * (fine-tuning, batch) `file-…`, so Azure takes both; so do Foundry Agents, whose uploads are `assistant-…` too.
 * The error names the flavour's own prefix (a guess for Azure and Agents).
 */
function filePrefixes (flavour: RequestApiVersion['flavour']): readonly string[] {
  return flavour === 'openai' ? ['file'] : ['assistant', 'file']
}

/** The characters an id may have: OpenAI refuses any other before it looks at the prefix (BerriAI/litellm#34788). */
const ID_CHARACTERS = /^[A-Za-z0-9_-]*$/

function checkId (param: string, value: unknown, prefixes: readonly string[]): void {
  if (typeof value !== 'string') return // the schema has answered for types already
  if (!ID_CHARACTERS.test(value)) throw Errors.invalidIdCharacters(param, value)
  if (!prefixes.some(prefix => value.startsWith(prefix))) throw Errors.invalidIdPrefix(param, value, prefixes[0]!)
}

/** An id that may only hold letters, numbers, underscores and dashes (ProjectTech4DevAI/kaapi-backend#317). */
function checkIdCharacters (param: string, value: unknown): void {
  if (typeof value === 'string' && !/^[A-Za-z0-9_-]+$/.test(value)) throw Errors.invalidIdCharacters(param, value)
}

/** Checks every id in the route's path parameters, in path order. */
export function checkPathIds (params: unknown, apiVersion: RequestApiVersion): void {
  if (typeof params !== 'object' || params === null) return
  for (const [name, value] of Object.entries(params)) {
    if (name === 'file_id') checkId(name, value, filePrefixes(apiVersion.flavour))
    else if (PATH_PREFIXES[name] !== undefined) checkId(name, value, [PATH_PREFIXES[name]])
  }
}

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value)

/** Body fields holding ids, by key wherever they appear in the body; arrays are checked item by item. */
const BODY_ID_KEYS: Readonly<Record<string, 'file' | string>> = {
  assistant_id: 'asst',
  file_id: 'file',
  file_ids: 'file',
  vector_store_ids: 'vs',
  tool_call_id: 'call'
}

function walkBodyIds (value: unknown, path: string, files: readonly string[]): void {
  if (Array.isArray(value)) {
    value.forEach((item, index) => walkBodyIds(item, `${path}[${index}]`, files))
    return
  }
  if (!isObject(value)) return
  for (const [key, item] of Object.entries(value)) {
    const at = path === '' ? key : `${path}.${key}`
    const kind = BODY_ID_KEYS[key]
    // metadata and function schemas are the client's own data: keys there are not fields of the API.
    if (key === 'metadata' || key === 'parameters' || key === 'schema' || key === 'attributes') continue
    if (key === 'conversation' && path === '') {
      // A response's conversation: its id, or `{id}` (SGLang's docs quote OpenAI's 'conv_' text).
      if (isObject(item)) checkId(`${at}.id`, item.id, ['conv_'])
      else checkId(at, item, ['conv_'])
    } else if (key === 'previous_response_id' && path === '') {
      checkIdCharacters(at, item)
    } else if (kind !== undefined) {
      const prefixes = kind === 'file' ? files : [kind]
      if (Array.isArray(item)) item.forEach((id, index) => checkId(`${at}[${index}]`, id, prefixes))
      else checkId(at, item, prefixes)
    } else {
      walkBodyIds(item, at, files)
    }
  }
}

/**
 * Checks the ids a (validated) body refers to: `assistant_id`, `file_id(s)`, `vector_store_ids`, `tool_call_id`,
 * and a response's `conversation` and `previous_response_id`.
 */
export function checkBodyIds (body: unknown, apiVersion: RequestApiVersion): void {
  walkBodyIds(body, '', filePrefixes(apiVersion.flavour))
}
