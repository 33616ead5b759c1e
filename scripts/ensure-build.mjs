// Runs before `npm start`: compiles src/ when dist/ is missing or older than any source file,
// so `npm install && npm start` works on a fresh clone without a separate build step.
import { existsSync, readdirSync, statSync } from 'node:fs'
import { join } from 'node:path'
import { execFileSync } from 'node:child_process'
import { fileURLToPath } from 'node:url'

const root = fileURLToPath(new URL('..', import.meta.url))
const entry = join(root, 'dist', 'server.js')

function newestMtime (dir) {
  let newest = 0
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name)
    newest = Math.max(newest, entry.isDirectory() ? newestMtime(path) : statSync(path).mtimeMs)
  }
  return newest
}

const srcDir = join(root, 'src')
if (existsSync(srcDir) && (!existsSync(entry) || statSync(entry).mtimeMs < newestMtime(srcDir))) {
  console.error('Building the emulator (dist/ is missing or out of date)...')
  execFileSync(process.execPath, [join(root, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', join(root, 'tsconfig.json')], { stdio: 'inherit' })
  // dist/server.js as one file (scripts/bundle.mjs), as `npm run build` leaves it.
  execFileSync(process.execPath, [join(root, 'scripts', 'bundle.mjs')], { stdio: 'inherit' })
}
