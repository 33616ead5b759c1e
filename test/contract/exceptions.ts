/**
 * Known errors in the published API documents, in one named list.
 *
 * Each entry says what is wrong with which document and why we believe the service differs; where it
 * matters for validation it patches the document (as published: Swagger 2.0 or OpenAPI 3.0 syntax) before
 * conversion. The validator in spec.ts is never loosened: a response that the corrected document rejects
 * is a bug in the emulator. test/contract/spec.test.ts checks that every patch still applies, so a newer
 * copy of a document that fixes an error makes its entry fail loudly and be removed.
 */
import type { DocId } from './spec.js'

export type RawSchema = Record<string, unknown> & {
  $ref?: string
  properties?: Record<string, RawSchema>
  required?: string[]
  enum?: unknown[]
  allOf?: RawSchema[]
}

export interface DocumentPatch {
  readonly name: string
  readonly docs: readonly DocId[]
  readonly reason: string
  /**
   * Changes the document in place (`definitions` is its Swagger `definitions` or OpenAPI
   * `components.schemas`); throws if what it corrects is no longer there.
   */
  readonly apply: (definitions: Record<string, RawSchema>, doc: { id: DocId, raw: unknown }) => void
}

function definition (definitions: Record<string, RawSchema>, name: string): RawSchema {
  const def = definitions[name]
  if (!def) throw new Error(`spec exception: definition ${name} is missing`)
  return def
}

function addProperty (definitions: Record<string, RawSchema>, name: string, property: string, schema: RawSchema, required = true) {
  const def = definition(definitions, name)
  if (def.properties?.[property]) throw new Error(`spec exception: ${name}.${property} already exists; drop the patch`)
  def.properties = { ...def.properties, [property]: schema }
  if (required) def.required = [...(def.required ?? []), property]
}

function isEmptySchema (def: RawSchema): boolean {
  return Object.keys(def).filter(k => k !== 'description' && !k.startsWith('x-')).length === 0
}

/** Every Azure v2 (TypeSpec) document: the generated files share the gaps below unless a patch says otherwise. */
const AZURE_V2: readonly DocId[] = ['azure-2024-05-01-preview', 'azure-2024-07-01-preview', 'azure-2024-09-01-preview']

const STRING_ARRAY: RawSchema = { type: 'array', items: { type: 'string' } }

/** Tool choice as OpenAI documents it (and Azure's later versions type it): a mode, or a named tool. */
const TOOL_CHOICE: RawSchema = {
  'x-nullable': true,
  anyOf: [
    { type: 'string', enum: ['none', 'auto', 'required'] },
    {
      type: 'object',
      properties: {
        type: { type: 'string', enum: ['function', 'code_interpreter', 'file_search'] },
        function: { type: 'object', properties: { name: { type: 'string' } }, required: ['name'] }
      },
      required: ['type']
    }
  ]
}

/** Response format as OpenAI documents it: a mode, or a typed format (json_schema came to Azure in 2024-08-01-preview). */
const RESPONSE_FORMAT: RawSchema = {
  'x-nullable': true,
  anyOf: [
    { type: 'string', enum: ['none', 'auto'] },
    {
      type: 'object',
      properties: {
        type: { type: 'string', enum: ['text', 'json_object', 'json_schema'] },
        json_schema: { type: 'object', additionalProperties: true }
      },
      required: ['type']
    }
  ]
}

/** Every schema object in a document (definitions and inline response schemas alike). */
function * schemasIn (node: unknown): Generator<RawSchema> {
  if (Array.isArray(node)) {
    for (const item of node) yield * schemasIn(item)
  } else if (typeof node === 'object' && node !== null) {
    yield node as RawSchema
    for (const value of Object.values(node)) yield * schemasIn(value)
  }
}

/** The Responses documents: OpenAI's current one, and a Foundry project's (the same, with Foundry's additions). */
const RESPONSES_DOCS: readonly DocId[] = ['openai-current', 'foundry-v1']

