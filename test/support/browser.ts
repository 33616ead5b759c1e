/**
 * The browser of the end-to-end inspector test: Debian's `chromium` (`apt-get install -y chromium`), driven by
 * playwright-core (which downloads no browser of its own). It is `AOAI_EMULATOR_CHROMIUM` if set, else the first
 * of CHROMIUM_PATHS that exists. When it is missing, a test file reports itself skipped with the reason on one
 * line; in CI (`CI=true`, as .ci/run runs, which installs the browser) it fails instead.
 */
import { existsSync } from 'node:fs'
import type { Test } from 'tap'

/** Where Debian's and Ubuntu's packages put the browser. */
const CHROMIUM_PATHS = ['/usr/bin/chromium', '/usr/bin/chromium-browser']

export type ChromiumLookup = { readonly path: string } | { readonly reason: string }

/** The browser's path, or why there is none (one line). Never throws. */
export function findChromium (env: NodeJS.ProcessEnv = process.env, candidates: readonly string[] = CHROMIUM_PATHS): ChromiumLookup {
  const configured = env.AOAI_EMULATOR_CHROMIUM
  if (configured !== undefined && configured !== '') {
    return existsSync(configured) ? { path: configured } : { reason: `AOAI_EMULATOR_CHROMIUM (${configured}) does not exist` }
  }
  const path = candidates.find(candidate => existsSync(candidate))
  return path === undefined ? { reason: `no chromium at ${candidates.join(' or ')} (apt-get install -y chromium)` } : { path }
}

/**
 * The browser for test file `t`, or undefined after marking `t` skipped (one line: the reason) — or failed, in
 * CI (`CI=true`), where the browser test must run.
 */
export function chromiumFor (t: Test, env: NodeJS.ProcessEnv = process.env, candidates?: readonly string[]): string | undefined {
  const found = findChromium(env, candidates)
  if ('path' in found) return found.path
  if (env.CI === 'true') t.fail(`the inspector's browser test must run in CI (CI=true), but ${found.reason}`)
  else t.plan(0, `inspector browser test skipped: ${found.reason}`)
  return undefined
}
