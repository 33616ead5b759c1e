/**
 * The one table of Azure OpenAI data-plane api-versions the emulator knows.
 *
 * `generation` says which Assistants shapes a version speaks: `v1` (file_ids, retrieval) or `v2`
 * (tool_resources, file_search, run controls). `null` marks a real Azure OpenAI version that has no
 * Assistants API: Azure answers those with 404 "Resource not found", just as for a missing api-version.
 * Anything not in this table is no Azure OpenAI version at all: 400 "API version not supported".
 */
export type Generation = 'v1' | 'v2'

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

export function lookupApiVersion (version: string): ApiVersionInfo | undefined {
  return API_VERSIONS.get(version)
}

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

const WELL_FORMED = /^(\d{4})-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])(-preview)?$/

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
  if (mode === 'strict' || !WELL_FORMED.test(text)) return { outcome: 'not-supported' }

  // lenient: the nearest Assistants version at or before the requested one
  const older = ASSISTANTS_VERSIONS.filter(([version]) => compareApiVersions(version, text) <= 0).at(-1)
  if (older === undefined) return { outcome: 'not-found' }
  return served(older[0], older[1], text)
}
