/**
 * Request validation with the real service's error texts.
 *
 * Fastify's Ajv messages ("body must have required property …") are not what the OpenAI and Azure
 * validators say, and Ajv cannot know the request's api-version. So request schemas (TypeBox values,
 * i.e. plain JSON Schema) are walked here: fields and union members marked with `only(generation, …)`
 * exist only for that generation, unknown fields are rejected (never stripped), and the first problem
 * becomes one ApiError from the factory. Query strings may convert numeric strings first.
 */
import type { TSchema } from '@sinclair/typebox'
import { compareApiVersions, type Generation } from '../api-versions.js'
import { Errors, type ApiError } from '../errors.js'
import { GENERATION_KEY, MAX_KEY_LENGTH_KEY, SINCE_KEY } from '../schemas/common.js'

export interface ValidateOptions {
  /** The request's generation; members marked for the other generation do not exist. `any` keeps both. */
  generation: Generation | 'any'
  /** The Azure api-version, for fields marked `since(…)`; absent (OpenAI flavour, fixtures) means every field. */
  apiVersion?: string | undefined
  /** Query strings: turn '20' into 20 where an integer is expected. */
  convertStrings?: boolean
}

interface Schema {
  type?: string
  const?: unknown
  anyOf?: Schema[]
  properties?: Record<string, Schema>
  required?: string[]
  additionalProperties?: boolean | Schema
  patternProperties?: Record<string, Schema>
  items?: Schema
  maxItems?: number
  minItems?: number
  maxLength?: number
  minLength?: number
  pattern?: string
  maxProperties?: number
  minimum?: number
  maximum?: number
  [GENERATION_KEY]?: Generation
  [SINCE_KEY]?: string
  [MAX_KEY_LENGTH_KEY]?: number
}

/** Thrown inside the walk to unwind to `validate`, which throws the ApiError it carries. */
class Invalid {
  readonly apiError: ApiError
  constructor (apiError: ApiError) {
    this.apiError = apiError
  }
}

/**
 * How the service's validator names a JSON type it expected, by the schema's `type` (OpenAI's `invalid_type`
 * texts: "expected a decimal" for `temperature`, "an integer" for `n`, "a boolean" for `store`, "an object" for
 * `response_format`, captured in public request tables; "an array of strings" for
 * `tool_resources.file_search.vector_store_ids`, PipedreamHQ/pipedream#15397; "an array of objects" for `tools`
 * and `messages`). Inside a union an object is "object" and an array "array of …" without the article
 * ("one of a string or array of objects", the captured `messages[0].content` text).
 */
const TYPE_NAMES: Readonly<Record<string, string>> = {
  string: 'a string',
  integer: 'an integer',
  number: 'a decimal',
  boolean: 'a boolean',
  object: 'an object',
  array: 'an array'
}

/** The plural an array's items are named by ("an array of strings"). */
const ITEM_NOUNS: Readonly<Record<string, string>> = {
  string: 'strings',
  integer: 'integers',
  number: 'decimals',
  boolean: 'booleans',
  object: 'objects',
  array: 'arrays'
}

/** `'a'`, `'a' or 'b'`, `'a', 'b', or 'c'`: how the validator lists alternatives. */
function orList (items: readonly string[]): string {
  if (items.length <= 2) return items.join(' or ')
  return `${items.slice(0, -1).join(', ')}, or ${items.at(-1)}`
}

function join (path: string, key: string | number): string {
  if (typeof key === 'number') return `${path}[${key}]`
  return path === '' ? key : `${path}.${key}`
}

function exists (schema: Schema, options: ValidateOptions): boolean {
  if (options.generation === 'any') return true
  const only = schema[GENERATION_KEY]
  if (only !== undefined && only !== options.generation) return false
  const since = schema[SINCE_KEY]
  return since === undefined || options.apiVersion === undefined || compareApiVersions(options.apiVersion, since) >= 0
}

