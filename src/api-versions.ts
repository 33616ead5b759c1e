/**
 * The one table of Azure OpenAI data-plane api-versions the emulator knows.
 *
 * `generation` says which Assistants shapes a version speaks: `v1` (file_ids, retrieval) or `v2`
 * (tool_resources, file_search, run controls). `null` marks a real Azure OpenAI version that has no
 * Assistants API: Azure answers those with 404 "Resource not found", just as for a missing api-version.
 * Anything not in this table is no Azure OpenAI version at all: 400 "API version not supported".
 */
export type Generation = 'v1' | 'v2'

/**
 * The api-version a request is served with, set by its front door's gate (src/gates/): the flavour (the name of
 * the door, api-surface.ts `Flavour`), the version whose shapes are served (`openai` for the OpenAI flavour,
 * which has none; `v1` for the v1 doors) and its generation (`v2` on every door but Azure's dated v1 versions).
 */
export interface RequestApiVersion {
  readonly flavour: 'azure' | 'openai' | 'agents' | 'azure-v1' | 'foundry'
  readonly version: string
  readonly generation: Generation
}

export interface ApiVersionInfo {
  readonly version: string
  readonly generation: Generation | null
}

const table: ReadonlyArray<readonly [string, Generation | null]> = [
  ['2022-12-01', null],
  ['2023-03-15-preview', null],
  ['2023-05-15', null],
  ['2023-06-01-preview', null],
  ['2023-07-01-preview', null],
  ['2023-08-01-preview', null],
  ['2023-09-01-preview', null],
  ['2023-10-01-preview', null],
  ['2023-12-01-preview', null],
  ['2024-02-01', null],
  ['2024-02-15-preview', 'v1'],
  ['2024-03-01-preview', 'v1'],
  ['2024-04-01-preview', 'v1'],
  ['2024-05-01-preview', 'v2'],
  ['2024-06-01', null],
  ['2024-07-01-preview', 'v2'],
  ['2024-08-01-preview', 'v2'],
  ['2024-09-01-preview', 'v2'],
  ['2024-10-01-preview', 'v2'],
  ['2024-10-21', null],
  ['2024-12-01-preview', 'v2'],
  ['2025-01-01-preview', 'v2'],
  ['2025-02-01-preview', 'v2'],
  ['2025-03-01-preview', 'v2'],
  ['2025-04-01-preview', 'v2']
]

export const API_VERSIONS: ReadonlyMap<string, ApiVersionInfo> = new Map(
  table.map(([version, generation]) => [version, Object.freeze({ version, generation })])
)

/**
 * How the Azure gate treats `api-version` values (`--api-version-check`):
 * - `strict`: Azure's own answers — missing or pre-Assistants → 404, not in the table → 400;
 * - `lenient`: a well-formed date version that is not in the table is served as the nearest older
 *   Assistants version (with a warning); the table's own entries and malformed values stay strict;
 * - `off`: everything is served; values that are not an Assistants version get the newest one's shapes.
 */
export const API_VERSION_CHECKS = ['strict', 'lenient', 'off'] as const
export type ApiVersionCheck = typeof API_VERSION_CHECKS[number]

/** The request's api-version as resolved by a check mode. */
export type ApiVersionResolution =
  | { readonly outcome: 'served', readonly version: string, readonly generation: Generation, readonly substitutedFrom?: string }
  | { readonly outcome: 'not-found' }
  | { readonly outcome: 'not-supported' }

const ASSISTANTS_VERSIONS = table.filter(([, generation]) => generation !== null) as ReadonlyArray<readonly [string, Generation]>

/** The oldest and newest api-versions that carry the Assistants API. */
export const FIRST_ASSISTANTS_VERSION = ASSISTANTS_VERSIONS[0]![0]
export const NEWEST_ASSISTANTS_VERSION = ASSISTANTS_VERSIONS.at(-1)![0]

/** A well-formed dated api-version, `YYYY-MM-DD` or `YYYY-MM-DD-preview` (what the lenient modes accept). */
export const WELL_FORMED_API_VERSION = /^(\d{4})-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])(-preview)?$/

/**
 * Order of two api-versions: by date, and a preview before the GA version of the same date
 * (2024-10-01-preview < 2024-10-01).
 */
