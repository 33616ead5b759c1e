/**
 * Fixtures: JSON files that seed assistants, threads and vector stores with known ids at startup, so tests and
 * the documentation's curl examples can rely on `asst_abc123` and `thread_abc123` existing, and script what
 * runs do; and Foundry agent versions (`agents`: entries of one name are its versions 1, 2, … in order) and
 * OpenAI prompts (`prompts`, which the API cannot create). Files they name (a vector store's text files, a
 * code_interpreter image) are paths relative to the fixtures file, read when it loads.
 * A file is validated as a whole before anything is stored; a problem stops startup with one line that
 * names the file and the JSON path. Several paths may be given: later ones override earlier ones (loadFixtures).
 */
import { readFileSync, readdirSync, statSync } from 'node:fs'
import { basename, dirname, join, resolve } from 'node:path'
import { Type, type Static } from '@sinclair/typebox'
import { FaultRuleSchema, type FaultRule } from './control/faults.js'
import { globProblem } from './control/glob.js'
import { ApiError } from './errors.js'
import { ScenarioSchema, scenarioProblem, type Scenario } from './runs/scenarios.js'
import { FixtureAgentVersionSchema, SeededPromptSchema, type FixtureAgentVersion, type SeededPrompt } from './schemas/agent.js'
import { CreateAssistantBodySchema } from './schemas/assistant.js'
import { CreateThreadBodySchema } from './schemas/thread.js'
import { CreateVectorStoreBodySchema } from './schemas/vector-store.js'
import { validate } from './checks/schema.js'

const FixtureAssistantSchema = Type.Composite([
  Type.Object({ id: Type.String({ pattern: '^asst_[A-Za-z0-9_-]+$' }) }),
  CreateAssistantBodySchema
], { additionalProperties: false })

const FixtureThreadSchema = Type.Composite([
  Type.Object({ id: Type.String({ pattern: '^thread_[A-Za-z0-9_-]+$' }) }),
  CreateThreadBodySchema
], { additionalProperties: false })

/**
 * A vector store to seed, with its files ready (`completed`) from the start: `files` are paths relative to the
 * fixtures file, each a file or a folder (its files, in name order; dot files left out), uploaded with purpose
 * `assistants` under their own names.
 */
const FixtureVectorStoreSchema = Type.Composite([
  Type.Object({
    id: Type.String({ pattern: '^vs_[A-Za-z0-9_-]+$' }),
    files: Type.Array(Type.String({ minLength: 1 }), { minItems: 1, maxItems: 100 })
  }),
  Type.Omit(CreateVectorStoreBodySchema, ['file_ids'])
], { additionalProperties: false })

const FixturesFileSchema = Type.Object({
  $schema: Type.Optional(Type.String()),
  description: Type.Optional(Type.String()),
  assistants: Type.Optional(Type.Array(FixtureAssistantSchema)),
  threads: Type.Optional(Type.Array(FixtureThreadSchema)),
  /** Foundry agent versions: `{name, description?, metadata?, definition}`; a name's entries are its versions in order. */
  agents: Type.Optional(Type.Array(FixtureAgentVersionSchema)),
  /** OpenAI prompts: `{id, version?, instructions, variables?, model?}` (a `prompt` on a response resolves against them). */
  prompts: Type.Optional(Type.Array(SeededPromptSchema)),
  vector_stores: Type.Optional(Type.Array(FixtureVectorStoreSchema)),
  scenarios: Type.Optional(Type.Array(ScenarioSchema)),
  /** Fault rules in force from start-up (and again after each reset); see control/faults.ts. */
  faults: Type.Optional(Type.Array(FaultRuleSchema))
}, { additionalProperties: false })
export type FixturesFile = Static<typeof FixturesFileSchema>
type FixtureAssistant = Static<typeof FixtureAssistantSchema>
type FixtureThread = Static<typeof FixtureThreadSchema>

/** A file a fixture names, read: its name (the path's last part) and bytes. */
interface FixtureFile {
  readonly filename: string
  readonly content: Buffer
}

/** A vector store to seed, its files read. */
export type FixtureVectorStore = Omit<Static<typeof FixtureVectorStoreSchema>, 'files'> & { readonly files: readonly FixtureFile[] }

