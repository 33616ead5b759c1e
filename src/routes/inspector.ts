/**
 * The inspector (docs/control-plane.md#inspector): a page at /_emulator/ui (every view of it has its own URL
 * below it) and the data it draws, under /_emulator/inspector. Guarded like the rest of the control plane
 * (gates/admin.ts: the admin key, also as a browser's Basic password) and absent with `--no-admin`. Its routes
 * are `quiet`: never in the requests journal, which the page's own refreshes would fill.
 *
 * Every data answer is a view (inspector/view.ts) plus `navigation`: the kinds with their counts.
 */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import type { FastifyReply } from 'fastify'
import { Type } from '@sinclair/typebox'
import { Errors } from '../errors.js'
import { UI_ASSETS, uiFile } from '../inspector/assets.js'
import { createInspector } from '../inspector/index.js'
import type { AnyKind, ViewQuery } from '../inspector/kind.js'

/**
 * Only this origin's files, no inline script or style, no frames: the page shows what clients stored (message
 * texts, file contents), which must never run as code, and it must work with nothing but the emulator.
 */
const CONTENT_SECURITY_POLICY = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; connect-src 'self'; " +
  "base-uri 'none'; form-action 'self'; frame-ancestors 'none'"

const Segment = Type.String({ minLength: 1, maxLength: 512 })
/** `q`, the list cursors and `limit`, `tenant`, a kind's filters and section pages: any short string. */
const ViewQuerySchema = Type.Object({
  q: Type.Optional(Type.String({ maxLength: 4096 })),
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 100 })),
  after: Type.Optional(Type.String({ maxLength: 512 })),
  before: Type.Optional(Type.String({ maxLength: 512 })),
  tenant: Type.Optional(Type.String({ maxLength: 512 }))
})

const quiet = { quiet: true }

const inspectorRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const inspector = createInspector(app.runtime)
  // Open event streams end when the app closes: close() never waits for a browser tab.
  app.addHook('preClose', done => {
    inspector.changes.close()
    done()
  })

  const page = async (_request: unknown, reply: FastifyReply) => reply
    .type('text/html; charset=utf-8')
    .header('cache-control', 'no-cache')
    .header('content-security-policy', CONTENT_SECURITY_POLICY)
    .header('x-content-type-options', 'nosniff')
    .header('referrer-policy', 'no-referrer')
    .send(await uiFile('index.html'))

  /** GET /_emulator/ui — the inspector page: the overview. */
  app.get('/ui', { config: quiet }, page)
  /** GET /_emulator/ui/{view} — the same page, showing the view its path names (`/_emulator/ui/threads/thread_1`). */
  app.get('/ui/*', { config: quiet }, page)

  /** GET /_emulator/ui/assets/{name} — the page's script, styles and icon. */
  app.get('/ui/assets/:name', { config: quiet, schema: { params: Type.Object({ name: Segment }) } }, async (request, reply) => {
    const type = Object.hasOwn(UI_ASSETS, request.params.name) ? UI_ASSETS[request.params.name] : undefined
    if (type === undefined) throw Errors.invalidUrl(request.method, request.url.split('?')[0] ?? '')
    return reply.type(type).header('cache-control', 'no-cache').header('x-content-type-options', 'nosniff')
      .send(await uiFile(request.params.name))
  })

  const kindOf = (name: string, method: string, url: string): AnyKind => {
    const kind = inspector.kind(name)
    if (kind === undefined) throw Errors.invalidUrl(method, url.split('?')[0] ?? '')
    return kind
  }
  const withNavigation = <V extends object>(view: V) => ({ ...view, navigation: inspector.navigation() })

  /** GET /_emulator/inspector/overview — the clock, store use, runs in flight, failed requests, faults, quotas. */
  app.get('/inspector/overview', { config: quiet }, async () => withNavigation(inspector.overview()))

  /** GET /_emulator/inspector/events — server-sent `change` events whenever a view may have changed. */
  app.get('/inspector/events', { config: quiet }, async (_request, reply) => reply
    .type('text/event-stream; charset=utf-8')
    .header('cache-control', 'no-cache')
    .send(inspector.changes.open()))

  /** GET /_emulator/inspector/{kind} — a page of the kind's objects, newest first (`q`, filters, `after`/`before`, `limit`). */
  app.get('/inspector/:kind', {
    config: quiet, schema: { params: Type.Object({ kind: Segment }), querystring: ViewQuerySchema }
  }, async (request) => withNavigation(inspector.list(kindOf(request.params.kind, request.method, request.url), request.query as ViewQuery)))

  /** GET /_emulator/inspector/{kind}/{id} — one object (`tenant` names its owner with --isolate-by-key). */
  app.get('/inspector/:kind/:id', {
    config: quiet, schema: { params: Type.Object({ kind: Segment, id: Segment }), querystring: ViewQuerySchema }
  }, async (request) => {
    const { kind, id } = request.params
    return withNavigation(await inspector.detail(kindOf(kind, request.method, request.url), id, request.query as ViewQuery))
  })

  /** GET /_emulator/inspector/{kind}/{id}/{child}/{child_id} — one of an object's children (a thread's run). */
  app.get('/inspector/:kind/:id/:child/:child_id', {
    config: quiet,
    schema: { params: Type.Object({ kind: Segment, id: Segment, child: Segment, child_id: Segment }), querystring: ViewQuerySchema }
  }, async (request) => {
    const { kind: name, id, child, child_id: childId } = request.params
    const kind = kindOf(name, request.method, request.url)
    if (kind.children?.[child] === undefined) throw Errors.invalidUrl(request.method, request.url.split('?')[0] ?? '')
    return withNavigation(await inspector.detail(kind, id, request.query as ViewQuery, { name: child, id: childId }))
  })
}

export default inspectorRoutes
