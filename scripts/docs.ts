/**
 * The documentation sections that are generated, so they cannot drift: the options table (from config.ts OPTIONS)
 * in docs/configuration.md, the endpoint matrix (from the official documents in spec/, as the contract tests read
 * them) and the api-version table (api-versions.ts) in docs/endpoints.md, and the error catalogue (errors.ts) in
 * docs/errors.md. Each sits between `<!-- name:start -->` and `<!-- name:end -->` in its file.
 * `npm run docs` rewrites them; test/docs.test.ts fails when any is stale.
 */
import { readFileSync, writeFileSync } from 'node:fs'
import { API_VERSIONS } from '../src/api-versions.js'
import { FILE_SEARCH_EXTENSIONS } from '../src/checks/file-types.js'
import { OPTIONS } from '../src/config.js'
import { Errors, type ApiError } from '../src/errors.js'
import { matrixMarkdown } from '../test/contract/matrix.js'

const ROOT = new URL('..', import.meta.url)

const cell = (text: string) => text.replace(/\|/g, '\\|').replace(/\n/g, ' ')

export function configTable (): string {
  return [
    '| flag | environment | default | meaning |',
    '|---|---|---|---|',
    ...OPTIONS.map(o => `| \`${`--${o.flag} ${o.placeholder}`.trimEnd()}\` | \`${o.env}\` | ${cell(o.shownDefault)} | ${cell(o.describe)} |`)
  ].join('\n')
}

export function apiVersionsTable (): string {
  const rows = [...API_VERSIONS.values()].map(v => `| \`${v.version}\` | ${v.generation === null
    ? 'no Assistants API: 404 "Resource not found"'
    : v.generation === 'v1' ? 'Assistants v1 shapes (`file_ids`, `retrieval`)' : 'Assistants v2 shapes (`tool_resources`, `file_search`, run controls)'} |`)
  return ['| api-version | served as |', '|---|---|', ...rows].join('\n')
}

/** One example of every error the factory makes: a new entry in errors.ts must be added here (tsc says so). */
const ERROR_EXAMPLES: { readonly [K in keyof typeof Errors]: () => ApiError } = {
  resourceNotFound: () => Errors.resourceNotFound(),
  apiVersionNotSupported: () => Errors.apiVersionNotSupported(),
  accessDenied: () => Errors.accessDenied(),
  tokenRejected: () => Errors.tokenRejected(),
  invalidJson: () => Errors.invalidJson(),
  unsupportedContentType: () => Errors.unsupportedContentType('text/plain'),
  bodyTooLarge: () => Errors.bodyTooLarge(1048576),
  bodyTooDeep: () => Errors.bodyTooDeep(64),
  requestRejected: () => Errors.requestRejected(400, 'Example: a request Fastify refused before any route ran.'),
  missingParameter: () => Errors.missingParameter('assistant_id'),
  unknownParameter: () => Errors.unknownParameter('tools[0].x'),
  invalidType: () => Errors.invalidType('metadata', 'an object', []),
  invalidValue: () => Errors.invalidValue('order', 'up', ['asc', 'desc']),
  stringTooLong: () => Errors.stringTooLong('metadata.key', 512, 600),
  stringTooShort: () => Errors.stringTooShort('model', 1, 0),
  patternMismatch: () => Errors.patternMismatch('assistants[0].id', '^asst_[A-Za-z0-9_-]+$'),
  arrayTooLong: () => Errors.arrayTooLong('tools', 128, 130),
  arrayTooShort: () => Errors.arrayTooShort('file_ids', 2, 1),
  emptyArray: () => Errors.emptyArray('content', 1),
  tooManyProperties: () => Errors.tooManyProperties('metadata', 16, 17),
  propertyNameTooLong: () => Errors.propertyNameTooLong('metadata', 'k'.repeat(65), 64),
  numberOutOfRange: () => Errors.numberOutOfRange('limit', 'minimum', 1, 0),
  notFound: () => Errors.notFound('thread', 'thread_abc123'),
  filesNotFound: () => Errors.filesNotFound(['assistant-abc123'], 'tool_resources.code_interpreter.file_ids'),
  vectorStoreReferenceNotFound: () => Errors.vectorStoreReferenceNotFound('vs_abc123', 'tool_resources.file_search.vector_store_ids'),
  vectorStoreFileNotFound: () => Errors.vectorStoreFileNotFound('assistant-abc123', 'vs_abc123'),
  fileTooLarge: () => Errors.fileTooLarge(20971520),
  invalidUpload: () => Errors.invalidUpload('Invalid Content-Type header (application/json): this endpoint expects multipart/form-data with the fields \'purpose\' and \'file\'.'),
  rateLimitedAzure: () => Errors.rateLimitedAzure(2),
  rateLimitedOpenAI: () => Errors.rateLimitedOpenAI(2),
  serviceUnavailable: () => Errors.serviceUnavailable('azure'),
  injectedStatus: () => Errors.injectedStatus(502),
  adminKeyRequired: () => Errors.adminKeyRequired(),
  controlPlaneCredentialRequired: () => Errors.controlPlaneCredentialRequired(),
  controlPlaneNeedsAdminKey: () => Errors.controlPlaneNeedsAdminKey(),
  emulatorConflict: () => Errors.emulatorConflict("Run run_abc123 cannot reach status 'completed' from 'requires_action': it waits for tool outputs (submit them with submit_tool_outputs); left alone it becomes expired."),
  invalidStateDocument: () => Errors.invalidStateDocument('$.version', 'Expected 2'),
  faultRuleNotFound: () => Errors.faultRuleNotFound('fault_9'),
  inspectorObjectNotFound: () => Errors.inspectorObjectNotFound('request', 'b5c2d0e4-3a1f-4c8e-9d7a-0f1e2d3c4b5a'),
  shuttingDown: () => Errors.shuttingDown(),
  invalidFaultPath: () => Errors.invalidFaultPath("extglob patterns such as '@(…)' are not supported; use *, **, ?, [...] and {a,b}"),
  batchNotCancellable: () => Errors.batchNotCancellable('completed'),
  chunkOverlapTooLarge: () => Errors.chunkOverlapTooLarge(500, 800, 'chunking_strategy.static.chunk_overlap_tokens'),
  unsupportedRetrievalFiles: () => Errors.unsupportedRetrievalFiles(['.png'], FILE_SEARCH_EXTENSIONS),
  uploadNotJsonl: () => Errors.uploadNotJsonl('Batch'),
  agentsInvalidExtension: () => Errors.agentsInvalidExtension('geojson'),
  tooManyAssistantFiles: () => Errors.tooManyAssistantFiles(20),
  threadHasActiveRun: () => Errors.threadHasActiveRun('thread_abc123', 'run_abc123'),
  runRejectsToolOutputs: () => Errors.runRejectsToolOutputs('expired'),
  toolOutputsMismatch: () => Errors.toolOutputsMismatch(['call_a', 'call_b'], ['call_a']),
  duplicateToolCallIds: () => Errors.duplicateToolCallIds(['call_a', 'call_a']),
  invalidToolChoice: () => Errors.invalidToolChoice("'tool_choice' names the function 'f', which is not one of the run's tools."),
  runNotCancellable: () => Errors.runNotCancellable('completed'),
  messageWhileRunActive: () => Errors.messageWhileRunActive('thread_abc123', 'run_abc123'),
  invalidIdPrefix: () => Errors.invalidIdPrefix('thread_id', 'undefined', 'thread'),
  invalidIdCharacters: () => Errors.invalidIdCharacters('vector_store_id', 'lit6612-qa-vectors:litellm-index-5049eabb'),
  invalidSchema: () => Errors.invalidSchema("function 'get_weather'", 'schema must be a JSON Schema of \'type: "object"\', got \'type: "string"\'.',
    'tools[0].function.parameters', 'invalid_function_parameters'),
  retrievalRetired: () => Errors.retrievalRetired('tools[0].type'),
  agentsUnauthorized: () => Errors.agentsUnauthorized(),
  agentsMissingApiVersion: () => Errors.agentsMissingApiVersion(['v1', '2025-05-01', '2025-05-15-preview']),
  agentsApiVersionNotSupported: () => Errors.agentsApiVersionNotSupported('2099-01-01', ['v1', '2025-05-01', '2025-05-15-preview']),
  agentsRouteNotFound: () => Errors.agentsRouteNotFound('GET', '/api/projects/proj1/nothing'),
  missingApiKey: () => Errors.missingApiKey(),
  incorrectApiKey: () => Errors.incorrectApiKey('sk-abcdefghijklmnopqrstuvwxyz'),
  missingBetaHeader: () => Errors.missingBetaHeader(),
  assistantsV1Retired: () => Errors.assistantsV1Retired(),
  invalidUrl: () => Errors.invalidUrl('GET', '/v1/unknown'),
  httpError: () => Errors.httpError(431, 'Request Header Fields Too Large', 'azure'),
  requestTimeout: () => Errors.requestTimeout('azure'),
  internal: () => Errors.internal('azure', '6d6321f8-e4aa-4a77-9aa0-67868802d7ca')
}

