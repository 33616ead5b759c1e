/**
 * What every front door's gate is: the checks a request passes before any route runs (its api-version, its
 * credentials). It sets `request.apiVersion` as soon as the version is known (an error answer is then
 * described by it too), or throws the door's own error. The pipeline
 * (http/pipeline.ts) runs the gate of the request's door; the doors and their gates are listed in api-surface.ts.
 */
import type { FastifyReply, FastifyRequest } from 'fastify'
import type { RequestApiVersion } from '../api-versions.js'
import type { Clock } from '../clock.js'
import type { Config } from '../config.js'

export interface GateDeps {
  readonly config: Config
  readonly clock: Clock
}

/** Checks one request and sets `request.apiVersion`; throws the ApiError its door answers. May set response headers (a warning). */
export type Gate = (request: FastifyRequest, reply: FastifyReply) => void

declare module 'fastify' {
  interface FastifyRequest {
    /** The request's flavour and api-version, set by its door's gate before any API route runs. */
    apiVersion: RequestApiVersion
  }
}

/** Response header saying which api-version was served in place of the one requested (lenient and off modes). */
export const WARNING_HEADER = 'x-aoai-emulator-warning'
