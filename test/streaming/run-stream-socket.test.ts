/**
 * Streams over a real socket: a client that disconnects leaves nothing behind (no timer, no clock or run
 * listener) and the run goes on as if polled; `streamCutFor` ends a stream abruptly after N events.
 */
import t from 'tap'
import { request, type IncomingMessage } from 'node:http'
import { buildApp } from '../../src/app.js'
import { manualClock } from '../../src/clock.js'
import { makeConfig } from '../../src/config.js'
import { parseSse } from '../support/sse.js'

const V2 = '2024-05-01-preview'

/** A manual clock that counts its jump listeners. */
function countingClock () {
  const clock = manualClock()
  let listeners = 0
  return {
    clock: {
      ...clock,
      onJump (listener: () => void) {
        listeners++
        const off = clock.onJump(listener)
        return () => { listeners--; off() }
      }
    },
    listeners: () => listeners
  }
}

const timers = () => process.getActiveResourcesInfo().filter(r => r === 'Timeout').length

async function post (base: string, path: string, body: unknown) {
  const res = await fetch(`${base}${path}?api-version=${V2}`, { method: 'POST', headers: { 'api-key': 'k', 'content-type': 'application/json' }, body: JSON.stringify(body) })
  return res.json() as Promise<any>
}

t.test('a client that disconnects mid-stream leaves no timer or listener; the run goes on', async t => {
  const { clock, listeners } = countingClock()
  const app = await buildApp(makeConfig({ logLevel: 'silent', queuedMs: 500, inProgressMs: 1500 }), { clock })
  t.teardown(() => app.close())
  const base = await app.listen({ host: '127.0.0.1', port: 0 })
  const assistant = await post(base, '/openai/assistants', { model: 'gpt-4o' })
  const thread = await post(base, '/openai/threads', { messages: [{ role: 'user', content: 'Hi' }] })
  const before = timers()
  // The server's side of the streamed request: its socket closing is when the stream lets go of everything.
  const serverSocketClosed = new Promise<void>(resolve => {
    app.server.once('request', (incoming: IncomingMessage) => incoming.socket.once('close', () => setImmediate(resolve)))
  })

  const received = await new Promise<string>((resolve, reject) => {
    const req = request(`${base}/openai/threads/${thread.id}/runs?api-version=${V2}`, {
      method: 'POST', headers: { 'api-key': 'k', 'content-type': 'application/json' }
    }, res => {
      let text = ''
      res.setEncoding('utf8').on('data', (chunk: string) => {
        text += chunk
        if (text.includes('thread.run.queued')) {
          req.destroy() // the client goes away while the run is queued
          resolve(text)
        }
      })
    })
    req.on('error', err => { if (!req.destroyed) reject(err) })
    req.end(JSON.stringify({ assistant_id: assistant.id, stream: true }))
  })
  t.match(received, /event: thread\.run\.created/)
  t.equal(listeners(), 1, 'the open stream listened to the clock')
  await serverSocketClosed
  t.equal(listeners(), 0, 'no clock listener left')
  t.equal(app.runtime.tenants.shared.services.runs.watchedRuns(), 0, 'no run listener left')
  t.equal(timers(), before, 'no timer left')

  clock.advance(2000)
  const runs = await fetch(`${base}/openai/threads/${thread.id}/runs?api-version=${V2}`, { headers: { 'api-key': 'k' } }).then(r => r.json() as Promise<{ data: Array<{ status: string }> }>)
  t.equal(runs.data[0]?.status, 'completed', 'the run went on as if polled')
})

t.test('streamCutFor: the connection is dropped after N events, without done', async t => {
  const app = await buildApp(makeConfig({ logLevel: 'silent', queuedMs: 0, inProgressMs: 0 }), { clock: manualClock(), streamCutFor: () => 4 })
  t.teardown(() => app.close())
  const base = await app.listen({ host: '127.0.0.1', port: 0 })
  const assistant = await post(base, '/openai/assistants', { model: 'gpt-4o' })
  const thread = await post(base, '/openai/threads', { messages: [{ role: 'user', content: 'Hi' }] })
  const outcome = await new Promise<{ text: string, error: Error | null }>(resolve => {
    const req = request(`${base}/openai/threads/${thread.id}/runs?api-version=${V2}`, {
      method: 'POST', headers: { 'api-key': 'k', 'content-type': 'application/json' }
    }, res => {
      let text = ''
      res.setEncoding('utf8').on('data', (chunk: string) => { text += chunk })
      res.on('error', error => resolve({ text, error }))
      res.on('end', () => resolve({ text, error: null }))
    })
    req.end(JSON.stringify({ assistant_id: assistant.id, stream: true }))
  })
  const events = parseSse(outcome.text)
  t.same(events.map(e => e.event), ['thread.run.created', 'thread.run.queued', 'thread.run.in_progress', 'thread.run.step.created'])
  t.notOk(outcome.text.includes('[DONE]'))
  t.match(outcome.error, { code: 'ECONNRESET' }, 'the response ended abruptly')
})
