/**
 * Below the routes, over a real loopback socket: every answer the process gives is in the API's envelope
 * (Node's parser refusals, timeouts, filenames no header can hold), slow and idle clients are cut off, the
 * connection cap holds, a refused body's 413 reaches its client, and closing answers what was read.
 */
import { connect, type Socket } from 'node:net'
import { once } from 'node:events'
import { Agent, request as httpRequest } from 'node:http'
import type { AddressInfo } from 'node:net'
import t, { type Test } from 'tap'
import { buildApp } from '../src/app.js'
import { manualClock } from '../src/clock.js'
import { makeConfig, type Config } from '../src/config.js'
import { API_KEY, V2, build, uploadFile } from './helper.js'

async function listen (t: Test, overrides: Partial<Config> = {}) {
  const app = await buildApp(makeConfig({ logLevel: 'silent', apiKeys: [API_KEY], ...overrides }))
  await app.listen({ host: '127.0.0.1', port: 0 })
  t.teardown(() => app.close())
  return { app, port: (app.server.address() as AddressInfo).port }
}

/** Writes `raw` on a new connection and collects everything until the server closes it (or `ms` pass). */
async function exchange (port: number, raw: string | Buffer, ms = 5000): Promise<{ text: string, closed: boolean }> {
  const socket = connect(port, '127.0.0.1')
  await once(socket, 'connect')
  let text = ''
  socket.on('data', chunk => { text += chunk.toString('latin1') })
  socket.on('error', () => {})
  socket.write(raw)
  const closed = await Promise.race([once(socket, 'close').then(() => true), new Promise<boolean>(resolve => setTimeout(() => resolve(false), ms))])
  socket.destroy()
  return { text, closed }
}

const statusOf = (text: string) => Number(/^HTTP\/1\.1 (\d{3})/.exec(text)?.[1])
const bodyOf = (text: string) => text.slice(text.indexOf('\r\n\r\n') + 4)

t.test('4. Node\'s parser refusals carry the envelope of the path\'s flavour', async t => {
  const { port } = await listen(t)
  const bigHeader = `x-big: ${'a'.repeat(20_000)}\r\n`

  const azure = await exchange(port, `GET /openai/threads?api-version=${V2} HTTP/1.1\r\nHost: x\r\n${bigHeader}\r\n`)
  t.equal(statusOf(azure.text), 431)
  t.same(JSON.parse(bodyOf(azure.text)), { error: { code: '431', message: 'Request Header Fields Too Large' } }, 'Azure gateway envelope')
  t.ok(azure.closed, 'the connection is closed')

  const openai = await exchange(port, `GET /v1/threads HTTP/1.1\r\nHost: x\r\n${bigHeader}\r\n`)
  t.equal(statusOf(openai.text), 431)
  t.same(JSON.parse(bodyOf(openai.text)).error, { message: 'Request Header Fields Too Large', type: 'invalid_request_error', param: null, code: null }, 'OpenAI envelope')

  const head = await exchange(port, `HEAD /openai/threads HTTP/1.1\r\nHost: x\r\n${bigHeader}\r\n`)
  t.equal(statusOf(head.text), 431)
  t.equal(bodyOf(head.text), '', 'no body for HEAD')

  const method = await exchange(port, 'FROB /v1/threads HTTP/1.1\r\nHost: x\r\n\r\n')
  t.equal(statusOf(method.text), 404, 'an unknown method is answered like an unrouted one')
  t.equal(JSON.parse(bodyOf(method.text)).error.message, 'Invalid URL (FROB /v1/threads)')
  const azureMethod = await exchange(port, 'FROB /openai/threads HTTP/1.1\r\nHost: x\r\n\r\n')
  t.equal(bodyOf(azureMethod.text), '{"error":{"code":"404","message": "Resource not found"}}')

  const garbage = await exchange(port, '\x00\x01\x02 not http at all\r\n\r\n')
  t.equal(statusOf(garbage.text), 400)
  t.same(JSON.parse(bodyOf(garbage.text)), { error: { message: 'Bad Request', type: 'invalid_request_error', param: null, code: null } },
    'no request line, so no door: OpenAI\'s envelope, which every SDK reads')
  const badHeader = await exchange(port, 'GET /v1/threads HTTP/1.1\r\nHost: x\r\nbad header\r\n\r\n')
  t.equal(statusOf(badHeader.text), 400)
  t.equal(JSON.parse(bodyOf(badHeader.text)).error.message, 'Bad Request')
})

t.test('4. any filename downloads, with an RFC 6266 Content-Disposition', async t => {
  const built = await build(t)
  for (const filename of ['💩.txt', 'a\u0001b\r\n"c".txt', 'naïve ré sumé.pdf']) {
    const file = await uploadFile(built, 'hello', filename)
    const res = await built.call({ url: `/openai/files/${file.id}/content`, apiVersion: V2 })
    t.equal(res.statusCode, 200, JSON.stringify(filename))
    t.equal(res.body, 'hello')
    t.match(res.headers['content-disposition'], filename.startsWith('naïve')
      ? 'attachment; filename="naïve ré sumé.pdf"'
      : /^attachment; filename="[^"]*"; filename\*=UTF-8''/)
  }
})

