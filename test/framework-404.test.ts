/**
 * Requests the router itself refuses (a path parameter over its length limit, a URL that cannot be decoded)
 * get the unrouted 404 of the path's flavour, like any other unknown path.
 */
import t from 'tap'
import { build } from './helper.js'

t.test('router refusals answer in the envelope of the path\'s flavour', async t => {
  const { app } = await build(t)
  const headers = { authorization: 'Bearer k', 'api-key': 'k' }
  const long = `/v1/threads/thread_${'a'.repeat(120)}`
  const v1 = await app.inject({ url: long, headers })
  t.equal(v1.statusCode, 404)
  t.same(v1.json(), { error: { message: `Invalid URL (GET ${long})`, type: 'invalid_request_error', param: null, code: null } })
  const undecodable = await app.inject({ url: '/v1/threads/thread_%ZZ', headers })
  t.same(undecodable.json().error.message, 'Invalid URL (GET /v1/threads/thread_%ZZ)')
  const agents = await app.inject({ url: `/api/projects/${'p'.repeat(101)}/assistants?api-version=v1`, headers })
  t.equal(agents.statusCode, 404)
  t.match(agents.json(), { error: { message: /^Resource not found: GET \/api\/projects\//, type: 'invalid_request_error' } })
  const azure = await app.inject({ url: '/openai/threads/thread_%ZZ?api-version=2024-05-01-preview', headers })
  t.equal(azure.body, '{"error":{"code":"404","message": "Resource not found"}}')
})
