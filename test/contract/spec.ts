/**
 * The official API documents in spec/ (committed verbatim, provenance in spec/SOURCES.md), loaded as JSON Schema for ajv, and a validator that
 * checks one response body against the document of its flavour and api-version.
 *
 * - Azure (/openai): Swagger 2.0 — the 2024-02-15-preview document for v1 api-versions; for v2, the document
 *   of the api-version or the nearest older one (docFor: 2024-05-01-preview; 2024-07-01-preview for 07-01 and
 *   08-01; 2024-09-01-preview for 09-01 and every later version, which have no TypeSpec document).
 *   OpenAI (/v1): OpenAPI 3.0, the 2024-06-20 document (Assistants v2 era).
 * - Conversion: `x-nullable` (Swagger) and `nullable` (OpenAPI 3.0) become `anyOf [schema, null]`;
 *   Swagger's string `discriminator` + `x-ms-discriminator-value` become if/then dispatch to the derived
 *   definitions; OpenAPI 3.0's boolean `exclusiveMinimum` becomes the numeric form.
 * - Objects are closed: an object schema with `properties` gets `unevaluatedProperties: false`, so a field
 *   the document does not declare is an error ("responses carry exactly the fields of the generation").
 *   Schemas with `additionalProperties` (maps such as `metadata`) and schemas without `properties` stay open.
 * - Where the published documents are wrong, exceptions.ts patches them, each patch with its reason;
 *   the validator itself is never loosened.
 */
import { createHash } from 'node:crypto'
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs'
import { Ajv2020, type ErrorObject, type ValidateFunction } from 'ajv/dist/2020.js'
import addFormatsModule from 'ajv-formats'
import YAML from 'yaml'
import { compareApiVersions } from '../../src/api-versions.js'
import { DOCUMENT_PATCHES, ERROR_BODY_SCHEMAS, BORROWED_OPERATIONS, type RawSchema } from './exceptions.js'

// ajv-formats is CommonJS: its default export arrives wrapped under ESM.
const addFormats = ((addFormatsModule as unknown as { default?: unknown }).default ?? addFormatsModule) as
  (ajv: Ajv2020) => Ajv2020

const SPEC_DIR = new URL('../../spec/', import.meta.url)

export type DocId = 'azure-2024-02-15-preview' | 'azure-2024-05-01-preview' | 'azure-2024-07-01-preview' |
  'azure-2024-09-01-preview' | 'openai-2024-06-20' | 'openai-current' | 'foundry-v1' | 'agents-v1'
export type Flavour = 'azure' | 'openai' | 'agents' | 'azure-v1' | 'foundry'
export type Generation = 'v1' | 'v2'

const FILES: Record<DocId, string> = {
  'azure-2024-02-15-preview': 'azure-assistants-2024-02-15-preview.json',
  'azure-2024-05-01-preview': 'azure-assistants-2024-05-01-preview.json',
  'azure-2024-07-01-preview': 'azure-assistants-2024-07-01-preview.json',
  'azure-2024-09-01-preview': 'azure-assistants-2024-09-01-preview.json',
  'openai-2024-06-20': 'openai-openapi-2024-06-20.yaml',
  /**
   * OpenAI's current document (3 MB): the Responses and Conversations paths on every door, and the operations
   * borrowed from it (vector-store search and file content); loaded when first needed.
   */
  'openai-current': 'openai-openapi.yaml',
  /**
   * A Foundry project's OpenAI v1 API (`/api/projects/{project}/openai/v1`): OpenAI's current document with
   * Foundry's additions from its TypeSpec (spec/foundry-tsp/, patched in exceptions.ts).
   */
  'foundry-v1': 'openai-openapi.yaml',
  // Azure AI Foundry Agents (`/api/projects/{project}`), Azure.AI.Agents stable/v1 (Swagger 2.0, TypeSpec output)
  'agents-v1': 'azure-ai-agents-v1.json'
}

/** The documents requests are checked against directly (docFor); `openai-current` only lends operations. */
export const DOC_IDS: readonly DocId[] = ['azure-2024-02-15-preview', 'azure-2024-05-01-preview', 'azure-2024-07-01-preview',
  'azure-2024-09-01-preview', 'openai-2024-06-20', 'agents-v1']

/** The Azure v2 documents, each with the first api-version it describes (ascending). */
const AZURE_V2_DOCS: ReadonlyArray<{ doc: DocId, since: string }> = [
  { doc: 'azure-2024-05-01-preview', since: '2024-05-01-preview' },
  { doc: 'azure-2024-07-01-preview', since: '2024-07-01-preview' },
  { doc: 'azure-2024-09-01-preview', since: '2024-09-01-preview' }
]
const added = new Set<DocId>()