t.test('6. slow and idle clients are cut off; the connection cap holds', async t => {
  const { app, port } = await listen(t, { headersTimeoutMs: 300, requestTimeoutMs: 600, keepAliveTimeoutMs: 300, maxConnections: 3 })

  // Headers trickled: a 408 in the envelope, then the connection is closed.
  const slowHeaders = connect(port, '127.0.0.1')
  await once(slowHeaders, 'connect')
  let answer = ''
  slowHeaders.on('data', chunk => { answer += chunk.toString() })
  slowHeaders.write('GET /v1/threads HTTP/1.1\r\nHost: x\r\n')
  const trickle = setInterval(() => slowHeaders.writable && slowHeaders.write('x-slow: 1\r\n'), 100)
  const started = Date.now()
  await once(slowHeaders, 'close')
  clearInterval(trickle)
  t.ok(Date.now() - started < 3000, `closed after ${Date.now() - started} ms`)
  t.equal(statusOf(answer), 408)
  t.equal(JSON.parse(bodyOf(answer)).error.message, 'Request Timeout')

  // A body trickled past the request timeout.
  const slowBody = await exchange(port, `POST /openai/threads?api-version=${V2} HTTP/1.1\r\nHost: x\r\napi-key: ${API_KEY}\r\ncontent-type: application/json\r\ncontent-length: 100\r\n\r\n{`, 4000)
  t.ok(slowBody.closed, 'a body that never completes is cut off')
  t.equal(statusOf(slowBody.text), 408)

  // An idle keep-alive socket is closed after the keep-alive timeout.
  const idle = await exchange(port, 'GET /_emulator/health HTTP/1.1\r\nHost: x\r\n\r\n', 4000)
  t.equal(statusOf(idle.text), 200)
  t.ok(idle.closed, 'the idle socket was closed')

  // The fourth simultaneous connection is refused.
  const sockets: Socket[] = []
  let accepted = 0
  const allAccepted = new Promise<void>(resolve => app.server.on('connection', () => { if (++accepted === 3) resolve() }))
  for (let i = 0; i < 3; i++) {
    const socket = connect(port, '127.0.0.1')
    socket.on('error', () => {})
    await once(socket, 'connect')
    sockets.push(socket)
  }
  await allAccepted
  const extra = await exchange(port, 'GET /_emulator/health HTTP/1.1\r\nHost: x\r\n\r\n', 2000)
  t.ok(extra.closed && extra.text === '', 'beyond the cap a connection is closed at once')
  for (const socket of sockets) socket.destroy()
})

/** Sends `size` bytes of body with Node's client; resolves with the status (or the error code). */
function postLarge (port: number, size: number, chunked = false): Promise<{ status?: number, body?: string, error?: string }> {
  return new Promise(resolve => {
    const req = httpRequest({
      host: '127.0.0.1',
      port,
      method: 'POST',
      path: `/openai/threads?api-version=${V2}`,
      headers: { 'api-key': API_KEY, 'content-type': 'application/json', ...(chunked ? {} : { 'content-length': String(size) }) }
    }, res => {
      let body = ''
      res.setEncoding('utf8').on('data', chunk => { body += chunk }).on('end', () => resolve({ status: res.statusCode, body }))
    })
    req.on('error', err => resolve({ error: (err as NodeJS.ErrnoException).code }))
    const chunk = Buffer.alloc(64 * 1024, 0x20)
    let sent = 0
    const pump = () => {
      while (sent < size) {
        sent += chunk.length
        if (!req.write(chunk)) return req.once('drain', pump)
      }
      req.end()
    }
    pump()
  })
}

t.test('8. the 413 for an oversized body reaches the client', async t => {
  const { port } = await listen(t)
  for (const [size, chunked] of [[10 * 1024 * 1024, false], [30 * 1024 * 1024, false], [10 * 1024 * 1024, true]] as const) {
    const result = await postLarge(port, size, chunked)
    t.equal(result.status, 413, `${size} bytes${chunked ? ' chunked' : ''}: ${JSON.stringify(result.error ?? result.status)}`)
    t.equal(result.body === undefined ? undefined : JSON.parse(result.body).error.code, 'request_too_large')
  }
  const res = await fetch(`http://127.0.0.1:${port}/openai/threads?api-version=${V2}`, {
    method: 'POST', headers: { 'api-key': API_KEY, 'content-type': 'application/json' }, body: Buffer.alloc(10 * 1024 * 1024, 0x20)
  })
  t.equal(res.status, 413, 'fetch sees the 413 too')
  t.equal(((await res.json()) as { error: { code: string } }).error.code, 'request_too_large')
})

