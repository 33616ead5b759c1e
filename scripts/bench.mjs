#!/usr/bin/env node
// `npm run bench`: the emulator measured side by side with its ceiling, in one run, on this machine.
//
//   the ceiling   a bare Fastify server (this file, `--serve fastify`) that parses the same JSON body and
//                 serialises a Run-sized reply with a response schema, and raw node:http (`--serve http`)
//                 doing the same with JSON.stringify;
//   Prism         Stoplight Prism mocking create run from spec/azure-assistants-2024-05-01-preview.json
//                 (a temporary copy without x-ms-examples, which Prism cannot resolve; it serves /threads/…);
//   ours          create run, GET run, list messages (20), create message; a streaming run's time to first
//                 event (scripts/bench-streams.mjs, when present) and token counting (scripts/bench-tokens.mjs);
//   cold start    spawn → first 200 on create run, for ours, bare Fastify and Prism;
//   memory        idle resident set; resident bytes per completed run at 100,000 runs with no budget; the
//                 resident set under --max-store-bytes B over a long creation loop.
//
// The machines are shared and noisy: every throughput case runs in each round on a fresh server, the order
// rotated per round, and decisions use medians and ratios taken in the same run. Absolute figures are for
// the log. Prints the table and writes BENCHMARKS.md (unless --no-write). Exits 1 when the load itself went
// wrong (a request error, a non-2xx answer, a server that would not start, the time limit); never on speed.
//
// Flags:  --quick            short rounds, fewer runs, a 10 s budget loop: for trying things out
//         --rounds N         interleaved rounds (3; quick 2)
//         --duration S       measured seconds per case and round (4; quick 2), after a warm-up of 1 s
//         --runs N           completed runs for the per-run memory figure (100000; quick 10000)
//         --cap-seconds S    length of the --max-store-bytes loop (60; quick 10)
//         --cap-bytes B      the budget B of that loop (16 MiB)
//         --only a,b         only these phases: throughput, streams, tokens, cold, memory, cap
//         --no-prism         leave Prism out;  --no-write  do not write BENCHMARKS.md (written only when every phase ran)
// Every server is a child process on 127.0.0.1, started and stopped here by its pid (and killed on any exit).
import { execFileSync, spawn } from 'node:child_process'
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { Agent, createServer as createHttpServer, request as httpRequest } from 'node:http'
import os from 'node:os'
import { join } from 'node:path'
import { performance } from 'node:perf_hooks'
import { setTimeout as sleep } from 'node:timers/promises'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { parseArgs } from 'node:util'
import { freePort, rssBytes as rssOf } from './lib/processes.mjs'

const root = fileURLToPath(new URL('..', import.meta.url))
const SELF = fileURLToPath(import.meta.url)
const HOST = '127.0.0.1'
const API_VERSION = '2024-05-01-preview'
const API_KEY = 'k'
const JSON_HEADERS = { 'api-key': API_KEY, 'content-type': 'application/json' }
/** Seeded by --fixtures fixtures/example.json: what cold start posts a run to. */
const SEED_ASSISTANT = 'asst_abc123'
const SEED_THREAD = 'thread_abc123'
/** The create-run body every server gets. */
const CREATE_RUN_BODY = JSON.stringify({ assistant_id: SEED_ASSISTANT, metadata: { purpose: 'bench' } })

// ---------------------------------------------------------------------------------------------------------
// The ceiling's reply: what our create run answers (2024-05-01-preview), and a response schema derived from it.

const RUN_REPLY = {
  id: 'run_abc123abc123abc123abc123',
  object: 'thread.run',
  created_at: 1732000000,
  assistant_id: SEED_ASSISTANT,
  thread_id: 'thread_abc123abc123abc123abc1',
  status: 'queued',
  started_at: null,
  expires_at: 1732000600,
  cancelled_at: null,
  failed_at: null,
  completed_at: null,
  required_action: null,
  last_error: null,
  model: 'gpt-4-1106-preview',
  instructions: 'You are a personal math tutor. When asked a question, write and run Python code to answer the question.',
  tools: [{ type: 'code_interpreter' }],
  metadata: { purpose: 'bench' },
  incomplete_details: null,
  usage: null,
  temperature: 1,
  top_p: 1,
  max_prompt_tokens: null,
  max_completion_tokens: null,
  truncation_strategy: { type: 'auto', last_messages: null },
  tool_choice: 'auto',
  response_format: 'auto',
  parallel_tool_calls: true
}

/** A JSON schema that describes `value` exactly (what a hand-written response schema for it would be). */
function schemaOf (value) {
  if (value === null) return { type: 'null' }
  if (Array.isArray(value)) return { type: 'array', items: value.length > 0 ? schemaOf(value[0]) : {} }
  if (typeof value === 'object') {
    return {
      type: 'object',
      properties: Object.fromEntries(Object.entries(value).map(([k, v]) => [k, schemaOf(v)])),
      required: Object.keys(value)
    }
  }
  return { type: Number.isInteger(value) ? 'integer' : typeof value }
}

