// Second half of `npm run build`: replaces dist/server.js (what `npm start`, the bin, the image and the CLI
// tests run) with a single file holding it and what it imports, Fastify and TypeBox included. Node then reads
// one file instead of resolving and loading several hundred modules: a third off the cold start (spawn → first
// answer to create run), measured by `npm run bench`. The library entry (dist/index.js) stays as tsc wrote it.
//
// Left outside, loaded from node_modules when first used: what start-up never needs (the tokenizer, the pretty
// log printer, the self-signed certificate generator, TypeBox's value checker for state documents).
// The bundle is not minified: stack traces keep their names, and parsing it costs no more.
//
// It also copies the inspector page's files (src/inspector/ui: HTML, script, styles, icon; tsc copies only what
// it compiles) to dist/inspector/ui, where the bundle and tsc's dist/inspector/assets.js both look for them.
import { build } from 'esbuild'
import { cpSync, rmSync } from 'node:fs'
import { fileURLToPath } from 'node:url'

const entry = fileURLToPath(new URL('../dist/server.js', import.meta.url))
const ui = fileURLToPath(new URL('../src/inspector/ui', import.meta.url))
const uiOut = fileURLToPath(new URL('../dist/inspector/ui', import.meta.url))
rmSync(uiOut, { recursive: true, force: true })
cpSync(ui, uiOut, { recursive: true })

await build({
  entryPoints: [entry],
  outfile: entry,
  allowOverwrite: true,
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  sourcemap: 'linked',
  logLevel: 'warning',
  external: ['gpt-tokenizer', 'pino-pretty', 'selfsigned', '@sinclair/typebox/value'],
  // CommonJS dependencies call require(); an ES module has none of its own.
  banner: { js: "import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);" }
})
