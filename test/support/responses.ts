/** Responses API test helpers: requests on each front door, and streams read and checked against the spec. */
import type { Test } from 'tap'
import type { InjectOptions, LightMyRequestResponse } from 'fastify'
import type { Built } from '../helper.js'
import { checkStreamEvent, type Flavour } from '../contract/spec.js'
import { parseSse } from './sse.js'

/** How each door is called: its path prefix and credentials (the SDKs' own: Bearer, api-key, a Foundry token). */
export const DOORS: Readonly<Record<'openai' | 'azure-v1' | 'foundry', { prefix: string, headers: Record<string, string> }>> = {
  openai: { prefix: '/v1', headers: { authorization: 'Bearer sk-test' } },
  'azure-v1': { prefix: '/openai/v1', headers: { 'api-key': 'test-key' } },
  foundry: { prefix: '/api/projects/p1/openai/v1', headers: { authorization: 'Bearer foundry-token' } }
}

/** A request on a door (default `/v1`); a body is sent as JSON. */
export function on (built: Built, door: keyof typeof DOORS = 'openai') {
  const { prefix, headers } = DOORS[door]
  return (method: InjectOptions['method'], path: string, body?: unknown): Promise<LightMyRequestResponse> =>
    built.app.inject({ method, url: `${prefix}${path}`, headers, ...(body === undefined ? {} : { payload: body as InjectOptions['payload'] }) })
}

/**
 * The events of a Responses stream body, each checked: its `event:` name is its `type`, its `sequence_number`
 * follows the one before (from `first`), and it matches the document's schema for its type (test/contract).
 */
export function responseEvents (t: Test, body: string, flavour: Flavour = 'openai', first = 0): any[] {
  const parsed = parseSse(body)
  parsed.forEach(({ event, data }, i) => {
    if (event !== data?.type) t.fail(`event ${i}: named ${event}, typed ${String(data?.type)}`)
    if (data?.sequence_number !== first + i) t.fail(`event ${i} (${event}): sequence_number ${String(data?.sequence_number)}, expected ${first + i}`)
    const result = checkStreamEvent(flavour, data)
    if (!result.ok) t.fail(`event contract (${event}): ${result.errors.join('\n  ')}\n  ${JSON.stringify(data).slice(0, 1500)}`)
  })
  return parsed.map(({ data }) => data)
}

/** Event types in order, runs of the same delta shown once (`response.output_text.delta*`). */
export function eventTypes (events: ReadonlyArray<{ type: string }>): string[] {
  const types: string[] = []
  for (const { type } of events) {
    const collapsed = type.endsWith('.delta') ? `${type}*` : type
    if (!(collapsed.endsWith('*') && types.at(-1) === collapsed)) types.push(collapsed)
  }
  return types
}
