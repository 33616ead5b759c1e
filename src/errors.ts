/**
 * Every error the emulator can put on the wire, and the one way they are rendered.
 *
 * Three envelopes exist on the real service and each is reproduced byte for byte:
 * - OpenAI's `{"error":{"message","type","param","code"}}`, used by the Assistants API itself
 *   (validation, unknown ids, state errors);
 * - the Azure gateway's `{"error":{"code":"<string>","message":"…"}}` (routing, api-version, keys);
 * - the Azure token validator's un-wrapped `{"statusCode": 401, "message": "…"}` (Entra ID tokens).
 * Routes and services throw these; the pipeline's error step (http/errors.ts) sends `statusCode` and `body`.
 * A front door's `envelope` (api-surface.ts) says which of them its gateway-class answers use: Foundry Agents
 * paths answer them in the OpenAI-style `AgentV1Error` envelope, the only one @azure/ai-agents can read.
 */
export interface OpenAIErrorFields {
  message: string
  type: string
  param: string | null
  code: string | null
}

export class ApiError extends Error {
  readonly statusCode: number
  /** The exact response body. Kept as text because some Azure bodies are not JSON.stringify output. */
  readonly body: string
  /** Present for OpenAI-envelope errors, so tests and logs can read the fields. */
  readonly fields: OpenAIErrorFields | undefined
  /** The gateway's captured responses say `application/json` exactly; the API's own add the charset. */
  readonly contentType: string
  /** Other doors' words for the same refusal, where they differ (see `inEnvelope`). */
  private readonly variants: Partial<Readonly<Record<Envelope, ApiError>>>

  constructor (statusCode: number, message: string, body: string, fields?: OpenAIErrorFields,
    variants: Partial<Readonly<Record<Envelope, ApiError>>> = {}) {
    super(message)
    this.statusCode = statusCode
    this.name = 'ApiError'
    this.body = body
    this.fields = fields
    this.contentType = fields ? 'application/json; charset=utf-8' : 'application/json'
    this.variants = variants
  }

  /**
   * This refusal as the door whose errors use `envelope` words it. Services do not know the request's door, so a
   * refusal the flavours word differently carries every wording, and the pipeline's error step picks one.
   */
  inEnvelope (envelope: Envelope): ApiError {
    return this.variants[envelope] ?? this
  }
}

/** `base` (the OpenAI flavour's words) that other doors answer as `variants` say. */
function byEnvelope (base: ApiError, variants: Partial<Readonly<Record<Exclude<Envelope, 'openai'>, ApiError>>>): ApiError {
  return new ApiError(base.statusCode, base.message, base.body, base.fields, variants)
}

interface OpenAIErrorOptions {
  type?: string
  param?: string | null
  code?: string | null
}

function openAIError (statusCode: number, message: string, options: OpenAIErrorOptions = {}): ApiError {
  const fields: OpenAIErrorFields = {
    message,
    type: options.type ?? 'invalid_request_error',
    param: options.param ?? null,
    code: options.code ?? null
  }
  return new ApiError(statusCode, message, JSON.stringify({ error: fields }), fields)
}

/** Azure gateway envelope; `body` is given literally where the captured bytes are not JSON.stringify's. */
function azureGatewayError (statusCode: number, code: string, message: string, body?: string): ApiError {
  return new ApiError(statusCode, message, body ?? JSON.stringify({ error: { code, message } }))
}

/**
 * How a front door renders its errors: `azure` (the gateway's `{"error":{"code","message"}}` for routing, keys
 * and throttling; the API's own errors in OpenAI's envelope), `openai` (OpenAI's envelope throughout) or
 * `agents` (every error in the `AgentV1Error` envelope `{"error":{message,type,param,code}}`).
 */
export type Envelope = 'azure' | 'openai' | 'agents'

/**
 * A gateway-class answer (routing, credentials, throttling) in `envelope`: the gateway's own bytes, or on the
 * Agents paths the same message in the AgentV1Error envelope with the status as its code.
 */
function gatewayError (envelope: Exclude<Envelope, 'openai'>, statusCode: number, code: string, message: string, body?: string): ApiError {
  if (envelope === 'azure') return azureGatewayError(statusCode, code, message, body)
  return openAIError(statusCode, message, { type: statusCode >= 500 ? 'server_error' : 'invalid_request_error', code: String(statusCode) })
}

