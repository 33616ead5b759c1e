/** The package's entry: `import { startEmulator } from 'aoai-assistants-emulator'` resolves to src/index.ts, built. */
import { readFileSync } from 'node:fs'
import t from 'tap'
import * as entry from '../../src/index.js'

t.test('package.json points main, types and exports at the built index with declarations', async t => {
  const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8'))
  t.equal(pkg.name, 'aoai-assistants-emulator')
  t.equal(pkg.main, 'dist/index.js')
  t.equal(pkg.types, 'dist/index.d.ts')
  t.same(pkg.exports['.'], { types: './dist/index.d.ts', import: './dist/index.js' })
  t.ok(pkg.files.includes('dist/**/*.d.ts'), 'declarations are published')
  const tsconfig = JSON.parse(readFileSync(new URL('../../tsconfig.json', import.meta.url), 'utf8'))
  t.equal(tsconfig.compilerOptions.declaration, true)
})

t.test('the entry exports the in-process API and the app builder', async t => {
  for (const name of ['startEmulator', 'buildApp', 'makeConfig', 'streamCutFor', 'manualClock', 'virtualClock']) {
    t.type((entry as Record<string, unknown>)[name], 'function', name)
  }
})

t.test('startEmulator: bad fixtures reject; a taken port rejects and leaves nothing open', async t => {
  await t.rejects(entry.startEmulator({ fixtures: { assistants: [{ id: 'bad id', model: 'x' }] } as never }), /Invalid fixtures file \(startEmulator fixtures\)/)
  const first = await entry.startEmulator({ apiKeys: ['mine'] })
  t.teardown(() => first.close())
  t.equal(first.apiKey, 'mine')
  t.equal(first.endpoint, first.url)
  const port = Number(new URL(first.url).port)
  await t.rejects(entry.startEmulator({ port }), { code: 'EADDRINUSE' })
  t.same(first.requests(), [])
  t.equal(first.state().tenants.length, 1)
})
