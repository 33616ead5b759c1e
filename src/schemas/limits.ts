/**
 * Every documented size limit of a request field, in one table: the schemas read their bounds from here, and
 * test/limits.test.ts drives an over-limit request at every field each entry names.
 *
 * Sources: OpenAI's document (spec/openai-openapi.yaml: `maxLength`, `maxItems`, `minimum`, `maximum`) and
 * Azure's Assistants reference (instructions and message content 256,000 characters; metadata 16 pairs,
 * keys 64, values 512). Violations are answered with the validator's "string too long. Expected a string
 * with maximum length N, but got a string with length M instead." family (src/errors.ts).
 */
export const LIMITS = {
  /** Assistant and run `instructions`, `additional_instructions`. */
  instructions: 256_000,
  /** A message's `content` when it is a string (Azure `createMessageRequest.content`). */
  messageContent: 256_000,
  assistantName: 256,
  assistantDescription: 512,
  model: 256,
  /** An assistant's `tools` (OpenAI `CreateAssistantRequest.tools.maxItems`). */
  assistantTools: 128,
  /** A run's `tools` (OpenAI `CreateRunRequest.tools.maxItems`). */
  runTools: 20,
  metadataPairs: 16,
  metadataKey: 64,
  metadataValue: 512,
  /** `tool_resources.code_interpreter.file_ids`. */
  codeInterpreterFiles: 20,
  /** `tool_resources.file_search.vector_store_ids` and the `vector_stores` helper. */
  fileSearchVectorStores: 1,
  /** Messages in a thread creation, and a run's `additional_messages`. */
  threadMessages: 32,
  /** Content parts of one message. */
  contentParts: 100,
  /** A message's `attachments`. */
  attachments: 20,
  /** v1 `file_ids` of an assistant or message. */
  v1FileIds: 20,
  /** A function's `name` (also the `^[a-zA-Z0-9_-]+$` pattern). */
  functionName: 64,
  /** `file_search.max_num_results` on the tool and on vector-store search. */
  maxNumResultsMin: 1,
  maxNumResultsMax: 50,
  temperatureMax: 2,
  topPMax: 1,
  /** `max_prompt_tokens` and `max_completion_tokens`. */
  runTokensMin: 256,
  /** Tool outputs in one submission. */
  toolOutputs: 128,
  /** `file_ids` of a vector store creation. */
  vectorStoreFiles: 500,
  /** `file_ids` of a file batch (OpenAI's current document says 2000; the 2024 ones 500). */
  fileBatchFiles: 500,
  /** `expires_after.days`. */
  expiryDaysMax: 365,
  /** `static.max_chunk_size_tokens`. */
  chunkSizeMin: 100,
  chunkSizeMax: 4096,
  /** Vector store name. */
  vectorStoreName: 256,
  /** Vector-store file `attributes`: 16 pairs, keys 64, string values 512. */
  attributePairs: 16,
  attributeValue: 512,
  /**
   * Vector-store search `query`: characters of a string query or of each entry of an array query, and entries
   * of an array query. The emulator's own caps (OpenAI's document gives none; README "Differences from Azure").
   */
  searchQuery: 4096,
  searchQueries: 16,
  /** A Responses text (`input` as a string, an `input_text`, `instructions`): OpenAI's 10 MiB cap on these strings. */
  responseInputText: 10_485_760,
  /** `max_output_tokens` (OpenAI `CreateResponse.max_output_tokens.minimum`). */
  maxOutputTokensMin: 16,
  /** Items in one conversation creation or items creation (OpenAI `CreateConversationBody.items.maxItems`). */
  conversationItems: 20
} as const