/** `node scripts/bench.mjs --serve fastify|http --port P`: the ceiling servers, in their own process. */
async function serveCeiling (kind, port) {
  const reply = () => ({ ...RUN_REPLY, created_at: Math.floor(Date.now() / 1000) })
  if (kind === 'fastify') {
    const { default: Fastify } = await import('fastify')
    const app = Fastify({ logger: false })
    const schema = { response: { 200: schemaOf(RUN_REPLY) } }
    app.post('/openai/threads/:thread_id/runs', { schema }, async request => {
      if (typeof request.body?.assistant_id !== 'string') throw new Error('no assistant_id')
      return reply()
    })
    app.get('/openai/threads/:thread_id/runs/:run_id', { schema }, async () => reply())
    await app.listen({ host: HOST, port })
  } else {
    const server = createHttpServer((req, res) => {
      let body = ''
      req.setEncoding('utf8')
      req.on('data', chunk => { body += chunk })
      req.on('end', () => {
        if (req.method === 'POST' && typeof JSON.parse(body).assistant_id !== 'string') throw new Error('no assistant_id')
        const payload = JSON.stringify(reply())
        res.writeHead(200, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(payload) })
        res.end(payload)
      })
    })
    server.listen(port, HOST)
  }
}

// ---------------------------------------------------------------------------------------------------------
// Options.

function options () {
  const { values } = parseArgs({
    options: {
      quick: { type: 'boolean', default: false },
      rounds: { type: 'string' },
      duration: { type: 'string' },
      runs: { type: 'string' },
      'cap-seconds': { type: 'string' },
      'cap-bytes': { type: 'string' },
      only: { type: 'string' },
      'no-prism': { type: 'boolean', default: false },
      'no-write': { type: 'boolean', default: false },
      serve: { type: 'string' },
      port: { type: 'string' }
    }
  })
  const int = (name, fallback, max) => {
    const raw = values[name]
    const value = raw === undefined ? fallback : Number(raw)
    if (!Number.isInteger(value) || value < 1 || value > max) throw new Error(`--${name} must be a whole number from 1 to ${max}`)
    return value
  }
  const quick = values.quick
  const phases = ['throughput', 'streams', 'tokens', 'cold', 'memory', 'cap']
  const only = values.only === undefined ? phases : values.only.split(',')
  for (const phase of only) if (!phases.includes(phase)) throw new Error(`--only: unknown phase ${phase} (${phases.join(', ')})`)
  return {
    quick,
    serve: values.serve,
    port: values.port === undefined ? 0 : int('port', 0, 65535),
    rounds: int('rounds', quick ? 2 : 3, 10),
    warmupS: 1,
    durationS: int('duration', quick ? 2 : 4, 60),
    coldStarts: quick ? 3 : 5,
    runs: int('runs', quick ? 10_000 : 100_000, 1_000_000),
    capSeconds: int('cap-seconds', quick ? 10 : 60, 600),
    capBytes: int('cap-bytes', 16 * 1024 * 1024, 64 * 1024 * 1024 * 1024),
    phases: new Set(only),
    prism: !values['no-prism'],
    write: !values['no-write']
  }
}

// ---------------------------------------------------------------------------------------------------------
// Processes: tracked, killed on any exit.

/** Prism takes seconds to start on an idle machine, and many more on a loaded one. */
const START_LIMIT_MS = 90_000
// Reading a run waits for the tokenizer's worker at first: seconds on a loaded machine.
const REQUEST_LIMIT_MS = 60_000
const TOTAL_LIMIT_MS = 30 * 60 * 1000

/** @type {Set<import('node:child_process').ChildProcess>} */
const live = new Set()
function killAll () {
  for (const child of live) {
    try { child.kill('SIGKILL') } catch {}
  }
  live.clear()
}

function tail (stream, max = 4000) {
  const box = { text: '' }
  stream?.setEncoding('utf8')
  stream?.on('data', chunk => { box.text = (box.text + chunk).slice(-max) })
  return box
}

const PRISM_BIN = join(root, 'node_modules', '@stoplight', 'prism-cli', 'dist', 'index.js')
const SERVER = join(root, 'dist', 'server.js')

/**
 * The command line of each kind of server. `ours` takes the emulator's flags in `extra`; every kind serves
 * create run at `${base}${prefix}/threads/{id}/runs`.
 */
function commandOf (kind, port, extra, specCopy) {
  switch (kind) {
    case 'ours': return { argv: [SERVER, '--host', HOST, '--port', String(port), '--log-level', 'warn', ...extra], prefix: '/openai' }
    case 'fastify':
    case 'http': return { argv: [SELF, '--serve', kind, '--port', String(port)], prefix: '/openai' }
    case 'prism': return { argv: [PRISM_BIN, 'mock', specCopy, '-h', HOST, '-p', String(port), '--errors', 'false'], prefix: '' }
  }
  throw new Error(`unknown server kind ${kind}`)
}

/** Starts a server of `kind` on a free port; `ready()` resolves once it answers create run with a 200. */
async function startServer (kind, { extra = [], specCopy } = {}) {
  const port = await freePort()
  const { argv, prefix } = commandOf(kind, port, extra, specCopy)
  const t0 = performance.now()
  const child = spawn(process.execPath, argv, { cwd: root, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, NODE_ENV: 'production' } })
  live.add(child)
  const exited = new Promise(resolve => child.once('exit', (code, signal) => { live.delete(child); resolve({ code, signal }) }))
  const out = tail(child.stdout)
  const err = tail(child.stderr)
  const base = `http://${HOST}:${port}`
  const server = { kind, child, exited, port, base, prefix, pid: child.pid, out, err, t0 }
  server.ready = async () => {
    const deadline = Date.now() + START_LIMIT_MS
    for (;;) {
      const status = await probe(`${base}${prefix}/threads/${SEED_THREAD}/runs?api-version=${API_VERSION}`)
      if (status === 200) return performance.now() - t0
      if (child.exitCode !== null || Date.now() > deadline) {
        await stopServer(server)
        throw new Error(`${kind} did not answer create run with 200 (last: ${status}):\n${out.text}${err.text}`)
      }
      await sleep(status === 0 ? 5 : 20)
    }
  }
  return server
}

