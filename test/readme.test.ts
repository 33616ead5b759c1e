/** README.md tells the truth: its generated sections match the code (run `npm run docs` to refresh them). */
import { readFileSync } from 'node:fs'
import t from 'tap'
import { GENERATED_SECTIONS, renderReadme } from '../scripts/readme.js'

const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8')

t.test('generated sections are up to date', async t => {
  for (const name of Object.keys(GENERATED_SECTIONS)) t.ok(readme.includes(`<!-- ${name}:start -->`), `${name} section exists`)
  t.equal(readme, renderReadme(readme), 'README.md is current (npm run docs)')
})

t.test('the quick start is two commands, and the second is the test command', async t => {
  const quickStart = /## Quick start\n\n```sh\n([\s\S]*?)```/.exec(readme)?.[1] ?? ''
  const commands = quickStart.trim().split('\n').map(line => line.replace(/\s+#.*$/, '').trim())
  t.equal(commands.length, 2)
  t.match(commands[0], /^npm install && npm start/)
  t.equal(commands[1], 'npm test')
})
