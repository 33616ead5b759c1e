/**
 * A user's clone has only this repository: nothing it runs or tests may reach the workspace folder
 * beside it. The needle is assembled so that this file does not match itself.
 */
import t from 'tap'
import { readdirSync, readFileSync, statSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'

const ROOT = fileURLToPath(new URL('..', import.meta.url))
const NEEDLE = ['..', 'shared'].join('/')
const FOLDERS = ['src', 'test', 'scripts', '.ci']

function * files (dir: string): Generator<string> {
  for (const name of readdirSync(dir)) {
    if (name === 'node_modules') continue
    const path = join(dir, name)
    if (statSync(path).isDirectory()) yield * files(path)
    else yield path
  }
}

t.test('no file under src, test, scripts or .ci names the workspace folder', async t => {
  const offenders: string[] = []
  let read = 0
  for (const folder of FOLDERS) {
    for (const path of files(join(ROOT, folder))) {
      read++
      if (readFileSync(path, 'utf8').includes(NEEDLE)) offenders.push(path.slice(ROOT.length))
    }
  }
  t.ok(read > 50, `read ${read} files`)
  t.same(offenders, [])
})

t.test('every spec document the contract tests load is committed under spec/ with its provenance', async t => {
  const sources = readFileSync(join(ROOT, 'spec', 'SOURCES.md'), 'utf8')
  const docs = readdirSync(join(ROOT, 'spec')).filter(name => /\.(json|ya?ml)$/.test(name))
  t.ok(docs.length >= 4)
  for (const doc of docs) t.match(sources, `\`${doc}\``, `${doc} has a provenance row`)
})