export function errorCatalogue (): string {
  const row = (name: string, error: ApiError, door = '') =>
    `| \`${name}\`${door} | ${error.statusCode} | ${error.fields ? `\`${error.fields.code ?? 'null'}\`` : '–'} | \`${cell(error.body)}\` |`
  const rows = Object.entries(ERROR_EXAMPLES).flatMap(([name, make]) => {
    const error = make()
    // A refusal the doors word differently shows its Azure and Agents wording too.
    const doors = (['azure', 'agents'] as const).map(envelope => [envelope, error.inEnvelope(envelope)] as const).filter(([, e]) => e !== error)
    return [row(name, error), ...doors.map(([envelope, e]) => row(name, e, ` (${envelope})`))]
  })
  return ['| error | status | code | example body |', '|---|---|---|---|', ...rows].join('\n')
}

/** Per file (relative to the repository root), its generated sections by marker name. */
export const GENERATED_SECTIONS: Readonly<Record<string, Readonly<Record<string, () => string>>>> = {
  'docs/configuration.md': { 'config-table': configTable },
  'docs/endpoints.md': { 'endpoint-matrix': matrixMarkdown, 'api-version-table': apiVersionsTable },
  'docs/errors.md': { 'error-catalogue': errorCatalogue }
}

/** `text`, the content of `file`, with each of its generated sections replaced by its current content. */
export function renderGenerated (file: string, text: string): string {
  let result = text
  for (const [name, generate] of Object.entries(GENERATED_SECTIONS[file] ?? {})) {
    const start = `<!-- ${name}:start -->`
    const end = `<!-- ${name}:end -->`
    const from = result.indexOf(start)
    const to = result.indexOf(end)
    if (from < 0 || to < from) throw new Error(`${file} lacks the ${start} … ${end} markers`)
    result = `${result.slice(0, from + start.length)}\n${generate()}\n${result.slice(to)}`
  }
  return result
}

if (process.argv[1] && import.meta.url.endsWith(process.argv[1].split('/').at(-1)!)) {
  for (const file of Object.keys(GENERATED_SECTIONS)) {
    const url = new URL(file, ROOT)
    writeFileSync(url, renderGenerated(file, readFileSync(url, 'utf8')))
  }
  console.log(`generated sections updated in ${Object.keys(GENERATED_SECTIONS).join(', ')}`)
}
