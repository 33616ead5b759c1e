/**
 * Deterministic sample values for a JSON Schema: the arguments of forced function calls and the replies of
 * runs with a `json_schema` response format. Covers the JSON Schema that function definitions use in
 * practice (types, properties/required, items, enum/const, anyOf/oneOf/allOf, min/max, formats, $ref to
 * $defs/definitions); the same schema always gives the same value.
 *
 * The schema is the caller's, so the work is bounded whatever it asks: at most SAMPLE_BUDGET.values values
 * and SAMPLE_BUDGET.chars characters of output (about what a model writes before its output limit). A
 * schema whose smallest valid value is bigger than that (`minItems: 1000000`, `minLength: 600000000`, three
 * nested `minItems: 1000`, a `$ref` that requires itself) throws SampleTooLarge; the run then fails as the
 * service fails a run it cannot finish. The value is always valid: down to FULL_DEPTH levels every property
 * and at least one array item is written, deeper only what the schema requires (required properties,
 * `minItems` items, the `null` choice of an `anyOf`), so a recursive schema ends where its recursion is
 * optional, and nesting deeper than MAX_DEPTH is SampleTooLarge, never an invalid `null`. Only the schema's
 * own keys are read (never inherited ones: `{"__proto__": {"default": …}}` is a property named `__proto__`,
 * nothing more).
 */
type Schema = Record<string, unknown>

/** Levels written in full (every property, at least one item per array); deeper, only what is required. */
const FULL_DEPTH = 8
/** Deepest nesting sampled: a schema that needs more is refused (SampleTooLarge), well within the call stack. */
const MAX_DEPTH = 256

/** The most a sampled value may hold: values (each array item, property, scalar) and characters of JSON. */
export const SAMPLE_BUDGET = Object.freeze({ values: 10_000, chars: 64 * 1024 })

/** The smallest value the schema accepts is beyond SAMPLE_BUDGET. */
export class SampleTooLarge extends Error {
  constructor () {
    super('the schema asks for a value larger than the sampling budget')
    this.name = 'SampleTooLarge'
  }
}

/** `schema[key]` when the schema has it as its own property (inherited members never count). */
function own (schema: unknown, key: string): unknown {
  return typeof schema === 'object' && schema !== null && Object.hasOwn(schema, key) ? (schema as Schema)[key] : undefined
}

const isSchema = (value: unknown): value is Schema => typeof value === 'object' && value !== null && !Array.isArray(value)

interface Budget {
  values: number
  chars: number
}

/** JSON length of a literal taken from the schema (const, enum, default), measured once per object. */
const literalSizes = new WeakMap<object, number>()
function literalSize (value: unknown): number {
  if (typeof value !== 'object' || value === null) return JSON.stringify(value)?.length ?? 4
  let size = literalSizes.get(value)
  if (size === undefined) literalSizes.set(value, size = JSON.stringify(value)?.length ?? 4)
  return size
}

function spend (budget: Budget, chars: number): void {
  budget.values--
  budget.chars -= chars
  if (budget.values < 0 || budget.chars < 0) throw new SampleTooLarge()
}

function literal (value: unknown, budget: Budget): unknown {
  spend(budget, literalSize(value))
  return value
}

function resolveRef (ref: string, root: Schema): Schema | undefined {
  const match = /^#\/(\$defs|definitions)\/(.+)$/.exec(ref)
  if (!match) return undefined
  const target = own(own(root, match[1]!), decodeURIComponent(match[2]!))
  return isSchema(target) ? target : undefined
}

function sampleString (schema: Schema): string {
  switch (own(schema, 'format')) {
    case 'date-time': return '2024-01-01T00:00:00Z'
    case 'date': return '2024-01-01'
    case 'time': return '00:00:00'
    case 'email': return 'user@example.com'
    case 'uri':
    case 'url': return 'https://example.com'
    case 'uuid': return '00000000-0000-4000-8000-000000000000'
  }
  const minLength = own(schema, 'minLength')
  const maxLength = own(schema, 'maxLength')
  const min = typeof minLength === 'number' ? minLength : 0
  const max = typeof maxLength === 'number' ? maxLength : Infinity
  if (min > SAMPLE_BUDGET.chars) throw new SampleTooLarge()
  const base = 'example'
  const text = base.length >= min ? base : base.padEnd(min, 'x')
  return text.slice(0, Math.max(0, max))
}

function sampleNumber (schema: Schema, integer: boolean): number {
  const minimum = own(schema, 'minimum')
  const maximum = own(schema, 'maximum')
  const exclusiveMinimum = own(schema, 'exclusiveMinimum')
  const exclusiveMaximum = own(schema, 'exclusiveMaximum')
  const min = typeof minimum === 'number' ? minimum : typeof exclusiveMinimum === 'number' ? exclusiveMinimum + (integer ? 1 : 0.5) : undefined
  const max = typeof maximum === 'number' ? maximum : typeof exclusiveMaximum === 'number' ? exclusiveMaximum - (integer ? 1 : 0.5) : undefined
  let value = min ?? (max !== undefined && max < 1 ? max : 1)
  if (integer) value = Math.ceil(value)
  return value
}

