/**
 * The test control plane under /_emulator (never under /openai or /v1): JSON, no api-version, no API key.
 * `--no-admin` leaves only health (app.ts) and ready; `--admin-key` requires `x-emulator-admin-key` on the
 * rest. See the README's "Test control plane" for a curl example of each.
 */
import type { FastifyPluginAsyncTypebox, TypeBoxTypeProvider } from '@fastify/type-provider-typebox'
import { Type } from '@sinclair/typebox'
import { isManualClock, MAX_CLOCK_MS } from '../clock.js'
import { advanceRun } from '../control/run-advance.js'
import { FaultRuleSchema, StoredFaultRuleSchema, type FaultRule } from '../control/faults.js'
import { JOURNAL_SIZE, JournalEntrySchema } from '../control/journal.js'
import { exportState, importState, StateDocumentSchema } from '../control/state.js'
import { Errors } from '../errors.js'
import { isAcceptedKey } from '../plugins/azure-gate.js'
import { RUN_STATUSES, RunSchema } from '../schemas/run.js'
import { presentRun } from '../services/runs.js'
import type { Store } from '../store/store.js'
import { validate } from '../validation.js'

const ClockSchema = Type.Object({
  mode: Type.Union([Type.Literal('real'), Type.Literal('virtual')]),
  now: Type.Integer({ description: 'ms since the epoch' })
})
const AdvanceClockBodySchema = Type.Object({ ms: Type.Integer({ minimum: 0, maximum: 10 * 365 * 24 * 3600 * 1000 }) }, { additionalProperties: false })
const AdvanceRunBodySchema = Type.Object({
  to: Type.Optional(Type.Union(RUN_STATUSES.map(status => Type.Literal(status))))
}, { additionalProperties: false })
const ReadySchema = Type.Object({ status: Type.String() })
const ADMIN_KEY_HEADER = 'x-emulator-admin-key'
/** A state document may hold every stored file: it may be as large as the store. */
const STATE_BODY_LIMIT = 1024 * 1024 * 1024

export interface EmulatorRouteOptions {
  /** Whether fixtures are loaded (they are, by the time routes exist; kept explicit for the ready check). */
  readonly fixturesLoaded: () => boolean
  readonly makeStore: () => Store
}

