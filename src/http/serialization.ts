/**
 * Response schemas as the serialiser compiles them. Route schemas say `Nullable(Type.Integer())`, i.e.
 * `anyOf: [{ type: 'integer' }, { type: 'null' }]`, and unions of string literals for statuses. For
 * `anyOf` the serialiser (fast-json-stringify) runs a schema validator on every value to pick the branch:
 * on a Run, a dozen validations per response. Where every branch is a bare JSON type (or a literal of
 * one) the same output comes from a type list, which it writes with a `typeof` check; an object or null
 * (`Nullable(Type.Object(…))`: a run's `usage`, `last_error`, `required_action`…) is the object schema with
 * `nullable: true`, which it writes with a null check. Without these, the first answer of a route compiled
 * schema validators for every union (hundreds of milliseconds of event loop for a Run under load: the first
 * run's stall, issue 20) and ran them on every answer.
 * Request validation (validation.ts) keeps the schemas as written; only the serialiser sees these copies.
 */
import fastJsonStringify from 'fast-json-stringify'

type JsonSchema = Record<string, unknown>

const isObject = (value: unknown): value is JsonSchema => typeof value === 'object' && value !== null && !Array.isArray(value)

const PRIMITIVES = new Set(['string', 'integer', 'number', 'boolean', 'null'])

/** Whether a union branch is `{ type: 'null' }` (with nothing else but a description). */
const isNullBranch = (branch: unknown): boolean => isObject(branch) && branch.type === 'null' &&
  Object.keys(branch).every(key => key === 'type' || key === 'description')

/** The JSON type a union branch stands for, when it is nothing but a type (or a literal of one). */
function bareType (branch: unknown): string | undefined {
  if (!isObject(branch) || typeof branch.type !== 'string' || !PRIMITIVES.has(branch.type)) return undefined
  const keys = Object.keys(branch).filter(key => key !== 'type' && key !== 'const' && key !== 'description')
  return keys.length === 0 ? branch.type : undefined
}

/** A copy of `schema` with primitive unions written as type lists (string keys only: TypeBox's symbols are dropped). */
function serializationSchema (schema: unknown): unknown {
  if (Array.isArray(schema)) return schema.map(serializationSchema)
  if (!isObject(schema)) return schema
  if (Array.isArray(schema.anyOf) && schema.anyOf.length > 0) {
    const types = schema.anyOf.map(bareType)
    if (types.every((type): type is string => type !== undefined)) {
      const unique = [...new Set(types)]
      return { type: unique.length === 1 ? unique[0] : unique }
    }
    const others = schema.anyOf.filter(branch => !isNullBranch(branch))
    const only = others[0]
    if (others.length === 1 && others.length < schema.anyOf.length && isObject(only) && only.type === 'object') {
      return { ...(serializationSchema(only) as JsonSchema), nullable: true }
    }
  }
  const copy: JsonSchema = {}
  for (const key of Object.keys(schema)) copy[key] = serializationSchema(schema[key])
  return copy
}

/**
 * Fastify's serializer compiler, made lazy: the returned serialiser compiles `serializationSchema(schema)` with
 * fast-json-stringify (what Fastify itself uses) when it is first called. Compiling every route's schemas at
 * start-up took about 200 ms of the emulator's cold start.
 */
export function lazySerializer ({ schema }: { schema: unknown }): (data: unknown) => string {
  let serialize: ((data: unknown) => string) | undefined
  return data => {
    serialize ??= fastJsonStringify(serializationSchema(schema) as Parameters<typeof fastJsonStringify>[0])
    return serialize(data)
  }
}
