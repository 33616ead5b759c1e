/**
 * Fixtures: JSON files that seed assistants and threads with known ids at startup, so tests and the
 * documentation's curl examples can rely on `asst_abc123` and `thread_abc123` existing.
 * A file is validated as a whole before anything is stored; a problem stops startup with one line that
 * names the file and the JSON path. Several paths may be given: later ones override earlier ones (loadFixtures).
 */
import { readFileSync, readdirSync, statSync } from 'node:fs'
import { join } from 'node:path'
import { Type, type Static } from '@sinclair/typebox'
import { FaultRuleSchema, type FaultRule } from './control/faults.js'
import { globProblem } from './control/glob.js'
import { ApiError } from './errors.js'
import { ScenarioSchema, scenarioProblem, type Scenario } from './runs/scenarios.js'
import { CreateAssistantBodySchema } from './schemas/assistant.js'
import { CreateThreadBodySchema } from './schemas/thread.js'
import { validate } from './checks/schema.js'

const FixtureAssistantSchema = Type.Composite([
  Type.Object({ id: Type.String({ pattern: '^asst_[A-Za-z0-9_-]+$' }) }),
  CreateAssistantBodySchema
], { additionalProperties: false })

const FixtureThreadSchema = Type.Composite([
  Type.Object({ id: Type.String({ pattern: '^thread_[A-Za-z0-9_-]+$' }) }),
  CreateThreadBodySchema
], { additionalProperties: false })

const FixturesFileSchema = Type.Object({
  $schema: Type.Optional(Type.String()),
  description: Type.Optional(Type.String()),
  assistants: Type.Optional(Type.Array(FixtureAssistantSchema)),
  threads: Type.Optional(Type.Array(FixtureThreadSchema)),
  scenarios: Type.Optional(Type.Array(ScenarioSchema)),
  /** Fault rules in force from start-up (and again after each reset); see control/faults.ts. */
  faults: Type.Optional(Type.Array(FaultRuleSchema))
}, { additionalProperties: false })
export type FixturesFile = Static<typeof FixturesFileSchema>
type FixtureAssistant = Static<typeof FixtureAssistantSchema>
type FixtureThread = Static<typeof FixtureThreadSchema>

export interface Fixtures {
  readonly assistants: readonly FixtureAssistant[]
  readonly threads: readonly FixtureThread[]
  /** Run scripts, a later path's first, then in file order and rule order: the first rule matching a run wins. */
  readonly scenarios: readonly Scenario[]
  /** Fault rules, a later path's first, then in file order. */
  readonly faults?: readonly FaultRule[]
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

/** Reads and validates one path: a fixtures file, or every .json file in a folder (in name order). An id is defined once in it. */
function loadPath (path: string): Required<Fixtures> {
  const assistants: FixtureAssistant[] = []
  const threads: FixtureThread[] = []
  const scenarios: Scenario[] = []
  const faults: FaultRule[] = []
  const seen = new Map<string, string>()
  for (const file of fixtureFiles(path)) {
    let text: string
    try {
      text = readFileSync(file, 'utf8')
    } catch (err) {
      throw new FixturesError(`Cannot read fixtures file ${file}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`)
    }
    const parsed = parseFixturesFile(file, text)
    for (const [section, items] of [['assistants', parsed.assistants ?? []], ['threads', parsed.threads ?? []]] as const) {
      items.forEach((item, index) => {
        const first = seen.get(item.id)
        if (first !== undefined) {
          throw new FixturesError(`Invalid fixtures file ${file} at $.${section}[${index}].id: '${item.id}' is already defined in ${first} ` +
            '(an id is defined once per fixtures path; a later --fixtures path may redefine it)')
        }
        seen.set(item.id, file)
      })
    }
    assistants.push(...(parsed.assistants ?? []))
    threads.push(...(parsed.threads ?? []))
    scenarios.push(...(parsed.scenarios ?? []))
    faults.push(...(parsed.faults ?? []))
  }
  return { assistants, threads, scenarios, faults }
}

/**
 * Reads and validates fixtures from a path (a file, or a folder of them) or several. A later path overrides
 * the earlier ones: its assistants and threads replace those with the same id (where the earlier ones stood),
 * its scenarios replace those with the same name and are tried before the earlier paths' scenarios, and its
 * fault rules before theirs.
 */
export function loadFixtures (paths: string | readonly string[]): Fixtures {
  const assistants = new Map<string, FixtureAssistant>()
  const threads = new Map<string, FixtureThread>()
  let scenarios: Scenario[] = []
  let faults: FaultRule[] = []
  for (const path of typeof paths === 'string' ? [paths] : paths) {
    const layer = loadPath(path)
    for (const assistant of layer.assistants) assistants.set(assistant.id, assistant)
    for (const thread of layer.threads) threads.set(thread.id, thread)
    const names = new Set(layer.scenarios.map(scenario => scenario.name))
    scenarios = [...layer.scenarios, ...scenarios.filter(scenario => scenario.name === undefined || !names.has(scenario.name))]
    faults = [...layer.faults, ...faults]
  }
  return { assistants: [...assistants.values()], threads: [...threads.values()], scenarios, faults }
}
