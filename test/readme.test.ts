/**
 * README.md tells the truth: its generated sections match the code (run `npm run docs` to refresh them), its
 * quick start names scripts that exist, and the ways it gives to run the package from a checkout match
 * package.json. test/e2e/quick-start.test.ts starts the quick start's emulator.
 */
import { existsSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import t from 'tap'
import { GENERATED_SECTIONS, renderReadme } from '../scripts/readme.js'
import { ROOT } from './support/process.js'

const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8')
const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as {
  name: string, version: string, bin: Record<string, string>, scripts: Record<string, string>
}
/** The README's fenced code blocks of one language. */
const blocks = (lang: string) => [...readme.matchAll(new RegExp('```' + lang + '\\n([\\s\\S]*?)```', 'g'))].map(m => m[1]!)
/** The quick start's command lines, comments removed. */
const quickStart = (/## Quick start\n[\s\S]*?```sh\n([\s\S]*?)```/.exec(readme)?.[1] ?? '')
  .trim().split('\n').map(line => line.replace(/\s+#.*$/, '').trim())

t.test('generated sections are up to date', async t => {
  for (const name of Object.keys(GENERATED_SECTIONS)) t.ok(readme.includes(`<!-- ${name}:start -->`), `${name} section exists`)
  t.equal(readme, renderReadme(readme), 'README.md is current (npm run docs)')
})

t.test('the quick start is two commands: install and start, then the tests', async t => {
  t.equal(quickStart.length, 2)
  t.match(quickStart[0], /^npm install && npm start -- /)
  t.equal(quickStart[1], 'npm test')
})

t.test('the scripts the quick start names exist, and start runs the built entry that the bin names', async t => {
  t.equal(pkg.scripts.test, 'tap')
  t.equal(pkg.scripts.start, 'node dist/server.js')
  t.match(pkg.scripts.prestart, /ensure-build\.mjs/, 'npm start builds dist/ first')
  t.ok(existsSync(join(ROOT, 'scripts', 'ensure-build.mjs')))
  t.same(Object.values(pkg.bin), ['dist/server.js'], 'one bin, so `npx .` runs it')
  t.ok(existsSync(join(ROOT, 'src', 'server.ts')), 'dist/server.js is compiled from src/server.ts')
})

t.test('the README runs the package from a checkout, not from the registry it is not published to', async t => {
  const shell = blocks('sh').join('\n')
  t.notMatch(shell, /npx aoai-assistants-emulator/, 'no code block runs the unpublished registry package')
  t.match(readme, /not on the npm registry yet, so `npx aoai-assistants-emulator` answers 404/)
  t.match(shell, /^npx \. /m)
  t.match(shell, /^node dist\/server\.js /m)
  t.ok(shell.includes(`npm pack && npx --yes ./${pkg.name}-${pkg.version}.tgz `), 'the tarball name is what npm pack writes')
})