const ACCESS_DENIED = 'Access denied due to invalid subscription key or wrong API endpoint. Make sure to provide a ' +
  'valid key for an active subscription and use a correct regional API endpoint for your resource.'
const TOKEN_REJECTED = 'Unauthorized. Access token is missing, invalid, audience is incorrect ' +
  '(https://cognitiveservices.azure.com), or have expired.'

/**
 * How OpenAI shows a rejected key: its first 8 and last 4 characters with a star for each one between
 * (`sk-abcde***…***wxyz`); a key of 12 characters or fewer is shown whole.
 */
export function maskApiKey (key: string): string {
  if (key.length <= 12) return key
  return `${key.slice(0, 8)}${'*'.repeat(key.length - 12)}${key.slice(-4)}`
}

export type ResourceKind = 'assistant' | 'thread' | 'message' | 'run' | 'run step' | 'file' | 'vector store' | 'vector store file batch'

/**
 * What a JSON value is called in "expected …, but got … instead." messages ("but got a decimal number instead"
 * for `seed: 1.5`, captured with OpenAI's validator).
 */
function describeJsonType (value: unknown): string {
  if (value === null) return 'null'
  if (Array.isArray(value)) return 'an array'
  if (typeof value === 'object') return 'an object'
  if (typeof value === 'string') return 'a string'
  if (typeof value === 'boolean') return 'a boolean'
  if (typeof value === 'number') return Number.isInteger(value) ? 'an integer' : 'a decimal number'
  return 'an unsupported value'
}

function quoteList (values: readonly string[]): string {
  const quoted = values.map(v => `'${v}'`)
  return quoted.length <= 2 ? quoted.join(' and ') : `${quoted.slice(0, -1).join(', ')}, and ${quoted.at(-1)}`
}

