/**
 * The command line as users run it: the real entry (src/server.ts through tsx) in a child process, its
 * --help and --version, its JSON request log, credentials kept out of every log line, graceful shutdown
 * on SIGTERM/SIGINT, and a port already in use. Plus the logging helpers in process (src/logging.ts).
 */
import { closeSync, mkdtempSync, openSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createServer, connect, type AddressInfo, type Socket } from 'node:net'
import { constants } from 'node:os'
import { Agent, request as httpRequest } from 'node:http'
import t, { type Test } from 'tap'
import { buildApp } from '../../src/app.js'
import { LOG_FORMATS, makeConfig, OPTIONS } from '../../src/config.js'
import { fdStream, logDestination, prettyStream, REDACTED, scrubSecrets, wantsPretty } from '../../src/logging.js'
import { spawnEmulator, type EmulatorProcess } from '../support/process.js'

const API_VERSION = '2024-05-01-preview'
/** Upper bound for any single wait on the child (a bound, not a speed check): a tsx child on a loaded 2-core machine has taken over 8 s to print its first line. */
const WAIT_MS = 30_000

type Proc = EmulatorProcess

function run (t: Test, args: string[], env: Record<string, string> = {}): Proc {
  return spawnEmulator(t, args, env)
}

async function until<T> (what: string, check: () => T | undefined | null | false, detail?: () => string, ms = WAIT_MS): Promise<T> {
  const deadline = Date.now() + ms
  for (;;) {
    const value = check()
    if (value) return value
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}${detail ? `; output so far:\n${detail()}` : ''}`)
    await new Promise(resolve => setTimeout(resolve, 20))
  }
}

/** Starts the emulator on a free port and resolves with its base URL once it logs that it listens. */
async function start (t: Test, args: string[] = [], env: Record<string, string> = {}) {
  const proc = run(t, ['--port', '0', '--log-format', 'json', ...args], env)
  const url = await Promise.race([
    until('the listening line', () => /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(proc.stdout)?.[1]),
    proc.exited.then(e => { throw new Error(`exited early (${e.code}): ${proc.stderr}`) })
  ])
  return Object.assign(proc, { url }) // not a spread: stdout and stderr are getters
}

function jsonLines (text: string): Record<string, unknown>[] {
  return text.split('\n').filter(line => line.trim() !== '').map(line => JSON.parse(line) as Record<string, unknown>)
}

/**
 * Opens a raw socket and sends a POST's headers and the first part of its body, and resolves once the server
 * is handling it; the rest of the body is up to the test.
 */
async function holdRequest (url: string, body: string, sent: number, headers: Record<string, string> = {}): Promise<{ socket: Socket, response: Promise<string> }> {
  const { hostname, port } = new URL(url)
  const socket = connect(Number(port), hostname)
  await new Promise<void>((resolve, reject) => socket.once('connect', resolve).once('error', reject))
  let data = ''
  socket.setEncoding('utf8').on('data', (d: string) => { data += d })
  const response = new Promise<string>(resolve => socket.once('close', () => resolve(data)))
  const head = [
    `POST /openai/assistants?api-version=${API_VERSION} HTTP/1.1`,
    `Host: ${hostname}:${port}`,
    'Connection: keep-alive',
    'Content-Type: application/json',
    `Content-Length: ${Buffer.byteLength(body)}`,
    'api-key: held-key',
    ...Object.entries(headers).map(([k, v]) => `${k}: ${v}`)
  ]
  // Node answers `100 Continue` once it has parsed the headers and handed the request on: from then on it is in flight.
  socket.write(`${head.join('\r\n')}\r\nExpect: 100-continue\r\n\r\n${body.slice(0, sent)}`)
  await until('100 Continue', () => data.startsWith('HTTP/1.1 100 Continue\r\n\r\n'), () => data)
  data = ''
  return { socket, response }
}

t.test('--help lists every option with its environment twin and default', async t => {
  const proc = run(t, ['--help'])
  const { code } = await proc.exited
  t.equal(code, 0)
  const lines = proc.stdout.split('\n')
  for (const o of OPTIONS) {
    const line = lines.find(l => l.trimStart().startsWith(`--${o.flag} `))
    t.ok(line, `--${o.flag} is listed`)
    t.match(line, o.env, `--${o.flag} shows ${o.env}`)
    t.ok(line!.includes(`(default: ${o.shownDefault})`), `--${o.flag} shows its default`)
  }
  t.match(proc.stdout, /^Usage: aoai-emulator \[options\]/)
  t.match(proc.stdout, /-h, --help/)
  t.match(proc.stdout, /-v, --version/)
  t.equal(proc.stderr, '')
})

t.test('--version and -v print package.json\'s version', async t => {
  const { version } = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }
  for (const flag of ['--version', '-v']) {
    const proc = run(t, [flag])
    t.equal((await proc.exited).code, 0)
    t.equal(proc.stdout, `${version}\n`, flag)
  }
})

t.test('startup logs the URL and the any-key warning; each request is one JSON line', async t => {
  const server = await start(t)
  const res = await fetch(`${server.url}/openai/assistants?api-version=${API_VERSION}`, {
    method: 'POST',
    headers: { 'api-key': 'some-key', 'content-type': 'application/json', connection: 'close' },
    body: JSON.stringify({ model: 'gpt-4o' })
  })
  t.equal(res.status, 200)
  const requestId = res.headers.get('x-request-id')
  const line = await until('the request line', () => jsonLines(server.stdout).find(l => l.msg === 'request completed'), () => server.stdout + server.stderr)
  t.match(line, {
    level: 30,
    reqId: requestId,
    method: 'POST',
    url: `/openai/assistants?api-version=${API_VERSION}`,
    statusCode: 200,
    responseTime: Number,
    msg: 'request completed'
  })
  t.match(line.reqId, /^[0-9a-f-]{36}$/)
  const startup = jsonLines(server.stdout).slice(0, 2)
  t.match(startup[0], { level: 30, msg: `Azure OpenAI Assistants emulator listening on ${server.url}` })
  t.match(startup[1], { level: 40, msg: /any non-empty api-key is accepted/ })
  server.child.kill('SIGTERM')
  t.equal((await server.exited).code, 0)
})

t.test('api keys and Bearer tokens never reach the output, even for failing or malformed requests', async t => {
  const secrets = ['configured-secret-key', 'wrong-secret-key', 'opaque-bearer-secret', 'query-secret', 'raw-secret-key', 'raw-bearer-secret']
  const server = await start(t, ['--api-key', secrets[0]!, '--log-level', 'trace'])
  const jwt = ['{"alg":"none"}', '{"aud":"https://cognitiveservices.azure.com","exp":1}', ''].map(p => Buffer.from(p).toString('base64url')).join('.') + 'jwt-signature-secret'
  const url = `${server.url}/openai/assistants?api-version=${API_VERSION}`
  const statuses = [
    (await fetch(url, { headers: { 'api-key': secrets[0]! } })).status,
    (await fetch(url, { headers: { 'api-key': secrets[1]! } })).status,
    (await fetch(url, { headers: { authorization: `Bearer ${secrets[2]}` } })).status,
    (await fetch(url, { headers: { authorization: `Bearer ${jwt}` } })).status,
    (await fetch(`${url}&api-key=${secrets[3]}`, { headers: { 'api-key': secrets[0]! } })).status,
    (await fetch(url, { method: 'POST', headers: { 'api-key': secrets[0]!, 'content-type': 'application/json' }, body: '{not json' })).status
  ]
  t.same(statuses, [200, 401, 401, 401, 200, 400])
  // A request Node's HTTP parser rejects: Fastify logs the parser error, which carries the raw request bytes.
  const { hostname, port } = new URL(server.url)
  const raw = connect(Number(port), hostname)
  const closed = new Promise(resolve => raw.once('close', resolve).on('data', () => {}))
  raw.write(`GET /openai/assistants HTTP/1.1\r\nHost: x\r\napi-key: ${secrets[4]}\r\nAuthorization: Bearer ${secrets[5]}\r\nBad Header\r\n\r\n`)
  await closed
  await until('seven request lines', () => jsonLines(server.stdout).filter(l => l.msg === 'request completed').length >= 6)
  await until('the client error line', () => /client error/.test(server.stdout))
  server.child.kill('SIGTERM')
  t.equal((await server.exited).code, 0)
  const output = server.stdout + server.stderr
  for (const secret of [...secrets, jwt, 'jwt-signature-secret']) t.notOk(output.includes(secret), `${secret} is not in the output`)
  t.match(output, `api-key=${REDACTED}`, 'a key in the query string is masked')
})

t.test('SIGTERM lets an in-flight request finish, then exits 0', async t => {
  const server = await start(t)
  const body = JSON.stringify({ model: 'gpt-4o', name: 'in flight' })
  const held = await holdRequest(server.url, body, 5)
  // An idle keep-alive connection must not hold the shutdown up.
  const idle = await holdRequest(server.url, '', 0)
  await until('the idle request line', () => jsonLines(server.stdout).some(l => l.statusCode === 400))
  const signalledAt = Date.now()
  server.child.kill('SIGTERM')
  await until('the shutdown line', () => /shutting down/.test(server.stdout))
  await new Promise(resolve => setTimeout(resolve, 300))
  t.equal(server.child.exitCode, null, 'still running while the request is in flight')
  const refused = await fetch(`${server.url}/_emulator/health`).then(r => r.status, (err: Error) => err.name)
  t.not(refused, 200, 'a new connection is not served')
  held.socket.write(body.slice(5))
  const response = await held.response
  t.match(response, /^HTTP\/1\.1 200 OK\r\n/, 'the in-flight request completed')
  t.match(response, /"name":"in flight"/)
  const { code, at } = await server.exited
  t.equal(code, 0)
  t.ok(at - signalledAt < 3000, `exited ${at - signalledAt} ms after the signal, within the grace period`)
  await idle.response
  t.match(server.stdout, /"msg":"closed"/)
})

t.test('SIGTERM under load: every request the server read gets its answer', async t => {
  const server = await start(t)
  const agent = new Agent({ keepAlive: true, maxSockets: 16 })
  t.teardown(() => agent.destroy())
  const { hostname, port } = new URL(server.url)
  const outcomes: Array<{ status?: number, body?: string, error?: string }> = []
  const send = () => new Promise<void>(resolve => {
    const req = httpRequest({ agent, host: hostname, port, method: 'POST', path: `/openai/threads?api-version=${API_VERSION}`, headers: { 'api-key': 'k', 'content-type': 'application/json' } }, res => {
      let body = ''
      res.setEncoding('utf8').on('data', chunk => { body += chunk }).on('end', () => { outcomes.push({ status: res.statusCode, body }); resolve() })
        .on('error', err => { outcomes.push({ error: `response ${(err as NodeJS.ErrnoException).code}` }); resolve() })
    })
    req.on('error', err => { outcomes.push({ error: (err as NodeJS.ErrnoException).code ?? err.message }); resolve() })
    req.end('{"metadata":{"k":"v"}}')
  })
  const state = { stop: false }
  const workers = Array.from({ length: 16 }, async () => {
    while (!state.stop) await send()
  })
  await new Promise(resolve => setTimeout(resolve, 500))
  server.child.kill('SIGTERM')
  const { code } = await server.exited
  state.stop = true
  await Promise.all(workers)
  t.equal(code, 0)
  const answered = outcomes.filter(o => o.status !== undefined)
  t.ok(answered.length > 0, `${answered.length} answers, ${outcomes.length - answered.length} connections refused or reset before being read`)
  t.same(answered.filter(o => o.status !== 200), [], 'every answer is a 200 (no 503, nothing cut off)')
  const served = jsonLines(server.stdout).filter(l => l.msg === 'request completed')
  t.equal(served.length, answered.length, 'every request the server read reached its client')
  t.same([...new Set(outcomes.filter(o => o.error !== undefined).map(o => o.error))].filter(e => !['ECONNREFUSED', 'ECONNRESET', 'EPIPE'].includes(e!)), [],
    'the only failures are connections the server never read')
})

t.test('a request that never finishes is cut off after the grace period, still exit 0', async t => {
  const server = await start(t)
  const held = await holdRequest(server.url, '{"model":"gpt-4o"}', 3)
  const signalledAt = Date.now()
  server.child.kill('SIGINT')
  const { code, at } = await server.exited
  await held.response
  t.equal(code, 0)
  t.ok(at - signalledAt >= 2900 && at - signalledAt < 6000, `exited ${at - signalledAt} ms after the signal (grace 3000 ms)`)
  t.match(server.stdout, /still open after 3000 ms/)
})

t.test('a second signal exits at once', async t => {
  const server = await start(t)
  const held = await holdRequest(server.url, '{"model":"gpt-4o"}', 3)
  server.child.kill('SIGTERM')
  await until('the shutdown line', () => /shutting down/.test(server.stdout))
  const secondAt = Date.now()
  server.child.kill('SIGINT')
  const { code, at } = await server.exited
  t.equal(code, 128 + constants.signals.SIGINT)
  t.ok(at - secondAt < 2000, `exited ${at - secondAt} ms after the second signal`)
  held.socket.destroy()
})

t.test('a closed stdout does not hold the exit up', async t => {
  const server = await start(t)
  server.child.stdout!.destroy()
  await new Promise(resolve => setTimeout(resolve, 100))
  const signalledAt = Date.now()
  server.child.kill('SIGTERM')
  const { code, at } = await server.exited
  t.equal(code, 0)
  t.ok(at - signalledAt < 2000, `exited ${at - signalledAt} ms after the signal`)
})

t.test('a port already in use: one line on stderr and a non-zero exit', async t => {
  const blocker = createServer()
  await new Promise<void>(resolve => blocker.listen(0, '127.0.0.1', resolve))
  t.teardown(() => blocker.close())
  const { port } = blocker.address() as AddressInfo
  const proc = run(t, ['--port', String(port), '--log-format', 'json'])
  const { code } = await proc.exited
  t.equal(code, 1)
  t.equal(proc.stderr, `aoai-emulator: cannot listen on 127.0.0.1:${port}: the address is already in use (EADDRINUSE)\n`)
  t.equal(proc.stdout, '', 'nothing else is printed')
})

t.test('logging helpers (in process)', async t => {
  t.test('scrubSecrets masks keys and tokens in any shape, and is idempotent', async t => {
    const cases: Array<[string, string]> = [
      ['{"api-key":"abc"}', `{"api-key":"${REDACTED}"}`],
      ['{"Authorization":"Bearer x.y.z"}', `{"Authorization":"${REDACTED}"}`],
      ['{"x-api-key":"a\\"b"}', `{"x-api-key":"${REDACTED}"}`],
      ['"url":"/a?api-version=1&api-key=abc&x=1"', `"url":"/a?api-version=1&api-key=${REDACTED}&x=1"`],
      ['"msg":"authorization: Bearer tok123 failed"', `"msg":"authorization: ${REDACTED} failed"`],
      ['"msg":"got Bearer tok123"', `"msg":"got Bearer ${REDACTED}"`],
      ['"msg":"api-key: k1, next"', `"msg":"api-key: ${REDACTED}, next"`],
      ['"msg":"any non-empty api-key is accepted"', '"msg":"any non-empty api-key is accepted"']
    ]
    for (const [input, expected] of cases) {
      t.equal(scrubSecrets(input), expected, input)
      t.equal(scrubSecrets(expected), expected, `idempotent: ${expected}`)
    }
  })

  t.test('redact censors headers objects, and parser errors lose their raw bytes', async t => {
    const lines: string[] = []
    const app = await buildApp(makeConfig({ logLevel: 'info' }), { logStream: { write: line => { lines.push(line) } } })
    t.teardown(() => app.close())
    app.log.info({ req: { headers: { 'api-key': 'k1', authorization: 'Bearer t1', accept: 'json' } } }, 'a')
    app.log.info({ headers: { 'api-key': 'k2', 'x-api-key': 'k4' }, request: { headers: { authorization: 'Bearer t2' } } }, 'b')
    const err = Object.assign(new Error('Parse Error: Invalid header'), { code: 'HPE_INVALID_HEADER_TOKEN', rawPacket: Buffer.from('api-key: k3\r\n') })
    app.log.error({ err }, 'c')
    const [a, b, c] = lines.map(l => JSON.parse(l))
    t.equal(a.req.headers, undefined, 'Fastify\'s req serializer keeps method and url, never headers')
    t.same(b.headers, { 'api-key': REDACTED, 'x-api-key': REDACTED })
    t.same(b.request.headers, { authorization: REDACTED })
    t.equal(c.err.rawPacket, REDACTED)
    t.equal(c.err.code, 'HPE_INVALID_HEADER_TOKEN')
    for (const secret of ['k1', 't1', 'k2', 't2', 'k3', 'k4']) t.notOk(lines.join('').includes(`${secret}"`), secret)
  })

  t.test('the format: auto is pretty only on a terminal', async t => {
    t.same(LOG_FORMATS, ['auto', 'json', 'pretty'])
    t.equal(wantsPretty('auto', true), true)
    t.equal(wantsPretty('auto', false), false)
    t.equal(wantsPretty('json', true), false)
    t.equal(wantsPretty('pretty', false), true)
  })

  t.test('pretty output: one readable line per request, credentials scrubbed', async t => {
    let written = ''
    const stream = await prettyStream({ write: (s: string) => { written += s } }, false)
    const lines: string[] = []
    const app = await buildApp(makeConfig({ logLevel: 'info', logFormat: 'pretty' }), { logStream: { write: line => { lines.push(line); stream.write(line) } } })
    t.teardown(() => app.close())
    await app.inject({ method: 'GET', url: '/_emulator/health', headers: { authorization: 'Bearer pretty-secret' } })
    app.log.warn('saw Bearer pretty-secret')
    t.match(written, /INFO.*: GET \/_emulator\/health 200 [\d.]+ ms\n/)
    t.match(written, /WARN.*: saw Bearer \[redacted\]/)
    t.notOk(written.includes('pretty-secret'))
    t.notOk(written.includes('hostname'), 'pid and hostname are left out')
  })

  t.test('logDestination: a given stream wins; otherwise pretty or JSON, both synchronous', async t => {
    const stream = { write () {} }
    const streamOf = async (overrides: Parameters<typeof makeConfig>[0], given?: typeof stream) =>
      await logDestination(makeConfig(overrides), given)
    t.equal(await streamOf({ logFormat: 'pretty' }, stream), stream)
    t.type((await streamOf({ logFormat: 'pretty' }))?.write, 'function')
    t.type((await streamOf({ logFormat: 'json' }))?.write, 'function')
    t.type((await streamOf({ logFormat: 'pretty', logLevel: 'silent' }))?.write, 'function')
  })

  t.test('fdStream writes whole lines synchronously and goes quiet on a broken descriptor', async t => {
    const dir = mkdtempSync(join(tmpdir(), 'aoai-log-'))
    const fd = openSync(join(dir, 'out.log'), 'w')
    const stream = fdStream(fd)
    stream.write('one\n')
    stream.write(`${'x'.repeat(100_000)}\n`)
    t.equal(readFileSync(join(dir, 'out.log'), 'utf8'), `one\n${'x'.repeat(100_000)}\n`, 'written before write() returns')
    closeSync(fd)
    t.doesNotThrow(() => { stream.write('after close\n'); stream.write('again\n') })
  })
})

