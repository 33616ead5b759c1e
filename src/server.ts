#!/usr/bin/env node
/**
 * Process entry: parse the command line, build the app, listen, and close cleanly on SIGINT/SIGTERM.
 * A bad flag, variable, fixtures file or TLS certificate / key file stops the process here with one line and exit code 2;
 * a port that cannot be listened on (in use, not permitted) with one line and exit code 1.
 *
 * Shutdown: the first SIGTERM/SIGINT stops accepting connections, closes idle keep-alive sockets (and TLS
 * sockets still shaking hands), lets in-flight requests finish and exits 0; their answers, and any read on an
 * open connection while draining, say `Connection: close` (http/drain.ts), so no client sends another request
 * on a connection about to go. Whatever is still open after `--shutdown-grace-ms` is cut off (still exit 0):
 * an open event stream gets an `event: error` first. A second signal exits at once with 128 + the signal number.
 */
import { readFileSync } from 'node:fs'
import { constants } from 'node:os'
import type { FastifyInstance } from 'fastify'
import { buildApp } from './app.js'
import { ConfigError, helpText, parseCommandLine } from './config.js'
import { FixturesError } from './fixtures.js'
import { credentialsOpen } from './gates/credentials.js'
import { StateFileError } from './control/state.js'
import { TlsError } from './tls.js'

const PROGRAM = 'aoai-emulator'
/** While draining, sockets whose last response just finished are closed this often. */
const IDLE_SWEEP_MS = 50

class ListenError extends Error {}

function packageVersion (): string {
  const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string }
  return pkg.version
}

function handleSignals (app: FastifyInstance, graceMs: number): void {
  let shuttingDown = false
  const onSignal = (signal: NodeJS.Signals) => {
    if (shuttingDown) {
      app.log.warn({ signal }, 'second signal: exiting now')
      process.exit(128 + (constants.signals[signal] ?? 0))
    }
    shuttingDown = true
    app.log.info({ signal, graceMs }, 'shutting down: no new connections, waiting for in-flight requests')
    // Answers from now on close their connections (app.close() begins the drain); a socket that finishes its
    // response while we drain is closed at once rather than after its keep-alive timeout.
    const sweep = setInterval(() => app.server.closeIdleConnections(), IDLE_SWEEP_MS)
    const force = setTimeout(() => {
      app.log.warn(`requests still open after ${graceMs} ms: closing their connections`)
      app.drain.cut().catch((err: unknown) => app.log.error({ err }, 'error while cutting connections'))
    }, graceMs)
    sweep.unref()
    force.unref()
    app.close().then(() => {
      clearInterval(sweep)
      clearTimeout(force)
      app.log.info('closed')
      process.exit(0)
    }, (err: unknown) => {
      app.log.error({ err }, 'error while closing')
      process.exit(1)
    })
  }
  process.on('SIGINT', onSignal)
  process.on('SIGTERM', onSignal)
}

async function main (): Promise<void> {
  const command = parseCommandLine(process.argv.slice(2), process.env)
  if (command.action === 'help') {
    process.stdout.write(helpText(PROGRAM))
    return
  }
  if (command.action === 'version') {
    process.stdout.write(`${packageVersion()}\n`)
    return
  }

  const { config } = command
  const app = await buildApp(config)
  handleSignals(app, config.shutdownGraceMs)
  try {
    // Fastify logs this once per address (every interface when listening on 0.0.0.0).
    await app.listen({ host: config.host, port: config.port, listenTextResolver: address => `Azure OpenAI Assistants emulator listening on ${address}` })
  } catch (err) {
    const { code, message } = err as NodeJS.ErrnoException
    const why = code === 'EADDRINUSE' ? 'the address is already in use' : code === 'EACCES' ? 'permission denied' : message
    throw new ListenError(`cannot listen on ${config.host}:${config.port}: ${why}${code === undefined ? '' : ` (${code})`}`)
  }
  if (credentialsOpen(config)) app.log.warn('No api keys configured: any non-empty api-key is accepted')
}

main().catch((err: unknown) => {
  const known = err instanceof ConfigError || err instanceof FixturesError || err instanceof StateFileError || err instanceof TlsError ||
    err instanceof ListenError ||
    typeof (err as { code?: unknown }).code === 'string'
  process.stderr.write(`${PROGRAM}: ${known ? (err as Error).message : (err as Error).stack ?? String(err)}\n`)
  process.exit(err instanceof ListenError ? 1 : 2)
})