const emulatorRoutes: FastifyPluginAsyncTypebox<EmulatorRouteOptions> = async (app, options) => {
  const { config, clock, control, services } = app

  /** GET /_emulator/ready — 200 once fixtures are loaded and the server listens, 503 before. */
  app.get('/ready', { schema: { response: { 200: ReadySchema, 503: ReadySchema } } }, async (_request, reply) => {
    const ready = options.fixturesLoaded() && app.server.listening
    return reply.code(ready ? 200 : 503).send({ status: ready ? 'ready' : 'starting' })
  })

  if (config.noAdmin) return

  await app.register(async (plugin) => {
    const admin = plugin.withTypeProvider<TypeBoxTypeProvider>()
    admin.addHook('onRequest', async (request) => {
      if (config.adminKey === null) return
      const given = request.headers[ADMIN_KEY_HEADER]
      if (typeof given !== 'string' || !isAcceptedKey(given, [config.adminKey])) throw Errors.adminKeyRequired()
    })
    admin.addHook('preHandler', async (request) => {
      const bodySchema = request.routeOptions.schema?.body
      if (bodySchema) request.body = validate(bodySchema, request.body ?? {}, { generation: 'any' })
    })

    const clockView = () => ({ mode: isManualClock(clock) ? 'virtual' as const : 'real' as const, now: clock.now() })

    /** GET /_emulator/clock — the emulator's time and whether it is virtual. */
    admin.get('/clock', { schema: { response: { 200: ClockSchema } } }, async () => clockView())

    /** POST /_emulator/clock/advance — moves a virtual clock forward by `ms`; every derived status follows. */
    admin.post('/clock/advance', { schema: { body: AdvanceClockBodySchema, response: { 200: ClockSchema } } }, async (request) => {
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
    admin.post('/runs/:run_id/advance', {
      schema: { params: Type.Object({ run_id: Type.String() }), body: AdvanceRunBodySchema, response: { 200: RunSchema } }
    }, async (request) => {
      const { run_id: runId } = request.params
      for (const [, store] of control.tenants.entries()) {
        const thread = store.threads.list().find(th => store.runs.get(th.id, runId) !== undefined)
        if (thread === undefined) continue
        return control.inScope({ store, random: control.idRandom }, () => {
          services.runs.settleThread(thread.id)
          const run = store.runs.get(thread.id, runId)!
          const { run: advanced, shiftedMs } = advanceRun(run, clock.now(), request.body.to)
          store.runs.put(thread.id, advanced)
          for (const id of run.writtenMessageIds) {
            const message = store.messages.get(thread.id, id)
            if (message) store.messages.put(thread.id, { ...message, createdAt: message.createdAt - shiftedMs })
          }
          return presentRun(services.runs.get(thread.id, runId), 'v2')
        })
      }
      throw Errors.notFound('run', runId)
    })

    /** POST /_emulator/reset — empties every store, seeds the fixtures again; faults back to the fixtures'. */
    admin.post('/reset', { schema: { response: { 204: Type.Null() } } }, async (_request, reply) => {
      control.reset()
      return reply.code(204).send(null)
    })

    /** GET /_emulator/state — every object of every tenant as one versioned document. */
    admin.get('/state', { schema: { response: { 200: StateDocumentSchema } } }, async () =>
      exportState(control.tenants.entries(), clock.now()))

    /** PUT /_emulator/state — replaces the state with a document; a bad one is a 400 that changes nothing. */
    admin.put('/state', { bodyLimit: STATE_BODY_LIMIT, schema: { response: { 204: Type.Null() } } }, async (request, reply) => {
      const { now, stores } = await importState(request.body, options.makeStore)
      control.tenants.replace(stores)
      if (isManualClock(clock)) clock.set(now)
      return reply.code(204).send(null)
    })

    /** GET /_emulator/requests — the most recent requests, newest first. */
    admin.get('/requests', {
      schema: {
        querystring: Type.Object({ limit: Type.Optional(Type.Integer({ minimum: 1, maximum: JOURNAL_SIZE })) }),
        response: { 200: Type.Object({ object: Type.Literal('list'), data: Type.Array(JournalEntrySchema) }) }
      }
    }, async (request) => ({ object: 'list' as const, data: control.journal.list(request.query.limit) }))

    /** DELETE /_emulator/requests — clears the journal. */
    admin.delete('/requests', { schema: { response: { 204: Type.Null() } } }, async (_request, reply) => {
      control.journal.clear()
      return reply.code(204).send(null)
    })

    /** POST /_emulator/faults — adds one rule; answers it with its id. */
    admin.post('/faults', { schema: { body: FaultRuleSchema, response: { 201: StoredFaultRuleSchema } } }, async (request, reply) =>
      reply.code(201).send(control.faults.add(request.body as FaultRule)))

    /** GET /_emulator/faults — the rules with their hits and remaining firings. */
    admin.get('/faults', {
      schema: { response: { 200: Type.Object({ object: Type.Literal('list'), data: Type.Array(StoredFaultRuleSchema) }) } }
    }, async () => ({ object: 'list' as const, data: control.faults.list() }))

    /** DELETE /_emulator/faults — removes every rule. */
    admin.delete('/faults', { schema: { response: { 204: Type.Null() } } }, async (_request, reply) => {
      control.faults.clear()
      return reply.code(204).send(null)
    })

    /** DELETE /_emulator/faults/{id} — removes one rule. */
    admin.delete('/faults/:id', {
      schema: { params: Type.Object({ id: Type.String() }), response: { 204: Type.Null() } }
    }, async (request, reply) => {
      if (!control.faults.remove(request.params.id)) throw Errors.faultRuleNotFound(request.params.id)
      return reply.code(204).send(null)
    })
  })
}

export default emulatorRoutes
