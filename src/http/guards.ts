/**
 * What protects the HTTP layer below the routes: Node's own refusals (a header block over the limit, a
 * request too slow to arrive, bytes that are not HTTP) answered in the API's envelope, timeouts and a
 * connection cap on the server, and the body of a refused request read (up to a bound) so its answer reaches
 * the client instead of a reset connection.
 */
import { STATUS_CODES, type Server } from 'node:http'
import type { Socket } from 'node:net'
import type { FastifyReply, FastifyRequest } from 'fastify'
import { classify } from '../api-surface.js'
import type { Config } from '../config.js'
import { Errors, type ApiError } from '../errors.js'

/**
 * Most bytes of a refused request's body read and discarded so that its answer (a 413, say) reaches the
 * client; a body still arriving beyond it has its connection closed.
 */
const DRAIN_LIMIT_BYTES = 128 * 1024 * 1024

/**
 * Lets the error answer to a request whose body has not arrived in full reach its client: the rest of the
 * body is read and discarded first, up to `limit` bytes, and the promise resolves once it has all arrived,
 * so the answer goes out to a client that is done sending. Answering first and closing the connection under
 * a client still sending (as a `Connection: close` request's answer does) makes many clients see EPIPE or a
 * reset instead of the answer. Beyond `limit` (or if the client goes away) it resolves at once and the
 * connection is closed after the answer. The connection otherwise stays usable (keep-alive), as for any
 * answered request.
 */
export function drainRefusedBody (request: FastifyRequest, reply: FastifyReply, limit = DRAIN_LIMIT_BYTES): Promise<void> {
  const raw = request.raw
  // `complete`: Node has the whole body; `readableEnded`: it was read to its end (inject() has no `complete`).
  if (raw.complete || raw.readableEnded || raw.destroyed) return Promise.resolve()
  // Fastify asks for `Connection: close` here; once the body is read the connection can be kept.
  reply.removeHeader('connection')
  return new Promise(resolve => {
    let read = 0
    const done = () => {
      raw.off('data', onData)
      raw.off('end', done)
      raw.off('close', done)
      raw.off('error', done)
      resolve()
    }
    const onData = (chunk: Buffer) => {
      read += chunk.length
      if (read > limit) {
        // Too much to read: answer now, then close the connection under the client.
        reply.header('connection', 'close')
        raw.on('data', () => {})
        done()
      }
    }
    raw.on('data', onData)
    raw.once('end', done)
    raw.once('close', done)
    raw.once('error', done)
    raw.resume()
  })
}

