/**
 * The Python side of the end-to-end tests: finding an interpreter that has the official `openai` package, and
 * running a script from test/e2e/python/ against an emulator.
 *
 * The interpreter is `AOAI_EMULATOR_PYTHON` if set, else `.venv-python/bin/python` in the repository root
 * (made by scripts/python-sdk.sh). When it is missing, or cannot import `openai`, a test file reports itself
 * skipped with the reason on one line; with `AOAI_EMULATOR_REQUIRE_PYTHON=1` (set by .ci/run) it fails instead.
 */
import { execFile, spawnSync } from 'node:child_process'
import { existsSync } from 'node:fs'
import { join } from 'node:path'
import type { Test } from 'tap'
import { childEnv, ROOT } from './process.js'

const PYTHON_SCRIPTS = join(ROOT, 'test', 'e2e', 'python')

export interface Python {
  /** Path of the interpreter. */
  readonly python: string
  /** `openai.__version__`, e.g. "1.59.3". */
  readonly openaiVersion: string
}

export type PythonLookup = Python | { readonly reason: string }

/** Upper bound for importing `openai` (a cold import on a loaded machine takes a few seconds). */
const PROBE_TIMEOUT_MS = 30_000

/**
 * Looks for the interpreter (see the module comment) and asks it for its `openai` version. Never throws: a
 * missing interpreter or package gives `{ reason }`, one line.
 */
export function findPython (env: NodeJS.ProcessEnv = process.env): PythonLookup {
  const configured = env.AOAI_EMULATOR_PYTHON
  const python = configured !== undefined && configured !== '' ? configured : join(ROOT, '.venv-python', 'bin', 'python')
  const source = configured ? 'AOAI_EMULATOR_PYTHON' : '.venv-python/bin/python'
  if (!configured && !existsSync(python)) return { reason: `${source} does not exist (run scripts/python-sdk.sh)` }
  const probe = spawnSync(python, ['-c', 'import openai; print(openai.__version__)'], {
    encoding: 'utf8', timeout: PROBE_TIMEOUT_MS, env: childEnv()
  })
  if (probe.error) return { reason: `${source} (${python}) cannot be run: ${probe.error.message}` }
  if (probe.status !== 0) {
    const last = probe.stderr.trim().split('\n').at(-1) ?? `exit code ${probe.status}`
    return { reason: `${source} (${python}) cannot import openai: ${last} (run scripts/python-sdk.sh)` }
  }
  return { python, openaiVersion: probe.stdout.trim() }
}

/**
 * The interpreter for test file `t`, or undefined after marking `t` skipped (one line: the reason) — or failed,
 * when `AOAI_EMULATOR_REQUIRE_PYTHON=1`.
 */
export function pythonFor (t: Test, env: NodeJS.ProcessEnv = process.env): Python | undefined {
  const found = findPython(env)
  if ('python' in found) return found
  if (env.AOAI_EMULATOR_REQUIRE_PYTHON === '1') {
    t.fail(`Python SDK required (AOAI_EMULATOR_REQUIRE_PYTHON=1) but unavailable: ${found.reason}`)
  } else {
    t.plan(0, `Python SDK tests skipped: ${found.reason}`)
  }
  return undefined
}

export interface ScriptResult {
  readonly code: number | null
  readonly stdout: string
  readonly stderr: string
}

/**
 * Runs `test/e2e/python/<script>` with `args`; resolves when it exits (killed after `timeoutMs`), never
 * rejects. The child gets the machine's environment less AOAI_EMULATOR_* and tap's hooks.
 */
export function runPythonScript (python: Python, script: string, args: readonly string[], timeoutMs = 60_000): Promise<ScriptResult> {
  return new Promise(resolve => {
    execFile(python.python, [join(PYTHON_SCRIPTS, script), ...args], {
      cwd: ROOT, env: { ...childEnv(), PYTHONDONTWRITEBYTECODE: '1' }, timeout: timeoutMs, maxBuffer: 16 * 1024 * 1024, encoding: 'utf8'
    }, (error, stdout, stderr) => {
      const code = error === null ? 0 : typeof error.code === 'number' ? error.code : null
      resolve({ code, stdout, stderr: error?.killed === true ? `${stderr}\n(killed after ${timeoutMs} ms)` : stderr })
    })
  })
}
