/**
 * What the service checks after a request's shape is valid and before anything is looked up:
 * - the form of every id, in the path and in the body (the prefix each kind of object's ids begin with);
 * - tool definitions: a function's `parameters` must be an object schema, and `strict: true` schemas (and
 *   `response_format` `json_schema` with `strict: true`) must follow the structured-outputs rules;
 * - the `retrieval` tool on Azure's v1 api-versions, which Azure refuses with its own text.
 * Each problem is the ApiError the service answers (src/errors.ts); the first one found is thrown.
 */
import { Errors } from './errors.js'
import type { RequestApiVersion } from './plugins/azure-gate.js'

/** Each path parameter's id prefix; `file_id` depends on the flavour (see `filePrefixes`). */
const PATH_PREFIXES: Readonly<Record<string, string>> = {
  thread_id: 'thread',
  run_id: 'run',
  message_id: 'msg',
  step_id: 'step',
  assistant_id: 'asst',
  vector_store_id: 'vs',
  batch_id: 'vsfb'
}

/**
 * File ids: OpenAI's are `file-…`; Azure's Assistants uploads are `assistant-…`, and its other uploads
 * (fine-tuning, batch) `file-…`, so Azure takes both; so do Foundry Agents, whose uploads are `assistant-…` too.
 * The error names the flavour's own prefix (a guess for Azure and Agents).
 */
function filePrefixes (flavour: RequestApiVersion['flavour']): readonly string[] {
  return flavour === 'openai' ? ['file'] : ['assistant', 'file']
}

function checkId (param: string, value: unknown, prefixes: readonly string[]): void {
  if (typeof value !== 'string') return // the schema has answered for types already
  if (!prefixes.some(prefix => value.startsWith(prefix))) throw Errors.invalidIdPrefix(param, value, prefixes[0]!)
}

/** Checks every id in the route's path parameters, in path order. */
export function checkPathIds (params: unknown, apiVersion: RequestApiVersion): void {
  if (typeof params !== 'object' || params === null) return
  for (const [name, value] of Object.entries(params)) {
    if (name === 'file_id') checkId(name, value, filePrefixes(apiVersion.flavour))
    else if (PATH_PREFIXES[name] !== undefined) checkId(name, value, [PATH_PREFIXES[name]])
  }
}

type Json = Record<string, unknown>
const isObject = (value: unknown): value is Json => typeof value === 'object' && value !== null && !Array.isArray(value)

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
    if (kind !== undefined) {
      const prefixes = kind === 'file' ? files : [kind]
      if (Array.isArray(item)) item.forEach((id, index) => checkId(`${at}[${index}]`, id, prefixes))
      else checkId(at, item, prefixes)
    } else {
      walkBodyIds(item, at, files)
    }
  }
}

/** Checks the ids a (validated) body refers to: `assistant_id`, `file_id(s)`, `vector_store_ids`, `tool_call_id`. */
export function checkBodyIds (body: unknown, apiVersion: RequestApiVersion): void {
  walkBodyIds(body, '', filePrefixes(apiVersion.flavour))
}

/** Python's repr of a tuple of strings, as the service prints schema contexts: (), ('a',), ('a', 'b'). */
function context (path: readonly string[]): string {
  if (path.length === 0) return '()'
  const items = path.map(p => `'${p}'`)
  return items.length === 1 ? `(${items[0]},)` : `(${items.join(', ')})`
}

function typeName (schema: Json): string {
  const type = schema.type
  if (type === undefined) return 'None'
  return Array.isArray(type) ? type.join(', ') : String(type)
}

/**
 * The structured-outputs rules for a strict schema, depth first: every object schema with `properties` must
 * say `additionalProperties: false` and list every property in `required`. Returns the first problem.
 */
function strictProblem (schema: unknown, path: string[]): string | undefined {
  if (!isObject(schema)) return undefined
  const isObjectSchema = schema.type === 'object' || (Array.isArray(schema.type) && schema.type.includes('object')) ||
    isObject(schema.properties)
  if (isObjectSchema) {
    if (schema.additionalProperties !== false) {
      return `In context=${context(path)}, 'additionalProperties' is required to be supplied and to be false.`
    }
    const keys = isObject(schema.properties) ? Object.keys(schema.properties) : []
    const required = Array.isArray(schema.required) ? schema.required : []
    const missing = keys.filter(key => !required.includes(key))
    if (missing.length > 0) {
      return `In context=${context(path)}, 'required' is required to be supplied and to be an array including every key in ` +
        `properties. Missing '${missing[0]!}'.`
    }
    for (const key of keys) {
      const problem = strictProblem((schema.properties as Json)[key], [...path, 'properties', key])
      if (problem !== undefined) return problem
    }
  }
  if (schema.items !== undefined) {
    const problem = strictProblem(schema.items, [...path, 'items'])
    if (problem !== undefined) return problem
  }
  for (const keyword of ['anyOf', 'allOf', 'oneOf'] as const) {
    const members = schema[keyword]
    if (!Array.isArray(members)) continue
    for (let i = 0; i < members.length; i++) {
      const problem = strictProblem(members[i], [...path, keyword, String(i)])
      if (problem !== undefined) return problem
    }
  }
  for (const keyword of ['$defs', 'definitions'] as const) {
    const defs = schema[keyword]
    if (!isObject(defs)) continue
    for (const [name, def] of Object.entries(defs)) {
      const problem = strictProblem(def, [...path, keyword, name])
      if (problem !== undefined) return problem
    }
  }
  return undefined
}

/** The root must be an object schema; then, when strict, the structured-outputs rules. */
function schemaProblem (schema: Json, strict: boolean): string | undefined {
  if (schema.type !== 'object') {
    return `schema must be a JSON Schema of 'type: "object"', got 'type: "${typeName(schema)}"'.`
  }
  return strict ? strictProblem(schema, []) : undefined
}

/**
 * Checks a (validated) body's `tools` and `response_format` for the request's api-version: function parameter
 * schemas, strict schemas, and `retrieval` on Azure's v1 api-versions.
 */
export function checkToolDefinitions (body: unknown, apiVersion: RequestApiVersion): void {
  if (!isObject(body)) return
  const tools = Array.isArray(body.tools) ? body.tools : []
  tools.forEach((tool, index) => {
    if (!isObject(tool)) return
    if (tool.type === 'retrieval' && apiVersion.flavour === 'azure') throw Errors.retrievalRetired(`tools[${index}].type`)
    if (tool.type !== 'function' || !isObject(tool.function)) return
    const fn = tool.function
    if (fn.parameters === undefined) return
    const problem = schemaProblem(fn.parameters as Json, fn.strict === true)
    if (problem !== undefined) {
      throw Errors.invalidSchema(`function '${String(fn.name)}'`, problem, `tools[${index}].function.parameters`, 'invalid_function_parameters')
    }
  })
  const format = body.response_format
  if (isObject(format) && format.type === 'json_schema' && isObject(format.json_schema)) {
    const jsonSchema = format.json_schema
    if (jsonSchema.schema === undefined) return
    const problem = schemaProblem(jsonSchema.schema as Json, jsonSchema.strict === true)
    if (problem !== undefined) {
      throw Errors.invalidSchema(`response_format '${String(jsonSchema.name)}'`, problem, 'response_format', 'invalid_json_schema')
    }
  }
}