export interface Fixtures {
  readonly assistants: readonly FixtureAssistant[]
  readonly threads: readonly FixtureThread[]
  /** Foundry agent versions, in order (absent: none). */
  readonly agents?: readonly FixtureAgentVersion[]
  /** OpenAI prompts (absent: none). */
  readonly prompts?: readonly SeededPrompt[]
  /** Run scripts, a later path's first, then in file order and rule order: the first rule matching a run wins. */
  readonly scenarios: readonly Scenario[]
  /** Fault rules, a later path's first, then in file order. */
  readonly faults?: readonly FaultRule[]
  /** Vector stores to seed (before the assistants that name them), with their files. */
  readonly vectorStores?: readonly FixtureVectorStore[]
  /**
   * Files the scenarios name (code_interpreter images), by absolute path: a loaded scenario's `image` is the
   * path resolved against its fixtures file's folder, which is the key here.
   */
  readonly files?: ReadonlyMap<string, Buffer>
}

export class FixturesError extends Error {
  constructor (message: string) {
    super(message)
    this.name = 'FixturesError'
  }
}

function fixtureFiles (path: string): string[] {
  let stats
  try {
    stats = statSync(path)
  } catch (err) {
    throw new FixturesError(`Cannot read fixtures ${path}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`)
  }
  if (!stats.isDirectory()) return [path]
  const files = readdirSync(path).filter(name => name.endsWith('.json')).sort().map(name => join(path, name))
  if (files.length === 0) throw new FixturesError(`No .json fixtures files in folder ${path}`)
  return files
}

export function parseFixturesFile (file: string, text: string): FixturesFile {
  let json: unknown
  try {
    json = JSON.parse(text)
  } catch (err) {
    throw new FixturesError(`Invalid fixtures file ${file}: not JSON (${(err as Error).message})`)
  }
  try {
    // Fixtures are generation-neutral: an assistant may carry v1 `file_ids` and v2 `tool_resources` alike.
    const parsed = validate(FixturesFileSchema, json, { generation: 'any' }) as FixturesFile
    parsed.scenarios?.forEach((scenario, index) => {
      const problem = scenarioProblem(scenario)
      if (problem) throw new FixturesError(`Invalid fixtures file ${file} at $.scenarios[${index}].${problem.path}: ${problem.message}`)
    })
    parsed.faults?.forEach((rule, index) => {
      const problem = rule.match.path === undefined ? undefined : globProblem(rule.match.path)
      if (problem) throw new FixturesError(`Invalid fixtures file ${file} at $.faults[${index}].match.path: ${problem}`)
    })
    return parsed
  } catch (err) {
    if (!(err instanceof ApiError) || !err.fields) throw err
    const where = err.fields.param === null || err.fields.param === '' ? '$' : `$.${err.fields.param}`
    throw new FixturesError(`Invalid fixtures file ${file} at ${where}: ${err.fields.message}`)
  }
}

/**
 * Reads a file a fixture names; `where` is the JSON path of the name, for the error. Only a regular file: a
 * device such as /dev/zero or a FIFO would be read for ever and the start would hang.
 */
function readNamed (file: string, where: string, path: string): Buffer {
  try {
    if (!statSync(path).isFile()) throw new FixturesError(`Invalid fixtures file ${file} at ${where}: ${path} is not a regular file`)
    return readFileSync(path)
  } catch (err) {
    if (err instanceof FixturesError) throw err
    throw new FixturesError(`Invalid fixtures file ${file} at ${where}: cannot read ${path} (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`)
  }
}

/** The files a vector store fixture names: each path a file, or a folder's files in name order. */
function vectorStoreFiles (file: string, baseDir: string, paths: readonly string[], where: string): FixtureFile[] {
  return paths.flatMap((name, index) => {
    const path = resolve(baseDir, name)
    const at = `${where}.files[${index}]`
    let folder = false
    try {
      folder = statSync(path).isDirectory()
    } catch {}
    if (!folder) return [{ filename: basename(path), content: readNamed(file, at, path) }]
    const names = readdirSync(path).filter(entry => !entry.startsWith('.') && statSync(join(path, entry)).isFile()).sort()
    if (names.length === 0) throw new FixturesError(`Invalid fixtures file ${file} at ${at}: the folder ${path} has no files`)
    return names.map(entry => ({ filename: entry, content: readNamed(file, at, join(path, entry)) }))
  })
}

/**
 * Reads the files a parsed fixtures file names, relative to `baseDir` (its folder): the vector stores' files,
 * and the scenarios' code_interpreter images, whose `image` becomes the absolute path (the key in `files`).
 * `file` names the source in errors.
 */
