/**
 * The inspector's first view: the clock, the store's use against its budget, what is in flight, the latest
 * failed requests, the fault rules and quotas in force, and the tenants. A detail view like any object's, so
 * the page draws it with the same code.
 */
import { isManualClock } from '../clock.js'
import { JOURNAL_SIZE } from '../control/journal.js'
import { ownerDigest } from '../control/tenants.js'
import { IN_FLIGHT_COLUMNS, type InspectorContext } from './kind.js'
import { KINDS } from './kinds/index.js'
import { code, earliest, json, link, status, time, type Cell, type DetailBody, type Row, type Section } from './view.js'

const IN_FLIGHT = 20
const FAILURES = 10

/** A size as people read it: `512 B`, `12.4 KiB`, `3.1 MiB`. */
const size = (n: number) => n < 1024 ? `${n} B` : n < 1024 * 1024 ? `${(n / 1024).toFixed(1)} KiB` : `${(n / 1024 / 1024).toFixed(1)} MiB`

/** A fault rule's `match` in one line, its key masked (a rule may name one). */
function matchText (match: { method?: string, path?: string, api_key?: string }): string {
  return [match.method ?? 'any method', match.path ?? '**', ...(match.api_key === undefined ? [] : ['(one api key)'])].join(' ')
}

/** What the budget evicted since start, by kind (GET /_emulator/store has the same counts). */
function evictedText ({ objects, bytes, byKind }: { objects: number, bytes: number, byKind: Readonly<Record<string, number>> }): string {
  if (objects === 0) return 'nothing'
  const kinds = Object.entries(byKind).filter(([, n]) => n > 0).map(([kind, n]) => `${n} ${kind}`).join(', ')
  return `${objects} objects (${size(bytes)}): ${kinds}`
}

export function overview (context: InspectorContext): DetailBody {
  const { runtime, tenants, now } = context
  const { config, control } = runtime
  // One budget over every tenant's store (--max-store-bytes): what all of them hold, against it.
  const used = runtime.budget.usedBytes
  const budget = runtime.budget.maxBytes
  const recorded = control.journal.recorded()
  // Every kind's objects in flight (runs; the Responses API's background responses), newest first.
  const live = KINDS.flatMap(kind => kind.inFlight?.(context) ?? []).sort((a, b) => b.at - a.at).slice(0, IN_FLIGHT).map(entry => entry.row)
  const failures = recorded.filter(r => r.status >= 400 || r.status === 0).slice(0, FAILURES).map((r): Row => {
    const entry = control.journal.present(r)
    const ref = `requests/${encodeURIComponent(entry.request_id)}`
    return {
      id: entry.request_id,
      ref,
      cells: { time: time(r.at), method: code(entry.method), path: link(entry.path, ref), status: status(entry.status === 0 ? 'dropped' : String(entry.status)) }
    }
  })
  const faults = control.faults.list()
  const usage = control.quotas.usage(now)
  const sections: Section[] = [
    { type: 'table', title: 'In flight', columns: IN_FLIGHT_COLUMNS, rows: live },
    {
      type: 'table',
      title: 'Latest failed requests',
      columns: [{ key: 'time', label: 'Time' }, { key: 'method', label: 'Method' }, { key: 'path', label: 'Path' }, { key: 'status', label: 'Status' }],
      rows: failures
    },
    {
      type: 'table',
      title: 'Fault rules',
      columns: [{ key: 'id', label: 'Rule' }, { key: 'match', label: 'Matches' }, { key: 'fault', label: 'Fault' }, { key: 'hits', label: 'Hits' }, { key: 'remaining', label: 'Remaining' }],
      rows: faults.map(rule => ({
        id: rule.id,
        ref: null,
        cells: {
          id: code(rule.id),
          match: code(matchText(rule.match)),
          fault: json(rule.fault),
          hits: rule.hits,
          remaining: rule.remaining === null ? 'every time' : rule.remaining
        }
      }))
    }
  ]
  if (control.quotas.enabled) {
    sections.push({
      type: 'table',
      title: `Quotas: ${config.rateLimitRpm === 0 ? 'no request limit' : `${config.rateLimitRpm} requests`}, ${config.rateLimitTpm === 0 ? 'no token limit' : `${config.rateLimitTpm} tokens`} per key per minute`,
      columns: [{ key: 'key', label: 'Api key (digest)' }, { key: 'requests', label: 'Requests in the last minute' }, { key: 'tokens', label: 'Tokens in the last minute' }],
      rows: usage.map(use => {
        const owner = use.owner === '' ? '(no key)' : `${ownerDigest(use.owner).slice(0, 19)}…`
        return { id: owner, ref: null, cells: { key: code(owner), requests: use.requests, tokens: use.tokens } }
      })
    })
  }
  if (tenants.length > 1) {
    sections.push({
      type: 'table',
      title: 'Tenants (--isolate-by-key)',
      columns: [{ key: 'owner', label: 'Owner' }, { key: 'threads', label: 'Threads' }, { key: 'assistants', label: 'Assistants' }, { key: 'bytes', label: 'Stored' }],
      rows: tenants.map(tenant => ({
        id: tenant.owner,
        ref: null,
        cells: {
          owner: code(tenant.owner === '' ? '(shared)' : tenant.owner),
          threads: tenant.store.threads.list().length,
          assistants: tenant.store.assistants.list().length,
          bytes: { type: 'bytes', bytes: tenant.store.usedBytes }
        }
      }))
    })
  }
  const storeUse: Cell = { type: 'meter', value: used, max: budget, text: `${size(used)} of ${size(budget)}` }
  return {
    title: 'Overview',
    status: null,
    trail: [],
    fields: [
      { label: 'clock', value: code(isManualClock(runtime.clock) ? 'virtual' : 'real') },
      { label: 'emulator time', value: time(now) },
      { label: 'store use', value: storeUse },
      { label: 'evicted', value: evictedText(runtime.budget.evicted) },
      { label: 'in flight', value: live.length },
      { label: 'requests kept', value: `${recorded.length} of the last ${JOURNAL_SIZE}` },
      { label: 'bodies kept', value: config.journalBodyBytes === 0 ? 'none (--journal-body-bytes 0)' : `the first ${config.journalBodyBytes} bytes of each` }
    ],
    sections,
    actions: [],
    next_change_at: earliest(live.map(row => row.next_change_at))
  }
}
