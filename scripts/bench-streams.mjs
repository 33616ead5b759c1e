#!/usr/bin/env node
// Streaming load: 200 concurrent streamed runs of a 500-token reply with zero timings, against the built
// emulator (dist/server.js, compiled first if stale) in its own process on 127.0.0.1. Prints time to first
// event (p50/p99), events per second over the whole burst, and the server's resident memory before and
// after. `node scripts/bench-streams.mjs` prints the figures; `run(options)` returns them (scripts/bench.mjs
// may call it). Asserts nothing about speed; exits 1 only when the load itself went wrong.
// Knobs: BENCH_STREAMS (200), BENCH_REPLY_TOKENS (500), BENCH_ROOT (another checkout whose built dist/server.js
// to drive instead, e.g. an untouched main for interleaved A/B rounds; it is not rebuilt).
import { execFileSync, spawn } from 'node:child_process'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { Agent, request } from 'node:http'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { performance } from 'node:perf_hooks'
import { setTimeout as sleep } from 'node:timers/promises'
import { fileURLToPath } from 'node:url'
import { freePort, rssBytes as rssOf } from './lib/processes.mjs'

const root = fileURLToPath(new URL('..', import.meta.url))
const HOST = '127.0.0.1'
const API_VERSION = '2024-05-01-preview'
const HEADERS = { 'api-key': 'k', 'content-type': 'application/json' }
const LIMIT_MS = 120_000

/** A reply of about `tokens` tokens (o200k_base), words that each count as one token. */
async function replyOf (tokens) {
  const { encode } = await import('gpt-tokenizer/encoding/o200k_base')
  const words = ['the', 'run', 'stream', 'event', 'reply', 'token', 'chunk', 'delta', 'client', 'server']
  let text = ''
  for (let i = 0; encode(text).length < tokens; i++) text += (i === 0 ? '' : ' ') + words[i % words.length]
  return { text, tokens: encode(text).length }
}

function call (base, agent, method, path, body) {
  return new Promise((resolve, reject) => {
    const req = request(`${base}${path}?api-version=${API_VERSION}`, { method, agent, headers: HEADERS }, res => {
      let text = ''
      res.setEncoding('utf8').on('data', chunk => { text += chunk })
      res.on('end', () => res.statusCode === 200 ? resolve(JSON.parse(text)) : reject(new Error(`${method} ${path}: ${res.statusCode} ${text}`)))
    })
    req.on('error', reject)
    req.end(body === undefined ? undefined : JSON.stringify(body))
  })
}

/** One streamed run: time to the first event and the number of events, from the moment it is sent. */
function streamRun (base, agent, threadId, assistantId) {
  return new Promise((resolve, reject) => {
    const started = performance.now()
    let first = null
    let events = 0
    let carry = ''
    const req = request(`${base}/openai/threads/${threadId}/runs?api-version=${API_VERSION}`, { method: 'POST', agent, headers: HEADERS }, res => {
      if (res.statusCode !== 200) return reject(new Error(`stream: ${res.statusCode}`))
      res.setEncoding('utf8').on('data', chunk => {
        first ??= performance.now() - started
        const text = carry + chunk
        const parts = text.split('\n\n')
        carry = parts.pop()
        events += parts.length
      })
      res.on('end', () => {
        if (events === 0) return reject(new Error('empty stream'))
        resolve({ first, events, total: performance.now() - started })
      })
    })
    req.on('error', reject)
    req.end(JSON.stringify({ assistant_id: assistantId, stream: true }))
  })
}

const percentile = (sorted, p) => sorted[Math.min(sorted.length - 1, Math.ceil(p / 100 * sorted.length) - 1)]

/**
 * Runs the burst. Options: `streams` (200), `replyTokens` (500), `serverRoot` (the checkout whose build is driven;
 * this one). Returns
 * `{ streams, replyTokens, eventsPerStream, firstEventMs: { p50, p99 }, eventsPerSecond, wallMs, rssBefore, rssAfter }`
 * (milliseconds; bytes).
 */
