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

  // What the README says the examples show: a cited answer from the handbook, and a chart to download.
  const api = (path: string, body?: unknown) => fetch(`${url}/openai${path}${path.includes('?') ? '&' : '?'}api-version=2024-05-01-preview`, {
    method: body === undefined ? 'GET' : 'POST',
    headers: { 'api-key': 'any-key', 'content-type': 'application/json' },
    ...(body === undefined ? {} : { body: JSON.stringify(body) })
  })
  const finished = async (threadId: string, runId: string) => {
    for (let i = 0; i < 200; i++) {
      const run = await (await api(`/threads/${threadId}/runs/${runId}`)).json() as { status: string }
      if (run.status === 'completed') return run
      await new Promise(resolve => setTimeout(resolve, 100))
    }
    return undefined
  }
  const cited = await (await api('/threads/thread_handbook/runs', { assistant_id: 'asst_handbook' })).json() as { id: string }
  t.ok(await finished('thread_handbook', cited.id), 'the handbook run completes')
  const answer = (await (await api('/threads/thread_handbook/messages?limit=1')).json() as { data: any[] }).data[0].content[0].text
  t.equal(answer.annotations[0].text, '【2:0†warranty.txt】')
  t.equal(answer.value.slice(answer.annotations[0].start_index, answer.annotations[0].end_index), answer.annotations[0].text)
  const chart = await (await api('/threads/runs', { assistant_id: 'asst_analyst', thread: { messages: [{ role: 'user', content: 'Chart it' }] } })).json() as { id: string, thread_id: string }
  t.ok(await finished(chart.thread_id, chart.id), 'the analyst run completes')
  const image = (await (await api(`/threads/${chart.thread_id}/messages?limit=1`)).json() as { data: any[] }).data[0].content[0].image_file.file_id
  const png = Buffer.from(await (await api(`/files/${image}/content`)).arrayBuffer())
  t.equal(png.subarray(1, 4).toString(), 'PNG', 'the chart downloads')
  proc.child.kill('SIGTERM')
  t.equal((await proc.exited).code, 0)
})
