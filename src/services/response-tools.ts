/**
 * What a new response's hosted tool, `file_search`, takes from the tenant: the search over the vector stores
 * its tool names (`vector_store_ids`; files and vector stores are the Assistants API's), with the tool's
 * `max_num_results`, `ranking_options` and `filters`, made as a run makes it (services/run-tools.ts
 * `scriptedSearch`, tools/file-search.ts). The response's script is built from it (runs/script.ts
 * `ScriptEnvironment`). code_interpreter is not a response tool here (docs/responses.md): nothing is generated.
 */
import { Errors } from '../errors.js'
import { forcedFunction, type ScriptEnvironment, type ToolControls } from '../runs/script.js'
import type { ResponseTool } from '../schemas/response.js'
import type { Store } from '../store/store.js'
import { choiceAllowsSearch, scriptedSearch, type SearchSettings } from './run-tools.js'
import type { SearchFilter, SearchIndexCache } from './vector-store-search.js'

/** `max_num_results` of a Responses file_search tool that does not say (the value a response echoes). */
export const RESPONSES_MAX_NUM_RESULTS = 20

type FileSearchTool = Extract<ResponseTool, { type: 'file_search' }>

/** The request's first file_search tool (the one its searches use), or undefined. */
const fileSearchTool = (tools: readonly ResponseTool[]): FileSearchTool | undefined =>
  tools.find((tool): tool is FileSearchTool => tool.type === 'file_search')

/**
 * Refuses a file_search tool that names a vector store the tenant does not have (404 `No vector store found with
 * id '…'.`, param `tools[i].vector_store_ids`: the emulator's words for a missing vector store reference, as for
 * an assistant's `tool_resources`; the service's own for responses is not pinned).
 */
export function checkResponseTools (store: Store, tools: readonly ResponseTool[]): void {
  tools.forEach((tool, i) => {
    if (tool.type !== 'file_search') return
    for (const id of tool.vector_store_ids) {
      if (store.vectorStores.get(id) === undefined) throw Errors.vectorStoreReferenceNotFound(id, `tools[${i}].vector_store_ids`)
    }
  })
}

export interface ResponseToolsInput {
  readonly store: Store
  /** When the response is created (epoch ms): its searches see the files processed by then. */
  readonly now: number
  readonly searchIndexes: SearchIndexCache
  readonly tools: readonly ResponseTool[]
  /** The response's controls in the run form (responses/plan.ts `controlsOf`). */
  readonly controls: ToolControls
  /** The last user message of the response's context and input: what an unscripted search looks for. */
  readonly question: string | null
  /** Whether a scenario (or a previous response's remaining steps) scripts the response: it searches only where the script says. */
  readonly scripted: boolean
}

/**
 * The response's hosted-tool environment. An unscripted response searches before it replies when it has a
 * file_search tool with a vector store, its last user message says something, and `tool_choice` neither forbids
 * tools nor forces a function (as a run decides: services/run-tools.ts). Scripted `file_search` steps search the
 * tool's vector stores (none without the tool), or show the scripted results.
 */
export function responseTools (input: ResponseToolsInput): ScriptEnvironment {
  const tool = fileSearchTool(input.tools)
  const question = input.question ?? ''
  const { toolChoice, tools } = input.controls
  const settings: SearchSettings = {
    store: input.store,
    now: input.now,
    searchIndexes: input.searchIndexes,
    scope: { vectorStoreIds: tool?.vector_store_ids ?? [] },
    maxNumResults: tool?.max_num_results ?? RESPONSES_MAX_NUM_RESULTS,
    rankingOptions: tool?.ranking_options as SearchSettings['rankingOptions'],
    // The request schema keeps `filters` open; the vector store search reads the comparison and compound forms.
    ...(tool?.filters === undefined || tool.filters === null ? {} : { filters: tool.filters as SearchFilter }),
    question
  }
  return {
    searchesByDefault: !input.scripted && tool !== undefined && tool.vector_store_ids.length > 0 && question.trim() !== '' &&
      choiceAllowsSearch(toolChoice) && forcedFunction(toolChoice, tools, 'response') === undefined,
    search: scripted => ({ tool: 'file_search', messageIndex: 0, search: scriptedSearch(settings, scripted) }),
    generatedImage: () => null
  }
}
