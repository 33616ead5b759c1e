/** Starting the real process entry (src/server.ts through tsx, or the built dist/server.js) for the command-line tests. */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import type { Test } from 'tap'

export const ROOT = fileURLToPath(new URL('../..', import.meta.url))

/**
 * keepAliveTimeoutMs for emulators that SDK clients talk to in the end-to-end tests, which set maxRetries 0. With
 * the default 5 s, on a loaded machine (timers late by a second or more) a client can send its next request on a
 * pooled socket just as the server closes it for idleness: ECONNRESET, seen in CI runs after a long stream.
 */
export const SDK_KEEP_ALIVE_MS = 60_000

/**
 * The child's environment: no AOAI_EMULATOR_* variable of the machine running the tests, and none of tap's
 * coverage hooks — code run through tsx in a child would otherwise be reported as covered line by line
 * whether it ran or not (tsx output puts whole statements on one line).
 */
export function childEnv (extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const inherited = Object.entries(process.env)
    .filter(([key]) => !key.startsWith('AOAI_EMULATOR_') && !key.startsWith('_TAPJS_PROCESSINFO_') && key !== 'NODE_OPTIONS')
  return { ...Object.fromEntries(inherited), ...extra }
}

/** What a script run to its end printed, and how it exited. */
export interface ScriptRun {
  readonly code: number | null
  readonly stdout: string
  readonly stderr: string
}

/** Runs the Node script `path` (an SDK flow of the end-to-end tests) in a child with `childEnv(env)`, to its end. */
export function runScript (path: string, env: Record<string, string>): Promise<ScriptRun> {
  return new Promise(resolve => {
    const child = spawn(process.execPath, [path], { cwd: ROOT, env: childEnv(env), stdio: ['ignore', 'pipe', 'pipe'] })
    let stdout = ''
    let stderr = ''
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => { stdout += chunk })
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => { stderr += chunk })
    child.on('close', code => resolve({ code, stdout, stderr }))
  })
}

interface Exit {
  readonly code: number | null
  readonly signal: NodeJS.Signals | null
  /** Date.now() when the process closed. */
  readonly at: number
}

export interface EmulatorProcess {
  readonly child: ChildProcess
  /** Everything written to stdout and stderr so far. */
  readonly stdout: string
  readonly stderr: string
  readonly exited: Promise<Exit>
}

/** Spawns the emulator from src/server.ts with `args`; it is killed when test `t` ends, if still running. */
export function spawnEmulator (t: Test, args: readonly string[], env: Record<string, string> = {},
  onStdout?: (text: string) => void): EmulatorProcess {
  return spawnEntry(t, ['--import', 'tsx', 'src/server.ts'], args, env, onStdout)
}

/**
 * Spawns what `npm start` runs: dist/server.js, the single bundled file `npm run build` makes, built first
 * (scripts/ensure-build.mjs, as `prestart` does) when it is missing or older than src/.
 */
export function spawnBuiltEmulator (t: Test, args: readonly string[], env: Record<string, string> = {}): EmulatorProcess {
  execFileSync(process.execPath, [join(ROOT, 'scripts', 'ensure-build.mjs')], { cwd: ROOT, stdio: 'inherit' })
  return spawnEntry(t, [join(ROOT, 'dist', 'server.js')], args, env)
}

function spawnEntry (t: Test, entry: readonly string[], args: readonly string[], env: Record<string, string>,
  onStdout?: (text: string) => void): EmulatorProcess {
  const child = spawn(process.execPath, [...entry, ...args], {
    cwd: ROOT, env: childEnv(env), stdio: ['ignore', 'pipe', 'pipe']
  })
  let stdout = ''
  let stderr = ''
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
    stdout += chunk
    onStdout?.(stdout)
  })
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => { stderr += chunk })
  const exited = new Promise<Exit>(resolve => {
    child.on('close', (code, signal) => resolve({ code, signal, at: Date.now() }))
  })
  t.teardown(() => { if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL') })
  return { child, get stdout () { return stdout }, get stderr () { return stderr }, exited }
}
