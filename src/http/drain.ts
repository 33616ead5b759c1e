/**
 * Closing the server without losing anyone's answer (graceful shutdown: server.ts, startEmulator's close).
 *
 * When closing begins (Fastify's `preClose`, so for every close): every answer still to be written, those in
 * flight included, says `Connection: close` (an answer already under way closes its connection once it is
 * done), so no client sends another request on a connection about to go; connections with nothing in flight
 * are closed, TLS sockets still shaking hands included. Requests already read are answered as usual.
 *
 * When the wait is over (`cut`, at the end of server.ts's grace period): every open event stream ends with an
 * `event: error` (the SDKs raise it as an API error rather than seeing the stream stop mid-run), what was
 * written is given a moment to go out, and then every connection is closed.
 */
import type { IncomingMessage, Server, ServerResponse } from 'node:http'
import type { Socket } from 'node:net'
import type { Readable } from 'node:stream'
import type { TLSSocket } from 'node:tls'
import type { FastifyInstance } from 'fastify'
import { Errors } from '../errors.js'
import { interruptEventStream, isEventStream } from './sse.js'

/** How long `cut` waits for the streams' last events to be written before it closes every connection, in ms. */
const CUT_FLUSH_MS = 200

export interface Drain {
  /** Called when closing begins (see the module comment); idempotent. */
  begin (): void
  /** Ends the open event streams with an error event, then closes every connection. Resolves once it has. */
  cut (): Promise<void>
}

declare module 'fastify' {
  interface FastifyInstance {
    /** The server's drain on close (http/drain.ts). */
    drain: Drain
  }
}

/** Tracks `app`'s connections, answers in flight and event streams, and decorates it with their `drain`. */
export function installDrain (app: FastifyInstance, options: { readonly tls: boolean }): Drain {
  const server = app.server as Server
  const sockets = new Set<Socket>()
  /** Raw sockets whose TLS handshake has completed (only tracked when serving TLS). */
  const secured = new WeakSet<Socket>()
  const responses = new Set<ServerResponse>()
  const streams = new Set<Readable>()
  let draining = false

  /** From now on, this answer closes its connection: said in its head, or (already sent) done when it ends. */
  const closeAfter = (response: ServerResponse) => {
    if (!response.headersSent) {
      response.setHeader('connection', 'close')
      return
    }
    const socket = response.socket as (Socket & { destroySoon?: () => void }) | null
    const close = () => socket?.destroySoon?.()
    if (response.writableFinished) close()
    else response.once('finish', close)
  }

  server.on('connection', (socket: Socket) => {
    sockets.add(socket)
    socket.once('close', () => sockets.delete(socket))
  })
  server.on('secureConnection', (socket: TLSSocket & { _parent?: Socket }) => {
    if (socket._parent) secured.add(socket._parent)
  })
  // One shared listener (a response emits 'close' once): no closure per request (issue 20).
  function forget (this: ServerResponse): void { responses.delete(this) }
  server.on('request', (_request: IncomingMessage, response: ServerResponse) => {
    responses.add(response)
    response.on('close', forget)
    if (draining) closeAfter(response)
  })
  app.addHook('onSend', (_request, _reply, payload, done) => {
    if (isEventStream(payload)) {
      streams.add(payload)
      payload.once('close', () => streams.delete(payload))
    }
    done(null, payload)
  })
  app.addHook('preClose', (done) => {
    drain.begin()
    done()
  })

  const drain: Drain = {
    begin () {
      if (draining) return
      draining = true
      for (const response of responses) closeAfter(response)
      server.closeIdleConnections()
      // A TLS socket that has not finished its handshake has no request in flight.
      if (options.tls) for (const socket of sockets) if (!secured.has(socket)) socket.destroy()
    },
    async cut () {
      drain.begin()
      for (const stream of streams) interruptEventStream(stream, Errors.shuttingDown())
      const deadline = Date.now() + CUT_FLUSH_MS
      while (responses.size > 0 && Date.now() < deadline) await new Promise(resolve => setTimeout(resolve, 10))
      server.closeAllConnections()
      for (const socket of sockets) socket.destroy()
    }
  }
  app.decorate('drain', drain)
  return drain
}
