/**
 * The test control plane under /_emulator (never under an API door): JSON, no api-version, no API key.
 * `--no-admin` leaves only health, ready and the TLS certificate (the open routes); `--admin-key` requires
 * `x-emulator-admin-key` on the rest (gates/admin.ts). docs/control-plane.md has a curl example of each. The
 * inspector page and its data (routes/inspector.ts) are admin routes like these.
 */
import { Readable } from 'node:stream'
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { Type } from '@sinclair/typebox'
import { isManualClock, MAX_CLOCK_MS } from '../clock.js'
import { advanceResponse } from '../control/response-advance.js'
import { advanceRun } from '../control/run-advance.js'
import { FaultRuleSchema, StoredFaultRuleSchema, type FaultRule } from '../control/faults.js'
import { JOURNAL_SIZE, JournalEntrySchema } from '../control/journal.js'
import { importState, stateDocumentText, StateDocumentSchema, yieldingChunks, type StateDocument } from '../control/state.js'
import { Errors } from '../errors.js'
import { presentResponse } from '../presenters/response.js'
import { presentRun } from '../presenters/run.js'
import { RESPONSE_STATUSES } from '../responses/course.js'
import { ResponseObjectSchema } from '../schemas/response.js'
import { RUN_STATUSES, RunSchema } from '../schemas/run.js'
import { ROOT_KINDS } from '../store/memory-store.js'
import inspectorRoutes from './inspector.js'

const ClockSchema = Type.Object({
  mode: Type.Union([Type.Literal('real'), Type.Literal('virtual')]),
  now: Type.Integer({ description: 'ms since the epoch' })
})
const AdvanceClockBodySchema = Type.Object({ ms: Type.Integer({ minimum: 0, maximum: 10 * 365 * 24 * 3600 * 1000 }) }, { additionalProperties: false })
const AdvanceRunBodySchema = Type.Object({
  to: Type.Optional(Type.Union(RUN_STATUSES.map(status => Type.Literal(status))))
}, { additionalProperties: false })
const AdvanceResponseBodySchema = Type.Object({
  to: Type.Optional(Type.Union(RESPONSE_STATUSES.map(status => Type.Literal(status))))
}, { additionalProperties: false })
const StatusSchema = Type.Object({ status: Type.String() })
const KindCountsSchema = Type.Object(Object.fromEntries(ROOT_KINDS.map(kind => [kind, Type.Integer({ minimum: 0 })])))
/** GET /_emulator/store: the one budget over every tenant's store, and what it has evicted. */
const StoreStatsSchema = Type.Object({
  max_bytes: Type.Union([Type.Integer({ minimum: 0 }), Type.Null()], { description: '--max-store-bytes; null when unbounded' }),
  used_bytes: Type.Integer({ description: 'what every tenant\'s stored objects weigh now' }),
  tenants: Type.Integer({ minimum: 1 }),
  evicted: Type.Object({
    objects: Type.Integer({ minimum: 0, description: 'top-level objects evicted since start (each with its children)' }),
    bytes: Type.Integer({ minimum: 0 }),
    by_kind: KindCountsSchema,
    recent: Type.Array(Type.Object({ kind: Type.String(), id: Type.String(), bytes: Type.Integer() }), { description: 'the last evicted objects, oldest first' })
  })
})
/** A state document may hold every stored file: it may be as large as the store. */
const STATE_BODY_LIMIT = 1024 * 1024 * 1024

const emulatorRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const { config, clock, control, tenants, tls } = app.runtime

  /** GET /_emulator/health — liveness for containers and test harnesses; no auth, no api-version. */
  app.get('/health', {
    config: { open: true },
    schema: { response: { 200: { type: 'object', properties: { status: { type: 'string' } }, required: ['status'] } } }
  }, async () => ({ status: 'ok' }))

  /** GET /_emulator/ready — 200 once the server listens (fixtures are loaded before routes exist), 503 before. */
  app.get('/ready', { config: { open: true }, schema: { response: { 200: StatusSchema, 503: StatusSchema } } }, async (_request, reply) => {
    const ready = app.server.listening
    return reply.code(ready ? 200 : 503).send({ status: ready ? 'ready' : 'starting' })
  })

  if (tls) {
    /** GET /_emulator/tls/certificate — the PEM certificate being served, for NODE_EXTRA_CA_CERTS; no auth. */
    app.get('/tls/certificate', {
      config: { open: true },
      schema: { response: { 200: { type: 'string' } } }
    }, async (_request, reply) => reply.type('application/x-pem-file')
      .header('x-aoai-emulator-certificate-path', tls.certificatePath).send(tls.cert))
  }

  if (config.noAdmin) return
  await app.register(inspectorRoutes)

  const clockView = () => ({ mode: isManualClock(clock) ? 'virtual' as const : 'real' as const, now: clock.now() })

  /** GET /_emulator/clock — the emulator's time and whether it is virtual. */
  app.get('/clock', { schema: { response: { 200: ClockSchema } } }, async () => clockView())

  /** POST /_emulator/clock/advance — moves a virtual clock forward by `ms`; every derived status follows. */
  app.post('/clock/advance', { schema: { body: AdvanceClockBodySchema, response: { 200: ClockSchema } } }, async (request) => {
    if (!isManualClock(clock)) {
      throw Errors.emulatorConflict('The clock is real: it cannot be advanced. Start the emulator with --clock virtual to control time.')
    }
    // The clock never passes the end of year 9999: beyond it a Date (and the `date` header) is invalid.
    const room = MAX_CLOCK_MS - clock.now()
    if (request.body.ms > room) throw Errors.numberOutOfRange('ms', 'maximum', Math.max(room, 0), request.body.ms)
    clock.advance(request.body.ms)
    return clockView()
  })

  /** POST /_emulator/runs/{run_id}/advance — moves one run to its next status, or on to `to`. */
  app.post('/runs/:run_id/advance', {
    schema: { params: Type.Object({ run_id: Type.String() }), body: AdvanceRunBodySchema, response: { 200: RunSchema } }
  }, async (request) => {
    const { run_id: runId } = request.params
    for (const { store, services } of tenants.list()) {
      const thread = store.threads.list().find(th => store.runs.get(th.id, runId) !== undefined)
      if (thread === undefined) continue
      services.runs.settleThread(thread.id)
      const run = store.runs.get(thread.id, runId)!
      const { run: advanced, shiftedMs } = advanceRun(run, clock.now(), request.body.to)
      store.runs.put(thread.id, advanced)
      for (const id of run.writtenMessageIds) {
        const message = store.messages.get(thread.id, id)
        if (message) store.messages.put(thread.id, { ...message, createdAt: message.createdAt - shiftedMs })
      }
      return presentRun(services.runs.get(thread.id, runId), 'v2')
    }
    throw Errors.notFound('run', runId)
  })

  /** POST /_emulator/responses/{response_id}/advance — moves one response to its next status, or on to `to`. */
  app.post('/responses/:response_id/advance', {
    schema: { params: Type.Object({ response_id: Type.String() }), body: AdvanceResponseBodySchema, response: { 200: ResponseObjectSchema } }
  }, async (request) => {
    const { response_id: responseId } = request.params
    for (const { store, services } of tenants.list()) {
      const record = store.responses.get(responseId)
      if (record === undefined || !record.store) continue
      store.responses.put(advanceResponse(record, clock.now(), request.body.to))
      services.responses.notify(responseId)
      return presentResponse(services.responses.current(responseId), 'openai')
    }
    throw Errors.responseNotFound(responseId)
  })

  /** POST /_emulator/reset — empties every store, seeds the fixtures again; faults back to the fixtures'. */
  app.post('/reset', { schema: { response: { 204: Type.Null() } } }, async (_request, reply) => {
    control.reset()
    return reply.code(204).send(null)
  })

  /** GET /_emulator/store — the store budget over every tenant, what it holds, and what was evicted (kinds, counts, the last ids). */
  app.get('/store', { schema: { response: { 200: StoreStatsSchema } } }, async () => {
    const { budget } = app.runtime
    const evicted = budget.evicted
    return {
      max_bytes: Number.isFinite(budget.maxBytes) ? budget.maxBytes : null,
      used_bytes: budget.usedBytes,
      tenants: tenants.list().length,
      evicted: { objects: evicted.objects, bytes: evicted.bytes, by_kind: evicted.byKind, recent: budget.recent() }
    }
  })

  /**
   * GET /_emulator/state — every object of every tenant as one versioned document, streamed a chunk at a time
   * (control/state.ts `stateDocumentText`): a large state neither holds other requests up nor sits in memory
   * whole. The schema documents the shape; a stream is not serialised.
   */
  app.get('/state', { schema: { response: { 200: StateDocumentSchema } } }, async (_request, reply) => {
    const document = Readable.from(yieldingChunks(stateDocumentText(tenants.list(), clock.now())))
    return reply.type('application/json; charset=utf-8').send(document as unknown as StateDocument)
  })

  /** PUT /_emulator/state — replaces the state with a document; a bad one is a 400 that changes nothing. */
  app.put('/state', { bodyLimit: STATE_BODY_LIMIT, schema: { response: { 204: Type.Null() } } }, async (request, reply) => {
    const { now, stores } = await importState(request.body, app.runtime.makeStore)
    tenants.replace(stores)
    if (isManualClock(clock)) clock.set(now)
    return reply.code(204).send(null)
  })

  /** GET /_emulator/requests — the most recent requests, newest first. */
  app.get('/requests', {
    schema: {
      querystring: Type.Object({ limit: Type.Optional(Type.Integer({ minimum: 1, maximum: JOURNAL_SIZE })) }),
      response: { 200: Type.Object({ object: Type.Literal('list'), data: Type.Array(JournalEntrySchema) }) }
    }
  }, async (request) => ({ object: 'list' as const, data: control.journal.list(request.query.limit) }))

  /** DELETE /_emulator/requests — clears the journal. */
  app.delete('/requests', { schema: { response: { 204: Type.Null() } } }, async (_request, reply) => {
    control.journal.clear()
    return reply.code(204).send(null)
  })

  /** POST /_emulator/faults — adds one rule; answers it with its id. */
  app.post('/faults', { schema: { body: FaultRuleSchema, response: { 201: StoredFaultRuleSchema } } }, async (request, reply) =>
    reply.code(201).send(control.faults.add(request.body as FaultRule)))

  /** GET /_emulator/faults — the rules with their hits and remaining firings. */
  app.get('/faults', {
    schema: { response: { 200: Type.Object({ object: Type.Literal('list'), data: Type.Array(StoredFaultRuleSchema) }) } }
  }, async () => ({ object: 'list' as const, data: control.faults.list() }))

  /** DELETE /_emulator/faults — removes every rule. */
  app.delete('/faults', { schema: { response: { 204: Type.Null() } } }, async (_request, reply) => {
    control.faults.clear()
    return reply.code(204).send(null)
  })

  /** DELETE /_emulator/faults/{id} — removes one rule. */
  app.delete('/faults/:id', {
    schema: { params: Type.Object({ id: Type.String() }), response: { 204: Type.Null() } }
  }, async (request, reply) => {
    if (!control.faults.remove(request.params.id)) throw Errors.faultRuleNotFound(request.params.id)
    return reply.code(204).send(null)
  })
}

export default emulatorRoutes
