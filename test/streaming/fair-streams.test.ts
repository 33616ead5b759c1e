/**
 * Many streams at once over real sockets (issue #20): every stream's first events go out with the request that
 * created its run, before any open stream has been sent more than a few slices of its course, and every stream
 * still gets its whole course. Counted in events, never timed.
 */
import t from 'tap'
import { Agent, request } from 'node:http'
import { V2, listen } from '../helper.js'

const STREAMS = 12
const HEADERS = { 'api-key': 'k', 'content-type': 'application/json' }

t.test('12 streamed runs at once: each one\'s first event arrives before any stream has more than a few slices', async t => {
  // A reply of 400 one-token words: about 400 deltas per stream, all due at once (zero timings).
  const reply = Array.from({ length: 400 }, (_, i) => ['alpha', 'beta', 'gamma', 'delta'][i % 4]).join(' ')
  const emulator = await listen(t, {
    queuedMs: 0,
    inProgressMs: 0,
    streamChunkMs: 0,
    fixtures: { assistants: [{ id: 'asst_fair', model: 'gpt-4o' }], scenarios: [{ match: { assistant_id: 'asst_fair' }, steps: [{ reply }] }] }
  })
  const agent = new Agent({ keepAlive: true, maxSockets: STREAMS })
  t.teardown(() => agent.destroy())
  const call = (path: string, body: unknown) => new Promise<any>((resolve, reject) => {
    const req = request(`${emulator.url}${path}?api-version=${V2}`, { method: 'POST', agent, headers: HEADERS }, res => {
      let text = ''
      res.setEncoding('utf8').on('data', (chunk: string) => { text += chunk }).on('end', () => resolve(JSON.parse(text)))
    })
    req.on('error', reject)
    req.end(JSON.stringify(body))
  })
  // The threads are made concurrently, which opens one kept-alive connection per stream: the streamed requests
  // below all reach the server together.
  const threads = await Promise.all(Array.from({ length: STREAMS }, (_, i) => call('/openai/threads', { messages: [{ role: 'user', content: `hi ${i}` }] })))

  const counts = new Array<number>(STREAMS).fill(0)
  let started = 0
  let mostWhenAllStarted = -1
  const streams = threads.map((thread, i) => new Promise<string>((resolve, reject) => {
    const req = request(`${emulator.url}/openai/threads/${thread.id}/runs?api-version=${V2}`, { method: 'POST', agent, headers: HEADERS }, res => {
      let text = ''
      res.setEncoding('utf8').on('data', (chunk: string) => {
        if (text === '' && ++started === STREAMS) mostWhenAllStarted = Math.max(...counts)
        text += chunk
        counts[i] = text.split('\n\n').length - 1
      }).on('end', () => resolve(text))
    })
    req.on('error', reject)
    req.end(JSON.stringify({ assistant_id: 'asst_fair', stream: true }))
  }))
  const texts = await Promise.all(streams)

  const total = texts[0]!.split('\n\n').length - 1
  t.ok(total > 400, `each stream has its whole course (${total} events)`)
  t.same(texts.map(text => text.split('\n\n').length - 1), new Array(STREAMS).fill(total), 'every stream got every event')
  t.ok(texts.every(text => text.endsWith('event: done\ndata: [DONE]\n\n')), 'and ended with done')
  // Written one whole stream after another, the first stream would have all of its events before the last one's
  // request was read; shared fairly, each has its first slice and a few more.
  t.ok(mostWhenAllStarted >= 0 && mostWhenAllStarted <= total / 5,
    `when the last stream's first event arrived, no stream had more than ${mostWhenAllStarted} of its ${total} events`)
})
