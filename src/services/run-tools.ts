/**
 * What a new run's hosted tools (file_search, code_interpreter) take from the tenant: the search over the
 * run's files (tools/file-search.ts) and the files scripted code_interpreter calls generate
 * (tools/code-interpreter.ts). The run's script is built from it (runs/script.ts `ScriptEnvironment`), then the
 * generated files the script kept are stored.
 */
import { basename } from 'node:path'
import type { Flavour } from '../api-surface.js'
import type { Ids } from '../ids.js'
import { forcedFunction, type ScriptEnvironment } from '../runs/script.js'
import type { ScenarioFileSearch } from '../runs/scenarios.js'
import type { Tool } from '../schemas/common.js'
import type { FileRecord, FileSearchCall, FileSearchResult, MessageRecord, ScriptStep } from '../store/records.js'
import type { Store } from '../store/store.js'
import { generatedFileRecord, type GeneratedFileSource } from '../tools/code-interpreter.js'
import { assistantsSearchScope, DEFAULT_RANKER, type AssistantsSearchScope, defaultMaxNumResults, searchFiles, type FileSearchOptions, type FileSearchScope } from '../tools/file-search.js'
import type { SearchIndexCache } from './vector-store-search.js'

export interface RunToolsInput {
  readonly store: Store
  readonly ids: Ids
  readonly now: number
  /** The vector store service's index cache, shared with `POST /vector_stores/{id}/search`. */
  readonly searchIndexes: SearchIndexCache
  /** Files the fixtures name (code_interpreter images), by the path their scenarios give. */
  readonly fixtureFiles: ReadonlyMap<string, Buffer>
  /** The flavour the run was created through: generated files get its file id form. */
  readonly flavour: Flavour
  readonly model: string
  readonly tools: readonly Tool[]
  readonly toolChoice: unknown
  readonly assistant: { readonly toolResources: unknown, readonly fileIds: readonly string[] }
  readonly threadToolResources: unknown
  /** The thread's messages as the run starts (with `additional_messages`). */
  readonly messages: readonly MessageRecord[]
  readonly lastUserMessage: string | null
  /** How many thread messages the run's prompt kept (citation markers number the search output after them). */
  readonly promptMessages: number
  /** Whether a scenario scripts the run (then it searches only where the script says). */
  readonly scripted: boolean
}

export interface RunTools {
  readonly env: ScriptEnvironment
  /** Stores the generated files that `script` uses (a `tool_choice: none` run drops its code steps, and their files). */
  readonly storeGeneratedFiles: (script: readonly ScriptStep[]) => void
}

/** Whether `tool_choice` lets the model search on its own: `auto`, `required`, or the file_search tool by name. */
export function choiceAllowsSearch (toolChoice: unknown): boolean {
  return toolChoice === 'auto' || toolChoice === 'required' || (toolChoice as { type?: unknown } | null)?.type === 'file_search'
}

/** Where and how a run's or a response's file_search steps search (`scriptedSearch`). */
export interface SearchSettings {
  readonly store: Store
  /** When the search is made (epoch ms): the files that have finished processing by then are searched. */
  readonly now: number
  /** The vector store service's index cache, shared with `POST /vector_stores/{id}/search`. */
  readonly searchIndexes: SearchIndexCache
  readonly scope: FileSearchScope
  readonly maxNumResults: number
  readonly rankingOptions: FileSearchOptions['rankingOptions']
  readonly filters?: FileSearchOptions['filters']
  /** What a step that names no query searches for: the last user message. */
  readonly question: string
}

/**
 * The search a file_search step makes: its `query` (default: the question) searched in the scope, or the
 * scripted `results` (each naming its file by id, or by name among the scope's files, then any file; a result
 * naming no file is dropped; `score` defaults to 1).
 */
