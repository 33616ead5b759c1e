#!/usr/bin/env node
// `npm run bench`: cold start, loopback throughput and memory growth of the built emulator (dist/server.js).
//
// Prints figures; asserts nothing about speed (the machines are shared and noisy). It exits 1 only when the
// load itself went wrong: a request error, a non-2xx answer, a server that would not start, or the time limit.
//
// Every server is a separate `node dist/server.js` process on 127.0.0.1, started and stopped here by its pid
// (and killed on any exit). Every loop is bounded in count and in time. Knobs, for quick tries only:
//   BENCH_ROUNDS (3), BENCH_WARMUP_S (2), BENCH_DURATION_S (5), BENCH_COLD_STARTS (7), BENCH_THREADS (60000),
//   BENCH_STORE_BYTES (32 MiB, passed as --max-store-bytes)
import { execFileSync, spawn } from 'node:child_process'
import { openSync, readFileSync, closeSync } from 'node:fs'
import { Agent, request as httpRequest } from 'node:http'
import { createServer } from 'node:net'
import os from 'node:os'
import { join } from 'node:path'
import { performance } from 'node:perf_hooks'
import { setTimeout as sleep } from 'node:timers/promises'
import { fileURLToPath } from 'node:url'
import autocannon from 'autocannon'

const root = fileURLToPath(new URL('..', import.meta.url))
const SERVER = join(root, 'dist', 'server.js')
const HOST = '127.0.0.1'
const API_VERSION = '2024-05-01-preview'
const API_KEY = 'k'
const JSON_HEADERS = { 'api-key': API_KEY, 'content-type': 'application/json' }

const intFromEnv = (name, fallback, max) => {
  const raw = process.env[name]
  const value = raw === undefined || raw === '' ? fallback : Number(raw)
  if (!Number.isInteger(value) || value < 1 || value > max) throw new Error(`${name} must be an integer from 1 to ${max}`)
  return value
}
const ROUNDS = intFromEnv('BENCH_ROUNDS', 3, 10)
const WARMUP_S = intFromEnv('BENCH_WARMUP_S', 2, 30)
const DURATION_S = intFromEnv('BENCH_DURATION_S', 5, 60)
const COLD_STARTS = intFromEnv('BENCH_COLD_STARTS', 7, 50)
const MEMORY_THREADS = intFromEnv('BENCH_THREADS', 60000, 200000)
const CONNECTIONS = 10
const MEMORY_SAMPLE_EVERY = 5000
const MEMORY_CONCURRENCY = 16
/** The store budget passed with --max-store-bytes: small, so the plateau shows within the run (32 MiB). */
const CAP_VALUE = intFromEnv('BENCH_STORE_BYTES', 32 * 1024 * 1024, 64 * 1024 * 1024 * 1024)

/** Hard limits: the whole run, one server start, one setup request, the memory phase. */
const TOTAL_LIMIT_MS = 10 * 60 * 1000
const START_LIMIT_MS = 10_000
const REQUEST_LIMIT_MS = 10_000
const MEMORY_LIMIT_MS = 120_000

// ---------------------------------------------------------------------------------------------------------
// Server processes: tracked by pid, killed on any exit.

/** @type {Set<import('node:child_process').ChildProcess>} */
const live = new Set()

function killAll () {
  for (const child of live) {
    try { child.kill('SIGKILL') } catch {}
  }
  live.clear()
}
process.on('exit', killAll)
for (const signal of ['SIGINT', 'SIGTERM']) {
  process.on(signal, () => {
    console.error(`\nbench: ${signal}, stopping`)
    killAll()
    process.exit(130)
  })
}
const watchdog = setTimeout(() => {
  console.error(`bench: still running after ${TOTAL_LIMIT_MS / 1000} s, giving up`)
  killAll()
  process.exit(1)
}, TOTAL_LIMIT_MS)
watchdog.unref()

/** A port that was free a moment ago (servers below log at warn, so they cannot tell us a port 0 choice). */
function freePort () {
  return new Promise((resolve, reject) => {
    const probe = createServer()
    probe.unref()
    probe.once('error', reject)
    probe.listen(0, HOST, () => {
      const { port } = probe.address()
      probe.close(() => resolve(port))
    })
  })
}