function matchesType (type: string, value: unknown): boolean {
  switch (type) {
    case 'string': return typeof value === 'string'
    case 'integer': return typeof value === 'number' && Number.isInteger(value)
    case 'number': return typeof value === 'number' && Number.isFinite(value)
    case 'boolean': return typeof value === 'boolean'
    case 'null': return value === null
    case 'array': return Array.isArray(value)
    case 'object': return typeof value === 'object' && value !== null && !Array.isArray(value)
    default: return true
  }
}

/** The JSON type a (non-union) member stands for: its `type`, or a literal's. */
const typeOf = (schema: Schema): string | undefined => schema.type ?? (typeof schema.const === 'string' ? 'string' : undefined)

/** What the items of an array schema are called: "strings", "objects" (a union of objects too), or undefined when mixed. */
function itemNoun (items: Schema | undefined, options: ValidateOptions): string | undefined {
  if (items === undefined) return undefined
  const types = new Set((items.anyOf ? membersOf(items, options) : [items]).map(typeOf).filter(t => t !== 'null'))
  if (types.size !== 1) return undefined
  return ITEM_NOUNS[[...types][0]!]
}

/** One member of a union as the validator names it: without the article for objects and arrays. */
function memberName (member: Schema, options: ValidateOptions): string {
  if (member.type === 'object') return 'object'
  if (member.type === 'array') {
    const noun = itemNoun(member.items, options)
    return noun === undefined ? 'array' : `array of ${noun}`
  }
  return TYPE_NAMES[member.type ?? ''] ?? 'a value'
}

/**
 * The type a schema documents, as the service's `invalid_type` message names it: "a string", "an integer", "a
 * decimal", "a boolean", "an object", "an array of strings"; a closed set of strings by its values ("one of
 * 'asc' or 'desc'"); a union by its members ("one of a string or array of objects", and with a set of strings
 * among them "one of one of 'none', 'auto', or 'required' or object"). `null` is never named: a nullable field
 * is named by its type (the service says "expected an integer" for the nullable `n`).
 */
function expectedOf (schema: Schema, options: ValidateOptions): string {
  const members = (schema.anyOf ? membersOf(schema, options) : [schema]).filter(m => m.type !== 'null')
  const literals = members.filter(m => m.const !== undefined).map(m => `'${String(m.const)}'`)
  const others = members.filter(m => m.const === undefined)
  const values = literals.length === 0 ? [] : [literals.length === 1 ? literals[0]! : `one of ${orList(literals)}`]
  if (others.length === 0) return values.length === 0 ? 'a value' : literals.length === 1 && !schema.anyOf ? TYPE_NAMES.string! : values[0]!
  if (values.length === 0 && new Set(others.map(m => m.type)).size === 1) {
    const only = others[0]!
    if (only.type === 'array') {
      const noun = itemNoun(only.items, options)
      return noun === undefined ? 'an array' : `an array of ${noun}`
    }
    return TYPE_NAMES[only.type ?? ''] ?? 'a value'
  }
  const names = [...new Set([...values, ...others.map(m => memberName(m, options))])]
  return names.length === 1 ? names[0]! : `one of ${orList(names)}`
}