/** POSTs the create-run body on a new connection: the status, or 0 when refused or silent for 1 s. */
function probe (url) {
  return new Promise(resolve => {
    const req = httpRequest(url, {
      method: 'POST',
      agent: false,
      timeout: 1000,
      headers: { ...JSON_HEADERS, 'content-length': Buffer.byteLength(CREATE_RUN_BODY) }
    }, res => {
      res.resume()
      res.on('end', () => resolve(res.statusCode))
      res.on('error', () => resolve(0))
    })
    req.on('timeout', () => req.destroy(new Error('timeout')))
    req.on('error', () => resolve(0))
    req.end(CREATE_RUN_BODY)
  })
}

async function stopServer ({ child, exited }) {
  if (child.exitCode !== null || child.signalCode !== null) return
  child.kill('SIGTERM')
  const done = await Promise.race([exited.then(() => true), sleep(5000).then(() => false)])
  if (!done) {
    child.kill('SIGKILL')
    await exited
  }
}

// ---------------------------------------------------------------------------------------------------------
// Requests for setup and the memory loops.

const agent = new Agent({ keepAlive: true, maxSockets: 32 })

function api (base, method, path, body, limitMs = REQUEST_LIMIT_MS) {
  const payload = body === undefined ? undefined : JSON.stringify(body)
  const url = `${base}/openai${path}${path.includes('?') ? '&' : '?'}api-version=${API_VERSION}`
  return new Promise((resolve, reject) => {
    const req = httpRequest(url, {
      method,
      agent,
      headers: payload === undefined ? { 'api-key': API_KEY } : { ...JSON_HEADERS, 'content-length': Buffer.byteLength(payload) },
      timeout: limitMs
    }, res => {
      let text = ''
      res.setEncoding('utf8')
      res.on('data', chunk => { text += chunk })
      res.on('end', () => {
        if (res.statusCode < 200 || res.statusCode > 299) reject(new Error(`${method} ${path} answered ${res.statusCode}: ${text.slice(0, 300)}`))
        else {
          try { resolve(JSON.parse(text)) } catch (err) { reject(err) }
        }
      })
      res.on('error', reject)
    })
    req.on('timeout', () => req.destroy(new Error(`${method} ${path}: no answer within ${limitMs} ms`)))
    req.on('error', reject)
    req.end(payload)
  })
}

/** Runs `task(i)` for i in [0, count) with `concurrency` in flight. */
async function pool (count, concurrency, task) {
  let next = 0
  const worker = async () => {
    while (next < count) await task(next++)
  }
  await Promise.all(Array.from({ length: Math.min(concurrency, count) }, worker))
}

// ---------------------------------------------------------------------------------------------------------
// Statistics and formatting.

function median (xs) {
  const s = [...xs].sort((a, b) => a - b)
  const mid = Math.floor(s.length / 2)
  return s.length === 0 ? NaN : s.length % 2 === 1 ? s[mid] : (s[mid - 1] + s[mid]) / 2
}
const fmt = (n, digits = 0) => Number.isFinite(n)
  ? n.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits })
  : 'n/a'
const lat = n => `${fmt(n, n < 10 ? 2 : 1)} ms`
const mib = bytes => `${fmt(bytes / 1048576, 1)} MiB`
const ratio = (a, b) => `${fmt(a / b, 2)}×`
const log = (...parts) => console.log(...parts)

// ---------------------------------------------------------------------------------------------------------
// 1. Throughput, interleaved.

const CONNECTIONS = 10
/** Threads create run spreads over: a thread grows by one reply per run, so no thread grows long. */
const RUN_THREADS = 500
const OURS_FAST = ['--queued-ms', '0', '--in-progress-ms', '0', '--fixtures', join(root, 'fixtures', 'example.json')]

/** Room for one measured run's 2xx latencies (autocannon's histogram only resolves whole milliseconds). */
const latencies = new Float64Array(4_000_000)

async function cannon (target, durationS, record) {
  const { default: autocannon } = await import('autocannon')
  let count = 0
  const instance = autocannon({ ...target, connections: CONNECTIONS, duration: durationS, timeout: 10 })
  if (record) {
    instance.on('response', (_client, statusCode, _bytes, responseTime) => {
      if (statusCode >= 200 && statusCode < 300 && count < latencies.length) latencies[count++] = responseTime
    })
  }
  const result = await instance
  if (record) {
    const s = latencies.subarray(0, count).sort()
    const at = q => count === 0 ? NaN : s[Math.min(count - 1, Math.floor(q * count))]
    result.fine = { p50: at(0.5), p99: at(0.99) }
  }
  return result
}

/** A target whose path cycles over `paths` (one per request, shared by all connections). */
function cycling (base, method, paths, body) {
  let i = 0
  return {
    url: base,
    requests: [{
      method,
      headers: body === undefined ? { 'api-key': API_KEY } : JSON_HEADERS,
      body,
      setupRequest: req => ({ ...req, path: paths[i++ % paths.length] })
    }]
  }
}
const q = `api-version=${API_VERSION}`

/** Threads with one user message each, on a fresh emulator. */
async function seedThreads (base, count) {
  const ids = []
  await pool(count, 16, async () => {
    const thread = await api(base, 'POST', '/threads', { messages: [{ role: 'user', content: 'What is 3x + 11 = 14?' }] })
    ids.push(thread.id)
  })
  return ids
}

