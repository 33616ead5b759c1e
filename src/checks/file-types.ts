/**
 * A file's type is its filename's extension, and the service refuses some types where a tool cannot read them:
 * - file_search (anything that goes into a vector store) reads only the extensions OpenAI publishes
 *   (platform.openai.com/docs/assistants/tools/file-search/supported-files; the same list in Azure's agents
 *   service's answer, microsoft/agent-framework#2469): 400 `unsupported_file`;
 * - an upload for fine-tuning or batches must be `.jsonl` (each flavour in its words);
 * - Foundry Agents refuses an upload for assistants that no tool reads ("Invalid extension geojson.",
 *   microsoft/agent-framework#2469), its list being what file_search, code_interpreter and vision read.
 * code_interpreter's own list (platform.openai.com/docs/assistants/tools/code-interpreter/supported-files) is not
 * checked where files are attached to it: no capture shows the service refusing one there.
 */
import type { Flavour } from '../api-surface.js'
import { Errors } from '../errors.js'

/** OpenAI's supported file_search extensions, in the order Azure lists them. */
export const FILE_SEARCH_EXTENSIONS: readonly string[] = [
  '.c', '.cpp', '.cs', '.css', '.doc', '.docx', '.go', '.html', '.java', '.js', '.json', '.md', '.pdf', '.php', '.pptx',
  '.py', '.rb', '.sh', '.tex', '.ts', '.txt'
]

/** OpenAI's supported code_interpreter extensions (those file_search lacks), and the image types vision reads. */
const CODE_INTERPRETER_ONLY = ['.csv', '.gif', '.jpeg', '.jpg', '.pkl', '.png', '.tar', '.xlsx', '.xml', '.zip']
const VISION_ONLY = ['.webp']

/** What a Foundry Agents upload for assistants may be: what some tool reads. */
const AGENTS_ASSISTANTS_UPLOADS: ReadonlySet<string> = new Set([...FILE_SEARCH_EXTENSIONS, ...CODE_INTERPRETER_ONLY, ...VISION_ONLY])

/** A filename's extension, lower-cased with its dot (`report.PDF` → `.pdf`); '' when it has none. */
function extensionOf (filename: string): string {
  const dot = filename.lastIndexOf('.')
  return dot <= 0 || dot === filename.length - 1 ? '' : filename.slice(dot).toLowerCase()
}

/**
 * Refuses files file_search cannot read, naming each extension once in the order given (a file without one shows
 * as an empty entry). Call it once the files are known to exist, before anything is stored.
 */
export function assertRetrievable (files: ReadonlyArray<{ readonly filename: string }>): void {
  const refused = [...new Set(files.map(file => extensionOf(file.filename)).filter(ext => !FILE_SEARCH_EXTENSIONS.includes(ext)))]
  if (refused.length > 0) throw Errors.unsupportedRetrievalFiles(refused, FILE_SEARCH_EXTENSIONS)
}

/** Refuses an upload whose filename does not fit its purpose on `flavour` (see the module comment). */
export function assertUploadType (filename: string, purpose: string, flavour: Flavour): void {
  const extension = extensionOf(filename)
  if ((purpose === 'fine-tune' || purpose === 'batch') && extension !== '.jsonl') {
    throw Errors.uploadNotJsonl(purpose === 'batch' ? 'Batch' : 'Fine-Tuning')
  }
  if (flavour === 'agents' && purpose === 'assistants' && !AGENTS_ASSISTANTS_UPLOADS.has(extension)) {
    throw Errors.agentsInvalidExtension(extension.slice(1))
  }
}