/** Keeps the last `max` characters of a stream (so a pipe never fills and a failure can show its tail). */
function tail (stream, max = 4000) {
  const box = { text: '' }
  stream?.setEncoding('utf8')
  stream?.on('data', chunk => { box.text = (box.text + chunk).slice(-max) })
  return box
}

/**
 * Starts `node dist/server.js args`. `stdout` is 'pipe' (read here) or 'null' (to /dev/null, so a logging
 * server pays for writing its lines but nobody here pays for reading them).
 */
function startProcess (args, { stdout = 'pipe' } = {}) {
  let devNull
  if (stdout === 'null') devNull = openSync('/dev/null', 'w')
  const child = spawn(process.execPath, [SERVER, ...args], {
    cwd: root,
    stdio: ['ignore', devNull ?? 'pipe', 'pipe'],
    env: { ...process.env, NODE_ENV: 'production' }
  })
  if (devNull !== undefined) closeSync(devNull)
  live.add(child)
  const exited = new Promise(resolve => child.once('exit', (code, signal) => { live.delete(child); resolve({ code, signal }) }))
  return { child, exited, err: tail(child.stderr) }
}

/** SIGTERM, then SIGKILL if it has not exited within 5 s. */
async function stopProcess ({ child, exited }) {
  if (child.exitCode !== null || child.signalCode !== null) return
  child.kill('SIGTERM')
  const done = await Promise.race([exited.then(() => true), sleep(5000).then(() => false)])
  if (!done) {
    child.kill('SIGKILL')
    await exited
  }
}

/** Whether GET /_emulator/health answers 200 (a new connection each time; false on refusal or 1 s of silence). */
function healthy (base) {
  return new Promise(resolve => {
    const req = httpRequest(`${base}/_emulator/health`, { agent: false, timeout: 1000 }, res => {
      res.resume()
      res.on('end', () => resolve(res.statusCode === 200))
      res.on('error', () => resolve(false))
    })
    req.on('timeout', () => req.destroy(new Error('timeout')))
    req.on('error', () => resolve(false))
    req.end()
  })
}

/** A server on a free port at `logLevel`, ready (health answered) when this resolves. */
async function startServer ({ logLevel = 'warn', extra = [], stdout = 'pipe' } = {}) {
  const port = await freePort()
  const proc = startProcess(['--host', HOST, '--port', String(port), '--log-level', logLevel, ...extra], { stdout })
  const out = stdout === 'pipe' ? tail(proc.child.stdout) : { text: '' }
  const base = `http://${HOST}:${port}`
  const deadline = Date.now() + START_LIMIT_MS
  while (!(await healthy(base))) {
    if (proc.child.exitCode !== null || Date.now() > deadline) {
      await stopProcess(proc)
      throw new Error(`server did not start (${args(extra)}):\n${out.text}${proc.err.text}`)
    }
    await sleep(20)
  }
  return { ...proc, port, base, pid: proc.child.pid, out }
}
const args = list => list.join(' ') || 'defaults'

/** The server's resident set in MiB, from /proc/<pid>/status. */
function rssMiB (pid) {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8')
  const kb = Number(/^VmRSS:\s+(\d+)\s+kB/m.exec(status)?.[1])
  return kb / 1024
}

// ---------------------------------------------------------------------------------------------------------
// Requests for setting up state and the memory load (bounded by a timeout each).

const apiUrl = (base, path) => `${base}/openai${path}${path.includes('?') ? '&' : '?'}api-version=${API_VERSION}`

/** Keep-alive sockets for setup and the memory load (fetch costs this process several times more CPU). */
const agent = new Agent({ keepAlive: true, maxSockets: 32 })