export async function run ({ streams = 200, replyTokens = 500, serverRoot = root } = {}) {
  if (serverRoot === root) execFileSync(process.execPath, [join(root, 'scripts', 'ensure-build.mjs')], { stdio: 'inherit' })
  const reply = await replyOf(replyTokens)
  const dir = mkdtempSync(join(tmpdir(), 'bench-streams-'))
  const fixtures = join(dir, 'fixtures.json')
  writeFileSync(fixtures, JSON.stringify({
    assistants: [{ id: 'asst_bench', model: 'gpt-4o' }],
    scenarios: [{ match: { assistant_id: 'asst_bench' }, steps: [{ reply: reply.text }] }]
  }))
  const port = await freePort()
  const child = spawn(process.execPath, [join(serverRoot, 'dist', 'server.js'), '--host', HOST, '--port', String(port), '--log-level', 'warn',
    '--queued-ms', '0', '--in-progress-ms', '0', '--stream-chunk-ms', '0', '--fixtures', fixtures], { stdio: ['ignore', 'ignore', 'inherit'] })
  const kill = () => { try { child.kill('SIGKILL') } catch {} }
  process.once('exit', kill)
  const deadline = setTimeout(() => { kill(); console.error('bench-streams: time limit'); process.exit(1) }, LIMIT_MS)
  const base = `http://${HOST}:${port}`
  const agent = new Agent({ keepAlive: true, maxSockets: streams })
  try {
    for (let i = 0; ; i++) {
      try {
        if ((await fetch(`${base}/_emulator/health`)).ok) break
      } catch {}
      if (i > 200) throw new Error('the server did not start')
      await sleep(50)
    }
    const threads = []
    for (let i = 0; i < streams; i++) {
      threads.push((await call(base, agent, 'POST', '/openai/threads', { messages: [{ role: 'user', content: `hello ${i}` }] })).id)
    }
    // Warm-up: one stream, so the tokenizer and code paths are loaded before the burst.
    await streamRun(base, agent, (await call(base, agent, 'POST', '/openai/threads', {})).id, 'asst_bench')
    const rssBefore = rssOf(child.pid)
    const t0 = performance.now()
    const results = await Promise.all(threads.map(id => streamRun(base, agent, id, 'asst_bench')))
    const wallMs = performance.now() - t0
    const rssAfter = rssOf(child.pid)
    const firsts = results.map(r => r.first).sort((a, b) => a - b)
    const events = results.reduce((n, r) => n + r.events, 0)
    return {
      streams,
      replyTokens: reply.tokens,
      eventsPerStream: Math.round(events / streams),
      firstEventMs: { p50: Math.round(percentile(firsts, 50)), p99: Math.round(percentile(firsts, 99)) },
      eventsPerSecond: Math.round(events / (wallMs / 1000)),
      wallMs: Math.round(wallMs),
      rssBefore,
      rssAfter
    }
  } finally {
    clearTimeout(deadline)
    agent.destroy()
    kill()
    process.removeListener('exit', kill)
    rmSync(dir, { recursive: true, force: true })
  }
}

const mib = bytes => bytes === null ? 'n/a' : `${(bytes / 1024 / 1024).toFixed(1)} MiB`

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const intFromEnv = (name, fallback) => process.env[name] ? Number(process.env[name]) : fallback
  run({ streams: intFromEnv('BENCH_STREAMS', 200), replyTokens: intFromEnv('BENCH_REPLY_TOKENS', 500), ...(process.env.BENCH_ROOT ? { serverRoot: process.env.BENCH_ROOT } : {}) }).then(r => {
    console.log(`## Streams: ${r.streams} concurrent streamed runs of a ${r.replyTokens}-token reply, zero timings`)
    console.log(`events per stream      ${r.eventsPerStream}`)
    console.log(`time to first event    p50 ${r.firstEventMs.p50} ms, p99 ${r.firstEventMs.p99} ms`)
    console.log(`events per second      ${r.eventsPerSecond} (${r.streams * r.eventsPerStream} events in ${r.wallMs} ms)`)
    console.log(`server RSS             ${mib(r.rssBefore)} before, ${mib(r.rssAfter)} after`)
  }, err => {
    console.error(`bench-streams failed: ${err.stack ?? err}`)
    process.exit(1)
  })
}