function throughputCases (opts) {
  const cases = [
    { key: 'fastify-create', label: 'bare Fastify: create run', kind: 'fastify', setup: s => cycling(s.base, 'POST', [`/openai/threads/${SEED_THREAD}/runs?${q}`], CREATE_RUN_BODY) },
    { key: 'http-create', label: 'raw node:http: create run', kind: 'http', setup: s => cycling(s.base, 'POST', [`/openai/threads/${SEED_THREAD}/runs?${q}`], CREATE_RUN_BODY) },
    { key: 'fastify-get', label: 'bare Fastify: GET run', kind: 'fastify', setup: s => cycling(s.base, 'GET', [`/openai/threads/${SEED_THREAD}/runs/run_x?${q}`]) },
    {
      key: 'ours-create',
      label: 'ours: create run',
      kind: 'ours',
      extra: OURS_FAST,
      setup: async s => {
        const threads = await seedThreads(s.base, RUN_THREADS)
        return cycling(s.base, 'POST', threads.map(id => `/openai/threads/${id}/runs?${q}`), CREATE_RUN_BODY)
      }
    },
    {
      key: 'ours-get',
      label: 'ours: GET run (completed)',
      kind: 'ours',
      extra: OURS_FAST,
      setup: async s => {
        const run = await api(s.base, 'POST', `/threads/${SEED_THREAD}/runs`, { assistant_id: SEED_ASSISTANT })
        const seen = await api(s.base, 'GET', `/threads/${SEED_THREAD}/runs/${run.id}`)
        if (seen.status !== 'completed') throw new Error(`run is ${seen.status}, expected completed`)
        return cycling(s.base, 'GET', [`/openai/threads/${SEED_THREAD}/runs/${run.id}?${q}`])
      }
    },
    {
      // The pipeline's own cost (ids, classification, gate, checks, journal, log, serialiser) on the smallest read:
      // the floor every route stands on, beside the ceiling above.
      key: 'ours-floor',
      label: 'ours: GET assistant (pipeline floor)',
      kind: 'ours',
      extra: OURS_FAST,
      setup: async s => cycling(s.base, 'GET', [`/openai/assistants/${SEED_ASSISTANT}?${q}`])
    },
    {
      key: 'ours-list',
      label: 'ours: list messages (20 of 100)',
      kind: 'ours',
      extra: OURS_FAST,
      setup: async s => {
        const thread = await api(s.base, 'POST', '/threads', {})
        for (let i = 0; i < 100; i++) await api(s.base, 'POST', `/threads/${thread.id}/messages`, { role: 'user', content: `message number ${i}` })
        const page = await api(s.base, 'GET', `/threads/${thread.id}/messages?limit=20`)
        if (page.data.length !== 20 || page.has_more !== true) throw new Error('the 100-message thread does not page as expected')
        return cycling(s.base, 'GET', [`/openai/threads/${thread.id}/messages?limit=20&${q}`])
      }
    },
    {
      key: 'ours-message',
      label: 'ours: create message',
      kind: 'ours',
      extra: OURS_FAST,
      setup: async s => {
        const threads = await seedThreads(s.base, RUN_THREADS)
        return cycling(s.base, 'POST', threads.map(id => `/openai/threads/${id}/messages?${q}`),
          JSON.stringify({ role: 'user', content: 'Hello there, a message of a usual length.', metadata: { purpose: 'bench' } }))
      }
    }
  ]
  if (opts.prism) {
    cases.push({ key: 'prism-create', label: 'Prism: create run', kind: 'prism', setup: s => cycling(s.base, 'POST', [`/threads/${SEED_THREAD}/runs?${q}`], CREATE_RUN_BODY) })
  }
  return cases
}

async function measureCase (spec, opts, specCopy) {
  const server = await startServer(spec.kind, { extra: spec.extra, specCopy })
  try {
    await server.ready()
    const target = await spec.setup(server)
    const warm = await cannon(target, opts.warmupS, false)
    const r = await cannon(target, opts.durationS, true)
    // A round in which nothing was answered at all (a stalled server) is a failure too, not a figure of 0 req/s.
    const bad = r.errors + r.timeouts + r.non2xx + warm.errors + warm.timeouts + warm.non2xx + (r['2xx'] === 0 ? 1 : 0)
    return { rps: r['2xx'] / (r.duration || opts.durationS), p50: r.fine.p50, p99: r.fine.p99, bad, rss: rssOf(server.pid) }
  } finally {
    await stopServer(server)
  }
}

async function throughput (opts, specCopy) {
  const cases = throughputCases(opts)
  log(`\n## Throughput (loopback, ${CONNECTIONS} connections, ${opts.warmupS} s warm-up + ${opts.durationS} s measured, ` +
    `${opts.rounds} interleaved rounds, a fresh server per case)`)
  const results = new Map(cases.map(c => [c.key, []]))
  for (let round = 0; round < opts.rounds; round++) {
    const order = cases.map((_, i) => cases[(i + round * 3) % cases.length])
    for (const spec of order) {
      const m = await measureCase(spec, opts, specCopy)
      results.get(spec.key).push(m)
      log(`  round ${round + 1} ${spec.label.padEnd(38)} ${fmt(m.rps).padStart(7)} req/s  p50 ${lat(m.p50)}  p99 ${lat(m.p99)}` +
        `${m.bad > 0 ? `  ${m.bad} errors/non-2xx` : ''}  RSS ${mib(m.rss)}  (load ${os.loadavg()[0].toFixed(2)})`)
    }
  }
  const summary = {}
  for (const spec of cases) {
    const runs = results.get(spec.key)
    summary[spec.key] = {
      label: spec.label,
      rps: median(runs.map(m => m.rps)),
      rpsMin: Math.min(...runs.map(m => m.rps)),
      rpsMax: Math.max(...runs.map(m => m.rps)),
      p50: median(runs.map(m => m.p50)),
      p99: median(runs.map(m => m.p99)),
      bad: runs.reduce((a, m) => a + m.bad, 0)
    }
  }
  return summary
}