export function compareApiVersions (a: string, b: string): number {
  const date = (v: string) => v.slice(0, 10)
  if (date(a) !== date(b)) return date(a) < date(b) ? -1 : 1
  const preview = (v: string) => v.endsWith('-preview') ? 0 : 1
  return preview(a) - preview(b)
}

function served (version: string, generation: Generation, substitutedFrom?: string): ApiVersionResolution {
  return substitutedFrom === undefined
    ? { outcome: 'served', version, generation }
    : { outcome: 'served', version, generation, substitutedFrom }
}

/** Resolves a request's `api-version` query value under a check mode. Pure; the gate maps outcomes to errors. */
export function resolveApiVersion (value: unknown, mode: ApiVersionCheck): ApiVersionResolution {
  const text = typeof value === 'string' ? value : undefined
  const known = text === undefined ? undefined : API_VERSIONS.get(text)
  if (known?.generation) return served(known.version, known.generation)

  if (mode === 'off') {
    const newest = API_VERSIONS.get(NEWEST_ASSISTANTS_VERSION)!
    return served(newest.version, newest.generation!, text ?? '')
  }
  if (text === undefined || text === '' || known) return { outcome: 'not-found' }
  if (mode === 'strict' || !WELL_FORMED_API_VERSION.test(text)) return { outcome: 'not-supported' }

  // lenient: the nearest Assistants version at or before the requested one
  const older = ASSISTANTS_VERSIONS.filter(([version]) => compareApiVersions(version, text) <= 0).at(-1)
  if (older === undefined) return { outcome: 'not-found' }
  return served(older[0], older[1], text)
}

// What each Azure api-version serves beyond its generation: the first version of each feature. Fields carry
// these through `since(…)` (schemas/common.ts), routes through their `available` config (api-surface.ts).

/**
 * `chunking_strategy` on vector stores and their files, and `file_search.max_num_results` (Azure's
 * 2024-07-01-preview document, spec/SOURCES.md).
 */
export const AZURE_CHUNKING_SINCE = '2024-07-01-preview'
/** `strict` function schemas and `json_schema` response formats. */
export const AZURE_STRICT_SCHEMAS_SINCE = '2024-08-01-preview'
/**
 * The first Azure api-version after the last TypeSpec document (2024-09-01-preview): the 2025-04-01-preview
 * inference spec's additions (vector-store search and file content, `include[]`), spec/SOURCES.md.
 */
export const AZURE_INFERENCE_ERA = '2024-10-01-preview'
/**
 * An api-version later than any Azure has published: a field marked `since(AZURE_NEVER, …)` exists only on the
 * OpenAI flavour (e.g. `reasoning_effort`, `ranking_options`, absent from every Azure document up to
 * 2025-04-01-preview, spec/SOURCES.md).
 */
export const AZURE_NEVER = '9999-12-31'

/**
 * The first Azure api-version with the Responses API (and Conversations) under /openai, the path `AzureOpenAI`
 * calls when given only an endpoint (responses-wire.md §1): 2025-03-01-preview, the preview that brought
 * Responses to Azure OpenAI (AZ-RESP). The v1 API (/openai/v1) has no dated versions at all (gates/azure-v1.ts).
 */
export const AZURE_RESPONSES_SINCE = '2025-03-01-preview'

/**
 * The `api-version` values Azure OpenAI's v1 API takes (it needs none): `v1`, and `preview` for its preview
 * features (AZ-RESP; `AzureOpenAI` always sends the one it is given). A dated version there is refused.
 */
export const AZURE_V1_API_VERSIONS: readonly string[] = Object.freeze(['v1', 'preview'])

/**
 * api-versions the Foundry Agents SDKs send: `v1` (default of @azure/ai-agents 1.1.0 and azure-ai-agents 1.2),
 * `2025-05-01` (the JS `KnownVersions`), `2025-05-15-preview` (older azure-ai-agents default). All serve the
 * same stable/v1 shapes.
 */
export const AGENTS_API_VERSIONS: readonly string[] = Object.freeze(['v1', '2025-05-01', '2025-05-15-preview'])
/** The version an unknown Agents api-version is served as, in the lenient and off modes. */
export const AGENTS_DEFAULT_API_VERSION = 'v1'
