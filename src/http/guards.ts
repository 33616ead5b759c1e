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
 * Lets the error answer to a request whose body has not arrived in full reach its client: instead of
 * closing the connection under a client still sending (which then sees EPIPE or a reset, not the answer),
 * the rest of the body is read and discarded, up to `limit` bytes; beyond that the connection is closed.
 * The connection stays usable afterwards (keep-alive), as for any answered request.
 */
export function drainRefusedBody (request: FastifyRequest, reply: FastifyReply, limit = DRAIN_LIMIT_BYTES): void {
  const raw = request.raw
  if (raw.complete || raw.destroyed) return
  // Fastify asks for `Connection: close` here; Node then destroys the socket right after the answer.
  reply.removeHeader('connection')
  let read = 0
  raw.on('data', (chunk: Buffer) => {
    read += chunk.length
    if (read > limit) raw.socket?.destroy()
  })
  raw.resume()
}

/** The request line's method and path, from the first bytes Node's parser saw (when it kept them). */
function requestLine (rawPacket: unknown): { method: string, path: string } | null {
  if (!Buffer.isBuffer(rawPacket)) return null
  const match = /^([!#$%&'*+.^_`|~0-9A-Za-z-]+) (\S+) HTTP\/\d/.exec(rawPacket.toString('latin1', 0, Math.min(rawPacket.length, 8192)))
  return match ? { method: match[1]!, path: match[2]!.split('?')[0]! } : null
}

/**
 * Fastify's `clientErrorHandler`: Node's HTTP parser refused the request before any route saw it. The answer
 * is written straight to the socket, in the envelope of the path's front door (api-surface.ts `classify`:
 * Azure's when the path is not known), with no body for HEAD, and the connection is closed:
 * - a header block over Node's limit: 431; a request (or its headers) too slow to arrive: 408;
 * - a method Node does not know: what an unrouted method gets there (the door's `notFound`);
 * - anything else: 400.
 */
export function clientErrorHandler () {
  return function (this: unknown, err: NodeJS.ErrnoException & { rawPacket?: unknown }, socket: Socket): void {
    if (err.code === 'ECONNRESET' || socket.destroyed) return
    // Fastify binds the handler to the instance; its logger redacts the raw request bytes (logging.ts).
    ;(this as { log?: { trace (obj: object, msg: string): void } } | undefined)?.log?.trace({ err }, 'client error')
    const line = requestLine(err.rawPacket)
    const door = classify(line?.path ?? '')
    let error: ApiError
    switch (err.code) {
      case 'HPE_HEADER_OVERFLOW': error = Errors.httpError(431, STATUS_CODES[431]!, door.envelope); break
      case 'ERR_HTTP_REQUEST_TIMEOUT':
      case 'HPE_HEADERS_TIMEOUT': error = Errors.httpError(408, STATUS_CODES[408]!, door.envelope); break
      case 'HPE_INVALID_METHOD': error = line ? door.notFound(line.method, line.path) : Errors.httpError(400, STATUS_CODES[400]!, door.envelope); break
      default: error = Errors.httpError(400, STATUS_CODES[400]!, door.envelope)
    }
    // A response already under way on this socket cannot be followed by another one.
    const busy = (socket as Socket & { _httpMessage?: { headersSent?: boolean } })._httpMessage?.headersSent === true
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
 * clients get a 408 and their connection closed) and the keep-alive timeout (idle sockets are closed).
 * The connection cap is set on the server once it exists (`capConnections`).
 */
export function serverLimitOptions (config: Pick<Config, 'requestTimeoutMs' | 'headersTimeoutMs' | 'keepAliveTimeoutMs'>) {
  return {
    requestTimeout: config.requestTimeoutMs,
    keepAliveTimeout: config.keepAliveTimeoutMs,
    http: {
      // Node refuses a header timeout longer than a (non-zero) request timeout.
      headersTimeout: config.requestTimeoutMs > 0 ? Math.min(config.headersTimeoutMs, config.requestTimeoutMs) : config.headersTimeoutMs,
      // Node checks both timeouts this often (30 s by default): a short timeout is kept to within half a second.
      connectionsCheckingInterval: TIMEOUT_CHECK_MS
    }
  }
}

/** Beyond `maxConnections` open connections, Node closes each new one as it arrives. */
export function capConnections (server: Server, maxConnections: number): void {
  server.maxConnections = maxConnections
}