function walk (schema: Schema, value: unknown, path: string, options: ValidateOptions): unknown {
  if (schema.anyOf) return walkUnion(schema, value, path, options)
  if (schema.const !== undefined) {
    if (value === schema.const) return value
    if (!matchesType(schema.type ?? '', value)) throw new Invalid(Errors.invalidType(path, expectedOf(schema, options), value))
    throw new Invalid(Errors.invalidValue(path, value, [String(schema.const)]))
  }
  if (options.convertStrings === true && typeof value === 'string' && (schema.type === 'integer' || schema.type === 'number') &&
    /^-?\d+(\.\d+)?$/.test(value)) {
    value = Number(value)
  }
  if (schema.type !== undefined && !matchesType(schema.type, value)) {
    throw new Invalid(Errors.invalidType(path, expectedOf(schema, options), value))
  }
  switch (schema.type) {
    case 'object': return walkObject(schema, value as Record<string, unknown>, path, options)
    case 'array': return walkArray(schema, value as unknown[], path, options)
    case 'string': {
      const text = value as string
      if (schema.maxLength !== undefined && text.length > schema.maxLength) throw new Invalid(Errors.stringTooLong(path, schema.maxLength, text.length))
      if (schema.minLength !== undefined && text.length < schema.minLength) throw new Invalid(Errors.stringTooShort(path, schema.minLength, text.length))
      if (schema.pattern !== undefined && !new RegExp(schema.pattern).test(text)) throw new Invalid(Errors.patternMismatch(path, schema.pattern))
      return value
    }
    case 'integer':
    case 'number': {
      const n = value as number
      if (schema.maximum !== undefined && n > schema.maximum) throw new Invalid(Errors.numberOutOfRange(path, 'maximum', schema.maximum, n))
      if (schema.minimum !== undefined && n < schema.minimum) throw new Invalid(Errors.numberOutOfRange(path, 'minimum', schema.minimum, n))
      return value
    }
    default: return value
  }
}

function walkObject (schema: Schema, value: Record<string, unknown>, path: string, options: ValidateOptions): unknown {
  const keys = Object.keys(value)
  const properties = schema.properties ?? {}
  const isKnown = (key: string): boolean => Object.hasOwn(properties, key) && exists(properties[key]!, options)
  const patternSchema = schema.patternProperties ? Object.values(schema.patternProperties)[0] : undefined
  const extraSchema = patternSchema ?? (typeof schema.additionalProperties === 'object' ? schema.additionalProperties : undefined)

  if (schema.additionalProperties === false) {
    const unknown = keys.find(key => !isKnown(key))
    if (unknown !== undefined) throw new Invalid(Errors.unknownParameter(join(path, unknown)))
  }
  for (const key of schema.required ?? []) {
    if (isKnown(key) && value[key] === undefined) throw new Invalid(Errors.missingParameter(join(path, key)))
  }
  if (schema.maxProperties !== undefined && keys.length > schema.maxProperties) {
    throw new Invalid(Errors.tooManyProperties(path, schema.maxProperties, keys.length))
  }
  const maxKey = schema[MAX_KEY_LENGTH_KEY]
  if (maxKey !== undefined) {
    const long = keys.find(key => key.length > maxKey)
    if (long !== undefined) throw new Invalid(Errors.propertyNameTooLong(path, long, maxKey))
  }
  const result: Record<string, unknown> = {}
  for (const key of keys) {
    const propertySchema = isKnown(key) ? properties[key]! : extraSchema
    // defineProperty, not assignment: a key named `__proto__` is stored as the data it is, never as a prototype.
    Object.defineProperty(result, key, {
      value: propertySchema ? walk(propertySchema, value[key], join(path, key), options) : value[key],
      enumerable: true,
      writable: true,
      configurable: true
    })
  }
  return result
}

function walkArray (schema: Schema, value: unknown[], path: string, options: ValidateOptions): unknown {
  if (schema.maxItems !== undefined && value.length > schema.maxItems) throw new Invalid(Errors.arrayTooLong(path, schema.maxItems, value.length))
  if (schema.minItems !== undefined && value.length < schema.minItems) {
    throw new Invalid(value.length === 0 ? Errors.emptyArray(path, schema.minItems) : Errors.arrayTooShort(path, schema.minItems, value.length))
  }
  const items = schema.items
  return items ? value.map((item, index) => walk(items, item, join(path, index), options)) : value
}

/** The `type` literals that tell the members of a tagged union apart (`type: 'a'` or `type: 'a' | 'b'`). */
function tagsOf (member: Schema): string[] | undefined {
  const type = member.properties?.type
  if (typeof type?.const === 'string') return [type.const]
  const literals = type?.anyOf?.map(m => m.const)
  return literals?.length && literals.every(l => typeof l === 'string') ? literals as string[] : undefined
}

