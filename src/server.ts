#!/usr/bin/env node
/**
 * Process entry: parse the command line, build the app, listen, and close cleanly on SIGINT/SIGTERM.
 * A bad flag, variable or fixtures file stops the process here with one line and exit code 2.
 */
import { readFileSync } from 'node:fs'
import { buildApp } from './app.js'
import { ConfigError, helpText, parseCommandLine } from './config.js'
import { FixturesError } from './fixtures.js'

function packageVersion (): string {
  const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string }
  return pkg.version
}

async function main (): Promise<void> {
  const command = parseCommandLine(process.argv.slice(2), process.env)
  if (command.action === 'help') {
    process.stdout.write(helpText('aoai-emulator'))
    return
  }
  if (command.action === 'version') {
    process.stdout.write(`${packageVersion()}\n`)
    return
  }

  const { config } = command
  const app = await buildApp(config)
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => {
      app.log.info({ signal }, 'shutting down')
      app.close().then(() => process.exit(0), () => process.exit(1))
    })
  }
  if (config.apiKeys.length === 0) app.log.warn('No api keys configured: any non-empty api-key is accepted')
  const address = await app.listen({ host: config.host, port: config.port })
  app.log.info(`Azure OpenAI Assistants emulator listening on ${address}`)
}

main().catch((err: unknown) => {
  const known = err instanceof ConfigError || err instanceof FixturesError || typeof (err as { code?: unknown }).code === 'string'
  process.stderr.write(`aoai-emulator: ${known ? (err as Error).message : (err as Error).stack ?? String(err)}\n`)
  process.exit(2)
})