t.test('7. a request read while closing is answered, not refused', async t => {
  const app = await buildApp(makeConfig({ logLevel: 'silent', apiKeys: [API_KEY] }))
  await app.listen({ host: '127.0.0.1', port: 0 })
  const { port } = app.server.address() as AddressInfo
  const socket = connect(port, '127.0.0.1')
  await once(socket, 'connect')
  let text = ''
  socket.on('data', chunk => { text += chunk.toString() })
  // The request is under way (headers read, body pending) when the server starts closing.
  const headersRead = once(app.server, 'request')
  socket.write(`POST /openai/threads?api-version=${V2} HTTP/1.1\r\nHost: x\r\napi-key: ${API_KEY}\r\ncontent-type: application/json\r\ncontent-length: 2\r\n\r\n`)
  await headersRead
  const closing = app.close()
  socket.write('{}')
  await closing
  await once(socket, 'close')
  t.equal(statusOf(text), 200, 'answered in full')
  t.match(bodyOf(text), /"object":"thread"/)
})

/** Sends `size` bytes of body with Node's client and the given headers; the status, or every error the client saw. */
function postOversized (port: number, size: number, headers: Record<string, string>, agent?: Agent | false): Promise<{ status?: number, errors: string[] }> {
  return new Promise(resolve => {
    const errors: string[] = []
    let status: number | undefined
    const req = httpRequest({
      host: '127.0.0.1',
      port,
      method: 'POST',
      path: `/openai/threads?api-version=${V2}`,
      ...(agent === undefined ? {} : { agent }),
      headers: { 'api-key': API_KEY, 'content-type': 'application/json', 'content-length': String(size), ...headers }
    }, res => {
      status = res.statusCode
      res.resume()
    })
    req.on('error', err => errors.push((err as NodeJS.ErrnoException).code ?? err.message))
    // A write error after the answer (EPIPE, ECONNRESET) would surface on the socket with no one listening.
    req.on('socket', socket => socket.on('error', err => errors.push(`socket ${(err as NodeJS.ErrnoException).code}`)))
    req.on('close', () => setTimeout(() => resolve({ status, errors }), 50))
    req.end(Buffer.alloc(size, 0x20))
  })
}

t.test('13. the 413 reaches a Node client that sends Connection: close, and nothing errors after it', async t => {
  const { port } = await listen(t)
  const outcomes = []
  for (let i = 0; i < 6; i++) outcomes.push(await postOversized(port, 10 * 1024 * 1024, { connection: 'close' }, false))
  for (let i = 0; i < 6; i++) outcomes.push(await postOversized(port, 10 * 1024 * 1024, {}))
  t.same(outcomes.map(o => o.status), Array(12).fill(413), 'every oversized body got its 413')
  t.same(outcomes.flatMap(o => o.errors), [], 'no client saw EPIPE or a reset, before or after the answer')
})

t.test('10. closing: answers in flight say Connection: close; an open stream ends with an error event when cut', async t => {
  const app = await buildApp(makeConfig({ logLevel: 'silent', apiKeys: [API_KEY] }), { clock: manualClock() })
  await app.listen({ host: '127.0.0.1', port: 0 })
  const { port } = app.server.address() as AddressInfo
  // Two requests in flight (headers read, bodies pending) on keep-alive connections.
  const held = await Promise.all([0, 1].map(async () => {
    const socket = connect(port, '127.0.0.1')
    await once(socket, 'connect')
    let text = ''
    socket.on('data', chunk => { text += chunk.toString() })
    socket.write(`POST /openai/threads?api-version=${V2} HTTP/1.1\r\nHost: x\r\nConnection: keep-alive\r\napi-key: ${API_KEY}\r\ncontent-type: application/json\r\ncontent-length: 2\r\n\r\n`)
    return { socket, text: () => text }
  }))
  // And a stream that will not end by itself: the clock is manual, so the run stays queued.
  const assistant = (await app.inject({ method: 'POST', url: `/openai/assistants?api-version=${V2}`, headers: { 'api-key': API_KEY }, payload: { model: 'gpt-4o' } })).json()
  let streamed = ''
  const streamEnded = new Promise<void>((resolve, reject) => {
    const req = httpRequest({ host: '127.0.0.1', port, method: 'POST', path: `/openai/threads/runs?api-version=${V2}`, headers: { 'api-key': API_KEY, 'content-type': 'application/json' } }, res => {
      res.setEncoding('utf8').on('data', (chunk: string) => { streamed += chunk }).on('end', resolve).on('error', reject)
    })
    req.on('error', reject)
    req.end(JSON.stringify({ assistant_id: assistant.id, stream: true }))
  })
  while (!streamed.includes('thread.run.created')) await new Promise(resolve => setTimeout(resolve, 10))
  await new Promise(resolve => setTimeout(resolve, 50))
  const closing = app.close()
  for (const { socket } of held) socket.write('{}')
  await Promise.all(held.map(({ socket }) => once(socket, 'close')))
  for (const { text } of held) {
    t.equal(statusOf(text()), 200, 'answered in full')
    t.match(text(), /\r\nconnection: close\r\n/i, 'and told the client the connection closes')
    t.notMatch(text(), /keep-alive/i)
  }
  await app.drain.cut()
  await streamEnded
  await closing
  t.match(streamed, /event: error\ndata: \{"error":\{"message":"The emulator is shutting down: this stream was ended before the run did\.","type":"server_error","param":null,"code":"server_shutting_down"\}\}\n\n$/,
    'the cut stream ends with an error event, which the SDKs raise')
  t.notMatch(streamed, /event: done/)
})