function api (base, method, path, body) {
  const payload = body === undefined ? undefined : JSON.stringify(body)
  return new Promise((resolve, reject) => {
    const req = httpRequest(apiUrl(base, path), {
      method,
      agent,
      headers: payload === undefined ? { 'api-key': API_KEY } : { ...JSON_HEADERS, 'content-length': Buffer.byteLength(payload) },
      timeout: REQUEST_LIMIT_MS
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
    req.on('timeout', () => req.destroy(new Error(`${method} ${path}: no answer within ${REQUEST_LIMIT_MS} ms`)))
    req.on('error', reject)
    req.end(payload)
  })
}

// ---------------------------------------------------------------------------------------------------------
// Statistics and formatting.

const sorted = xs => [...xs].sort((a, b) => a - b)
function median (xs) {
  const s = sorted(xs)
  const mid = Math.floor(s.length / 2)
  return s.length % 2 === 1 ? s[mid] : (s[mid - 1] + s[mid]) / 2
}
const fmt = (n, digits = 0) => n.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits })
const ms = n => `${fmt(n, n < 10 ? 1 : 0)} ms`
const lat = n => `${fmt(n, n < 10 ? 2 : 1)} ms`
/** Least-squares slope of y over x. */
function slope (points) {
  const n = points.length
  const mx = points.reduce((a, p) => a + p.x, 0) / n
  const my = points.reduce((a, p) => a + p.y, 0) / n
  const sxx = points.reduce((a, p) => a + (p.x - mx) ** 2, 0)
  const sxy = points.reduce((a, p) => a + (p.x - mx) * (p.y - my), 0)
  return sxx === 0 ? 0 : sxy / sxx
}
const log = (...parts) => console.log(...parts)

// ---------------------------------------------------------------------------------------------------------
// 1. Cold start.