export function readFixtureFiles (parsed: FixturesFile, baseDir: string, file: string): Required<Pick<Fixtures, 'vectorStores' | 'scenarios' | 'files'>> {
  const files = new Map<string, Buffer>()
  const vectorStores = (parsed.vector_stores ?? []).map((store, index) => ({
    ...store, files: vectorStoreFiles(file, baseDir, store.files, `$.vector_stores[${index}]`)
  }))
  const scenarios = (parsed.scenarios ?? []).map((scenario, index) => ({
    ...scenario,
    steps: scenario.steps.map((step, s) => {
      if (!('code_interpreter' in step) || step.code_interpreter.image === undefined) return step
      const path = resolve(baseDir, step.code_interpreter.image)
      files.set(path, readNamed(file, `$.scenarios[${index}].steps[${s}].code_interpreter.image`, path))
      return { code_interpreter: { ...step.code_interpreter, image: path } }
    })
  }))
  return { vectorStores, scenarios, files }
}

/** Reads and validates one path: a fixtures file, or every .json file in a folder (in name order). An id is defined once in it. */
function loadPath (path: string): Required<Fixtures> {
  const assistants: FixtureAssistant[] = []
  const threads: FixtureThread[] = []
  const scenarios: Scenario[] = []
  const faults: FaultRule[] = []
  const agents: FixtureAgentVersion[] = []
  const prompts: SeededPrompt[] = []
  const vectorStores: FixtureVectorStore[] = []
  const files = new Map<string, Buffer>()
  const seen = new Map<string, string>()
  for (const file of fixtureFiles(path)) {
    let text: string
    try {
      text = readFileSync(file, 'utf8')
    } catch (err) {
      throw new FixturesError(`Cannot read fixtures file ${file}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`)
    }
    const parsed = parseFixturesFile(file, text)
    const sections = [['assistants', parsed.assistants ?? []], ['threads', parsed.threads ?? []], ['vector_stores', parsed.vector_stores ?? []]] as const
    for (const [section, items] of sections) {
      items.forEach((item, index) => {
        const first = seen.get(item.id)
        if (first !== undefined) {
          throw new FixturesError(`Invalid fixtures file ${file} at $.${section}[${index}].id: '${item.id}' is already defined in ${first} ` +
            '(an id is defined once per fixtures path; a later --fixtures path may redefine it)')
        }
        seen.set(item.id, file)
      })
    }
    const named = readFixtureFiles(parsed, dirname(file), file)
    assistants.push(...(parsed.assistants ?? []))
    threads.push(...(parsed.threads ?? []))
    scenarios.push(...named.scenarios)
    faults.push(...(parsed.faults ?? []))
    agents.push(...(parsed.agents ?? []))
    prompts.push(...(parsed.prompts ?? []))
    vectorStores.push(...named.vectorStores)
    for (const [key, content] of named.files) files.set(key, content)
  }
  return { assistants, threads, scenarios, faults, vectorStores, files, agents, prompts }
}

/**
 * Reads and validates fixtures from a path (a file, or a folder of them) or several. A later path overrides
 * the earlier ones: its assistants, threads and vector stores replace those with the same id (where the earlier
 * ones stood), its scenarios replace those with the same name and are tried before the earlier paths'
 * scenarios, and its fault rules before theirs; its agents replace every version of an agent of the same name,
 * its prompts every prompt version of the same id and version.
 */
export function loadFixtures (paths: string | readonly string[]): Fixtures {
  const assistants = new Map<string, FixtureAssistant>()
  const threads = new Map<string, FixtureThread>()
  const vectorStores = new Map<string, FixtureVectorStore>()
  const files = new Map<string, Buffer>()
  let scenarios: Scenario[] = []
  let faults: FaultRule[] = []
  let agents: FixtureAgentVersion[] = []
  let prompts: SeededPrompt[] = []
  for (const path of typeof paths === 'string' ? [paths] : paths) {
    const layer = loadPath(path)
    const agentNames = new Set(layer.agents.map(agent => agent.name))
    agents = [...agents.filter(agent => !agentNames.has(agent.name)), ...layer.agents]
    const promptKey = (prompt: SeededPrompt) => `${prompt.id}@${prompt.version ?? '1'}`
    const promptKeys = new Set(layer.prompts.map(promptKey))
    prompts = [...prompts.filter(prompt => !promptKeys.has(promptKey(prompt))), ...layer.prompts]
    for (const assistant of layer.assistants) assistants.set(assistant.id, assistant)
    for (const thread of layer.threads) threads.set(thread.id, thread)
    for (const store of layer.vectorStores) vectorStores.set(store.id, store)
    for (const [key, content] of layer.files) files.set(key, content)
    const names = new Set(layer.scenarios.map(scenario => scenario.name))
    scenarios = [...layer.scenarios, ...scenarios.filter(scenario => scenario.name === undefined || !names.has(scenario.name))]
    faults = [...layer.faults, ...faults]
  }
  return { assistants: [...assistants.values()], threads: [...threads.values()], scenarios, faults, vectorStores: [...vectorStores.values()], files, agents, prompts }
}
