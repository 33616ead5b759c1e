#!/usr/bin/env node
// `npm run soak`: a bounded soak of the built emulator (dist/server.js) on 127.0.0.1 only. Workers send a mix
// of ordinary SDK-like traffic (assistants, threads, messages, runs, polling, tool outputs, lists) and hostile
// requests (oversized and garbage bodies, unsigned JWTs, wrong keys, unknown ids, prototype keys) for a fixed
// time; every answer's status is compared with the one expected for its kind. Prints requests, unexpected
// statuses and the server's RSS every few seconds, then a summary; exits 1 if any status was unexpected.
//
//   node scripts/soak.mjs [--seconds 20] [--concurrency 16] [--interval 2]
//
// The server is a separate process started and stopped here by its pid (SIGTERM, then SIGKILL after 5 s).
import { spawn } from 'node:child_process'
import { join } from 'node:path'
import { setTimeout as sleep } from 'node:timers/promises'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { parseArgs } from 'node:util'
import { freePort, rssBytes } from './lib/processes.mjs'

const root = fileURLToPath(new URL('..', import.meta.url))
const HOST = '127.0.0.1'
const KEY = 'soak-key'
const API = '2024-05-01-preview'

/** Bytes as MiB, rounded; null stays null. */
const rssMiB = bytes => bytes === null ? null : Math.round(bytes / 1024 / 1024)

async function waitHealthy (base, ms = 15000) {
  const until = Date.now() + ms
  while (Date.now() < until) {
    try {
      if ((await fetch(`${base}/_emulator/health`)).ok) return
    } catch {}
    await sleep(100)
  }
  throw new Error('the emulator did not become healthy')
}

const unsignedJwt = `${Buffer.from('{"alg":"none"}').toString('base64url')}.${Buffer.from(JSON.stringify({ aud: 'https://cognitiveservices.azure.com', exp: 4e9 })).toString('base64url')}.`

/**
 * Runs the soak and returns its figures: `{ seconds, requests, unexpected, byKind, samples: [{ at, requests,
 * unexpected, rssMiB }], examples }` (examples: up to 10 unexpected answers).
 */
