/** The SSE writer on its own: failures become an error event, a cut at zero events, a source that waits. */
import t from 'tap'
import { Writable } from 'node:stream'
import { manualClock } from '../../src/clock.js'
import { Errors } from '../../src/errors.js'
import { eventStream, formatEvent, type EventSource } from '../../src/http/sse.js'

const internalError = Errors.internal('azure', 'req-1')
import { collect, flush } from '../support/sse.js'

t.test('an unexpected failure is an error event with the masked server error, then the end', async t => {
  const source: EventSource = { pull () { throw new Error('boom') } }
  const errors: unknown[] = []
  const stream = collect(eventStream(source, { clock: manualClock(), onError: err => errors.push(err), internalError }))
  await stream.ended
  t.equal(stream.text, formatEvent('error', {
    error: {
      message: 'The server had an error processing your request. Sorry about that! You can retry your request, or contact us through an ' +
        'Azure support request at: https://go.microsoft.com/fwlink/?linkid=2213926 if you keep seeing this error. (Please include the ' +
        'request ID req-1 in your email.)',
      type: 'server_error',
      param: null,
      code: null
    }
  }))
  t.match(errors, [{ message: 'boom' }])
})

t.test('a source with nothing due and no time to wait for waits for a wake-up', async t => {
  const clock = manualClock()
  let wake = () => {}
  let calls = 0
  const source: EventSource = {
    pull: () => ++calls < 3 ? { events: [], done: false, nextAt: null } : { events: [{ event: 'x', data: { n: 1 } }], done: true, nextAt: null }
  }
  let unsubscribed = false
  const stream = collect(eventStream(source, { clock, watch: w => { wake = w; return () => { unsubscribed = true } }, internalError }))
  await flush()
  t.equal(stream.text, '')
  wake()
  await flush()
  t.equal(stream.text, '')
  wake()
  await stream.ended
  t.equal(stream.text, 'event: x\ndata: {"n":1}\n\nevent: done\ndata: [DONE]\n\n')
  t.ok(unsubscribed)
})

t.test('cutAfterEvents 0 cuts before anything is sent', async t => {
  let cut = 0
  const source: EventSource = { pull: () => ({ events: [{ event: 'x', data: 1 }], done: true, nextAt: null }) }
  const readable = eventStream(source, { clock: manualClock(), cutAfterEvents: 0, cut: () => { cut++; readable.destroy() }, internalError })
  readable.resume()
  await flush()
  t.equal(cut, 1)
})

/** A source of `total` events all due now, `size` bytes of data each, that logs its pulls. */
function dueNow (total: number, size: number, log: (pulled: number) => void): EventSource {
  let next = 0
  return {
    pull (max) {
      const events = Array.from({ length: Math.min(max, total - next) }, (_, i) => ({ event: 'x', data: { n: next + i, pad: '.'.repeat(size) } }))
      next += events.length
      log(events.length)
      return { events, done: next === total, nextAt: null }
    }
  }
}

t.test('streams opened together: each one\'s first slice goes out before any second, then round robin', async t => {
  const clock = manualClock()
  const pulls: number[] = []
  const streams = Array.from({ length: 30 }, (_, i) =>
    collect(eventStream(dueNow(200, 10, () => pulls.push(i)), { clock, internalError })))
  await Promise.all(streams.map(s => s.ended))
  t.same(new Set(pulls.slice(0, 30)).size, 30, 'the first 30 pulls are one per stream')
  // Round robin: at every pull, the stream pulled has had no more pulls than any other stream still going.
  const counts = new Array<number>(30).fill(0)
  const total = Math.ceil(200 / 16)
  let fair = true
  for (const i of pulls) {
    const going = counts.filter(n => n < total)
    if (counts[i]! > Math.min(...going)) fair = false
    counts[i]!++
  }
  t.ok(fair, 'no stream is pulled again before every other one still going has been')
  t.ok(streams.every(s => s.events().length === 201), 'each stream has its 200 events and done')
})

t.test('a stream whose consumer does not read is not pulled for while the others go on', async t => {
  const clock = manualClock()
  let stalledPulls = 0
  let stalledEvents = 0
  const stalled = eventStream(dueNow(5000, 100, n => { stalledPulls++; stalledEvents += n }), { clock, internalError })
  // A client that never takes what it is sent: its first write stays pending, the rest wait in its buffer.
  stalled.pipe(new Writable({ highWaterMark: 1024, write () {} }))
  const others = Array.from({ length: 3 }, () => collect(eventStream(dueNow(2000, 100, () => {}), { clock, internalError })))
  await Promise.all(others.map(s => s.ended))
  await flush(20)
  t.ok(others.every(s => s.events().length === 2001), 'the other streams got all their events')
  t.ok(stalledPulls <= 2, `the stalled stream was pulled ${stalledPulls} times (${stalledEvents} of its 5000 events) while the others sent 2000 each`)
  // The clock's jumps wake streams; they do not pull for one whose consumer has not asked for more.
  clock.advance(1000)
  await flush()
  t.ok(stalledPulls <= 2, 'nor after a wake-up')
  stalled.destroy()
})
