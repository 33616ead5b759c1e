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
