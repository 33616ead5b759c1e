/**
 * Deterministic sample values for a JSON Schema: the arguments of forced function calls and the replies of
 * runs with a `json_schema` response format. Covers the JSON Schema that function definitions use in
 * practice (types, properties/required, items, enum/const, anyOf/oneOf/allOf, min/max, formats, $ref to
 * $defs/definitions); the same schema always gives the same value.
 */
type Schema = Record<string, unknown>

const MAX_DEPTH = 8

function resolveRef (ref: string, root: Schema): Schema | undefined {
  const match = /^#\/(\$defs|definitions)\/(.+)$/.exec(ref)
  if (!match) return undefined
  const group = root[match[1]!] as Record<string, Schema> | undefined
  return group?.[decodeURIComponent(match[2]!)]
}

function sampleString (schema: Schema): string {
  switch (schema.format) {
    case 'date-time': return '2024-01-01T00:00:00Z'
    case 'date': return '2024-01-01'
    case 'time': return '00:00:00'
    case 'email': return 'user@example.com'
    case 'uri':
    case 'url': return 'https://example.com'
    case 'uuid': return '00000000-0000-4000-8000-000000000000'
  }
  const min = typeof schema.minLength === 'number' ? schema.minLength : 0
  const max = typeof schema.maxLength === 'number' ? schema.maxLength : Infinity
  const base = 'example'
  const text = base.length >= min ? base : base.padEnd(min, 'x')
  return text.slice(0, Math.max(0, max))
}

function sampleNumber (schema: Schema, integer: boolean): number {
  const min = typeof schema.minimum === 'number' ? schema.minimum : typeof schema.exclusiveMinimum === 'number' ? schema.exclusiveMinimum + (integer ? 1 : 0.5) : undefined
  const max = typeof schema.maximum === 'number' ? schema.maximum : typeof schema.exclusiveMaximum === 'number' ? schema.exclusiveMaximum - (integer ? 1 : 0.5) : undefined
  let value = min ?? (max !== undefined && max < 1 ? max : 1)
  if (integer) value = Math.ceil(value)
  return value
}

function typeOf (schema: Schema): string | undefined {
  if (Array.isArray(schema.type)) return (schema.type as string[]).find(t => t !== 'null') ?? 'null'
  if (typeof schema.type === 'string') return schema.type
  if (schema.properties) return 'object'
  if (schema.items) return 'array'
  return undefined
}

function sample (schema: Schema, root: Schema, depth: number): unknown {
  if (depth > MAX_DEPTH) return null
  if (typeof schema.$ref === 'string') {
    const target = resolveRef(schema.$ref, root)
    return target ? sample(target, root, depth + 1) : null
  }
  if ('const' in schema) return schema.const
  if (Array.isArray(schema.enum) && schema.enum.length > 0) return schema.enum[0]
  if ('default' in schema) return schema.default
  for (const key of ['anyOf', 'oneOf'] as const) {
    const options = schema[key]
    if (Array.isArray(options) && options.length > 0) {
      const nonNull = (options as Schema[]).find(o => o.type !== 'null') ?? options[0]
      return sample(nonNull as Schema, root, depth + 1)
    }
  }
  if (Array.isArray(schema.allOf)) {
    const merged = (schema.allOf as Schema[]).reduce<Schema>((all, part) => ({
      ...all,
      ...part,
      properties: { ...(all.properties as Schema), ...(part.properties as Schema) },
      required: [...((all.required as string[]) ?? []), ...((part.required as string[]) ?? [])]
    }), {})
    return sample(merged, root, depth + 1)
  }
  switch (typeOf(schema)) {
    case 'object': {
      const properties = (schema.properties ?? {}) as Record<string, Schema>
      const result: Record<string, unknown> = {}
      for (const [key, property] of Object.entries(properties)) result[key] = sample(property, root, depth + 1)
      return result
    }
    case 'array': {
      const min = typeof schema.minItems === 'number' ? schema.minItems : 1
      const max = typeof schema.maxItems === 'number' ? schema.maxItems : Infinity
      const count = Math.min(Math.max(min, 1), max)
      const items = (schema.items ?? {}) as Schema
      return Array.from({ length: count }, () => sample(items, root, depth + 1))
    }
    case 'string': return sampleString(schema)
    case 'integer': return sampleNumber(schema, true)
    case 'number': return sampleNumber(schema, false)
    case 'boolean': return true
    case 'null': return null
    default: return {}
  }
}

/** A value that validates against `schema` (an empty schema gives `{}`). */
export function sampleFromSchema (schema: unknown): unknown {
  if (typeof schema !== 'object' || schema === null) return {}
  return sample(schema as Schema, schema as Schema, 0)
}
