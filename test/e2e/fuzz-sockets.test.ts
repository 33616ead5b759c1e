/**
 * Property-based fuzzing (fast-check) of raw bytes over real sockets, plain and TLS (issue 21): request lines
 * for every door, header blocks small and oversized, garbage, bodies that stop, all sent in pieces. Whatever
 * arrives, the connection gets one well-formed HTTP answer whose error body is in an envelope, or is closed,
 * within the configured timeouts; and the server keeps serving. Seeded, bounded in time.
 */
import { once } from 'node:events'
import { connect, type AddressInfo, type Socket } from 'node:net'
import { connect as tlsConnect } from 'node:tls'
import { join } from 'node:path'
import fc from 'fast-check'
import t, { type Test } from 'tap'
import type { FastifyInstance } from 'fastify'
import { buildApp } from '../../src/app.js'
import { makeConfig } from '../../src/config.js'
import { prepareTls } from '../../src/tls.js'

const RUNS = Number(process.env.AOAI_EMULATOR_SOCKET_FUZZ_RUNS ?? 150)
const SEED = 20260421
const LIMITS = { headersTimeoutMs: 300, requestTimeoutMs: 600, keepAliveTimeoutMs: 300 }
/** The longest a case may take: the request timeout, Node's check interval (500 ms) and slack for a loaded machine. */
const CASE_BOUND_MS = 4000

const requestLine = fc.constantFrom(
  'GET /openai/assistants?api-version=2024-05-01-preview HTTP/1.1',
  'POST /openai/threads?api-version=2024-05-01-preview HTTP/1.1',
  'GET /v1/assistants HTTP/1.1',
  'POST /api/projects/p/threads?api-version=v1 HTTP/1.1',
  'GET /_emulator/health HTTP/1.1',
  'PUT /_emulator/state HTTP/1.1',
  'HEAD /v1/threads HTTP/1.1',
  'FROB /openai/threads HTTP/1.1',
  'GET /nowhere HTTP/1.0',
  'GET / HTTP/9.9'
)
const headerLine = fc.oneof(
  fc.constantFrom('Host: x', 'api-key: k', 'Authorization: Bearer k', 'openai-beta: assistants=v2', 'Content-Type: application/json',
    'Content-Length: 2', 'Content-Length: 100', 'Content-Length: -1', 'Transfer-Encoding: chunked', 'Connection: close', 'Expect: 100-continue',
    'bad header', 'x: \u0000'),
  fc.integer({ min: 1, max: 24_000 }).map(n => `x-big: ${'a'.repeat(n)}`)
)
const body = fc.oneof(fc.constant(''), fc.constant('{}'), fc.constant('{"a":'), fc.constant('0\r\n\r\n'), fc.string({ maxLength: 40 }))
const garbage = fc.uint8Array({ maxLength: 64 }).map(bytes => Buffer.from(bytes))
const exchangeArb = fc.record({
  head: fc.oneof({ arbitrary: fc.tuple(requestLine, fc.array(headerLine, { maxLength: 5 })).map(([line, headers]) => `${line}\r\n${headers.join('\r\n')}${headers.length > 0 ? '\r\n' : ''}`), weight: 5 },
    garbage.map(bytes => bytes.toString('latin1'))),
  /** Whether the header block is finished (a blank line) and a body follows. */
  finish: fc.boolean(),
  body,
  /** Where the bytes are split into separate writes. */
  cuts: fc.array(fc.nat(), { maxLength: 3 })
})

async function listen (t: Test, tls: boolean) {
  const material = tls ? await prepareTls(makeConfig({ tls: true, tlsDir: join(t.testdir({}), 'tls') })) : undefined
  const app = await buildApp(makeConfig({ logLevel: 'silent', ...LIMITS }), material ? { tls: material } : {})
  t.teardown(() => app.close())
  await app.listen({ host: '127.0.0.1', port: 0 })
  return { app, port: (app.server.address() as AddressInfo).port, ca: material?.cert }
}

/**
 * A connected socket (TLS: handshake done). The server closes a handshake that takes longer than the header
 * timeout (300 ms here), which a loaded machine can exceed: such a connection is tried again, a few times.
 */
async function open (port: number, ca: string | undefined): Promise<Socket> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await openOnce(port, ca)
    } catch (err) {
      if (ca === undefined || attempt === 5) throw err
    }
  }
}

function openOnce (port: number, ca: string | undefined): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket: Socket = ca === undefined
      ? connect(port, '127.0.0.1', () => resolve(socket))
      : tlsConnect({ host: '127.0.0.1', port, ca, servername: 'localhost' }, () => resolve(socket))
    socket.once('error', reject)
  })
}