// ---------------------------------------------------------------------------------------------------------
// 2. Cold start and idle memory: spawn → first 200 on create run; the resident set 1 s later.

/** GET /_emulator/health until it answers 200 (ours only): the server is up, nothing has been created. */
async function healthy (server) {
  const deadline = Date.now() + START_LIMIT_MS
  for (;;) {
    const status = await new Promise(resolve => {
      const req = httpRequest(`${server.base}/_emulator/health`, { agent: false, timeout: 1000 }, res => {
        res.resume()
        res.on('end', () => resolve(res.statusCode))
      })
      req.on('timeout', () => req.destroy(new Error('timeout')))
      req.on('error', () => resolve(0))
      req.end()
    })
    if (status === 200) return
    if (server.child.exitCode !== null || Date.now() > deadline) throw new Error(`ours did not start:\n${server.out.text}${server.err.text}`)
    await sleep(10)
  }
}

/**
 * The longest the server kept a health request waiting while its first run was created and read to the end
 * (which needs token counts): health answers at once unless the event loop is blocked, so this is the
 * worst event-loop stall of the first run, as a client sees it (ms). Health is asked back to back.
 */
async function firstRunStall (server) {
  const probeAgent = new Agent({ keepAlive: true, maxSockets: 1 })
  const health = () => new Promise(resolve => {
    const started = performance.now()
    const req = httpRequest(`${server.base}/_emulator/health`, { agent: probeAgent, timeout: REQUEST_LIMIT_MS }, res => {
      res.resume()
      res.on('end', () => resolve(performance.now() - started))
    })
    req.on('error', () => resolve(performance.now() - started))
    req.end()
  })
  const state = { probing: true, worst: 0 }
  const prober = (async () => {
    while (state.probing) state.worst = Math.max(state.worst, await health())
  })()
  try {
    await sleep(200)
    // Reading the run waits for the tokenizer's worker, which takes many seconds on a loaded machine.
    const run = await api(server.base, 'POST', `/threads/${SEED_THREAD}/runs`, { assistant_id: SEED_ASSISTANT }, START_LIMIT_MS)
    for (let i = 0; i < 200; i++) {
      const seen = await api(server.base, 'GET', `/threads/${SEED_THREAD}/runs/${run.id}`, undefined, START_LIMIT_MS)
      if (seen.usage !== null && seen.usage !== undefined) break
      await sleep(10)
    }
    await sleep(300)
  } finally {
    state.probing = false
    await prober
    probeAgent.destroy()
  }
  return state.worst
}

async function coldStart (opts, specCopy) {
  const kinds = ['ours', 'fastify', 'http', ...(opts.prism ? ['prism'] : [])]
  log(`\n## Cold start (spawn → first 200 on create run, ${opts.coldStarts} spawns each, interleaved); resident set 1 s later; ` +
    'ours also idle: 1 s after its first 200 on /_emulator/health, nothing created')
  const samples = new Map(kinds.map(k => [k, []]))
  for (let i = 0; i < opts.coldStarts; i++) {
    for (const kind of kinds) {
      const server = await startServer(kind, { extra: OURS_FAST, specCopy })
      let idle
      try {
        const ms = await server.ready()
        await sleep(1000)
        const rss = rssOf(server.pid)
        if (kind !== 'ours') idle = rss
        samples.get(kind).push({ ms, rss, idle })
      } finally {
        await stopServer(server)
      }
      if (kind === 'ours') {
        const fresh = await startServer(kind, { extra: OURS_FAST })
        try {
          await healthy(fresh)
          await sleep(1000)
          samples.get(kind).at(-1).idle = idle = rssOf(fresh.pid)
          samples.get(kind).at(-1).stall = await firstRunStall(fresh)
        } finally {
          await stopServer(fresh)
        }
      }
      const last = samples.get(kind).at(-1)
      log(`  ${kind.padEnd(8)} ${fmt(last.ms)} ms, RSS after the first run ${mib(last.rss)}, idle ${mib(last.idle)}` +
        (last.stall === undefined ? '' : `, worst health wait during the first run ${lat(last.stall)}`))
    }
  }
  return Object.fromEntries(kinds.map(k => [k, {
    ms: median(samples.get(k).map(s => s.ms)),
    rss: median(samples.get(k).map(s => s.rss)),
    idle: median(samples.get(k).map(s => s.idle)),
    stall: k === 'ours' ? median(samples.get(k).map(s => s.stall)) : undefined,
    stallMax: k === 'ours' ? Math.max(...samples.get(k).map(s => s.stall)) : undefined
  }]))
}

// ---------------------------------------------------------------------------------------------------------
// 3. Memory: bytes per completed run with no budget; the resident set under --max-store-bytes B.