/** Adds a lending document's schemas to the validator the first time it is needed. */
function ensureDocument (id: DocId): void {
  const validator = getAjv()
  if (DOC_IDS.includes(id) || added.has(id)) return
  validator.addSchema(convertDocument(id))
  added.add(id)
}

/**
 * The document a request is checked against. Azure v2: the document of `apiVersion` or of the nearest older
 * version that has one (2024-08-01-preview → 2024-07-01-preview; 2024-10-01-preview and later →
 * 2024-09-01-preview, the newest TypeSpec Assistants document); without `apiVersion`, 2024-05-01-preview.
 */
export function docFor (flavour: Flavour, generation: Generation, apiVersion?: string, path = ''): DocId {
  if (RESPONSES_PATH.test(path)) return flavour === 'foundry' ? 'foundry-v1' : 'openai-current'
  if (flavour === 'openai' || flavour === 'azure-v1' || flavour === 'foundry') return 'openai-2024-06-20'
  if (flavour === 'agents') return 'agents-v1'
  if (generation === 'v1') return 'azure-2024-02-15-preview'
  if (apiVersion === undefined) return 'azure-2024-05-01-preview'
  const nearest = AZURE_V2_DOCS.filter(d => compareApiVersions(d.since, apiVersion) <= 0).at(-1)
  return (nearest ?? AZURE_V2_DOCS[0]!).doc
}

/** The OpenAI document covers every OpenAI API; these are the Assistants ones this emulator is about. */
const OPENAI_ASSISTANTS_PATH = /^\/(assistants|threads|files|vector_stores)(\/|$)/
/** The Responses API's paths (checked against OpenAI's current document). */
const RESPONSES_PATH = /^\/(responses|conversations)(\/|$)/

const HTTP_METHODS = ['get', 'post', 'put', 'patch', 'delete'] as const

interface RawDoc {
  paths: Record<string, Record<string, { responses?: Record<string, { schema?: RawSchema, content?: Record<string, { schema?: RawSchema }> }> }>>
  definitions?: Record<string, RawSchema>
  components?: { schemas?: Record<string, RawSchema> }
}

const raw = new Map<DocId, RawDoc>()

/** The document as published (parsed, not converted), patched by exceptions.ts. Cached. */
export function loadDocument (id: DocId): RawDoc {
  let doc = raw.get(id)
  if (doc) return doc
  const text = readFileSync(new URL(FILES[id], SPEC_DIR), 'utf8')
  doc = (FILES[id].endsWith('.yaml') ? parseYaml(text) : JSON.parse(text)) as RawDoc
  const definitions = definitionsOf(doc)
  for (const patch of DOCUMENT_PATCHES) {
    if (patch.docs.includes(id)) patch.apply(definitions, { id, raw: doc })
  }
  raw.set(id, doc)
  return doc
}

/** Where parsed YAML documents are kept as JSON between test processes (parsing the 3 MB YAML takes seconds). */
const PARSE_CACHE = new URL('../../node_modules/.cache/aoai-emulator-spec/', import.meta.url)

/**
 * A YAML document parsed, through a JSON copy kept by the text's hash: the same object, in a fraction of the time
 * once one test process has made it. The 2024-06-20 OpenAI file redefines the anchor `run_temperature_description`;
 * `yaml` keeps the last one.
 */
function parseYaml (text: string): unknown {
  const cached = new URL(`${createHash('sha256').update(text).digest('hex')}.json`, PARSE_CACHE)
  try {
    return JSON.parse(readFileSync(cached, 'utf8'))
  } catch {}
  const parsed: unknown = YAML.parse(text, { uniqueKeys: false, maxAliasCount: -1 })
  try {
    mkdirSync(PARSE_CACHE, { recursive: true })
    const temporary = new URL(`${cached.pathname.split('/').at(-1)}.${process.pid}.tmp`, PARSE_CACHE)
    writeFileSync(temporary, JSON.stringify(parsed))
    renameSync(temporary, cached)
  } catch {}
  return parsed
}

function definitionsOf (doc: RawDoc): Record<string, RawSchema> {
  if (doc.definitions) return doc.definitions
  doc.components ??= {}
  doc.components.schemas ??= {}
  return doc.components.schemas
}

