/**
 * The README's quick start, run: the first command's arguments start what `npm start` runs (dist/server.js, the
 * bundled build, rebuilt first if src/ is newer), which serves health and the README's curl example verbatim,
 * and completes that run with its usage counted (the tokenizer is loaded from node_modules, outside the bundle).
 * Left out of coverage like test/cli.test.ts (see test/coverage-map.mjs).
 */
import { readFileSync } from 'node:fs'
import t from 'tap'
import { spawnBuiltEmulator } from '../support/process.js'

const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8')
const quickStart = (/## Quick start\n[\s\S]*?```sh\n([\s\S]*?)```/.exec(readme)?.[1] ?? '')
  .trim().split('\n').map(line => line.replace(/\s+#.*$/, '').trim())
const shellBlocks = [...readme.matchAll(/```sh\n([\s\S]*?)```/g)].map(m => m[1]!)

t.test('the quick start\'s emulator serves health and the Azure reference example from the README', async t => {
  const args = quickStart[0]!.replace(/^npm install && npm start -- /, '').split(/\s+/)
  const proc = spawnBuiltEmulator(t, [...args, '--port', '0', '--log-format', 'json'])
  const deadline = Date.now() + 20_000
  let url: string | undefined
  while (url === undefined) {
    url = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(proc.stdout)?.[1]
    if (url === undefined && (Date.now() > deadline || proc.child.exitCode !== null)) {
      throw new Error(`the emulator did not start: ${proc.stderr}`)
    }
    await new Promise(resolve => setTimeout(resolve, 25))
  }
  const health = await fetch(`${url}/_emulator/health`)
  t.equal(health.status, 200)

  // The curl example, replayed against this port: its URL, headers and body as written.
  const curl = shellBlocks.find(block => block.startsWith('curl '))!
  const path = /"http:\/\/127\.0\.0\.1:8080([^"]+)"/.exec(curl)![1]!
  const headers = Object.fromEntries([...curl.matchAll(/-H ["']([^:]+): ([^"']+)["']/g)].map(m => [m[1]!, m[2]!]))
  const body = /-d '([^']+)'/.exec(curl)![1]!
  const run = await fetch(`${url}${path}`, { method: 'POST', headers, body })
  t.equal(run.status, 200)
  const created = await run.json() as { id: string }
  t.match(created, { object: 'thread.run', thread_id: 'thread_abc123', assistant_id: 'asst_abc123', status: 'queued' })
  const query = path.slice(path.indexOf('?'))
  const runUrl = `${url}${path.slice(0, path.indexOf('?'))}/${created.id}${query}`
  let done: { status: string, usage: { total_tokens: number } | null } | undefined
  for (let i = 0; i < 200 && done?.status !== 'completed'; i++) {
    done = await (await fetch(runUrl, { headers: { 'api-key': headers['api-key']! } })).json() as typeof done
    if (done?.status !== 'completed') await new Promise(resolve => setTimeout(resolve, 100))
  }
  t.equal(done?.status, 'completed', 'the run completes')
  t.ok((done?.usage?.total_tokens ?? 0) > 0, 'its usage is counted')
  proc.child.kill('SIGTERM')
  t.equal((await proc.exited).code, 0)
})
