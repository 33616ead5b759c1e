#!/usr/bin/env node
// `node scripts/bench-tokens.mjs`: how long the emulator's token counter (dist/runs/tokens.js, o200k_base
// encoded in chunks in its worker thread, runs/tokenizer-worker.ts; the caller waits for the answer) takes on 256,000 characters — the longest thread message — of one unbroken word and of
// prose, next to the same texts at a quarter of the size, so linear growth shows (a quadratic counter would
// take 16 times as long at 4 times the size). Builds dist/ first when it is out of date.
import { performance } from 'node:perf_hooks'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { join } from 'node:path'

const root = fileURLToPath(new URL('..', import.meta.url))

const SIZES = [64_000, 256_000]
const TEXTS = {
  word: n => 'x'.repeat(n),
  cjk: n => '日本語'.repeat(Math.ceil(n / 3)).slice(0, n),
  prose: n => 'The quick brown fox jumps over the lazy dog, and 42 others wait. '.repeat(Math.ceil(n / 64)).slice(0, n)
}

/**
 * Counts each text once per size (after a warm-up) and returns the figures:
 * `[{ text, chars, tokens, ms }]`.
 */
export async function run ({ sizes = SIZES } = {}) {
  await import(pathToFileURL(join(root, 'scripts', 'ensure-build.mjs')).href)
  const { whenTokenizerReady } = await import(pathToFileURL(join(root, 'dist', 'runs', 'tokenizer-worker.js')).href)
  const { tokenizer } = await import(pathToFileURL(join(root, 'dist', 'runs', 'tokens.js')).href)
  await whenTokenizerReady()
  const { encode } = tokenizer()
  encode('warm up the encoder ' + 'x'.repeat(2000))
  const figures = []
  for (const [text, make] of Object.entries(TEXTS)) {
    for (const chars of sizes) {
      const input = make(chars)
      const start = performance.now()
      const tokens = encode(input).length
      figures.push({ text, chars, tokens, ms: Math.round((performance.now() - start) * 10) / 10 })
    }
  }
  return figures
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  for (const { text, chars, tokens, ms } of await run()) {
    console.log(`tokens: ${text.padEnd(5)} ${String(chars).padStart(7)} chars -> ${String(tokens).padStart(6)} tokens in ${ms} ms`)
  }
}