const MEMORY_CONCURRENCY = 16
/** One completed run: a thread with a user message and a run (POST /threads/runs), then GET run (writes the reply). */
async function oneRun (base) {
  const run = await api(base, 'POST', '/threads/runs', {
    assistant_id: SEED_ASSISTANT,
    thread: { messages: [{ role: 'user', content: 'What is the weather like?' }] }
  })
  const seen = await api(base, 'GET', `/threads/${run.thread_id}/runs/${run.id}`)
  if (seen.status !== 'completed') throw new Error(`run is ${seen.status}, expected completed`)
}

async function perRun (opts) {
  const warm = Math.min(2000, Math.floor(opts.runs / 10))
  log(`\n## Memory per completed run (${fmt(opts.runs)} runs, each: thread + user message + run + reply + step; no budget)`)
  const server = await startServer('ours', { extra: [...OURS_FAST, '--max-store-bytes', String(64 * 1024 ** 3)] })
  try {
    await server.ready()
    const started = performance.now()
    await pool(warm, MEMORY_CONCURRENCY, () => oneRun(server.base))
    const baseline = rssOf(server.pid)
    const series = [{ runs: warm, rss: baseline }]
    const step = Math.max(1000, Math.floor(opts.runs / 10))
    for (let done = warm; done < opts.runs;) {
      const n = Math.min(step, opts.runs - done)
      await pool(n, MEMORY_CONCURRENCY, () => oneRun(server.base))
      done += n
      series.push({ runs: done, rss: rssOf(server.pid) })
      log(`  ${fmt(done).padStart(7)} runs  RSS ${mib(series.at(-1).rss)}`)
    }
    const seconds = (performance.now() - started) / 1000
    const final = series.at(-1)
    const bytesPerRun = (final.rss - baseline) / (final.runs - warm)
    log(`  ${fmt(final.runs)} runs in ${fmt(seconds, 1)} s; (RSS at ${fmt(final.runs)} − RSS at ${fmt(warm)}) / ${fmt(final.runs - warm)} = ${fmt(bytesPerRun)} bytes per run`)
    return { runs: final.runs, baseline, final: final.rss, bytesPerRun, seconds }
  } finally {
    await stopServer(server)
  }
}

async function budgetLoop (opts) {
  const B = opts.capBytes
  log(`\n## Resident set under --max-store-bytes ${fmt(B)} (${mib(B)}) over ${opts.capSeconds} s of run creation`)
  const server = await startServer('ours', { extra: [...OURS_FAST, '--max-store-bytes', String(B)] })
  try {
    await server.ready()
    await pool(100, MEMORY_CONCURRENCY, () => oneRun(server.base))
    await sleep(500)
    const idle = rssOf(server.pid)
    const end = Date.now() + opts.capSeconds * 1000
    let runs = 0
    let peak = idle
    const sampler = setInterval(() => { peak = Math.max(peak, rssOf(server.pid)) }, 250)
    let nextLog = Date.now() + 10_000
    try {
      await Promise.all(Array.from({ length: MEMORY_CONCURRENCY }, async () => {
        while (Date.now() < end) {
          await oneRun(server.base)
          runs++
          if (Date.now() >= nextLog) {
            nextLog += 10_000
            log(`  ${fmt(runs).padStart(7)} runs  RSS ${mib(rssOf(server.pid))}  peak ${mib(peak)}`)
          }
        }
      }))
    } finally {
      clearInterval(sampler)
    }
    const final = rssOf(server.pid)
    peak = Math.max(peak, final)
    log(`  ${fmt(runs)} runs; idle ${mib(idle)}, peak ${mib(peak)}, final ${mib(final)}, bound idle + 2B = ${mib(idle + 2 * B)}`)
    return { B, idle, peak, final, runs, bound: idle + 2 * B }
  } finally {
    await stopServer(server)
  }
}

// ---------------------------------------------------------------------------------------------------------
// 4. The other branches' benchmarks, when present: streams (time to first event) and token counting.

async function companion (name, opts) {
  const file = join(root, 'scripts', name)
  if (!existsSync(file)) {
    log(`\n## ${name}: not in this tree; row skipped`)
    return { skipped: `scripts/${name} is not in this tree` }
  }
  log(`\n## ${name}`)
  try {
    const mod = await import(pathToFileURL(file).href)
    const figures = await mod.run({ quick: opts.quick })
    log(JSON.stringify(figures, null, 2))
    return { figures }
  } catch (err) {
    log(`  failed: ${err.stack ?? err}`)
    return { failed: String(err.message ?? err) }
  }
}

/** A companion's figures as table rows: numbers and strings one level deep, nested objects flattened. */
function companionRows (name, result) {
  if (result.skipped) return [`| ${name} | skipped: ${result.skipped} |`]
  if (result.failed) return [`| ${name} | failed: ${result.failed} |`]
  const rows = []
  const walk = (prefix, value) => {
    if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
      for (const [k, v] of Object.entries(value)) walk(prefix === '' ? k : `${prefix}.${k}`, v)
    } else {
      rows.push(`| ${name}: ${prefix} | ${typeof value === 'number' ? fmt(value, Number.isInteger(value) ? 0 : 2) : JSON.stringify(value)} |`)
    }
  }
  walk('', result.figures)
  return rows
}

// ---------------------------------------------------------------------------------------------------------