/** The own properties of OpenAI's `Response` (its third `allOf` member: the first two are shared with requests). */
function responseOwnProperties (defs: Record<string, RawSchema>): RawSchema {
  const own = definition(defs, 'Response').allOf?.[2]
  if (!own?.properties?.usage) throw new Error('spec exception: Response no longer has its own properties third')
  return own
}

type PathItems = Record<string, Record<string, { responses?: Record<string, Record<string, unknown>> }>>
const pathsOf = (raw: unknown): PathItems => (raw as { paths: PathItems }).paths

/** A Foundry paged list of `item` (F-TSP `AgentsPagedResult`) in the list envelope the emulator sends everywhere. */
const foundryList = (item: string): RawSchema => ({
  type: 'object',
  properties: {
    object: { type: 'string', enum: ['list'] },
    data: { type: 'array', items: { $ref: `#/components/schemas/${item}` } },
    first_id: { type: 'string', nullable: true },
    last_id: { type: 'string', nullable: true },
    has_more: { type: 'boolean' }
  },
  required: ['data', 'has_more']
})

export const DOCUMENT_PATCHES: readonly DocumentPatch[] = [
  {
    name: 'response-echo-fields',
    docs: RESPONSES_DOCS,
    reason: 'OpenAI\'s `Response` has no `store` and types `user` and `usage` as non-nullable, yet every response in ' +
      'the same document\'s examples (createResponse, streamed and not; ResponseCreatedEvent; ResponseFailedEvent) shows ' +
      '`"store": true`, `"user": null`, and `"usage": null` until the response has ended; the emulator sends what ' +
      'the examples show (responses-wire.md §12.7).',
    apply: (defs) => {
      const own = responseOwnProperties(defs)
      if (own.properties!.store) throw new Error('spec exception: Response already has store; drop the patch')
      own.properties!.store = { type: 'boolean' }
      own.properties!.usage = { anyOf: [own.properties!.usage!, { type: 'null' }] }
      const shared = definition(defs, 'ModelResponseProperties')
      if (!shared.properties?.user || shared.properties.user.anyOf) throw new Error('spec exception: ModelResponseProperties.user changed')
      shared.properties.user = { anyOf: [shared.properties.user, { type: 'null' }] }
    }
  },
  {
    name: 'delete-response-body',
    docs: RESPONSES_DOCS,
    reason: '`DELETE /responses/{response_id}` declares a 200 without a body, but the operation\'s own example answers ' +
      '`{"id": "resp_…", "object": "response", "deleted": true}`, and Foundry\'s TypeSpec types that body as ' +
      '`DeleteResponseResult` (spec/foundry-tsp/openai-responses/models.tsp); the emulator sends it on every door.',
    apply: (_defs, doc) => {
      const ok = pathsOf(doc.raw)['/responses/{response_id}']?.delete?.responses?.['200']
      if (!ok || ok.content) throw new Error('spec exception: deleteResponse\'s 200 changed')
      ok.content = {
        'application/json': {
          schema: {
            type: 'object',
            properties: { id: { type: 'string' }, object: { type: 'string', enum: ['response'] }, deleted: { type: 'boolean', enum: [true] } },
            required: ['id', 'object', 'deleted']
          }
        }
      }
    }
  },
  {
    name: 'foundry-agent-reference',
    docs: ['foundry-v1'],
    reason: 'Foundry\'s `Response` carries `agent_reference: AgentReference | null` (required; spec/foundry-tsp/' +
      'openai-responses/models.tsp copies it onto OpenAI.Response): null while no Foundry agent answers.',
    apply: (defs) => {
      const own = responseOwnProperties(defs)
      own.properties!.agent_reference = {
        anyOf: [{
          type: 'object',
          properties: { type: { type: 'string', enum: ['agent_reference'] }, name: { type: 'string', maxLength: 256 }, version: { type: 'string' } },
          required: ['type', 'name']
        }, { type: 'null' }]
      }
      own.required = [...(own.required as string[] ?? []), 'agent_reference']
    }
  },
  {
    name: 'foundry-list-operations',
    docs: ['foundry-v1'],
    reason: 'A Foundry project lists its responses and conversations (`GET /openai/v1/responses`, `GET ' +
      '/openai/v1/conversations`: spec/foundry-tsp/openai-responses/routes.tsp `listResponses`, openai-conversations/' +
      'routes.tsp `listConversations`, "Foundry-specific"), answered as `AgentsPagedResult` (common/models.tsp: data, ' +
      'first_id?, last_id?, has_more) in the list envelope the emulator sends everywhere (as in agents-list-envelope).',
    apply: (_defs, doc) => {
      const paths = pathsOf(doc.raw)
      for (const [path, item] of [['/responses', 'Response'], ['/conversations', 'ConversationResource']] as const) {
        if (!paths[path] || paths[path].get) throw new Error(`spec exception: GET ${path} exists; drop the patch`)
        paths[path].get = { responses: { 200: { description: 'OK', content: { 'application/json': { schema: foundryList(item) } } } } }
      }
    }
  },
  {
    name: 'agents-function-call-output',
    docs: ['agents-v1'],
    reason: 'RunStepFunctionToolCallDetails lists `name` and `arguments` but not `output`, which a completed function ' +
      'call step carries in OpenAI\'s RunStepDetailsToolCallsFunctionObject and in the Agents document\'s own streaming ' +
      'RunStepDeltaFunction; the emulator serves it on every flavour (@azure/ai-agents 1.1.0 drops it when reading).',
    apply: (defs) => {
      const details = defs.RunStepFunctionToolCallDetails
      if (!details?.properties || details.properties.output) throw new Error('spec exception: RunStepFunctionToolCallDetails changed')
      details.properties.output = { type: 'string', 'x-nullable': true }
    }
  },
  {
    name: 'agents-list-envelope',
    docs: ['agents-v1'],
    reason: 'The Agents list envelopes declare only `data`, `last_id` and `has_more`; the emulator serves the same ' +
      'OpenAI list envelope on every flavour (`object: "list"`, `first_id`), which @azure/ai-agents ignores (it reads ' +
      'data, last_id, has_more only: JS src/static-helpers/pagingHelpers.ts). Whether the service sends them is not ' +
      'captured. An empty page has no last item, so `last_id` is null there (as in the empty-list-ids patch).',
    apply: (_defs, doc) => {
      let lists = 0
      for (const schema of schemasIn(doc.raw)) {
        const props = schema.properties
        if (!props?.data || !props.last_id || !props.has_more || props.first_id) continue
        props.object = { type: 'string', enum: ['list'] }
        props.first_id = { type: 'string', 'x-nullable': true }
        props.last_id['x-nullable'] = true
        lists++
      }
      if (lists === 0) throw new Error('spec exception: no Agents list envelopes found')
    }
  },
  {
    name: 'empty-list-ids',
    docs: ['azure-2024-02-15-preview', ...AZURE_V2, 'openai-2024-06-20', ...RESPONSES_DOCS],
    reason: 'Every list envelope types `first_id` and `last_id` as non-nullable strings, but an empty page has ' +
      'no first or last item: the service answers `"first_id": null, "last_id": null` (what the SDKs print for an ' +
      'empty page, e.g. `SyncCursorPage(data=[], first_id=None, …)`; inferred, no raw capture in the wire notes).',
    apply: (_defs, doc) => {
      const flag = doc.id.startsWith('openai') || doc.id === 'foundry-v1' ? 'nullable' : 'x-nullable'
      let lists = 0
      for (const schema of schemasIn(doc.raw)) {
        const props = schema.properties
        if (!props?.first_id || !props.last_id || !props.has_more) continue
        props.first_id[flag] = true
        props.last_id[flag] = true
        lists++
      }
      if (lists === 0) throw new Error('spec exception: no list envelopes found')
    }
  },
  {
    name: 'function-strict',
    docs: ['azure-2024-07-01-preview', 'azure-2024-09-01-preview', 'openai-2024-06-20'],
    reason: 'Function tools carry `strict` (structured outputs) on OpenAI since 2024-08-06 and on Azure from ' +
      '2024-08-01-preview; 2024-08-01-preview is checked against the 2024-07-01-preview document, which predates it, ' +
      'and the 2024-09-01-preview document (also used for every later version) omits it although the service accepts ' +
      'it there (OpenAI\'s current document has `FunctionObject.strict`). The request validator refuses `strict` on older ' +
      'versions, so the 2024-05-01-preview document stays as published.',
    apply: (defs, doc) => {
      const name = doc.id === 'openai-2024-06-20' ? 'FunctionObject' : 'FunctionDefinition'
      addProperty(defs, name, 'strict', { type: 'boolean', 'x-nullable': true, nullable: true }, false)
    }
  },
  {
    name: 'file-search-ranking-options',
    docs: ['openai-2024-06-20'],
    reason: 'OpenAI added `file_search.ranking_options` (FileSearchRankingOptions) to the file_search tool after ' +
      '2024-06-20; its current document has it, and /v1 follows that document.',
    apply: (defs) => {
      const tool = definition(defs, 'AssistantToolsFileSearch')
      const fileSearch = tool.properties?.file_search
      if (!fileSearch?.properties) throw new Error('spec exception: AssistantToolsFileSearch.file_search has no properties')
      if (fileSearch.properties.ranking_options) throw new Error('spec exception: ranking_options already exists; drop the patch')
      fileSearch.properties.ranking_options = {
        type: 'object',
        properties: { ranker: { type: 'string', enum: ['auto', 'default_2024_08_21'] }, score_threshold: { type: 'number' } },
        required: ['score_threshold']
      }
    }
  },
  {
    name: 'run-status-incomplete',
    docs: [...AZURE_V2, 'agents-v1'],
    reason: 'RunStatus lists 8 values and omits `incomplete`, which v2 runs reach when max_prompt_tokens or ' +
      'max_completion_tokens is hit (Azure docs for these fields: "the run will end with status `incomplete`"; ' +
      'OpenAI lists 9 values; the Agents document itself has IncompleteRunDetails with those two reasons and a ' +
      'message reason `max_tokens`). v1 runs cannot be incomplete, so the 2024-02-15-preview document stays as is.',
    apply: (defs) => {
      const status = definition(defs, 'RunStatus')
      if (status.enum?.includes('incomplete')) throw new Error('spec exception: RunStatus already has incomplete')
      status.enum = [...(status.enum ?? []), 'incomplete']
    }
  },
  {
    name: 'empty-option-schemas',
    docs: AZURE_V2,
    reason: 'AssistantsApiToolChoiceOption and AssistantsApiResponseFormatOption are empty `{}` schemas (a TypeSpec ' +
      'union the emitter could not express), which would accept anything. They are replaced by the shapes OpenAI ' +
      'documents for the same fields, so run and assistant responses are really checked. ' +
      '(CreateFileSearchToolResourceOptions is empty too, but only used by requests, so it is left alone.)',
    apply: (defs) => {
      for (const [name, schema] of [['AssistantsApiToolChoiceOption', TOOL_CHOICE], ['AssistantsApiResponseFormatOption', RESPONSE_FORMAT]] as const) {
        if (!isEmptySchema(definition(defs, name))) throw new Error(`spec exception: ${name} is no longer empty`)
        defs[name] = schema
      }
    }
  },
  {
    name: 'run-parallel-tool-calls',
    docs: ['azure-2024-05-01-preview', 'azure-2024-07-01-preview'],
    reason: 'ThreadRun lacks `parallel_tool_calls` (OpenAI added it in June 2024; Azure\'s documents declare it from ' +
      '2024-09-01-preview, where it is required), ' +
      'yet Azure v2 runs carry `"parallel_tool_calls": true` like OpenAI\'s (Azure run logged in ' +
      'danny-avila/LibreChat#6728); the emulator presents it on every v2 run, so the document gains it (optional).',
    apply: (defs) => addProperty(defs, 'ThreadRun', 'parallel_tool_calls', { type: 'boolean' }, false)
  },
  {
    name: 'file-search-step-details',
    docs: AZURE_V2,
    reason: 'RunStepFileSearchToolCall types `file_search` as a map of strings ("Reserved for future use"), but a ' +
      'file_search step carries `{ranking_options: {ranker, score_threshold}, results: [{file_id, file_name, score, ' +
      'content?}]}` (OpenAI\'s current RunStepDetailsToolCallsFileSearchObject; the Azure AI Agents v1 document\'s ' +
      'RunStepFileSearchToolCallResults, for the same service): the document gains those shapes.',
    apply: (defs) => {
      const call = definition(defs, 'RunStepFileSearchToolCall')
      const fileSearch = call.properties?.file_search
      if (!fileSearch || fileSearch.properties || !fileSearch.additionalProperties) throw new Error('spec exception: RunStepFileSearchToolCall.file_search changed')
      call.properties!.file_search = {
        type: 'object',
        properties: {
          ranking_options: {
            type: 'object',
            properties: { ranker: { type: 'string' }, score_threshold: { type: 'number', minimum: 0, maximum: 1 } },
            required: ['ranker', 'score_threshold']
          },
          results: {
            type: 'array',
            items: {
              type: 'object',
              properties: {
                file_id: { type: 'string' },
                file_name: { type: 'string' },
                score: { type: 'number', minimum: 0, maximum: 1 },
                content: {
                  type: 'array',
                  items: { type: 'object', properties: { type: { type: 'string', enum: ['text'] }, text: { type: 'string' } }, required: ['type', 'text'] }
                }
              },
              required: ['file_id', 'file_name', 'score']
            }
          }
        }
      }
    }
  },
  {
    name: 'file-citation-quote',
    docs: [...AZURE_V2, 'agents-v1'],
    reason: 'MessageTextFileCitationDetails requires `quote`, but v2 file_search citations carry only `file_id`: OpenAI ' +
      'dropped `quote` with Assistants v2 (its current MessageContentTextAnnotationsFileCitationObject), and the Agents ' +
      'service sends none (Azure/azure-rest-api-specs#37714, "Quote missing in MessageTextFileCitationDetails"). The ' +
      'v1 document (2024-02-15-preview) keeps it required: v1 citations quote.',
    apply: (defs) => {
      const details = definition(defs, 'MessageTextFileCitationDetails')
      if (!details.required?.includes('quote')) throw new Error('spec exception: MessageTextFileCitationDetails.quote is no longer required')
      details.required = details.required.filter(name => name !== 'quote')
    }
  },
  {
    name: 'incomplete-details-object',
    docs: AZURE_V2,
    reason: 'IncompleteRunDetails is typed as a bare string enum (`"max_completion_tokens"`), but the run field is ' +
      'OpenAI\'s object `{"reason": "max_completion_tokens" | "max_prompt_tokens"}` (OpenAI RunObject; Azure\'s ' +
      'Assistants service is OpenAI\'s, and the Azure reference shows `incomplete_details` as an object — inferred).',
    apply: (defs) => {
      const details = definition(defs, 'IncompleteRunDetails')
      if (details.type !== 'string') throw new Error('spec exception: IncompleteRunDetails is no longer a string')
      defs.IncompleteRunDetails = {
        type: 'object',
        properties: { reason: { type: 'string', enum: details.enum } },
        required: ['reason']
      }
    }
  },
  {
    name: 'v2-image-content',
    docs: AZURE_V2,
    reason: 'The Azure v2 documents (2024-05-01-preview to 2024-09-01-preview) know only `text` and `image_file` (without `detail`) message content, ' +
      'while Assistants v2 messages (OpenAI MessageObject, which the emulator follows for every v2 api-version) may ' +
      'also hold `image_url` parts and an `image_file.detail`; later Azure versions and OpenAI v2 accept them, so ' +
      'the emulator does too (listed under "Differences from Azure").',
    apply: (defs) => {
      if (defs.MessageImageUrlContent) throw new Error('spec exception: MessageImageUrlContent exists')
      addProperty(defs, 'MessageImageFileDetails', 'detail', { type: 'string', enum: ['auto', 'low', 'high'] }, false)
      defs.MessageImageUrlContent = {
        type: 'object',
        properties: {
          image_url: {
            type: 'object',
            properties: { url: { type: 'string' }, detail: { type: 'string', enum: ['auto', 'low', 'high'] } },
            required: ['url']
          }
        },
        required: ['image_url'],
        allOf: [{ $ref: '#/definitions/MessageContent' }],
        'x-ms-discriminator-value': 'image_url'
      }
    }
  },
  {
    name: 'v1-file-ids',
    docs: ['azure-2024-02-15-preview'],
    reason: 'The 2024-02-15-preview document lacks `file_ids` on Assistant, ThreadMessage and ThreadRun, which the ' +
      'service returned in that version (Azure how-to sample output for 2024-02-15-preview: `"file_ids": []` on ' +
      'assistants and messages; OpenAI Assistants v1 document of 2024-03 for runs).',
    apply: (defs) => {
      for (const name of ['Assistant', 'ThreadMessage', 'ThreadRun']) addProperty(defs, name, 'file_ids', STRING_ARRAY)
    }
  },
  {
    name: 'v1-retrieval-tool',
    docs: ['azure-2024-02-15-preview'],
    reason: 'The 2024-02-15-preview document has no `retrieval` tool (nor its run-step tool call), the v1 ' +
      'predecessor of file_search that the service accepted in that version (Azure v1 how-to; OpenAI v1 document).',
    apply: (defs) => {
      if (defs.RetrievalToolDefinition) throw new Error('spec exception: RetrievalToolDefinition exists')
      defs.RetrievalToolDefinition = {
        type: 'object',
        allOf: [{ $ref: '#/definitions/ToolDefinition' }],
        'x-ms-discriminator-value': 'retrieval'
      }
      defs.RunStepRetrievalToolCall = {
        type: 'object',
        properties: { retrieval: { type: 'object', additionalProperties: { type: 'string' } } },
        required: ['retrieval'],
        allOf: [{ $ref: '#/definitions/RunStepToolCall' }],
        'x-ms-discriminator-value': 'retrieval'
      }
    }
  }
]

