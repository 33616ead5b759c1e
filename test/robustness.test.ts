/**
 * Bad input of any kind gets a 4xx in the API's own envelope — never a 500, never Fastify's default body —
 * and leaves the store as it was.
 */
import t from 'tap'
import { MAX_JSON_DEPTH } from '../src/http/json-body.js'
import { build, V1 } from './helper.js'

const json = { 'content-type': 'application/json', 'api-key': 'k' }

t.test('hostile requests', async t => {
  const { app } = await build(t)
  const nested = (depth: number) => '{"a":'.repeat(depth) + '1' + '}'.repeat(depth)
  const cases = [
    { name: 'undecodable URL', method: 'GET', url: `/openai/threads/%E0%A4%A?api-version=${V1}`, status: 404 },
    { name: 'unknown method', method: 'PROPFIND', url: `/openai/threads?api-version=${V1}`, status: 404 },
    { name: 'deeply nested array', method: 'POST', url: `/openai/threads?api-version=${V1}`, payload: '['.repeat(100_000) + ']'.repeat(100_000), status: 400 },
    {
      name: 'deeply nested function parameters',
      method: 'POST',
      url: `/openai/assistants?api-version=${V1}`,
      payload: `{"model":"x","tools":[{"type":"function","function":{"name":"f","parameters":${nested(5000)}}}]}`,
      status: 400
    },
    { name: 'prototype key', method: 'POST', url: `/openai/threads?api-version=${V1}`, payload: '{"__proto__": {"x": 1}}', status: 400 },
    { name: 'a JSON string body', method: 'POST', url: `/openai/threads?api-version=${V1}`, payload: '"str"', status: 400 },
    { name: 'a JSON null body', method: 'POST', url: `/openai/assistants?api-version=${V1}`, payload: 'null', status: 400 },
    { name: 'a huge number as limit', method: 'GET', url: `/openai/threads/x/runs?api-version=${V1}&limit=1e400`, status: 400 },
    { name: 'a repeated limit', method: 'GET', url: `/openai/threads/x/runs?api-version=${V1}&limit=5&limit=6`, status: 400 },
    { name: 'garbage JSON', method: 'POST', url: `/openai/threads?api-version=${V1}`, payload: '{"a":', status: 400 },
    { name: 'a lone surrogate in a string', method: 'POST', url: `/openai/threads?api-version=${V1}`, payload: '{"metadata":{"k":"\\ud800"}}', status: 200 }
  ] as const
  for (const c of cases) {
    const res = await app.inject({ method: c.method, url: c.url, headers: json, ...('payload' in c ? { payload: c.payload } : {}) })
    t.equal(res.statusCode, c.status, `${c.name}: ${res.statusCode}`)
    const body = res.json()
    t.notOk('statusCode' in body, `${c.name}: not Fastify's default body`)
    t.ok(typeof body.error === 'object' || c.status === 200, `${c.name}: an error envelope`)
  }
  t.equal(app.runtime.tenants.shared.store.assistants.list().length, 0, 'no assistant was stored')
  t.equal(app.runtime.tenants.shared.store.threads.list().length, 1, 'only the valid thread was stored')
})

t.test(`bodies up to ${MAX_JSON_DEPTH} levels deep are accepted`, async t => {
  const { app } = await build(t)
  // An object schema (the service refuses any other `parameters`), nested deep below its root.
  const parameters = '{"type":"object","x":' + '{"a":'.repeat(MAX_JSON_DEPTH - 6) + '1' + '}'.repeat(MAX_JSON_DEPTH - 6) + '}'
  const res = await app.inject({
    method: 'POST',
    url: `/openai/assistants?api-version=${V1}`,
    headers: json,
    payload: `{"model":"x","tools":[{"type":"function","function":{"name":"f","parameters":${parameters}}}]}`
  })
  t.equal(res.statusCode, 200)
  const tooDeep = '{"a":'.repeat(MAX_JSON_DEPTH + 1) + '1' + '}'.repeat(MAX_JSON_DEPTH + 1)
  const refused = await app.inject({ method: 'POST', url: `/openai/threads?api-version=${V1}`, headers: json, payload: `{"metadata":${tooDeep}}` })
  t.equal(refused.statusCode, 400)
  t.equal(refused.json().error.message, `The JSON body of your request is nested too deeply: at most ${MAX_JSON_DEPTH} levels of objects and arrays are accepted.`)
  const stringsDoNotCount = await app.inject({ method: 'POST', url: `/openai/threads?api-version=${V1}`, headers: json, payload: JSON.stringify({ metadata: { k: '[[[['.repeat(150) } }) })
  t.equal(stringsDoNotCount.statusCode, 400, 'a long value is refused for its length, not its brackets')
  t.equal(stringsDoNotCount.json().error.code, 'string_above_max_length')
})