/** Writes a copy of the spec without x-ms-examples (Prism cannot resolve them) into a temporary folder. */
function prismSpec () {
  const spec = JSON.parse(readFileSync(join(root, 'spec', 'azure-assistants-2024-05-01-preview.json'), 'utf8'))
  const strip = value => {
    if (Array.isArray(value)) return value.map(strip)
    if (value === null || typeof value !== 'object') return value
    return Object.fromEntries(Object.entries(value).filter(([k]) => k !== 'x-ms-examples').map(([k, v]) => [k, strip(v)]))
  }
  const dir = mkdtempSync(join(os.tmpdir(), 'aoai-bench-'))
  const file = join(dir, 'spec.json')
  writeFileSync(file, JSON.stringify(strip(spec)))
  return { file, remove: () => rmSync(dir, { recursive: true, force: true }) }
}

function machine () {
  const cpu = os.cpus()[0]?.model ?? 'unknown'
  let uptime = ''
  try { uptime = execFileSync('uptime', { encoding: 'utf8' }).trim() } catch {}
  return {
    cpu,
    cores: os.availableParallelism(),
    memory: os.totalmem(),
    node: process.version,
    os: `${os.platform()} ${os.release()}`,
    uptime
  }
}

function report ({ opts, facts, loadAfter, tp, cold, mem, cap, streams, tokens, seconds }) {
  const lines = []
  const out = line => lines.push(line)
  const met = ok => ok ? 'met' : '**not met**'
  out(`# Benchmarks${opts.quick ? ' (quick mode: short rounds, fewer runs; not for decisions)' : ''}`)
  out('')
  out('Written by `npm run bench` (scripts/bench.mjs); every figure below comes from one run on one machine.')
  out('The machine is shared and noisy: ratios taken in the same run decide, absolute figures are for the log.')
  out('')
  out(`- Machine: ${facts.cpu}, ${facts.cores} cores, ${mib(facts.memory)} RAM, ${facts.os}, node ${facts.node}`)
  out(`- Load before: \`${facts.uptime}\``)
  out(`- Load after: \`${loadAfter}\``)
  out(`- Settings: ${opts.rounds} interleaved rounds, ${CONNECTIONS} connections, ${opts.warmupS} s warm-up + ${opts.durationS} s per case and round, ` +
    'a fresh server per case; ours with `--queued-ms 0 --in-progress-ms 0 --log-level warn --fixtures fixtures/example.json`; ' +
    `the load generator (autocannon) shares the cores. Total ${fmt(seconds)} s.`)
  out('')
  if (tp) {
    out('## Throughput (medians over rounds)')
    out('')
    out('| case | req/s | range | p50 | p99 | errors + non-2xx |')
    out('|---|---:|---:|---:|---:|---:|')
    for (const c of Object.values(tp)) out(`| ${c.label} | ${fmt(c.rps)} | ${fmt(c.rpsMin)}–${fmt(c.rpsMax)} | ${lat(c.p50)} | ${lat(c.p99)} | ${c.bad} |`)
    out('')
    out('Create run on ours is spread over 500 threads with one user message each (each run adds its reply to its thread); ' +
      'the ceiling servers parse the same body and serialise a Run-sized reply (Fastify with a response schema, node:http with JSON.stringify).')
    out('')
  }
  const targets = []
  if (tp) {
    const fc = tp['fastify-create']; const fg = tp['fastify-get']; const oc = tp['ours-create']; const og = tp['ours-get']
    targets.push(['create run ≥ 0.5× bare Fastify', `${fmt(oc.rps)} / ${fmt(fc.rps)} = ${ratio(oc.rps, fc.rps)}`, met(oc.rps / fc.rps >= 0.5)])
    targets.push(['GET run ≥ 0.7× bare Fastify', `${fmt(og.rps)} / ${fmt(fg.rps)} = ${ratio(og.rps, fg.rps)}`, met(og.rps / fg.rps >= 0.7)])
    targets.push(['create run p99 ≤ 2× the ceiling\'s', `${lat(oc.p99)} / ${lat(fc.p99)} = ${ratio(oc.p99, fc.p99)}`, met(oc.p99 / fc.p99 <= 2)])
    targets.push(['GET run p99 ≤ 2× the ceiling\'s', `${lat(og.p99)} / ${lat(fg.p99)} = ${ratio(og.p99, fg.p99)}`, met(og.p99 / fg.p99 <= 2)])
    const pc = tp['prism-create']
    if (pc) targets.push(['create run ≥ 10× Prism', `${fmt(oc.rps)} / ${fmt(pc.rps)} = ${ratio(oc.rps, pc.rps)}`, met(oc.rps / pc.rps >= 10)])
  }
  if (cold) {
    out('## Cold start and idle memory (medians)')
    out('')
    out('| server | spawn → first 200 on create run | idle resident set | resident set 1 s after the first run |')
    out('|---|---:|---:|---:|')
    const names = { ours: 'ours', fastify: 'bare Fastify', http: 'raw node:http', prism: 'Prism' }
    for (const [kind, c] of Object.entries(cold)) out(`| ${names[kind]} | ${fmt(c.ms)} ms | ${mib(c.idle)} | ${mib(c.rss)} |`)
    out('')
    out('Idle, for ours: 1 s after the first 200 on /_emulator/health, nothing created (the tokenizer is loaded in a worker thread when the first run is created; the resident set after the first run includes it). ' +
      'The ceilings and Prism have no such state: their idle figure is the one after their first create run.')
    out('')
    targets.push(['cold start ≤ 1.3× bare Fastify', `${fmt(cold.ours.ms)} / ${fmt(cold.fastify.ms)} ms = ${ratio(cold.ours.ms, cold.fastify.ms)}`, met(cold.ours.ms / cold.fastify.ms <= 1.3)])
    targets.push(['idle RSS ≤ 1.3× bare Fastify', `${mib(cold.ours.idle)} / ${mib(cold.fastify.idle)} = ${ratio(cold.ours.idle, cold.fastify.idle)}`, met(cold.ours.idle / cold.fastify.idle <= 1.3)])
    targets.push(['no event-loop stall > 50 ms in the first run (worst health wait while it is created and read; median of spawns, worst)',
      `${lat(cold.ours.stall)} (worst ${lat(cold.ours.stallMax)})`, met(cold.ours.stall <= 50)])
    targets.push(['(RSS after the first run, for the record)', `${mib(cold.ours.rss)} / ${mib(cold.fastify.rss)} = ${ratio(cold.ours.rss, cold.fastify.rss)}`, cold.ours.rss / cold.fastify.rss <= 1.3 ? 'within 1.3×' : 'above 1.3×'])
  }
  if (mem) {
    out('## Memory per completed run')
    out('')
    out(`${fmt(mem.runs)} completed runs (POST /threads/runs with one user message, then GET run, which writes the reply), no budget: ` +
      `RSS ${mib(mem.baseline)} after the warm-up → ${mib(mem.final)}, **${fmt(mem.bytesPerRun)} bytes per run** (${fmt(mem.seconds, 1)} s).`)
    out('')
    targets.push([`≤ 2 KB resident per completed run at ${fmt(mem.runs)} runs`, `${fmt(mem.bytesPerRun)} bytes`, met(mem.bytesPerRun <= 2048)])
  }
  if (cap) {
    out('## Resident set under a store budget')
    out('')
    out(`--max-store-bytes ${fmt(cap.B)} (${mib(cap.B)}), ${opts.capSeconds} s of run creation (${fmt(cap.runs)} runs): ` +
      `idle ${mib(cap.idle)}, peak ${mib(cap.peak)}, final ${mib(cap.final)}; bound idle + 2B = ${mib(cap.bound)}.`)
    out('')
    targets.push([`RSS under --max-store-bytes B < idle + 2B (${opts.capSeconds} s)`, `peak ${mib(cap.peak)} vs ${mib(cap.bound)}`, met(cap.peak < cap.bound)])
  }
  if (streams || tokens) {
    out('## Streaming and token counting (from the companion scripts)')
    out('')
    out('| figure | value |')
    out('|---|---:|')
    if (streams) for (const row of companionRows('bench-streams', streams)) out(row)
    if (tokens) for (const row of companionRows('bench-tokens', tokens)) out(row)
    out('')
  }
  if (targets.length > 0) {
    out('## Targets (ratios from this run)')
    out('')
    out('| target | figures | |')
    out('|---|---|---|')
    for (const [name, figures, verdict] of targets) out(`| ${name} | ${figures} | ${verdict} |`)
    out('')
  }
  return lines.join('\n')
}