/** A union's members for this request, with nested unions (e.g. `Nullable(Union)`) spread out. */
function membersOf (schema: Schema, options: ValidateOptions): Schema[] {
  return schema.anyOf!.filter(m => exists(m, options)).flatMap(m => m.anyOf && m.type === undefined ? membersOf(m, options) : [m])
}

function walkUnion (schema: Schema, value: unknown, path: string, options: ValidateOptions): unknown {
  const members = membersOf(schema, options)
  if (value === null && members.some(m => m.type === 'null')) return value
  const literals = members.filter(m => m.const !== undefined)
  if (literals.length > 0 && literals.some(m => m.const === value)) return value

  const objects = members.filter(m => m.type === 'object')
  const tags = objects.map(tagsOf)
  if (objects.length > 0 && tags.every(t => t !== undefined) && matchesType('object', value)) {
    const record = value as Record<string, unknown>
    const member = objects.find(m => tagsOf(m)!.includes(record.type as string))
    if (member) return walk(member, value, path, options)
    if (record.type === undefined) {
      // Members whose tag may be left out (a Responses input message is `{role, content}`) are tried as members.
      const untagged = objects.filter(m => !(m.required ?? []).includes('type'))
      if (untagged.length === 0) throw new Invalid(Errors.missingParameter(join(path, 'type')))
      return closestMember(untagged, value, path, options)
    }
    if (typeof record.type !== 'string') throw new Invalid(Errors.invalidType(join(path, 'type'), 'a string', record.type))
    throw new Invalid(Errors.invalidValue(join(path, 'type'), record.type, tags.flat() as string[]))
  }
  if (literals.length === members.length && typeof value === 'string') {
    throw new Invalid(Errors.invalidValue(path, value, literals.map(m => String(m.const))))
  }

  try {
    return closestMember(members, value, path, options)
  } catch (err) {
    if (!(err instanceof NoMemberFits)) throw err
  }
  if (literals.length > 0 && typeof value === 'string') {
    throw new Invalid(Errors.invalidValue(path, value, literals.map(m => String(m.const))))
  }
  throw new Invalid(Errors.invalidType(path, expectedOf(schema, options), value))
}

/** No member of a union is even of the value's JSON type. */
class NoMemberFits {}

/**
 * The value as the first member it fits, or the problem of the member closest to it, which explains a failure
 * best: one of the value's own JSON type and, among objects, the one that knows most of the value's keys (so
 * `{"fail": {…}}` is judged as a fail step). Throws NoMemberFits when no member is of the value's type.
 */
function closestMember (members: readonly Schema[], value: unknown, path: string, options: ValidateOptions): unknown {
  const closeness = (member: Schema): number => {
    if (member.const !== undefined || member.type === undefined || !matchesType(member.type, value)) return -1
    if (member.type !== 'object') return 0
    return Object.keys(value as object).filter(key => Object.hasOwn(member.properties ?? {}, key)).length
  }
  let best: { problem: Invalid, closeness: number } | undefined
  for (const member of members) {
    try {
      return walk(member, value, path, options)
    } catch (err) {
      if (!(err instanceof Invalid)) throw err
      const score = closeness(member)
      if (score >= 0 && (best === undefined || score > best.closeness)) best = { problem: err, closeness: score }
    }
  }
  if (best) throw best.problem
  throw new NoMemberFits()
}

/**
 * Checks `value` against `schema` for the request's generation and returns it (with query strings
 * converted); throws the ApiError the real service would answer for the first problem found.
 */
export function validate (schema: TSchema | object, value: unknown, options: ValidateOptions, root = ''): unknown {
  try {
    return walk(schema as unknown as Schema, value, root, options)
  } catch (err) {
    if (err instanceof Invalid) throw err.apiError
    throw err
  }
}
