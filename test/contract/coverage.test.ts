/**
 * Walks every (method, path) of every official document and asserts the emulator serves it for that
 * document's api-version / flavour — the request reaches a route handler rather than the router's 404 —
 * and that operations an api-version does not have answer exactly as Azure does (404 "Resource not found").
 * (test/docs.test.ts checks that docs/endpoints.md shows exactly the matrix these walks are driven by.)
 */
import t from 'tap'
import { API_KEY, build, V1, V2, type Built } from '../helper.js'
import { COLUMNS, matrixRows, normalisePath, RESPONSES_COLUMNS, responsesRows } from './matrix.js'
import type { DocId } from './spec.js'

const RESOURCE_NOT_FOUND = '{"error":{"code":"404","message": "Resource not found"}}'

/** A concrete URL for a template: parameters become ids that exist nowhere (handlers answer "No … found"). */
function concrete (template: string): string {
  return template.replace(/\{([^}]+)\}/g, (_m, name: string) => `${name}_walker`)
}

async function send (built: Built, doc: DocId, method: string, path: string) {
  const payload = method === 'POST' ? {} : undefined
  if (doc === 'agents-v1') {
    return built.app.inject({
      method: method as 'GET',
      url: `/api/projects/walker${path}?api-version=v1`,
      headers: { authorization: `Bearer ${API_KEY}` },
      ...(payload ? { payload } : {})
    })
  }
  if (doc === 'openai-2024-06-20') {
    return built.app.inject({
      method: method as 'GET',
      url: `/v1${path}`,
      headers: { authorization: `Bearer ${API_KEY}`, 'openai-beta': 'assistants=v2' },
      ...(payload ? { payload } : {})
    })
  }
  return built.call({ method: method as 'GET', url: `/openai${path}`, apiVersion: doc === 'azure-2024-02-15-preview' ? V1 : V2, body: payload })
}

/** The router's own 404 (no route matched), per flavour. */
function isRouterNotFound (doc: DocId, res: { statusCode: number, body: string }): boolean {
  if (res.statusCode !== 404) return false
  if (doc === 'openai-2024-06-20') return /"message":"Invalid URL \(/.test(res.body)
  if (doc === 'agents-v1') return /"message":"Resource not found: /.test(res.body)
  return res.body === RESOURCE_NOT_FOUND
}

t.test('every documented operation is served for its document\'s version and flavour', async t => {
  const built = await build(t)
  const missing: string[] = []
  const wronglyServed: string[] = []
  const rows = matrixRows()
  t.ok(rows.length >= 40, `the matrix has the documents' operations (${rows.length} rows)`)
  for (const row of rows) {
    for (const { doc } of COLUMNS) {
      const res = await send(built, doc, row.method, concrete(row.path))
      const line = `${row.method} ${row.path} (${doc}) → ${res.statusCode} ${res.body.slice(0, 120)}`
      if (row.cells[doc] === 'absent') {
        // The Agents flavour serves every v2 operation, also those its document lacks (message deletion, …).
        if (doc === 'agents-v1') continue
        // Only Azure columns can lack an operation; the version before it answers as Azure does.
        if (!isRouterNotFound(doc, res) && res.body !== RESOURCE_NOT_FOUND) wronglyServed.push(line)
      } else if (isRouterNotFound(doc, res)) {
        missing.push(line)
      }
    }
  }
  t.same(missing, [], `not served (the router answered 404):\n${missing.join('\n')}`)
  t.same(wronglyServed, [], `served although the api-version does not have them:\n${wronglyServed.join('\n')}`)
})

t.test('the walker sees Azure\'s and OpenAI\'s path parameter names as one', async t => {
  t.equal(normalisePath('/vector_stores/{vectorStoreId}/files/{fileId}'), '/vector_stores/{vector_store_id}/files/{file_id}')
  t.equal(normalisePath('/threads/{thread_id}'), '/threads/{thread_id}')
})

t.test('every Responses operation is served on the doors the matrix says, and only there', async t => {
  const built = await build(t)
  const sendOn = (door: string, method: string, path: string) => {
    const payload = method === 'POST' ? {} : undefined
    const on = {
      openai: { url: `/v1${path}`, headers: { authorization: `Bearer ${API_KEY}` } },
      'azure-v1': { url: `/openai/v1${path}`, headers: { 'api-key': API_KEY } },
      azure: { url: `/openai${path}?api-version=2025-04-01-preview`, headers: { 'api-key': API_KEY } },
      foundry: { url: `/api/projects/walker/openai/v1${path}`, headers: { authorization: `Bearer ${API_KEY}` } }
    }[door]!
    return built.app.inject({ method: method as 'GET', url: on.url, headers: on.headers, ...(payload ? { payload } : {}) })
  }
  const routerNotFound = (door: string, res: { statusCode: number, body: string }) => res.statusCode === 404 &&
    (door === 'openai' ? /"message":"Invalid URL \(/.test(res.body) : door === 'foundry' ? /"message":"Resource not found: /.test(res.body) : res.body === RESOURCE_NOT_FOUND)
  const wrong: string[] = []
  const rows = responsesRows()
  t.ok(rows.length >= 15, `${rows.length} operations`)
  for (const row of rows) {
    for (const { door } of RESPONSES_COLUMNS) {
      const res = await sendOn(door, row.method, concrete(row.path))
      if ((row.cells[door] === true) === routerNotFound(door, res)) wrong.push(`${row.method} ${row.path} (${door}) → ${res.statusCode} ${res.body.slice(0, 120)}`)
    }
  }
  t.same(wrong, [], `served where the matrix says not, or the reverse:\n${wrong.join('\n')}`)
})