export function scriptedSearch (settings: SearchSettings, scripted: ScenarioFileSearch): FileSearchCall {
  const { store, scope } = settings
  const queries = [scripted.query ?? settings.question]
  if (scripted.results === undefined) {
    return searchFiles(store, settings.now, scope, {
      queries, maxNumResults: settings.maxNumResults, rankingOptions: settings.rankingOptions, filters: settings.filters
    }, settings.searchIndexes)
  }
  let files: FileRecord[] | undefined
  /** The files in the scope (for scripted results that name a file). */
  const scopeFiles = (): FileRecord[] => (files ??= [
    ...scope.vectorStoreIds.flatMap(id => store.vectorStoreFiles.list(id).map(entry => entry.id)),
    ...scope.fileIds ?? []
  ].flatMap(id => store.files.get(id) ?? []))
  const results = scripted.results.flatMap((result): FileSearchResult[] => {
    const file = result.file_id !== undefined
      ? store.files.get(result.file_id)
      : scopeFiles().find(f => f.filename === result.file_name) ?? store.files.list().find(f => f.filename === result.file_name)
    const fileId = result.file_id ?? file?.id
    if (fileId === undefined) return []
    return [{ fileId, fileName: file?.filename ?? result.file_name ?? fileId, score: result.score ?? 1, text: result.text, attributes: {} }]
  })
  return { queries, ranker: DEFAULT_RANKER, scoreThreshold: settings.rankingOptions?.score_threshold ?? 0, results }
}

/**
 * The run's hosted-tool environment. An unscripted run searches (before it replies) when its tools include
 * file_search (or v1 retrieval), it has something to search, its last user message says something, and
 * `tool_choice` neither forbids tools nor forces a function. The query is the last user message; results follow
 * the tool's `max_num_results` (default by model) and `ranking_options`.
 */
export function runTools (input: RunToolsInput): RunTools {
  const { store, ids, now } = input
  // Made when first needed: it walks every message of the thread (attachments), and a run without a search tool
  // that no scenario scripts a search for never needs it.
  let scope: AssistantsSearchScope | undefined
  const search = (): AssistantsSearchScope => (scope ??= assistantsSearchScope({
    tools: input.tools as ReadonlyArray<{ type: string, file_search?: unknown }>,
    assistantToolResources: input.assistant.toolResources,
    threadToolResources: input.threadToolResources,
    assistantFileIds: input.assistant.fileIds,
    messages: input.messages
  }))
  const question = input.lastUserMessage ?? ''
  const hasSearchTool = input.tools.some(tool => tool.type === 'file_search' || tool.type === 'retrieval')
  const searchesByDefault = !input.scripted && hasSearchTool && search().hasFiles && question.trim() !== '' &&
    choiceAllowsSearch(input.toolChoice) && forcedFunction(input.toolChoice, input.tools) === undefined
  const settings = (): SearchSettings => ({
    store,
    now,
    searchIndexes: input.searchIndexes,
    scope: search().scope,
    maxNumResults: search().maxNumResults ?? defaultMaxNumResults(input.model),
    rankingOptions: search().rankingOptions,
    question
  })

  const generated = new Map<string, GeneratedFileSource>()
  const env: ScriptEnvironment = {
    searchesByDefault,
    search: scripted => ({ tool: search().tool ?? 'file_search', messageIndex: input.promptMessages + 1, search: scriptedSearch(settings(), scripted) }),
    generatedImage (image) {
      const content = input.fixtureFiles.get(image)
      if (content === undefined) return null
      const fileId = ids.file(input.flavour)
      const fileName = basename(image)
      generated.set(fileId, { filename: fileName, content })
      return { fileId, fileName }
    }
  }
  return {
    env,
    storeGeneratedFiles (script) {
      for (const step of script) {
        if (step.kind !== 'code_interpreter') continue
        for (const output of step.outputs) {
          if (output.type !== 'image') continue
          const source = generated.get(output.fileId)
          if (source !== undefined) store.files.put(generatedFileRecord(output.fileId, now, source))
        }
      }
    }
  }
}