/** Every (method, path template) an Assistants document declares. */
export function operationsOf (id: DocId): Array<{ method: string, path: string }> {
  const doc = loadDocument(id)
  const result: Array<{ method: string, path: string }> = []
  for (const [path, item] of Object.entries(doc.paths)) {
    if (id === 'openai-current' || id === 'foundry-v1') {
      // The `?beta=true` twins of the response routes: no SDK method calls them (responses-wire.md §2).
      if (!RESPONSES_PATH.test(path) || path.includes('?')) continue
    } else if (id.startsWith('openai') && !OPENAI_ASSISTANTS_PATH.test(path)) continue
    for (const method of HTTP_METHODS) if (item[method]) result.push({ method: method.toUpperCase(), path })
  }
  return result
}

// ---------------------------------------------------------------------------------------------------------
// Conversion to JSON Schema 2020-12

const schemaId = (id: DocId) => `urn:aoai-spec:${id}`
/** A definition that does not close itself (for use inside allOf, where the composite closes). */
const OPEN_SUFFIX = '__open'
/** A discriminated base's own fields, without dispatch: what its derived definitions build on. */
const FIELDS_SUFFIX = '__fields'
const DROPPED = new Set(['discriminator', 'x-ms-discriminator-value', 'example', 'x-nullable', 'nullable', 'xml', 'externalDocs'])

