/**
 * Running the official Python SDK from tap tests. The interpreter is env `AOAI_EMULATOR_PYTHON`, else
 * `.venv-python/bin/python` (made by `python3 -m venv .venv-python && .venv-python/bin/pip install openai`).
 * Without one that imports `openai`, tests skip with the reason on one line — unless
 * `AOAI_EMULATOR_REQUIRE_PYTHON=1` (CI), where that is a failure.
 */
import { spawn, spawnSync } from 'node:child_process'
import { existsSync } from 'node:fs'
import { join } from 'node:path'
import type { Test } from 'tap'
import { ROOT } from './process.js'

export function pythonInterpreter (): string {
  return process.env.AOAI_EMULATOR_PYTHON ?? join(ROOT, '.venv-python', 'bin', 'python')
}

/** Why the Python SDK cannot run here, or undefined when it can. */
export function pythonUnavailable (): string | undefined {
  const python = pythonInterpreter()
  if (python.includes('/') && !existsSync(python)) return `no Python interpreter at ${python}`
  const probe = spawnSync(python, ['-c', 'import openai; print(openai.__version__)'], { encoding: 'utf8' })
  if (probe.status !== 0) return `${python} cannot import openai`
  return undefined
}

/** Skips `t` (or fails it when Python is required) if the Python SDK is unavailable; true when it may run. */
export function requirePython (t: Test): boolean {
  const reason = pythonUnavailable()
  if (reason === undefined) return true
  if (process.env.AOAI_EMULATOR_REQUIRE_PYTHON === '1') t.fail(`the Python SDK is required: ${reason}`)
  else t.plan(0, `Python SDK tests skipped: ${reason}`)
  return false
}

export interface PythonResult { readonly code: number | null, readonly stdout: string, readonly stderr: string }

/** Runs `test/e2e/python/<script>` with `args`; resolves when it exits. */
export function runPython (script: string, args: readonly string[], env: Record<string, string> = {}): Promise<PythonResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(pythonInterpreter(), [join(ROOT, 'test', 'e2e', 'python', script), ...args], {
      env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe']
    })
    let stdout = ''
    let stderr = ''
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => { stdout += chunk })
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => { stderr += chunk })
    child.on('error', reject)
    child.on('close', code => resolve({ code, stdout, stderr }))
  })
}