/** The request line's method and path, from the first bytes Node's parser saw (when it kept them). */
function requestLine (rawPacket: unknown): { method: string, path: string } | null {
  if (!Buffer.isBuffer(rawPacket)) return null
  const match = /^([!#$%&'*+.^_`|~0-9A-Za-z-]+) (\S+) HTTP\/\d/.exec(rawPacket.toString('latin1', 0, Math.min(rawPacket.length, 8192)))
  return match ? { method: match[1]!, path: match[2]!.split('?')[0]! } : null
}

/** A TLS failure before any HTTP (a handshake that timed out or failed): nothing HTTP can be written back. */
function isTlsFailure (err: NodeJS.ErrnoException & { library?: unknown }, socket: Socket): boolean {
  const code = err.code ?? ''
  if (code.startsWith('ERR_TLS_') || code.startsWith('ERR_SSL_') || err.library !== undefined) return true
  return (socket as Socket & { encrypted?: boolean, _secureEstablished?: boolean }).encrypted === true &&
    (socket as Socket & { _secureEstablished?: boolean })._secureEstablished !== true
}

/**
 * Fastify's `clientErrorHandler`: Node's HTTP parser refused the request before any route saw it. The answer
 * is written straight to the socket, in the envelope of the request's front door, and the connection is closed
 * (so a body after a HEAD whose request line the parser did not keep is never read as a next answer; a HEAD
 * it saw gets none):
 * - a header block over Node's limit: 431; a request (or its headers) too slow to arrive: 408;
 * - a method Node does not know: what an unrouted method gets there (the door's `notFound`);
 * - anything else: 400.
 * The door is the path's (api-surface.ts `classify`: Azure's for a path outside every door), read from the
 * request line among the bytes the parser kept, or from the request being read. When neither has it (a header
 * block split across TLS records or packets, bytes that are not HTTP), the door is unknown and the answer is
 * in OpenAI's envelope, the one every supported SDK reads (Azure's gateway shape crashes `@azure/ai-agents`).
 * A TLS handshake that fails or times out has no HTTP to answer: its socket is closed.
 */
export function clientErrorHandler () {
  return function (this: unknown, err: NodeJS.ErrnoException & { rawPacket?: unknown }, socket: Socket): void {
    if (err.code === 'ECONNRESET' || socket.destroyed) return
    // Fastify binds the handler to the instance; its logger redacts the raw request bytes (logging.ts).
    ;(this as { log?: { trace (obj: object, msg: string): void } } | undefined)?.log?.trace({ err }, 'client error')
    if (isTlsFailure(err, socket)) {
      socket.destroy()
      return
    }
    const inFlight = (socket as Socket & { _httpMessage?: { headersSent?: boolean, req?: { method?: string, url?: string } } })._httpMessage
    const line = requestLine(err.rawPacket) ??
      (typeof inFlight?.req?.url === 'string' ? { method: inFlight.req.method ?? 'GET', path: inFlight.req.url.split('?')[0]! } : null)
    const envelope = line === null ? 'openai' : classify(line.path).envelope
    let error: ApiError
    switch (err.code) {
      case 'HPE_HEADER_OVERFLOW': error = Errors.httpError(431, STATUS_CODES[431]!, envelope); break
      case 'ERR_HTTP_REQUEST_TIMEOUT':
      case 'HPE_HEADERS_TIMEOUT': error = Errors.httpError(408, STATUS_CODES[408]!, envelope); break
      case 'HPE_INVALID_METHOD': error = line ? classify(line.path).notFound(line.method, line.path) : Errors.httpError(400, STATUS_CODES[400]!, envelope); break
      default: error = Errors.httpError(400, STATUS_CODES[400]!, envelope)
    }
    // A response already under way on this socket cannot be followed by another one.
    const busy = inFlight?.headersSent === true
    if (socket.writable && !busy) {
      const body = Buffer.from(line?.method === 'HEAD' ? '' : error.body)
      socket.write(`HTTP/1.1 ${error.statusCode} ${STATUS_CODES[error.statusCode]}\r\nContent-Type: ${error.contentType}\r\n` +
        `Content-Length: ${body.length}\r\nConnection: close\r\n\r\n`)
      socket.write(body)
    }
    socket.destroySoon()
  }
}

/** How often Node checks the request and header timeouts of open connections, in milliseconds. */
const TIMEOUT_CHECK_MS = 500

/**
 * The Fastify server options that carry the configured limits: the whole-request and header timeouts (slow
 * clients get a 408 and their connection closed) and the keep-alive timeout (idle sockets are closed), and
 * with TLS the certificate and a handshake timeout. Node's timeout options go in `http`, or in `https` when
 * serving TLS: Fastify hands only one of them to Node, so with `https` alone the header timeout and its
 * checks would be Node's defaults (60 s, every 30 s). A socket that never completes the TLS handshake (a bare
 * TCP connection) is closed after the header timeout too (Node's default: 120 s). The connection cap is set
 * on the server once it exists (`capConnections`).
 */
export function serverLimitOptions (config: Pick<Config, 'requestTimeoutMs' | 'headersTimeoutMs' | 'keepAliveTimeoutMs'>,
  tls?: { readonly cert: string, readonly key: string }) {
  // Node refuses a header timeout longer than a (non-zero) request timeout.
  const headersTimeout = config.requestTimeoutMs > 0 ? Math.min(config.headersTimeoutMs, config.requestTimeoutMs) : config.headersTimeoutMs
  const node = {
    headersTimeout,
    requestTimeout: config.requestTimeoutMs,
    keepAliveTimeout: config.keepAliveTimeoutMs,
    // Node checks both timeouts this often (30 s by default): a short timeout is kept to within half a second.
    connectionsCheckingInterval: TIMEOUT_CHECK_MS
  }
  return {
    requestTimeout: config.requestTimeoutMs,
    keepAliveTimeout: config.keepAliveTimeoutMs,
    ...(tls === undefined ? { http: node } : { https: { cert: tls.cert, key: tls.key, ...node, handshakeTimeout: headersTimeout } })
  }
}

/** Beyond `maxConnections` open connections, Node closes each new one as it arrives. */
export function capConnections (server: Server, maxConnections: number): void {
  server.maxConnections = maxConnections
}
