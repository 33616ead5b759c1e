/**
 * Every check of a request's input, in the one order the service applies them (the pipeline's checks step,
 * http/pipeline.ts, calls `checkRequest` before the handler):
 * 1. path parameters, then the query string, against the route's schemas (schema.ts; numeric query strings
 *    converted);
 * 2. on the API doors: the form of every id in the path (ids.ts);
 * 3. the body against the route's schema for the request's generation and api-version (schema.ts; no body is
 *    an empty object: SDKs post `cancel` and `create thread` without one);
 * 4. on the API doors: the form of every id in the body (ids.ts), then tool definitions and response formats
 *    (tool-definitions.ts).
 * The JSON nesting depth is refused earlier, by the body parser (http/json-body.ts). That the files and
 * vector stores a body names exist is checked by the services, against the tenant's store, just before they
 * store anything (references.ts).
 */
import type { FastifyRequest } from 'fastify'
import { checkBodyIds, checkPathIds } from './ids.js'
import { validate } from './schema.js'
import { checkToolDefinitions } from './tool-definitions.js'

export function checkRequest (request: FastifyRequest): void {
  const schema = request.routeOptions.schema
  if (schema?.params) request.params = validate(schema.params, request.params, { generation: 'any', convertStrings: true })
  if (schema?.querystring) request.query = validate(schema.querystring, request.query, { generation: 'any', convertStrings: true })
  // The control plane's routes have no api-version: their bodies are checked as they are.
  if (request.apiVersion === null) {
    if (schema?.body) request.body = validate(schema.body, request.body ?? {}, { generation: 'any' })
    return
  }
  checkPathIds(request.params, request.apiVersion)
  if (!schema?.body) return
  const { flavour, version, generation } = request.apiVersion
  request.body = validate(schema.body, request.body ?? {}, { generation, apiVersion: flavour === 'azure' ? version : undefined })
  checkBodyIds(request.body, request.apiVersion)
  checkToolDefinitions(request.body, request.apiVersion)
}