t.test('--state-file: the objects survive a restart (written on SIGTERM); a bad file stops the start with one line', async t => {
  const dir = mkdtempSync(join(tmpdir(), 'aoai-cli-state-'))
  const path = join(dir, 'state.json')
  const first = await start(t, ['--state-file', path])
  const created = await (await fetch(`${first.url}/openai/assistants?api-version=2024-05-01-preview`, {
    method: 'POST', headers: { 'api-key': 'k', 'content-type': 'application/json' }, body: '{"model":"gpt-4o","name":"survivor"}'
  })).json() as { id: string }
  first.child.kill('SIGTERM')
  t.equal((await first.exited).code, 0)
  const second = await start(t, ['--state-file', path])
  const read = await (await fetch(`${second.url}/openai/assistants/${created.id}?api-version=2024-05-01-preview`, { headers: { 'api-key': 'k' } })).json() as { name: string }
  t.equal(read.name, 'survivor')
  second.child.kill('SIGTERM')
  await second.exited

  writeFileSync(path, '{"format":"nope"}')
  const bad = run(t, ['--port', '0', '--state-file', path])
  t.equal((await bad.exited).code, 2)
  t.match(bad.stderr, /^aoai-emulator: Invalid state file .*state\.json: Invalid state document at \$\.\w+: .*\n$/)
})
