/**
 * Tool definitions and response formats, checked after a request's shape is valid: a function's `parameters`
 * must be an object schema, and `strict: true` schemas (and `response_format` `json_schema` with
 * `strict: true`, or a Responses `text.format`) must follow the structured-outputs rules; the `retrieval` tool on Azure's v1 api-versions is
 * refused with Azure's own text. Each problem is the ApiError the service answers (src/errors.ts).
 */
import type { RequestApiVersion } from '../api-versions.js'
import { Errors } from '../errors.js'

type Json = Record<string, unknown>
const isObject = (value: unknown): value is Json => typeof value === 'object' && value !== null && !Array.isArray(value)

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
    if (tool.type === 'function' && tool.function === undefined && isObject(tool.parameters)) {
      // A Responses function tool: flat, its schema strict only when `strict: true` is sent.
      const problem = schemaProblem(tool.parameters, tool.strict === true)
      if (problem !== undefined) {
        throw Errors.invalidSchema(`function '${String(tool.name)}'`, problem, `tools[${index}].parameters`, 'invalid_function_parameters')
      }
      return
    }
    if (tool.type !== 'function' || !isObject(tool.function)) return
    const fn = tool.function
    if (fn.parameters === undefined) return
    const problem = schemaProblem(fn.parameters as Json, fn.strict === true)
    if (problem !== undefined) {
      throw Errors.invalidSchema(`function '${String(fn.name)}'`, problem, `tools[${index}].function.parameters`, 'invalid_function_parameters')
    }
  })
  const text = body.text
  if (isObject(text) && isObject(text.format) && text.format.type === 'json_schema' && isObject(text.format.schema)) {
    // A Responses `text.format`: flat, like its tools.
    const problem = schemaProblem(text.format.schema, text.format.strict === true)
    if (problem !== undefined) throw Errors.invalidSchema(`response_format '${String(text.format.name)}'`, problem, 'text.format.schema', 'invalid_json_schema')
  }
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