/**
 * Operations the service has but a document lacks, checked against a document that has them. `path` is the
 * template in the `from` document.
 */
export const BORROWED_OPERATIONS: ReadonlyArray<{
  docs: readonly DocId[]
  method: string
  path: string
  from: DocId
  reason: string
  /** The first Azure api-version that serves it, when later than the document's: the endpoint matrix shows it absent. */
  since?: string
}> = [
  ...(['openai-2024-06-20', ...AZURE_V2] as const).flatMap(doc => [
    {
      docs: [doc],
      method: 'POST',
      path: '/vector_stores/{vector_store_id}/search',
      from: 'openai-current' as const,
      reason: 'Vector-store search: in OpenAI\'s current document and Azure\'s 2025-04-01-preview inference spec ' +
        '(spec/SOURCES.md), served on /v1 and on Azure from 2024-10-01-preview; the nearest documents predate it.',
      ...(doc === 'openai-2024-06-20' ? {} : { since: '2024-10-01-preview' })
    },
    {
      docs: [doc],
      method: 'GET',
      path: '/vector_stores/{vector_store_id}/files/{file_id}/content',
      from: 'openai-current' as const,
      reason: 'Vector-store file content: as for search (OpenAI current; Azure 2025-04-01-preview inference spec).',
      ...(doc === 'openai-2024-06-20' ? {} : { since: '2024-10-01-preview' })
    }
  ]),
  {
    docs: AZURE_V2,
    method: 'DELETE',
    path: '/threads/{thread_id}/messages/{message_id}',
    from: 'openai-2024-06-20',
    reason: 'Message deletion is part of Assistants v2 (OpenAI since 2024-04-30) and served by Azure from ' +
      '2024-05-01-preview, but the generated 2024-05-01-preview to 2024-09-01-preview documents omit the operation.'
  }
]