/** Whether `text` is one or more complete HTTP answers, each error in an envelope. Throws why not. */
function checkAnswers (text: string, head: boolean): void {
  let rest = text
  while (rest.length > 0) {
    const match = /^HTTP\/1\.[01] (\d{3}) [^\r\n]*\r\n((?:[^\r\n]+\r\n)*)\r\n/.exec(rest)
    if (match === null) throw new Error(`not an HTTP answer: ${JSON.stringify(rest.slice(0, 200))}`)
    const status = Number(match[1])
    const headers = match[2]!
    rest = rest.slice(match[0].length)
    if (status === 100) continue
    const length = /^content-length: (\d+)$/im.exec(headers)
    // A HEAD answer has no body, except one known case: Node's parser refused a header block it received in
    // pieces, so the server never saw the request line (nor its method) and answers in full before closing.
    const closing = /^connection: close$/im.test(headers)
    const bodyFollows = !head || (status >= 400 && closing && rest.length > 0)
    let bodyText = ''
    if (length !== null && bodyFollows) {
      bodyText = rest.slice(0, Number(length[1]))
      rest = rest.slice(Number(length[1]))
    } else if (/^transfer-encoding: chunked$/im.test(headers)) {
      return // a streamed answer: checked no further
    }
    if (status >= 500) throw new Error(`a ${status}: ${bodyText.slice(0, 200)}`)
    if (status >= 400 && bodyText !== '') {
      const parsed = JSON.parse(bodyText) as { error?: { message?: unknown } }
      if (typeof parsed.error?.message !== 'string') throw new Error(`outside the envelopes: ${bodyText.slice(0, 200)}`)
    }
  }
}

async function fuzz (t: Test, tls: boolean) {
  const { app, port, ca } = await listen(t, tls)
  let count = 0
  const outcomes = new Map<string, number>()
  await fc.assert(fc.asyncProperty(exchangeArb, async (r) => {
    const bytes = Buffer.from(`${r.head}${r.finish ? `\r\n${r.body}` : ''}`, 'latin1')
    const cuts = [...new Set(r.cuts.map(c => c % (bytes.length + 1)))].sort((a, b) => a - b)
    const socket = await open(port, ca)
    let text = ''
    socket.on('data', chunk => { text += chunk.toString('latin1') })
    // A reset (the server closing with bytes of the request unread, or a handshake it timed out) ends the case
    // like a close: what arrived before it is still checked, and resets are counted among the outcomes.
    let reset = false
    socket.on('error', () => { reset = true })
    const closed = new Promise<true>(resolve => socket.once('close', () => resolve(true)))
    const started = Date.now()
    let from = 0
    for (const cut of [...cuts, bytes.length]) {
      if (socket.writable) socket.write(bytes.subarray(from, cut))
      from = cut
      await new Promise(resolve => setTimeout(resolve, 5))
    }
    // An answer with keep-alive leaves the connection open until the keep-alive timeout: that is an end too.
    const ended = await Promise.race([closed, new Promise<false>(resolve => setTimeout(() => resolve(false), CASE_BOUND_MS))])
    socket.destroy()
    count++
    const what = `${JSON.stringify(bytes.toString('latin1').slice(0, 160))} (${bytes.length} bytes) → ${JSON.stringify(text.slice(0, 160))}`
    if (!ended) throw new Error(`still open after ${Date.now() - started} ms: ${what}`)
    try {
      checkAnswers(text, r.head.startsWith('HEAD '))
    } catch (err) {
      throw new Error(`${(err as Error).message}; ${what}`)
    }
    const outcome = `${text === '' ? 'closed' : text.slice(9, 12)}${reset ? ' then reset' : ''}`
    outcomes.set(outcome, (outcomes.get(outcome) ?? 0) + 1)
  }), { numRuns: RUNS, seed: SEED, endOnFailure: true })
  t.equal(count, RUNS, `${count} exchanges over ${tls ? 'TLS' : 'plain TCP'}: ${JSON.stringify(Object.fromEntries([...outcomes].sort()))}`)
  const health = await (await fetchOver(app, tls, ca))
  t.equal(health, 200, 'and the server still serves')
}

/** GET /_emulator/health over a fresh connection; the status. */
async function fetchOver (app: FastifyInstance, tls: boolean, ca: string | undefined): Promise<number> {
  const { port } = app.server.address() as AddressInfo
  const socket = await open(port, ca)
  let text = ''
  socket.on('data', chunk => { text += chunk.toString('latin1') })
  socket.write('GET /_emulator/health HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n')
  await once(socket, 'close')
  return Number(text.slice(9, 12))
}

t.test('raw bytes over plain TCP', async t => { await fuzz(t, false) })
t.test('raw bytes over TLS', async t => { await fuzz(t, true) })
