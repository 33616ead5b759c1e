/**
 * The inspector's live updates: GET /_emulator/inspector/events over a real socket (a `change` after an API
 * request and after an in-process clock advance; closing the emulator ends the stream at once), and the change
 * feed itself (one timer only while a stream is open, streams that go away are forgotten).
 */
import t from 'tap'
import { manualClock } from '../../src/clock.js'
import { createRequestJournal } from '../../src/control/journal.js'
import { createFaultSet } from '../../src/control/faults.js'
import { seededRandom } from '../../src/control/random.js'
import { createChangeFeed } from '../../src/inspector/changes.js'
import type { Runtime } from '../../src/runtime.js'
import { startEmulator } from '../../src/index.js'

/** Reads server-sent events from a response body; `next(name)` waits for the next event of that name. */
function events (body: ReadableStream<Uint8Array>) {
  const reader = body.getReader()
  const decoder = new TextDecoder()
  let buffer = ''
  return {
    async next (name: string): Promise<{ event: string, data: unknown }> {
      for (;;) {
        const end = buffer.indexOf('\n\n')
        if (end >= 0) {
          const message = buffer.slice(0, end)
          buffer = buffer.slice(end + 2)
          const event = /^event: (.*)$/m.exec(message)?.[1]
          const data = /^data: (.*)$/m.exec(message)?.[1]
          if (event === name) return { event, data: JSON.parse(data!) }
          continue
        }
        const { value, done } = await reader.read()
        if (done) throw new Error(`the stream ended before a ${name} event`)
        buffer += decoder.decode(value, { stream: true })
      }
    },
    async ended (): Promise<boolean> {
      for (;;) {
        const { done } = await reader.read()
        if (done) return true
      }
    }
  }
}

t.test('GET /_emulator/inspector/events: change after a request and after a virtual clock moves; close() ends it', async t => {
  const emulator = await startEmulator({ clock: 'virtual' })
  const response = await fetch(`${emulator.url}/_emulator/inspector/events`)
  t.equal(response.status, 200)
  t.equal(response.headers.get('content-type'), 'text/event-stream; charset=utf-8')
  const stream = events(response.body!)
  const ready = await stream.next('ready')
  t.match(ready.data, { revision: 0, now: emulator.clock.now() })

  await fetch(`${emulator.url}/openai/assistants?api-version=2024-05-01-preview`, { headers: { 'api-key': 'k' } })
  t.match((await stream.next('change')).data, { revision: 1 })
  emulator.clock.advance(1000)
  t.match((await stream.next('change')).data, { revision: 2, now: emulator.clock.now() }, 'an in-process advance, with no request')
  emulator.reset()
  t.match((await stream.next('change')).data, { revision: 3 }, 'a reset')

  const closing = emulator.close()
  t.equal(await stream.ended(), true, 'the stream ends when the emulator closes')
  await closing
})

t.test('the change feed: one timer while streams are open, streams that go away are forgotten', async t => {
  const clock = manualClock()
  const journal = createRequestJournal()
  const faults = createFaultSet(seededRandom(1, 2))
  const runtime = { clock, control: { journal, faults }, tenants: { list: () => [] } } as unknown as Pick<Runtime, 'clock' | 'control' | 'tenants'>
  const feed = createChangeFeed(runtime)
  t.equal(feed.size, 0)
  const first = feed.open()
  const second = feed.open()
  t.equal(feed.size, 2)
  first.destroy()
  t.equal(feed.size, 1, 'a client that went away is forgotten')
  let text = ''
  const changed = new Promise<void>(resolve => second.on('data', (chunk: string) => {
    text += chunk
    if (text.includes('event: change')) resolve()
  }))
  faults.add({ match: {}, fault: { type: 'drop' } })
  // The feed's timer never holds the process open (a server's socket does): this test holds it meanwhile.
  const hold = setInterval(() => {}, 1000)
  await changed
  clearInterval(hold)
  t.match(text, /^retry: 2000\n\nevent: ready\ndata: \{"revision":0,"now":\d+\}\n\nevent: change\ndata: \{"revision":1,"now":\d+\}\n\n$/, 'a change for a new fault rule')
  const ended = new Promise(resolve => second.on('end', resolve))
  feed.close()
  await ended
  t.equal(feed.size, 0)
})