/** OpenAI's error envelope, closed, as OpenAI's document defines `ErrorResponse` / `Error`. */
const OPENAI_ERROR: RawSchema = { $ref: 'urn:aoai-spec:openai-2024-06-20#/$defs/ErrorResponse' }

/**
 * Error bodies. Neither Azure document declares any response but 200, so Azure error bodies are checked
 * against the three envelopes Azure is known to send (see src/errors.ts and the wire notes §3.1):
 * - the Assistants API's own validation, not-found and state errors: OpenAI's `ErrorResponse`;
 * - the gateway (routing, api-version, api-key): `{"error":{"code":"<string>","message":"…"}}`;
 * - the Entra ID token validator: `{"statusCode": 401, "message": "…"}`.
 * The OpenAI document declares no error responses on the Assistants paths either; its own `ErrorResponse`
 * schema is what the OpenAI flavour's errors are checked against.
 */
const ENVELOPES: Readonly<Record<'openai' | 'azure' | 'agents', RawSchema>> = {
  openai: OPENAI_ERROR,
  // Agents: the document's AgentV1Error, tightened to what @azure/ai-agents needs to read an error at all
  // (agentV1ErrorDeserializer): an `error` object carrying all four fields.
  agents: {
    allOf: [{ $ref: 'urn:aoai-spec:agents-v1#/$defs/AgentV1Error' }],
    properties: {
      error: {
        type: 'object',
        properties: {
          message: { type: 'string' },
          type: { type: 'string' },
          param: { type: ['string', 'null'] },
          code: { type: ['string', 'null'] }
        },
        required: ['message', 'type', 'param', 'code'],
        additionalProperties: false
      }
    },
    required: ['error']
  },
  azure: {
    anyOf: [
      OPENAI_ERROR,
      {
        type: 'object',
        properties: {
          error: {
            type: 'object',
            properties: { code: { type: 'string' }, message: { type: 'string' } },
            required: ['code', 'message'],
            additionalProperties: false
          }
        },
        required: ['error'],
        additionalProperties: false
      },
      {
        type: 'object',
        properties: { statusCode: { type: 'integer' }, message: { type: 'string' } },
        required: ['statusCode', 'message'],
        additionalProperties: false
      }
    ]
  }
}