async function coldStart () {
  log(`\n## Cold start (${COLD_STARTS} spawns of node dist/server.js --port 0 --log-level info)`)
  const samples = []
  for (let i = 0; i < COLD_STARTS; i++) {
    const t0 = performance.now()
    const proc = startProcess(['--host', HOST, '--port', '0', '--log-level', 'info'])
    try {
      const listening = await new Promise((resolve, reject) => {
        let buffer = ''
        const timer = setTimeout(() => reject(new Error(`no "listening on" line within ${START_LIMIT_MS} ms:\n${buffer}${proc.err.text}`)), START_LIMIT_MS)
        proc.child.stdout.setEncoding('utf8')
        proc.child.stdout.on('data', chunk => {
          buffer = (buffer + chunk).slice(-8000)
          const match = /listening on (http:\/\/[^\s"]+)/.exec(buffer)
          if (match) {
            clearTimeout(timer)
            resolve({ at: performance.now() - t0, base: match[1] })
          }
        })
        proc.exited.then(({ code, signal }) => {
          clearTimeout(timer)
          reject(new Error(`server exited (${code ?? signal}) before listening:\n${buffer}${proc.err.text}`))
        })
      })
      let health
      for (let attempt = 0; attempt < 500 && health === undefined; attempt++) {
        if (await healthy(listening.base)) health = performance.now() - t0
        else await sleep(2)
      }
      if (health === undefined) throw new Error('health never answered')
      // The tokenizer is loaded off the startup path; the first run creation waits for it.
      const assistant = await api(listening.base, 'POST', '/assistants', { model: 'gpt-4o' })
      const thread = await api(listening.base, 'POST', '/threads', { messages: [{ role: 'user', content: 'hi' }] })
      await api(listening.base, 'POST', `/threads/${thread.id}/runs`, { assistant_id: assistant.id })
      const firstRun = performance.now() - t0
      const rss = rssMiB(proc.child.pid)
      samples.push({ listening: listening.at, health, firstRun, rss })
      log(`  spawn ${i + 1}: listening ${ms(listening.at)}, health ${ms(health)}, first run created ${ms(firstRun)}, RSS ${fmt(rss, 1)} MiB`)
    } finally {
      await stopProcess(proc)
    }
  }
  const stat = key => {
    const values = samples.map(s => s[key])
    return { min: Math.min(...values), median: median(values), max: Math.max(...values) }
  }
  return { listening: stat('listening'), health: stat('health'), firstRun: stat('firstRun'), rss: stat('rss') }
}

// ---------------------------------------------------------------------------------------------------------
// 2. Throughput. Each case: a fresh server (so one case's writes never weigh on another), its setup,
// WARMUP_S of load that is thrown away, DURATION_S measured. Cases are interleaved, the order rotated per round.

const LONG_MS = '86400000' // the longest duration the emulator accepts: 24 h

/** @type {Array<{ key: string, label: string, logLevel?: string, extra: string[], setup: (base: string) => Promise<object> }>} */
const CASES = [
  {
    key: 'run-in-progress',
    label: '(a) GET run, in_progress',
    extra: ['--queued-ms', '0', '--in-progress-ms', LONG_MS, '--run-expiry-ms', LONG_MS],
    setup: base => runTarget(base, 'in_progress')
  },
  {
    key: 'run-completed',
    label: '(a) GET run, completed',
    extra: ['--queued-ms', '0', '--in-progress-ms', '0'],
    setup: base => runTarget(base, 'completed')
  },
  {
    key: 'create-thread',
    label: '(b) POST threads (1 message)',
    extra: [],
    setup: async base => ({
      url: apiUrl(base, '/threads'),
      method: 'POST',
      headers: JSON_HEADERS,
      body: JSON.stringify({ messages: [{ role: 'user', content: 'Hello there' }], metadata: { purpose: 'bench' } })
    })
  },
  {
    key: 'list-messages',
    label: '(c) GET 20 of 100 messages',
    extra: [],
    setup: async base => {
      const thread = await api(base, 'POST', '/threads', {})
      for (let i = 0; i < 100; i++) {
        await api(base, 'POST', `/threads/${thread.id}/messages`, { role: 'user', content: `message number ${i}` })
      }
      const page = await api(base, 'GET', `/threads/${thread.id}/messages?limit=20`)
      if (page.data.length !== 20 || page.has_more !== true) throw new Error('the 100-message thread does not page as expected')
      return { url: apiUrl(base, `/threads/${thread.id}/messages?limit=20`), method: 'GET', headers: { 'api-key': API_KEY } }
    }
  },
  {
    key: 'health',
    label: '(d) GET /_emulator/health',
    extra: [],
    setup: async base => ({ url: `${base}/_emulator/health`, method: 'GET' })
  }
]
/** The logging cost: case (a) in progress once more, at --log-level info with stdout to /dev/null. */
const INFO_CASE = { ...CASES[0], key: 'run-in-progress-info', label: '(a) GET run, in_progress, log-level info', logLevel: 'info' }

async function runTarget (base, expected) {
  const assistant = await api(base, 'POST', '/assistants', { model: 'gpt-4o', name: 'bench' })
  const thread = await api(base, 'POST', '/threads', { messages: [{ role: 'user', content: 'hi' }] })
  const run = await api(base, 'POST', `/threads/${thread.id}/runs`, { assistant_id: assistant.id })
  const path = `/threads/${thread.id}/runs/${run.id}`
  const seen = await api(base, 'GET', path)
  if (seen.status !== expected) throw new Error(`run is ${seen.status}, expected ${expected}`)
  return { url: apiUrl(base, path), method: 'GET', headers: { 'api-key': API_KEY } }
}

/** Room for one measured run's 2xx latencies (autocannon's own histogram only resolves whole milliseconds). */
const latencies = new Float64Array(4_000_000)

/** Runs autocannon; `record` collects every 2xx response time (ms, sub-millisecond) for the percentiles. */
async function cannon (target, durationS, record = false) {
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

async function measureCase (spec) {
  const server = await startServer({ logLevel: spec.logLevel ?? 'warn', extra: spec.extra, stdout: spec.logLevel === 'info' ? 'null' : 'pipe' })
  try {
    const target = await spec.setup(server.base)
    const warm = await cannon(target, WARMUP_S)
    const r = await cannon(target, DURATION_S, true)
    const bad = r.errors + r.timeouts + r.non2xx + warm.errors + warm.timeouts + warm.non2xx
    return {
      rps: r['2xx'] / (r.duration || DURATION_S),
      p50: r.fine.p50,
      p99: r.fine.p99,
      bad,
      detail: `errors ${r.errors + warm.errors}, timeouts ${r.timeouts + warm.timeouts}, non-2xx ${r.non2xx + warm.non2xx}`,
      rss: rssMiB(server.pid)
    }
  } finally {
    await stopProcess(server)
  }
}

async function throughput () {
  log(`\n## Throughput (loopback, ${CONNECTIONS} connections, ${WARMUP_S} s warm-up + ${DURATION_S} s measured, ${ROUNDS} interleaved rounds, fresh server per case at --log-level warn)`)
  /** @type {Map<string, Array<Awaited<ReturnType<typeof measureCase>>>>} */
  const results = new Map([...CASES, INFO_CASE].map(c => [c.key, []]))
  for (let round = 0; round < ROUNDS; round++) {
    const order = CASES.map((_, i) => CASES[(i + round) % CASES.length])
    // The info-level twin of (a) runs once, in the middle round, next to its warn-level twin.
    if (round === Math.floor(ROUNDS / 2)) order.splice(order.indexOf(CASES[0]) + 1, 0, INFO_CASE)
    for (const spec of order) {
      const m = await measureCase(spec)
      results.get(spec.key).push(m)
      log(`  round ${round + 1} ${spec.label.padEnd(42)} ${fmt(m.rps).padStart(7)} req/s  p50 ${lat(m.p50)}  p99 ${lat(m.p99)}  ${m.detail}  server RSS ${fmt(m.rss, 0)} MiB`)
    }
  }
  return [...CASES, INFO_CASE].map(spec => {
    const runs = results.get(spec.key)
    const rps = runs.map(m => m.rps)
    return {
      label: spec.label,
      rounds: runs.length,
      rpsMedian: median(rps),
      rpsMin: Math.min(...rps),
      rpsMax: Math.max(...rps),
      p50: median(runs.map(m => m.p50)),
      p99: median(runs.map(m => m.p99)),
      bad: runs.reduce((a, m) => a + m.bad, 0),
      rss: Math.max(...runs.map(m => m.rss))
    }
  })
}

// ---------------------------------------------------------------------------------------------------------
// 3. Memory under a load that grows forever unless something is bounded.

function capFlag () {
  const help = execFileSync(process.execPath, [SERVER, '--help'], { cwd: root, encoding: 'utf8', timeout: START_LIMIT_MS })
  const match = /^\s*(--max-store-bytes)\b/m.exec(help)
  return match?.[1]
}

async function memory () {
  const cap = capFlag()
  const mode = cap === undefined ? 'unbounded: no --max-store-bytes in --help' : `bounded: ${cap} ${CAP_VALUE}`
  log(`\n## Memory (${fmt(MEMORY_THREADS)} threads, each: POST thread with a message, POST run, GET run; queued/in-progress 0 ms; ${mode})`)
  const extra = ['--queued-ms', '0', '--in-progress-ms', '0', ...(cap === undefined ? [] : [cap, String(CAP_VALUE)])]
  const server = await startServer({ extra })
  try {
    const assistant = await api(server.base, 'POST', '/assistants', { model: 'gpt-4o', name: 'memory' })
    const oneThread = async () => {
      const thread = await api(server.base, 'POST', '/threads', { messages: [{ role: 'user', content: 'What is the weather like?' }] })
      const run = await api(server.base, 'POST', `/threads/${thread.id}/runs`, { assistant_id: assistant.id })
      const seen = await api(server.base, 'GET', `/threads/${thread.id}/runs/${run.id}`)
      if (seen.status !== 'completed') throw new Error(`run is ${seen.status}, expected completed`)
    }
    // One thread first, so the baseline includes the tokenizer (loaded on first use) and warmed-up code.
    await oneThread()
    const baseline = rssMiB(server.pid)
    const series = [{ threads: 0, rss: baseline }]
    log(`  ${fmt(0).padStart(6)} threads  RSS ${fmt(baseline, 1)} MiB`)
    const deadline = Date.now() + MEMORY_LIMIT_MS
    const started = performance.now()
    let next = 0
    let failures = 0
    let firstFailure
    let timedOut = false
    while (next < MEMORY_THREADS && !timedOut) {
      const batchEnd = Math.min(MEMORY_THREADS, next + MEMORY_SAMPLE_EVERY)
      const worker = async () => {
        while (next < batchEnd) {
          if (Date.now() > deadline) { timedOut = true; return }
          next++
          try {
            await oneThread()
          } catch (err) {
            failures++
            firstFailure ??= err.message
          }
        }
      }
      await Promise.all(Array.from({ length: MEMORY_CONCURRENCY }, worker))
      const rss = rssMiB(server.pid)
      series.push({ threads: next, rss })
      log(`  ${fmt(next).padStart(6)} threads  RSS ${fmt(rss, 1)} MiB`)
    }
    const seconds = (performance.now() - started) / 1000
    const points = series.filter(s => s.threads > 0).map(s => ({ x: s.threads / 1000, y: s.rss }))
    const final = series.at(-1)
    // After the first batch (JIT, heap sizing), the slope of RSS over threads.
    const growth = points.length >= 2 ? slope(points) : NaN
    if (timedOut) log(`  stopped at the ${MEMORY_LIMIT_MS / 1000} s limit`)
    if (failures > 0) log(`  ${failures} threads failed; first: ${firstFailure}`)
    log(`  ${fmt(final.threads)} threads in ${fmt(seconds, 1)} s (${fmt(final.threads * 3 / seconds)} req/s)`)
    return { mode, baseline, final: final.rss, threads: final.threads, growth, failures, timedOut, series }
  } finally {
    await stopProcess(server)
  }
}

// ---------------------------------------------------------------------------------------------------------

async function main () {
  const began = performance.now()
  execFileSync(process.execPath, [join(root, 'scripts', 'ensure-build.mjs')], { cwd: root, stdio: 'inherit' })
  const cpu = os.cpus()[0]?.model ?? 'unknown'
  const facts = `nproc ${os.availableParallelism()}, ${cpu}, node ${process.version}, ${os.platform()} ${os.release()}, ` +
    `autocannon ${JSON.parse(readFileSync(join(root, 'node_modules', 'autocannon', 'package.json'), 'utf8')).version}, ` +
    `load average at start ${os.loadavg().map(l => l.toFixed(2)).join(' ')}`
  log(`# Emulator benchmark\n${facts}\nThe load generator runs in this process and shares the cores with the server.`)

  const cold = await coldStart()
  const cases = await throughput()
  const mem = await memory()

  const failed = cases.some(c => c.bad > 0) || mem.failures > 0 || mem.timedOut
  log('\n## Summary\n')
  log(`Machine: ${facts}\n`)
  log('| cold start (N=' + COLD_STARTS + ') | min | median | max |')
  log('|---|---:|---:|---:|')
  log(`| spawn → "listening on" log line | ${ms(cold.listening.min)} | ${ms(cold.listening.median)} | ${ms(cold.listening.max)} |`)
  log(`| spawn → first 200 from /_emulator/health | ${ms(cold.health.min)} | ${ms(cold.health.median)} | ${ms(cold.health.max)} |`)
  log(`| spawn → first run created (tokenizer loaded) | ${ms(cold.firstRun.min)} | ${ms(cold.firstRun.median)} | ${ms(cold.firstRun.max)} |`)
  log(`| RSS just after (MiB) | ${fmt(cold.rss.min, 1)} | ${fmt(cold.rss.median, 1)} | ${fmt(cold.rss.max, 1)} |`)
  log('')
  log(`| throughput (${CONNECTIONS} conns, ${DURATION_S} s × rounds) | rounds | req/s median | req/s range | p50 | p99 | errors + non-2xx | max server RSS |`)
  log('|---|---:|---:|---:|---:|---:|---:|---:|')
  for (const c of cases) {
    log(`| ${c.label} | ${c.rounds} | ${fmt(c.rpsMedian)} | ${fmt(c.rpsMin)}–${fmt(c.rpsMax)} | ${lat(c.p50)} | ${lat(c.p99)} | ${c.bad} | ${fmt(c.rss)} MiB |`)
  }
  log('')
  log('| memory | value |')
  log('|---|---:|')
  log(`| mode | ${mem.mode} |`)
  log(`| threads created (each + message + completed run + reply) | ${fmt(mem.threads)}${mem.failures > 0 ? ` (${mem.failures} failed)` : ''} |`)
  log(`| RSS at start → final | ${fmt(mem.baseline, 1)} → ${fmt(mem.final, 1)} MiB |`)
  log(`| RSS growth per 1,000 threads (least squares, samples every ${fmt(MEMORY_SAMPLE_EVERY)}) | ${fmt(mem.growth, 2)} MiB |`)
  log(`| RSS series (MiB) | ${mem.series.map(s => fmt(s.rss, 0)).join(', ')} |`)
  log(`\nTotal time ${fmt((performance.now() - began) / 1000, 0)} s.${failed ? ' FAILED: some requests errored (see above).' : ''}`)
  return failed ? 1 : 0
}

main().then(code => {
  killAll()
  process.exit(code)
}, err => {
  console.error(`bench: ${err.stack ?? err}`)
  killAll()
  process.exit(1)
})
