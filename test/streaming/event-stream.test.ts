/** The SSE writer on its own: failures become an error event, a cut at zero events, a source that waits. */
import t from 'tap'
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
