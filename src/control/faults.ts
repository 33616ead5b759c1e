/**
 * Fault injection: rules (from fixtures' `"faults"` or POST /_emulator/faults) that make matching requests
 * answer an error status, wait, lose their connection, or cut their event stream. A rule fires before any
 * route runs, so a request a fault answered changes no state.
 *
 * Rule: `{ match: { method?, path?, api_key? }, fault, times?, probability? }`. `path` is a glob over the path
 * without its query (`*` within one segment, `**` any number of segments; glob.ts), matched in linear time;
 * `api_key` is compared with the credential the request's door checks; `times` absent means every time;
 * `probability` (0–1, default 1) draws from the fault stream of the seeded random source.
 */
import { Type, type Static } from '@sinclair/typebox'
import type { FastifyRequest } from 'fastify'
import { pathOf } from '../api-surface.js'
import { Errors } from '../errors.js'
import { credentialOf } from '../gates/credentials.js'
import { compileGlob, GlobError } from './glob.js'
import type { Random } from './random.js'

const FaultSchema = Type.Union([
  Type.Object({
    type: Type.Literal('status'),
    status: Type.Integer({ minimum: 400, maximum: 599 }),
    /** Overrides the retry hint (retry-after-ms, and retry-after rounded up to seconds). */
    retry_after_ms: Type.Optional(Type.Integer({ minimum: 0, maximum: 3600000 }))
  }, { additionalProperties: false }),
  Type.Object({ type: Type.Literal('latency'), ms: Type.Integer({ minimum: 0, maximum: 600000 }) }, { additionalProperties: false }),
  Type.Object({ type: Type.Literal('drop') }, { additionalProperties: false }),
  Type.Object({ type: Type.Literal('stream_cut'), after_events: Type.Integer({ minimum: 0, maximum: 1000000 }) }, { additionalProperties: false })
])
export type Fault = Static<typeof FaultSchema>

export const FaultRuleSchema = Type.Object({
  match: Type.Object({
    method: Type.Optional(Type.String({ minLength: 1, maxLength: 16 })),
    path: Type.Optional(Type.String({ minLength: 1, maxLength: 2048 })),
    api_key: Type.Optional(Type.String({ minLength: 1, maxLength: 1024 }))
  }, { additionalProperties: false }),
  fault: FaultSchema,
  times: Type.Optional(Type.Integer({ minimum: 1 })),
  probability: Type.Optional(Type.Number({ minimum: 0, maximum: 1 }))
}, { additionalProperties: false })
export type FaultRule = Static<typeof FaultRuleSchema>

/** A rule as listed: its id, how often it fired, and how many firings are left (null: unlimited). */
export const StoredFaultRuleSchema = Type.Composite([
  Type.Object({ id: Type.String(), hits: Type.Integer(), remaining: Type.Union([Type.Integer(), Type.Null()]) }),
  FaultRuleSchema
])
export type StoredFaultRule = Static<typeof StoredFaultRuleSchema>

interface Entry {
  readonly rule: StoredFaultRule
  readonly matchesPath: (path: string) => boolean
}

export interface FaultSet {
  /** How many rules are in force (spent ones included). */
  readonly size: number
  /** Adds a rule; a path glob the matcher refuses (glob.ts) is the 400 `invalidFaultPath`, and adds nothing. */
  add (rule: FaultRule): StoredFaultRule
  list (): StoredFaultRule[]
  remove (id: string): boolean
  clear (): void
  /**
   * The fault that fires for `request` now, among rules whose fault is (or is not) a stream cut; a rule
   * that fires counts a hit. Undefined when none fires.
   */
  take (request: FastifyRequest, kind: 'request' | 'stream'): Fault | undefined
}

export function createFaultSet (random: Random): FaultSet {
  let entries: Entry[] = []
  let counter = 0
  return {
    get size () { return entries.length },
    add (rule) {
      const glob = rule.match.path
      let matchesPath: (path: string) => boolean = () => true
      if (glob !== undefined) {
        try {
          matchesPath = compileGlob(glob)
        } catch (err) {
          if (err instanceof GlobError) throw Errors.invalidFaultPath(err.message)
          throw err
        }
      }
      const stored: StoredFaultRule = { id: `fault_${++counter}`, hits: 0, remaining: rule.times ?? null, ...rule }
      entries.push({ rule: stored, matchesPath })
      return { ...stored }
    },
    list: () => entries.map(e => ({ ...e.rule })),
    remove (id) {
      const before = entries.length
      entries = entries.filter(e => e.rule.id !== id)
      return entries.length < before
    },
    clear () { entries = [] },
    take (request, kind) {
      const path = pathOf(request.url)
      // The credential the request's door checks (none on the control plane, which faults never touch).
      const door = request.door?.name ?? 'azure'
      const credential = door === 'emulator' ? undefined : credentialOf(door, request.headers)
      for (const entry of entries) {
        const { rule } = entry
        if ((rule.fault.type === 'stream_cut') !== (kind === 'stream')) continue
        if (rule.remaining === 0) continue
        if (rule.match.method !== undefined && rule.match.method.toUpperCase() !== request.method) continue
        if (rule.match.api_key !== undefined && rule.match.api_key !== credential) continue
        if (!entry.matchesPath(path)) continue
        if (rule.probability !== undefined && rule.probability < 1 && !(random.float() < rule.probability)) continue
        const fired = { ...rule, hits: rule.hits + 1, remaining: rule.remaining === null ? null : rule.remaining - 1 }
        entries = entries.map(e => e === entry ? { ...e, rule: fired } : e)
        return rule.fault
      }
      return undefined
    }
  }
}

/**
 * How many events the event stream answering `request` may send before it is cut (no `done`, socket
 * destroyed), or undefined to stream normally: the first `stream_cut` rule of the request's emulator that
 * matches. Call once, when the stream starts: a firing counts a hit.
 */
export function streamCutFor (request: FastifyRequest): number | undefined {
  const fault = request.server.runtime?.control.faults.take(request, 'stream')
  return fault?.type === 'stream_cut' ? fault.after_events : undefined
}