function refName (ref: string): string {
  return ref.replace(/^#\/(definitions|components\/schemas)\//, '')
}

interface Converter {
  id: DocId
  /** Discriminated bases: name → [discriminator property, [value, derived definition name][]]. */
  bases: Map<string, { property: string, derived: Array<[string, string]> }>
}

interface ConvertOptions {
  open?: boolean
  inAllOf?: boolean
  /** Set while converting a derived definition's own allOf: its base is referenced without dispatch. */
  derivedFrom?: string
}

function convert (schema: RawSchema, c: Converter, options: ConvertOptions = {}): RawSchema {
  if (typeof schema !== 'object' || schema === null) return schema
  if (Array.isArray(schema)) return schema.map(item => convert(item as RawSchema, c)) as unknown as RawSchema
  const out: RawSchema = {}
  for (const [key, value] of Object.entries(schema)) {
    if (DROPPED.has(key) || key.startsWith('x-') || key === '$recursiveAnchor') continue
    if (key === '$recursiveRef') {
      // Draft 2019-09 recursion (OpenAI's current CompoundFilter): Ajv2020 has no such keyword; any object.
      out.type = 'object'
    } else if (key === 'required' && Array.isArray(value)) {
      out.required = [...new Set(value)] // OpenAI's current ContainerResource lists a property twice
    } else if (key === '$ref' && typeof value === 'string') {
      // Inside allOf the referenced object must not close itself: the composite closes over all members.
      const name = refName(value)
      const suffix = options.inAllOf !== true ? '' : name === options.derivedFrom ? FIELDS_SUFFIX : OPEN_SUFFIX
      out.$ref = `${schemaId(c.id)}#/$defs/${name}${suffix}`
    } else if (key === 'properties' || key === 'patternProperties') {
      out[key] = Object.fromEntries(Object.entries(value as Record<string, RawSchema>).map(([k, v]) => [k, convert(v, c)]))
    } else if (key === 'allOf') {
      const derivedFrom = typeof schema['x-ms-discriminator-value'] === 'string' ? options.derivedFrom : undefined
      out.allOf = (value as RawSchema[]).map(member => convert(member, c, { inAllOf: true, derivedFrom }))
    } else if (key === 'exclusiveMinimum' || key === 'exclusiveMaximum') {
      if (value === true) {
        const bound = key === 'exclusiveMinimum' ? 'minimum' : 'maximum'
        out[key] = schema[bound]
      } else if (typeof value === 'number') {
        out[key] = value
      }
    } else if (key === 'type' && value === 'file') {
      // Swagger's file type: not JSON; nothing to check
    } else if (typeof value === 'object' && value !== null) {
      out[key] = convert(value as RawSchema, c)
    } else {
      out[key] = value
    }
  }
  if (schema.exclusiveMinimum === true) delete out.minimum
  if (schema.exclusiveMaximum === true) delete out.maximum
  const isObject = out.properties !== undefined || out.allOf !== undefined
  if (isObject && options.open !== true && options.inAllOf !== true && out.additionalProperties === undefined &&
    out.patternProperties === undefined) {
    out.unevaluatedProperties = false
  }
  return isNullable(schema) ? { anyOf: [out, { type: 'null' }] } : out
}

function isNullable (schema: RawSchema): boolean {
  return schema['x-nullable'] === true || schema.nullable === true
}

/** Swagger 2.0 polymorphism: which definitions derive from which discriminated base, under which value. */
function findBases (definitions: Record<string, RawSchema>): Converter['bases'] {
  const bases: Converter['bases'] = new Map()
  for (const [name, def] of Object.entries(definitions)) {
    if (typeof def.discriminator === 'string') bases.set(name, { property: def.discriminator, derived: [] })
  }
  for (const [name, def] of Object.entries(definitions)) {
    const value = def['x-ms-discriminator-value']
    if (typeof value !== 'string') continue
    for (const member of (def.allOf as RawSchema[] | undefined) ?? []) {
      const base = typeof member.$ref === 'string' ? bases.get(refName(member.$ref)) : undefined
      base?.derived.push([value, name])
    }
  }
  return bases
}

function convertDocument (id: DocId): RawSchema {
  const definitions = definitionsOf(loadDocument(id))
  const c: Converter = { id, bases: findBases(definitions) }
  const defs: Record<string, RawSchema> = {}
  const derivedFrom = new Map<string, string>()
  for (const [baseName, base] of c.bases) for (const [, derived] of base.derived) derivedFrom.set(derived, baseName)
  for (const [name, def] of Object.entries(definitions)) {
    const options = { derivedFrom: derivedFrom.get(name) }
    const base = c.bases.get(name)
    if (base === undefined || base.derived.length === 0) {
      defs[name + OPEN_SUFFIX] = convert(def, c, { ...options, open: true })
      defs[name] = convert(def, c, options)
      continue
    }
    // A discriminated base: check the base's own fields, then dispatch on the discriminator to the derived one.
    defs[name + FIELDS_SUFFIX] = convert(def, c, { open: true })
    const dispatch = {
      $ref: `${schemaId(id)}#/$defs/${name}${FIELDS_SUFFIX}`,
      allOf: base.derived.map(([value, derived]) => ({
        if: { properties: { [base.property]: { const: value } }, required: [base.property] },
        then: { $ref: `${schemaId(id)}#/$defs/${derived}${OPEN_SUFFIX}` }
      }))
    }
    defs[name + OPEN_SUFFIX] = dispatch
    defs[name] = { ...dispatch, unevaluatedProperties: false }
  }
  return { $id: schemaId(id), $defs: defs }
}

// ---------------------------------------------------------------------------------------------------------
// Validation

let ajv: Ajv2020 | undefined
const compiled = new Map<string, ValidateFunction>()

function getAjv (): Ajv2020 {
  if (ajv) return ajv
  ajv = new Ajv2020({ strict: false, allErrors: true })
  addFormats(ajv)
  // Swagger formats without a JSON Schema meaning: unixtime is an integer count of seconds.
  ajv.addFormat('unixtime', { type: 'number', validate: (n: number) => Number.isInteger(n) && n >= 0 })
  for (const id of DOC_IDS) ajv.addSchema(convertDocument(id))
  for (const [name, schema] of Object.entries(ERROR_BODY_SCHEMAS)) ajv.addSchema({ ...schema, $id: `urn:aoai-errors:${name}` })
  return ajv
}

function compile (key: string, schema: () => RawSchema): ValidateFunction {
  let fn = compiled.get(key)
  if (!fn) {
    fn = getAjv().compile(schema())
    compiled.set(key, fn)
  }
  return fn
}

/** Turns a path template into a matcher; literal segments beat parameters (`/threads/runs` vs `/threads/{id}`). */
function matchTemplate (templates: string[], path: string): string | undefined {
  const segments = path.split('/').filter(s => s !== '')
  let best: { template: string, literals: number } | undefined
  for (const template of templates) {
    const parts = template.split('/').filter(s => s !== '')
    if (parts.length !== segments.length) continue
    let literals = 0
    let ok = true
    for (let i = 0; i < parts.length; i++) {
      if (/^\{.+\}$/.test(parts[i]!)) continue
      if (parts[i] !== segments[i]) { ok = false; break }
      literals++
    }
    if (ok && (!best || literals > best.literals)) best = { template, literals }
  }
  return best?.template
}

/** The template of `path` that `method` is declared on in document `id`, if any. */
export function findOperation (id: DocId, method: string, path: string): string | undefined {
  const doc = loadDocument(id)
  const m = method.toLowerCase()
  return matchTemplate(Object.keys(doc.paths).filter(t => doc.paths[t]![m] !== undefined), path)
}

function successSchema (id: DocId, template: string, method: string, status: number): RawSchema | undefined {
  const responses = loadDocument(id).paths[template]?.[method.toLowerCase()]?.responses ?? {}
  const response = responses[String(status)] ?? responses.default
  if (!response) return undefined
  return response.schema ?? response.content?.['application/json']?.schema
}

export interface ResponseToCheck {
  flavour: Flavour
  /** The request's generation; for Azure requests that never reached a route (gate errors), any. */
  generation: Generation
  /** The Azure api-version the request was served as (picks the v2 document); absent: 2024-05-01-preview. */
  apiVersion?: string
  method: string
  /** The request path below the flavour's prefix, without query string (e.g. `/threads/thread_1/runs`). */
  path: string
  status: number
  body: unknown
}

export type CheckResult =
  | { ok: true, doc: DocId | 'error-envelope', template: string }
  | { ok: false, doc: DocId | 'error-envelope', template: string | undefined, errors: string[] }

function describe (errors: ErrorObject[] | null | undefined): string[] {
  return (errors ?? []).map(e => {
    const extra = e.keyword === 'unevaluatedProperties'
      ? ` '${String((e.params as { unevaluatedProperty?: string }).unevaluatedProperty)}'`
      : e.keyword === 'enum' ? ` ${JSON.stringify((e.params as { allowedValues?: unknown }).allowedValues)}` : ''
    return `${e.instancePath === '' ? '(body)' : e.instancePath} ${e.message ?? e.keyword}${extra} [${e.schemaPath}]`
  })
}

/** The document schema of a stream event `type` (a member of `ResponseStreamEvent`), or undefined. */
function streamEventSchema (id: DocId, type: unknown): string | undefined {
  const schemas = definitionsOf(loadDocument(id))
  const members = (schemas.ResponseStreamEvent?.anyOf ?? []) as RawSchema[]
  return members.map(member => refName(String(member.$ref))).find(name => {
    const enumeration = schemas[name]?.properties?.type?.enum
    return Array.isArray(enumeration) && enumeration[0] === type
  })
}

/**
 * Checks one event of a response stream (its parsed `data`) against the document's event schema for its `type`
 * (OA-SPEC `ResponseStreamEvent`), closed like every response body.
 */
export function checkStreamEvent (flavour: Flavour, event: unknown): CheckResult {
  const id: DocId = flavour === 'foundry' ? 'foundry-v1' : 'openai-current'
  const type = (event as { type?: unknown } | null)?.type
  const name = streamEventSchema(id, type)
  if (name === undefined) return { ok: false, doc: id, template: undefined, errors: [`${String(type)} is no event type of ${id}`] }
  ensureDocument(id)
  const fn = compile(`${id} event ${name}`, () => ({ $ref: `${schemaId(id)}#/$defs/${name}` }))
  return fn(event) ? { ok: true, doc: id, template: name } : { ok: false, doc: id, template: name, errors: describe(fn.errors) }
}

/** Checks one response body. Error statuses are checked against the envelopes of their flavour. */
export function checkResponse (response: ResponseToCheck): CheckResult {
  const { flavour, generation, apiVersion, method, path, status, body } = response
  if (status >= 400) {
    const name = flavour
    const fn = compile(`error:${name}`, () => ({ $ref: `urn:aoai-errors:${name}` }))
    return fn(body)
      ? { ok: true, doc: 'error-envelope', template: name }
      : { ok: false, doc: 'error-envelope', template: name, errors: describe(fn.errors) }
  }
  let id = docFor(flavour, generation, apiVersion, path)
  let template = findOperation(id, method, path)
  if (template === undefined) {
    // Operations the service has but the document lacks: checked against the document that has them.
    const borrowed = BORROWED_OPERATIONS.find(b => b.docs.includes(id) && b.method === method.toUpperCase() &&
      matchTemplate([b.path], path) !== undefined)
    if (borrowed) {
      id = borrowed.from
      template = findOperation(id, method, path)
    }
  }
  if (template === undefined) {
    return { ok: false, doc: id, template, errors: [`${method.toUpperCase()} ${path} is not an operation of ${id}`] }
  }
  const schema = successSchema(id, template, method, status)
  if (schema === undefined) {
    return { ok: false, doc: id, template, errors: [`${id} declares no ${status} response for ${method.toUpperCase()} ${template}`] }
  }
  ensureDocument(id)
  const c: Converter = { id, bases: new Map() }
  const fn = compile(`${id} ${method} ${template} ${status}`, () => convert(schema, c))
  return fn(body) ? { ok: true, doc: id, template } : { ok: false, doc: id, template, errors: describe(fn.errors) }
}