export const Errors = {
  // Gateway: routing, api-version, authentication
  resourceNotFound: (envelope: Exclude<Envelope, 'openai'> = 'azure') => gatewayError(envelope, 404, '404', 'Resource not found',
    '{"error":{"code":"404","message": "Resource not found"}}'),
  apiVersionNotSupported: () => azureGatewayError(400, 'BadRequest', 'API version not supported'),
  accessDenied: (envelope: Exclude<Envelope, 'openai'> = 'azure') => gatewayError(envelope, 401, '401', ACCESS_DENIED),
  tokenRejected: () => new ApiError(401, TOKEN_REJECTED, `{"statusCode": 401, "message": "${TOKEN_REJECTED}"}`),

  // OpenAI flavour (/v1): authentication, the beta header, routing
  missingApiKey: () => openAIError(401, 'You didn\'t provide an API key. You need to provide your API key in an ' +
    'Authorization header using Bearer auth (i.e. Authorization: Bearer YOUR_KEY). You can obtain an API key from ' +
    'https://platform.openai.com/account/api-keys.'),
  incorrectApiKey: (key: string) => openAIError(401, `Incorrect API key provided: ${maskApiKey(key)}. ` +
    'You can find your API key at https://platform.openai.com/account/api-keys.', { code: 'invalid_api_key' }),
  missingBetaHeader: () => openAIError(400, 'You must provide the \'OpenAI-Beta\' header to access the Assistants API. ' +
    'Please try again by setting the header \'OpenAI-Beta: assistants=v2\'.', { code: 'invalid_beta' }),
  assistantsV1Retired: () => openAIError(400, 'The v1 Assistants API has been deprecated. Please try again by setting ' +
    'the header \'OpenAI-Beta: assistants=v2\'. See the migration guide for more information: ' +
    'https://platform.openai.com/docs/assistants/migration.', { code: 'invalid_beta' }),
  invalidUrl: (method: string, path: string) => openAIError(404, `Invalid URL (${method} ${path})`),

  // Request bodies
  invalidJson: () => openAIError(400, 'We could not parse the JSON body of your request. (HINT: This likely means ' +
    'you aren\'t using your HTTP library correctly. The OpenAI API expects a JSON payload, but what was sent was not ' +
    'valid JSON. If you have trouble figuring out how to fix this, please contact us through our help center at ' +
    'help.openai.com.)'),
  unsupportedContentType: (contentType: string) => openAIError(400, `Unsupported content type: '${contentType}'. ` +
    'This API method only accepts \'application/json\' requests, but you specified the header ' +
    `'Content-Type: ${contentType}'. Please try again with a supported content type.`),
  bodyTooLarge: (limit: number) => openAIError(413, `The request body is too large. The maximum size is ${limit} bytes.`,
    { code: 'request_too_large' }),
  bodyTooDeep: (max: number) => openAIError(400, `The JSON body of your request is nested too deeply: at most ${max} levels of objects and arrays are accepted.`),
  requestRejected: (statusCode: number, message: string) => openAIError(statusCode, message),
  missingParameter: (param: string) => openAIError(400, `Missing required parameter: '${param}'.`,
    { param, code: 'missing_required_parameter' }),
  unknownParameter: (param: string) => openAIError(400, `Unknown parameter: '${param}'.`,
    { param, code: 'unknown_parameter' }),
  invalidType: (param: string, expected: string, value: unknown) => openAIError(400,
    `Invalid type for ${param === '' ? 'the request body' : `'${param}'`}: expected ${expected}, ` +
    `but got ${describeJsonType(value)} instead.`, { param: param === '' ? null : param, code: 'invalid_type' }),
  invalidValue: (param: string, value: unknown, supported: readonly string[]) => openAIError(400,
    `Invalid value: '${String(value)}'. Supported values are: ${quoteList(supported)}.`,
    { param, code: 'invalid_value' }),
  stringTooLong: (param: string, max: number, actual: number) => openAIError(400,
    `Invalid '${param}': string too long. Expected a string with maximum length ${max}, ` +
    `but got a string with length ${actual} instead.`, { param, code: 'string_above_max_length' }),
  stringTooShort: (param: string, min: number, actual: number) => openAIError(400,
    `Invalid '${param}': string too short. Expected a string with minimum length ${min}, ` +
    `but got a string with length ${actual} instead.`, { param, code: 'string_below_min_length' }),
  patternMismatch: (param: string, pattern: string) => openAIError(400,
    `Invalid '${param}': string does not match pattern. Expected a string that matches the pattern '${pattern}'.`,
    { param, code: 'invalid_value' }),
  arrayTooLong: (param: string, max: number, actual: number) => openAIError(400,
    `Invalid '${param}': array too long. Expected an array with maximum length ${max}, ` +
    `but got an array with length ${actual} instead.`, { param, code: 'array_above_max_length' }),
  arrayTooShort: (param: string, min: number, actual: number) => openAIError(400,
    `Invalid '${param}': array too short. Expected an array with minimum length ${min}, ` +
    `but got an array with length ${actual} instead.`, { param, code: 'array_below_min_length' }),
  /** An empty array where items are required (OpenAI's own code and words for it, captured for `messages`). */
  emptyArray: (param: string, min: number) => openAIError(400,
    `Invalid '${param}': empty array. Expected an array with minimum length ${min}, but got an empty array instead.`,
    { param, code: 'empty_array' }),
  tooManyProperties: (param: string, max: number, actual: number) => openAIError(400,
    `Invalid '${param}': too many properties. Expected an object with at most ${max} properties, ` +
    `but got an object with ${actual} properties instead.`, { param, code: 'object_above_max_properties' }),
  propertyNameTooLong: (param: string, key: string, max: number) => openAIError(400,
    `Invalid property name in '${param}': '${key}' is too long. Expected a string with maximum length ${max}, ` +
    `but got a string with length ${key.length} instead.`, { param, code: 'property_name_above_max_length' }),
  numberOutOfRange: (param: string, bound: 'maximum' | 'minimum', limit: number, value: number) => {
    const kind = Number.isInteger(limit) && Number.isInteger(value) ? 'integer' : 'decimal'
    const relation = bound === 'maximum' ? 'above maximum' : 'below minimum'
    const op = bound === 'maximum' ? '<=' : '>='
    return openAIError(400, `Invalid '${param}': ${kind} ${relation} value. Expected a value ${op} ${limit}, ` +
      `but got ${value} instead.`, { param, code: `${kind}_${bound === 'maximum' ? 'above_max' : 'below_min'}_value` })
  },

  // Resources
  notFound: (kind: ResourceKind, id: string) => openAIError(404, `No ${kind} found with id '${id}'.`),

  // Files and vector stores
  /** A reference to files that do not exist (Azure's wording, azure-sdk-for-net#47121); `param` names the field. */
  filesNotFound: (ids: readonly string[], param: string | null = null) => openAIError(404,
    `Files [${ids.join(', ')}] were not found`, { param }),
  /** A reference to a vector store that does not exist; `param` names the field that holds it. */
  vectorStoreReferenceNotFound: (id: string, param: string) => openAIError(404,
    `No vector store found with id '${id}'.`, { param }),
  vectorStoreFileNotFound: (fileId: string, vectorStoreId: string) => openAIError(404,
    `No file found with id '${fileId}' in vector store '${vectorStoreId}'.`),
  fileTooLarge: (limit: number) => openAIError(413,
    `File is too large. The maximum upload size is ${limit} bytes.`, { param: 'file', code: 'file_too_large' }),
  invalidUpload: (message: string, param: string | null = null) => openAIError(400, message,
    { param, code: param === null ? null : 'invalid_value' }),
  batchNotCancellable: (status: string) => openAIError(400, `Cannot cancel vector store file batch with status '${status}'.`),
  chunkOverlapTooLarge: (overlap: number, max: number, param: string) => openAIError(400,
    `Invalid '${param}': chunk_overlap_tokens (${overlap}) must not exceed half of max_chunk_size_tokens (${max}).`,
    { param, code: 'invalid_value' }),
  /**
   * Files whose extensions file_search cannot read, refused when they would go into a vector store (created with
   * `file_ids`, a file added, a file batch, an inline `vector_stores` entry, a message attachment for file_search).
   * OpenAI points at its list (`.png`, quoted in issue 19; `.csv` in public code comments); Azure's agents
   * service lists the supported extensions itself (microsoft/agent-framework#2469), its words on the Azure doors.
   */
  unsupportedRetrievalFiles: (extensions: readonly string[], supported: readonly string[]) => {
    const refused = `Files with extensions [${extensions.join(', ')}] are not supported for retrieval.`
    const options = { param: 'file_ids', code: 'unsupported_file' }
    const azure = openAIError(400, `${refused} Supported file types include: [${supported.join(', ')}].`, options)
    return byEnvelope(openAIError(400, `${refused} See https://platform.openai.com/docs/assistants/tools/file-search/supported-files`,
      options), { azure, agents: azure })
  },
  /**
   * An upload whose purpose needs a `.jsonl` file: OpenAI names the API ("Invalid file format for Batch API.
   * Must be .jsonl", public SDK test fixtures), Azure's files API answers `invalidPayload` (Azure/AI-in-a-Box#46).
   */
  uploadNotJsonl: (api: 'Fine-Tuning' | 'Batch') => {
    const wrongSuffix = 'fileName contains an invalid filename: wrong suffix.'
    return byEnvelope(openAIError(400, `Invalid file format for ${api} API. Must be .jsonl`), {
      azure: azureGatewayError(400, 'invalidPayload', wrongSuffix),
      agents: openAIError(400, wrongSuffix, { code: 'invalidPayload' })
    })
  },
  /** A Foundry Agents upload for assistants whose extension no tool reads (microsoft/agent-framework#2469: `geojson`). */
  agentsInvalidExtension: (extension: string) => openAIError(400, `Invalid extension ${extension}.`),
  tooManyAssistantFiles: (max: number) => openAIError(400,
    `Invalid 'file_ids': an assistant can have at most ${max} files attached.`, { param: 'file_ids', code: 'array_above_max_length' }),

  // Runs
  threadHasActiveRun: (threadId: string, runId: string) => openAIError(400,
    `Thread ${threadId} already has an active run ${runId}.`),
  runRejectsToolOutputs: (status: string) => openAIError(400, `Runs in status "${status}" do not accept tool outputs.`),
  toolOutputsMismatch: (expected: readonly string[], given: readonly string[]) => openAIError(400,
    `Expected tool outputs for call_ids [${expected.map(id => `'${id}'`).join(', ')}], ` +
    `got [${given.map(id => `'${id}'`).join(', ')}]`),
  /** The same call answered more than once in one submission; lists every occurrence (the service's text, quoted in issue 19). */
  duplicateToolCallIds: (duplicates: readonly string[]) => openAIError(400,
    `Duplicate call_ids submitted: [${duplicates.map(id => `'${id}'`).join(', ')}]`),
  invalidToolChoice: (problem: string) => openAIError(400, `Invalid value for 'tool_choice': ${problem}`,
    { param: 'tool_choice', code: 'invalid_value' }),
  runNotCancellable: (status: string) => openAIError(400, `Cannot cancel run with status '${status}'.`),
  messageWhileRunActive: (threadId: string, runId: string) => openAIError(400,
    `Can't add messages to ${threadId} while a run ${runId} is active.`),

  // HTTP-level refusals (header block too large, request too slow, unparsable request), in the envelope of
  // the flavour the request's path belongs to: the gateway's for /openai, OpenAI's for /v1 and the Agents paths.
  httpError: (statusCode: number, message: string, envelope: Envelope) => envelope !== 'azure'
    ? openAIError(statusCode, message)
    : azureGatewayError(statusCode, String(statusCode), message),
  // Request checks beyond the schemas (src/checks/)
  /** An id of the wrong form, checked before any lookup (openai/openai-node#1545 for `thread_id`). */
  invalidIdPrefix: (param: string, value: string, prefix: string) => openAIError(400,
    `Invalid '${param}': '${value}'. Expected an ID that begins with '${prefix}'.`, { param, code: 'invalid_value' }),
  /**
   * An id with characters other than letters, digits, `_` and `-`, refused before its prefix is looked at
   * (OpenAI's answer for `vector_store_id`, quoted in BerriAI/litellm#34788).
   */
  invalidIdCharacters: (param: string, value: string) => openAIError(400,
    `Invalid '${param}': '${value}'. Expected an ID that contains letters, numbers, underscores, or dashes, ` +
    'but this value contained additional characters.', { param, code: 'invalid_value' }),
  /**
   * A function or response-format schema the service refuses; `subject` is "function 'name'" or
   * "response_format 'name'" (xemantic/xemantic-ai-tool-schema#37, lastmile-ai/openai-agents-mcp#2).
   */
  invalidSchema: (subject: string, problem: string, param: string, code: string) => openAIError(400,
    `Invalid schema for ${subject}: ${problem}`, { param, code }),
  /** The `retrieval` tool on Azure's v1 api-versions (the text Azure answered, as users quote it). */
  retrievalRetired: (param: string) => openAIError(400, 'Azure OpenAI Retrieval v1 tool is not supported in favor of ' +
    'the more advanced v2 file_search tool. Please use `file_search` in the v2 api.', { param, code: 'invalid_value' }),
  // Rate limits and injected faults (control/): the real bodies of each flavour
  /** Azure's short 429 (microsoft/copilot-camp#551), literal bytes with the space after `"message":`. */
  rateLimitedAzure: (retryAfterSeconds: number, envelope: Exclude<Envelope, 'openai'> = 'azure') => gatewayError(envelope, 429, '429',
    `Rate limit is exceeded. Try again in ${retryAfterSeconds} seconds.`,
    `{"error":{"code":"429","message": "Rate limit is exceeded. Try again in ${retryAfterSeconds} seconds."}}`),
  /** OpenAI's 429 envelope (type `requests`, code `rate_limit_exceeded`); the model/organisation part is left out. */
  rateLimitedOpenAI: (retryAfterSeconds: number) => openAIError(429, `Rate limit reached for requests. Please try again in ${retryAfterSeconds}s. ` +
    'Visit https://platform.openai.com/account/rate-limits to learn more.', { type: 'requests', code: 'rate_limit_exceeded' }),
  /** Azure's 503 wording is not captured (unverified); OpenAI's is its well-known "overloaded" text. */
  serviceUnavailable: (envelope: Envelope) => envelope === 'openai'
    ? openAIError(503, 'The engine is currently overloaded, please try again later.', { type: 'server_error' })
    : gatewayError(envelope, 503, 'ServiceUnavailable', 'The service is temporarily unable to process your request. Please try again later.'),
  /** Any other status a fault rule asks for. */
  injectedStatus: (status: number) => openAIError(status, `The emulator answered ${status} because a fault rule said so.`,
    { type: status >= 500 ? 'server_error' : 'invalid_request_error' }),

  // The control plane (/_emulator)
  adminKeyRequired: () => openAIError(401, 'This endpoint needs the header \'x-emulator-admin-key\' with the emulator\'s admin key.',
    { code: 'invalid_admin_key' }),
  /** The control plane without --admin-key once an API credential is configured: one the API accepts opens it. */
  controlPlaneCredentialRequired: () => openAIError(401, 'This endpoint needs one of the emulator\'s credentials: an ' +
    '\'api-key\' header or an \'Authorization: Bearer\' token that the API accepts.', { code: 'invalid_api_key' }),
  /** The control plane with --isolate-by-key and configured credentials but no --admin-key: it spans every key's objects. */
  controlPlaneNeedsAdminKey: () => openAIError(403, 'The control plane reads and changes the objects of every key, so with ' +
    '--isolate-by-key and configured credentials it needs an admin key: start the emulator with --admin-key and send it in ' +
    'the header \'x-emulator-admin-key\'.', { code: 'admin_key_not_configured' }),
  emulatorConflict: (message: string) => openAIError(409, message, { code: 'conflict' }),
  invalidStateDocument: (where: string, problem: string) => openAIError(400, `Invalid state document at ${where}: ${problem}`,
    { param: where, code: 'invalid_state' }),
  faultRuleNotFound: (id: string) => openAIError(404, `No fault rule found with id '${id}'.`),
  /** The inspector's data (/_emulator/inspector) has no such object: `notFound`'s words, for any kind it shows. */
  inspectorObjectNotFound: (noun: string, id: string) => openAIError(404, `No ${noun} found with id '${id}'.`),
  /** A fault rule's path glob that the linear matcher refuses (control/glob.ts says why). */
  invalidFaultPath: (problem: string) => openAIError(400, `Invalid 'match.path': ${problem}.`, { param: 'match.path', code: 'invalid_value' }),
  // Foundry Agents flavour (/api/projects/{project}): every error is in the OpenAI-style `AgentV1Error` envelope
  /** No usable `Authorization: Bearer` token for the Agents audience (wording modelled on Azure's token validator). */
  agentsUnauthorized: () => openAIError(401, 'Unauthorized. Access token is missing, invalid, audience is incorrect ' +
    '(https://ai.azure.com), or have expired.', { code: 'unauthorized' }),
  /** `api-version` missing from an Agents request. */
  agentsMissingApiVersion: (supported: readonly string[]) => openAIError(400,
    `Missing required query parameter 'api-version'. Supported values are: ${quoteList(supported)}.`,
    { param: 'api-version', code: 'missing_required_parameter' }),
  /** An `api-version` the Agents service does not serve. */
  agentsApiVersionNotSupported: (version: string, supported: readonly string[]) => openAIError(400,
    `Unsupported api-version '${version}'. Supported values are: ${quoteList(supported)}.`,
    { param: 'api-version', code: 'unsupported_api_version' }),
  /** The Agents form of the routing 404 (the gateway's `{"error":{"code":"404"}}` body cannot be read by the SDK). */
  agentsRouteNotFound: (method: string, path: string) => openAIError(404, `Resource not found: ${method} ${path}`,
    { code: 'not_found' }),

  /** The `event: error` of a stream the emulator ended as it shut down (http/drain.ts), after its grace period. */
  shuttingDown: () => openAIError(503, 'The emulator is shutting down: this stream was ended before the run did.',
    { type: 'server_error', code: 'server_shutting_down' }),

  /**
   * Azure's 408 when a request takes too long (`{"error":{"code":"Timeout","message":"The operation was
   * timeout."}}`, public Azure OpenAI logs; Foundry Agents clients print `(Timeout) The operation was timeout.`).
   */
  requestTimeout: (envelope: Exclude<Envelope, 'openai'>) => envelope === 'azure'
    ? azureGatewayError(408, 'Timeout', 'The operation was timeout.')
    : openAIError(408, 'The operation was timeout.', { code: 'Timeout' }),

  // Anything unexpected: the message is masked, the cause is logged
  /**
   * A 500 in the service's own words, naming the response's request id: Azure's (Azure/azure-sdk-for-js#29224,
   * an Assistants `createMessage`) on the Azure and Agents doors, OpenAI's (its help center) on `/v1`.
   */
  internal: (envelope: Envelope, requestId: string) => openAIError(500, 'The server had an error processing your request. ' +
    'Sorry about that! You can retry your request, or contact us through ' +
    (envelope === 'openai' ? 'our help center at help.openai.com' : 'an Azure support request at: https://go.microsoft.com/fwlink/?linkid=2213926') +
    ` if you keep seeing this error. (Please include the request ID ${requestId} in your email.)`, { type: 'server_error' })
} as const