export async function run ({ seconds = 20, concurrency = 16, interval = 2, log = console.log } = {}) {
  await import(pathToFileURL(join(root, 'scripts', 'ensure-build.mjs')).href)
  const port = await freePort()
  const base = `http://${HOST}:${port}`
  const child = spawn(process.execPath, [join(root, 'dist', 'server.js'), '--host', HOST, '--port', String(port), '--api-key', KEY,
    '--log-level', 'warn', '--log-format', 'json', '--queued-ms', '50', '--in-progress-ms', '100', '--max-store-bytes', String(64 * 1024 * 1024)], {
    cwd: root, stdio: ['ignore', 'ignore', 'pipe']
  })
  const exited = new Promise(resolve => child.once('exit', resolve))
  try {
    await waitHealthy(base)
    const stats = { requests: 0, unexpected: 0, byKind: {}, examples: [] }
    const call = async (kind, expected, path, init = {}) => {
      const headers = Object.fromEntries(Object.entries({ 'api-key': KEY, 'content-type': 'application/json', ...init.headers }).filter(([, v]) => v !== undefined))
      let status
      let body = ''
      try {
        const res = await fetch(`${base}/openai${path}${path.includes('?') ? '&' : '?'}api-version=${API}`, { ...init, headers })
        status = res.status
        body = await res.text()
      } catch (err) {
        status = `error ${err.cause?.code ?? err.message}`
      }
      stats.requests++
      const entry = (stats.byKind[kind] ??= { requests: 0, unexpected: 0 })
      entry.requests++
      if (!expected.includes(status)) {
        stats.unexpected++
        entry.unexpected++
        if (stats.examples.length < 10) stats.examples.push(`${kind}: ${status} ${body.slice(0, 200)}`)
      }
      try {
        return JSON.parse(body)
      } catch {
        return null
      }
    }
    const post = (kind, expected, path, body, headers) => call(kind, expected, path, { method: 'POST', body: typeof body === 'string' ? body : JSON.stringify(body), headers })

    async function conversation () {
      const tools = [{ type: 'function', function: { name: 'lookup', parameters: { type: 'object', properties: { q: { type: 'string' } } } } }]
      const assistant = await post('create assistant', [200], '/assistants', { model: 'gpt-4o', instructions: 'Be brief.', tools })
      const thread = await post('create thread', [200], '/threads', { messages: [{ role: 'user', content: 'Hello '.repeat(50) }] })
      if (!assistant?.id || !thread?.id) return
      const run = await post('create run', [200], `/threads/${thread.id}/runs`, { assistant_id: assistant.id, tool_choice: 'required' })
      for (let i = 0; i < 50 && run?.id; i++) {
        const state = await call('poll run', [200], `/threads/${thread.id}/runs/${run.id}`)
        if (state?.status === 'requires_action') {
          const outputs = state.required_action.submit_tool_outputs.tool_calls.map(c => ({ tool_call_id: c.id, output: 'x'.repeat(1000) }))
          await post('submit tool outputs', [200], `/threads/${thread.id}/runs/${run.id}/submit_tool_outputs`, { tool_outputs: outputs })
        } else if (['completed', 'failed', 'cancelled', 'expired', 'incomplete'].includes(state?.status)) {
          break
        }
        await sleep(20)
      }
      await call('list messages', [200], `/threads/${thread.id}/messages?limit=100`)
      await call('delete thread', [200], `/threads/${thread.id}`, { method: 'DELETE' })
      await call('delete assistant', [200], `/assistants/${assistant.id}`, { method: 'DELETE' })
    }

    async function hostile () {
      await post('oversized body', [413], '/threads', '{"metadata":{"a":"' + 'x'.repeat(5 * 1024 * 1024) + '"}}')
      await post('garbage JSON', [400], '/threads', '{"a":')
      await post('deep JSON', [400], '/threads', '['.repeat(10000) + ']'.repeat(10000))
      await post('prototype keys', [200], '/threads', '{"metadata":{"__proto__":"x","constructor":"y"}}')
      await post('unsigned JWT', [401], '/threads', {}, { 'api-key': undefined, authorization: `Bearer ${unsignedJwt}` })
      await post('wrong key', [401], '/threads', {}, { 'api-key': 'wrong' })
      await call('unknown id', [404], '/threads/thread_doesnotexist/runs/run_nope')
      // An object schema (as `parameters` must be) whose sampling would ask for a billion values: the budget holds.
      const nested = { type: 'object', properties: { v: { type: 'array', minItems: 1000, items: { type: 'array', minItems: 1000, items: { type: 'array', minItems: 1000 } } } }, required: ['v'] }
      const assistant = await post('create assistant', [200], '/assistants', { model: 'gpt-4o', tools: [{ type: 'function', function: { name: 'f', parameters: nested } }] })
      if (assistant?.id) {
        await post('huge schema run', [200], '/threads/runs', { assistant_id: assistant.id, thread: { messages: [{ role: 'user', content: 'x'.repeat(200000) }] }, tool_choice: 'required' })
        await call('delete assistant', [200], `/assistants/${assistant.id}`, { method: 'DELETE' })
      }
    }

    const deadline = Date.now() + seconds * 1000
    const samples = []
    const started = Date.now()
    const sampler = setInterval(() => {
      const sample = { at: Math.round((Date.now() - started) / 1000), requests: stats.requests, unexpected: stats.unexpected, rssMiB: rssMiB(rssBytes(child.pid)) }
      samples.push(sample)
      log(`soak: t=${String(sample.at).padStart(3)} s  requests=${String(sample.requests).padStart(6)}  unexpected=${sample.unexpected}  rss=${sample.rssMiB ?? '?'} MiB`)
    }, interval * 1000)
    await Promise.all(Array.from({ length: concurrency }, async (_, worker) => {
      while (Date.now() < deadline) await (worker % 4 === 3 ? hostile() : conversation())
    }))
    clearInterval(sampler)
    return { seconds, concurrency, requests: stats.requests, unexpected: stats.unexpected, byKind: stats.byKind, samples, examples: stats.examples, finalRssMiB: rssMiB(rssBytes(child.pid)) }
  } finally {
    child.kill('SIGTERM')
    const done = await Promise.race([exited.then(() => true), sleep(5000).then(() => false)])
    if (!done) child.kill('SIGKILL')
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const { values } = parseArgs({ options: { seconds: { type: 'string' }, concurrency: { type: 'string' }, interval: { type: 'string' } } })
  const figures = await run({
    seconds: Number(values.seconds ?? 20), concurrency: Number(values.concurrency ?? 16), interval: Number(values.interval ?? 2)
  })
  console.log(`soak: ${figures.requests} requests in ${figures.seconds} s (${figures.concurrency} workers), ${figures.unexpected} unexpected statuses, final RSS ${figures.finalRssMiB ?? '?'} MiB`)
  for (const [kind, { requests, unexpected }] of Object.entries(figures.byKind)) console.log(`soak:   ${kind.padEnd(20)} ${String(requests).padStart(6)} requests, ${unexpected} unexpected`)
  for (const example of figures.examples) console.log(`soak: unexpected — ${example}`)
  process.exitCode = figures.unexpected === 0 ? 0 : 1
}
