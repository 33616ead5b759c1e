/**
 * The JSON body parser (the only content type the API routes accept; the files route adds multipart in its
 * own scope): an empty body is no body (SDKs post `cancel` with a JSON content type and nothing else), a
 * body nested deeper than MAX_JSON_DEPTH is refused before any code that recurses sees it.
 */
import type { FastifyInstance } from 'fastify'
import { Errors } from '../errors.js'

/** Deepest JSON nesting accepted: deeper bodies are refused before they reach code that recurses. */
export const MAX_JSON_DEPTH = 64

/** How deeply `text` nests objects and arrays (strings and their escapes skipped), in one pass. */
function jsonDepth (text: string): number {
  let depth = 0
  let deepest = 0
  let inString = false
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i)
    if (inString) {
      if (c === 92) i++ // backslash: skip the escaped character
      else if (c === 34) inString = false
    } else if (c === 34) {
      inString = true
    } else if (c === 123 || c === 91) {
      deepest = Math.max(deepest, ++depth)
    } else if (c === 125 || c === 93) {
      depth--
    }
  }
  return deepest
}

/** Replaces Fastify's parsers (it also parses text/plain) with this one: anything but JSON is a 400 naming its type. */
export function installJsonBodyParser (app: FastifyInstance): void {
  app.removeAllContentTypeParsers()
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (request, body, done) => {
    const text = body as string
    // Kept for the requests journal (http/pipeline.ts step 10), which keeps the first bytes of it.
    request.bodyText = text
    if (text.trim() === '') return done(null, undefined)
    if (jsonDepth(text) > MAX_JSON_DEPTH) return done(Errors.bodyTooDeep(MAX_JSON_DEPTH), undefined)
    try {
      done(null, JSON.parse(text))
    } catch {
      done(Errors.invalidJson(), undefined)
    }
  })
}
