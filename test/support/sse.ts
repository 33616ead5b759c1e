/** Reading server-sent events in tests, with a maintained SSE parser (eventsource-parser). */
import { createParser } from 'eventsource-parser'
import type { Readable } from 'node:stream'

export interface ParsedEvent {
  readonly event: string
  /** Parsed JSON, or the raw text (`[DONE]`). */
  readonly data: any
}

/** Every message of an SSE body, in order. */
export function parseSse (text: string): ParsedEvent[] {
  const events: ParsedEvent[] = []
  const parser = createParser({
    onEvent ({ event, data }) {
      let parsed: unknown = data
      try { parsed = JSON.parse(data) } catch {}
      events.push({ event: event ?? 'message', data: parsed })
    }
  })
  parser.feed(text)
  return events
}

/** Event names, with runs of the same delta event shown once (`thread.message.delta*`). */
export function eventNames (events: readonly ParsedEvent[]): string[] {
  const names: string[] = []
  for (const { event } of events) {
    const collapsed = event.endsWith('.delta') ? `${event}*` : event
    if (!(collapsed.endsWith('*') && names.at(-1) === collapsed)) names.push(collapsed)
  }
  return names
}

/** The text an open response stream has delivered so far, and when it ends. */
export function collect (stream: Readable) {
  let text = ''
  stream.setEncoding('utf8').on('data', (chunk: string) => { text += chunk })
  const ended = new Promise<void>((resolve, reject) => {
    stream.on('end', resolve)
    stream.on('error', reject)
  })
  return {
    get text () { return text },
    events: () => parseSse(text),
    ended
  }
}

/** Lets pending stream writes reach the reader. */
export async function flush (rounds = 5): Promise<void> {
  for (let i = 0; i < rounds; i++) await new Promise(resolve => setImmediate(resolve))
}