/**
 * The envelope per front door: Azure's v1 API (/openai/v1) answers as /openai does (the gateway's envelope for
 * routing and keys, OpenAI's for the API's own errors: pydantic/pydantic-ai#5066 shows the gateway's on /v1);
 * a Foundry project's OpenAI API in the Agents door's (F-TSP `ApiErrorResponse` = OpenAI's `Error`, plus optional
 * details the emulator never sends).
 */
export const ERROR_BODY_SCHEMAS: Readonly<Record<'openai' | 'azure' | 'agents' | 'azure-v1' | 'foundry', RawSchema>> = {
  ...ENVELOPES,
  'azure-v1': ENVELOPES.azure,
  foundry: ENVELOPES.agents
}

/** Conventions of the documents that the conversion in spec.ts handles, listed so the list is complete. */
export const CONVENTIONS: ReadonlyArray<{ name: string, reason: string }> = [
  {
    name: 'nullable-conventions',
    reason: 'The Azure documents mark nullable fields with Swagger\'s `x-nullable: true`, the OpenAI document ' +
      'with OpenAPI 3.0\'s `nullable: true`; JSON Schema has neither, so both become `anyOf [schema, {type: null}]`.'
  },
  {
    name: 'swagger-discriminators',
    reason: 'Swagger 2.0 polymorphism (`discriminator` on the base, `x-ms-discriminator-value` on each derived ' +
      'definition) has no JSON Schema meaning; it becomes if/then dispatch from the base to the derived definition.'
  },
  {
    name: 'closed-objects',
    reason: 'Neither document closes its objects, so an extra field would pass; every object schema with ' +
      '`properties` is closed (`unevaluatedProperties: false`) to check that responses carry exactly the fields ' +
      'of their generation. Maps (`additionalProperties`) stay open.'
  }
]