async function main () {
  const opts = options()
  if (opts.serve !== undefined) return serveCeiling(opts.serve, opts.port)

  process.on('exit', killAll)
  for (const signal of ['SIGINT', 'SIGTERM']) {
    process.on(signal, () => {
      console.error(`\nbench: ${signal}, stopping`)
      killAll()
      process.exit(130)
    })
  }
  setTimeout(() => {
    console.error(`bench: still running after ${TOTAL_LIMIT_MS / 1000} s, giving up`)
    killAll()
    process.exit(1)
  }, TOTAL_LIMIT_MS).unref()

  const began = performance.now()
  execFileSync(process.execPath, [join(root, 'scripts', 'ensure-build.mjs')], { cwd: root, stdio: 'inherit' })
  if (opts.prism && !existsSync(PRISM_BIN)) {
    log('Prism is not installed (npm ci installs the dev dependency @stoplight/prism-cli): its rows are skipped')
    opts.prism = false
  }
  const facts = machine()
  log(`# Emulator benchmark${opts.quick ? ' (quick)' : ''}\n${facts.cpu}, ${facts.cores} cores, node ${facts.node}\n${facts.uptime}`)
  const spec = opts.prism ? prismSpec() : undefined
  try {
    const has = phase => opts.phases.has(phase)
    const tp = has('throughput') ? await throughput(opts, spec?.file) : undefined
    const streams = has('streams') ? await companion('bench-streams.mjs', opts) : undefined
    const tokens = has('tokens') ? await companion('bench-tokens.mjs', opts) : undefined
    const cold = has('cold') ? await coldStart(opts, spec?.file) : undefined
    const mem = has('memory') ? await perRun(opts) : undefined
    const cap = has('cap') ? await budgetLoop(opts) : undefined
    let loadAfter = ''
    try { loadAfter = execFileSync('uptime', { encoding: 'utf8' }).trim() } catch {}
    const text = report({ opts, facts, loadAfter, tp, cold, mem, cap, streams, tokens, seconds: (performance.now() - began) / 1000 })
    log(`\n${text}`)
    if (opts.write && opts.phases.size === 6) {
      writeFileSync(join(root, 'BENCHMARKS.md'), `${text}\n`)
      log('Wrote BENCHMARKS.md')
    }
    const bad = tp !== undefined && Object.values(tp).some(c => c.bad > 0)
    return bad ? 1 : 0
  } finally {
    spec?.remove()
  }
}

main().then(code => {
  if (code === undefined) return // serving a ceiling: stay up until killed
  killAll()
  process.exit(code)
}, err => {
  console.error(`bench: ${err.stack ?? err}`)
  killAll()
  process.exit(1)
})
