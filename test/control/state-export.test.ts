/**
 * Issue 21, item 9: a large state export neither stalls the server nor sits in memory whole. GET
 * /_emulator/state and the --state-file write on close stream the document a chunk at a time, from one
 * snapshot, with the same bytes as JSON.stringify of the in-process `state()`.
 */
import { createHash } from 'node:crypto'
import { readFileSync } from 'node:fs'
import { request } from 'node:http'
import type { AddressInfo } from 'node:net'
import { join } from 'node:path'
import { setFlagsFromString } from 'node:v8'
import { runInNewContext } from 'node:vm'
import t from 'tap'
import { buildApp } from '../../src/app.js'
import { manualClock } from '../../src/clock.js'
import { makeConfig } from '../../src/config.js'
import { exportState, stateDocumentText } from '../../src/control/state.js'
import { V2, build, multipart, uploadFile } from '../helper.js'

const MIB = 1024 * 1024
setFlagsFromString('--expose-gc')
const gc = runInNewContext('gc') as () => void

t.test('the streamed document is JSON.stringify of the state, piece by piece', async t => {
  const built = await build(t)
  await uploadFile(built, Buffer.alloc(2 * MIB + 5, 7), 'big.bin')
  await uploadFile(built, 'x', '\u0000aoai-emulator-file-content\u0000')
  await uploadFile(built, '', 'empty.txt')
  await built.call({ method: 'POST', url: '/openai/threads', apiVersion: V2, body: { messages: [{ role: 'user', content: 'hi' }] } })
  const { tenants } = built.app.runtime
  const pieces = [...stateDocumentText(tenants.list(), built.clock.now())]
  const whole = JSON.stringify(exportState(tenants.list(), built.clock.now()))
  t.equal(pieces.join(''), whole, 'the same text')
  t.ok(pieces.length > 10, `${pieces.length} pieces`)
  t.ok(Math.max(...pieces.map(p => p.length)) <= 1024 * 1024 + 64, 'no piece holds a whole large file')
  const served = await built.app.inject({ url: '/_emulator/state' })
  t.equal(served.body, whole, 'GET /_emulator/state serves it')
  t.equal(served.headers['content-type'], 'application/json; charset=utf-8')
})

t.test('the snapshot is taken when the export starts', async t => {
  const built = await build(t)
  const text = stateDocumentText(built.app.runtime.tenants.list(), built.clock.now())
  await built.call({ method: 'POST', url: '/openai/assistants', apiVersion: V2, body: { model: 'gpt-4o' } })
  t.same(JSON.parse([...text].join('')).tenants[0].assistants, [], 'an object made while the document is read is not in it')
})

t.test('a large export is written a chunk at a time, never whole in memory; the --state-file write matches it', async t => {
  const dir = t.testdir({})
  const stateFile = join(dir, 'state.json')
  const app = await buildApp(makeConfig({ logLevel: 'silent', maxUploadBytes: 20 * MIB, stateFile }), { clock: manualClock() })
  for (let i = 0; i < 3; i++) {
    const form = multipart([{ name: 'purpose', value: 'assistants' }, { name: 'file', filename: `f${i}.bin`, content: Buffer.alloc(10 * MIB, 65 + i) }])
    const res = await app.inject({ method: 'POST', url: `/openai/files?api-version=${V2}`, headers: { 'api-key': 'k', ...form.headers }, payload: form.body })
    t.equal(res.statusCode, 200)
  }
  await app.listen({ host: '127.0.0.1', port: 0 })
  const { port } = app.server.address() as AddressInfo
  gc()
  const heapBefore = process.memoryUsage().heapUsed
  let heapPeak = heapBefore
  const hash = createHash('sha256')
  let bytes = 0
  let chunks = 0
  await new Promise<void>((resolve, reject) => {
    request({ host: '127.0.0.1', port, path: '/_emulator/state' }, res => {
      // The client keeps nothing but a digest: what the heap holds meanwhile is the server's.
      res.on('data', (chunk: Buffer) => {
        chunks++
        bytes += chunk.length
        hash.update(chunk)
        heapPeak = Math.max(heapPeak, process.memoryUsage().heapUsed)
      })
      res.on('end', resolve)
    }).on('error', reject).end()
  })
  const grown = (heapPeak - heapBefore) / MIB
  t.ok(bytes > 40 * MIB, `a ${(bytes / MIB).toFixed(1)} MiB document in ${chunks} chunks`)
  t.ok(grown < 16, `the heap grew ${grown.toFixed(1)} MiB while it was sent (the whole document as one string and one object is over 80 MiB)`)
  await app.close()
  const written = readFileSync(stateFile)
  t.equal(createHash('sha256').update(written).digest('hex'), hash.digest('hex'), 'the file written on close holds the same bytes')
  t.equal(JSON.parse(written.toString('utf8')).tenants[0].files.length, 3)
})