/** The type to write: the first that is not null, or (`preferNull`, deep in a schema) null when it is allowed. */
function typeOf (schema: Schema, preferNull: boolean): string | undefined {
  const type = own(schema, 'type')
  if (Array.isArray(type)) return preferNull && type.includes('null') ? 'null' : (type.find(t => t !== 'null') as string | undefined) ?? 'null'
  if (typeof type === 'string') return type
  if (isSchema(own(schema, 'properties'))) return 'object'
  if (own(schema, 'items') !== undefined) return 'array'
  return undefined
}

/** allOf parts merged into one schema (later parts win, properties and required lists combined). */
function mergeAllOf (parts: readonly unknown[]): Schema {
  const merged: Schema = {}
  const properties: Schema = {}
  const required: unknown[] = []
  for (const part of parts) {
    if (!isSchema(part)) continue
    for (const key of Object.keys(part)) Object.defineProperty(merged, key, { value: part[key], enumerable: true, writable: true, configurable: true })
    const partProperties = own(part, 'properties')
    if (isSchema(partProperties)) {
      for (const key of Object.keys(partProperties)) Object.defineProperty(properties, key, { value: partProperties[key], enumerable: true, writable: true, configurable: true })
    }
    const partRequired = own(part, 'required')
    if (Array.isArray(partRequired)) for (const name of partRequired) required.push(name)
  }
  Object.defineProperty(merged, 'properties', { value: properties, enumerable: true, writable: true, configurable: true })
  Object.defineProperty(merged, 'required', { value: required, enumerable: true, writable: true, configurable: true })
  return merged
}

function sample (schema: Schema, root: Schema, depth: number, budget: Budget): unknown {
  if (depth > MAX_DEPTH) throw new SampleTooLarge()
  const minimal = depth > FULL_DEPTH
  const ref = own(schema, '$ref')
  if (typeof ref === 'string') {
    const target = resolveRef(ref, root)
    return target ? sample(target, root, depth + 1, budget) : literal(null, budget)
  }
  if (Object.hasOwn(schema, 'const')) return literal(schema.const, budget)
  const choices = own(schema, 'enum')
  if (Array.isArray(choices) && choices.length > 0) return literal(choices[0], budget)
  if (Object.hasOwn(schema, 'default')) return literal(schema.default, budget)
  for (const key of ['anyOf', 'oneOf'] as const) {
    const options = own(schema, key)
    if (Array.isArray(options) && options.length > 0) {
      // In full: the first choice that is not null; deeper, the null choice when there is one (it ends a recursion).
      const nullChoice = minimal ? options.find(o => isSchema(o) && own(o, 'type') === 'null') : undefined
      const choice = nullChoice ?? options.find(o => isSchema(o) && own(o, 'type') !== 'null') ?? options[0]
      return isSchema(choice) ? sample(choice, root, depth + 1, budget) : literal(null, budget)
    }
  }
  const allOf = own(schema, 'allOf')
  if (Array.isArray(allOf)) return sample(mergeAllOf(allOf), root, depth + 1, budget)
  switch (typeOf(schema, minimal)) {
    case 'object': {
      spend(budget, 2)
      const properties = own(schema, 'properties')
      const result: Record<string, unknown> = {}
      if (!isSchema(properties)) return result
      const required = own(schema, 'required')
      const requiredNames = new Set(Array.isArray(required) ? required.filter(name => typeof name === 'string') : [])
      for (const key of Object.keys(properties)) {
        if (minimal && !requiredNames.has(key)) continue
        const property = properties[key]
        spend(budget, key.length + 4)
        // defineProperty: a property named `__proto__` is data like any other.
        Object.defineProperty(result, key, {
          value: isSchema(property) ? sample(property, root, depth + 1, budget) : literal({}, budget),
          enumerable: true,
          writable: true,
          configurable: true
        })
      }
      return result
    }
    case 'array': {
      const minItems = own(schema, 'minItems')
      const maxItems = own(schema, 'maxItems')
      const min = typeof minItems === 'number' ? minItems : 1
      const max = typeof maxItems === 'number' ? maxItems : Infinity
      const count = Math.min(minimal ? min : Math.max(min, 1), max)
      spend(budget, 2)
      if (!(count <= budget.values)) throw new SampleTooLarge()
      const items = own(schema, 'items')
      const result: unknown[] = []
      for (let i = 0; i < count; i++) {
        spend(budget, 1)
        result.push(isSchema(items) ? sample(items, root, depth + 1, budget) : literal({}, budget))
      }
      return result
    }
    case 'string': {
      const text = sampleString(schema)
      spend(budget, text.length + 2)
      return text
    }
    case 'integer': return literal(sampleNumber(schema, true), budget)
    case 'number': return literal(sampleNumber(schema, false), budget)
    case 'boolean': return literal(true, budget)
    case 'null': return literal(null, budget)
    default: return literal({}, budget)
  }
}

/**
 * A value that validates against `schema` (an empty schema gives `{}`), within SAMPLE_BUDGET.
 * @throws SampleTooLarge when the smallest value the schema accepts does not fit the budget.
 */
export function sampleFromSchema (schema: unknown): unknown {
  if (!isSchema(schema)) return {}
  return sample(schema, schema, 0, { ...SAMPLE_BUDGET })
}
