/**
 * The API surface in one table: the front doors the emulator serves (where each lives, how it is checked,
 * the envelope its errors use, what it answers for a route it does not have), `classify` (which door a
 * request came through, decided once per request by the pipeline), and what each route is available on.
 *
 * Adding a front door is adding a row to FRONT_DOORS (and a gate in src/gates/ if it checks requests its own
 * way); adding an api-version is adding a row to src/api-versions.ts. Routes say where they are served as
 * data, in their `config.available` (see `Availability`), checked by the pipeline's gate step.
 */
import type { Generation, RequestApiVersion } from './api-versions.js'
import { compareApiVersions } from './api-versions.js'
import { ApiError, Errors, type Envelope } from './errors.js'
import { adminGate } from './gates/admin.js'
import { agentsGate } from './gates/agents.js'
import { azureGate } from './gates/azure.js'
import type { Gate, GateDeps } from './gates/gate.js'
import { openAIGate } from './gates/openai.js'

/** Which API a request speaks: Azure's under /openai, OpenAI's own under /v1, or Foundry Agents' under /api/projects/{project}. */
export type Flavour = 'azure' | 'openai' | 'agents'

/** A front door: the API flavours, and the emulator's own control plane (`emulator`). */
export interface FrontDoor {
  readonly name: Flavour | 'emulator'
  /** The route prefix it is registered under (Fastify syntax). */
  readonly prefix: string
  /** Whether a path (query removed, duplicate slashes collapsed) belongs to it. */
  readonly owns: (path: string) => boolean
  /** The envelope its errors are rendered in (errors.ts). */
  readonly envelope: Envelope
  /** What it answers a method and path it has no route for (the path as the client sent it, without the query). */
  readonly notFound: (method: string, path: string) => ApiError
  /** Its checks before any of its routes runs (src/gates/). */
  readonly makeGate: (deps: GateDeps) => Gate
}

/** Where the Agents flavour lives: the path of a Foundry project endpoint. */
const AGENTS_PREFIX = '/api/projects/:project'
export const CONTROL_PREFIX = '/_emulator'

const under = (prefix: RegExp) => (path: string) => prefix.test(path)

/** The control plane (/_emulator): OpenAI's envelope, unknown routes included (docs/control-plane.md). */
export const CONTROL_DOOR: FrontDoor = {
  name: 'emulator', prefix: CONTROL_PREFIX, owns: under(/^\/_emulator(\/|$)/), envelope: 'openai', notFound: Errors.invalidUrl, makeGate: adminGate
}

/** The API front doors, most specific prefix first: `classify` takes the first that owns a path. */
export const FRONT_DOORS: readonly FrontDoor[] = [
  // Foundry Agents: every error in the AgentV1Error envelope, which is all @azure/ai-agents can read.
  {
    name: 'agents',
    prefix: AGENTS_PREFIX,
    owns: under(/^\/api\/projects\/[^/]+(\/|$)/),
    envelope: 'agents',
    notFound: Errors.agentsRouteNotFound,
    makeGate: agentsGate
  },
  { name: 'openai', prefix: '/v1', owns: under(/^\/v1(\/|$)/), envelope: 'openai', notFound: Errors.invalidUrl, makeGate: openAIGate },
  { name: 'azure', prefix: '/openai', owns: under(/^\/openai(\/|$)/), envelope: 'azure', notFound: () => Errors.resourceNotFound(), makeGate: azureGate }
]

const door = (name: Flavour): FrontDoor => FRONT_DOORS.find(d => d.name === name)!
/** Anything outside every door is answered the Azure way (the emulator stands in for an Azure resource). */
const FALLBACK_DOOR = door('azure')

/** The request path without its query, duplicate slashes collapsed (as the router sees it). */
export const pathOf = (url: string): string => (url.split('?')[0] ?? '').replace(/\/{2,}/g, '/')

/** The front door a URL (or path) came through; the control plane's for /_emulator, Azure's for anything unknown. */
export function classify (url: string): FrontDoor {
  const path = pathOf(url)
  if (CONTROL_DOOR.owns(path)) return CONTROL_DOOR
  return FRONT_DOORS.find(d => d.owns(path)) ?? FALLBACK_DOOR
}

/**
 * Where a route is served, as route data (`config: { available }`). Absent: on every API door, every version.
 * - `doors`: the doors that have the route at all. Elsewhere it answers as a route that does not exist (the
 *   door's `notFound`), before the door's own checks, exactly like an unrouted path.
 * - `generations` / `azureSince`: the api-versions that serve it. Another version answers the door's
 *   `notFound` after the door's checks (api-version and credentials come first, as on the service).
 */
export interface Availability {
  readonly doors?: readonly Flavour[]
  readonly generations?: readonly Generation[]
  /** The first Azure api-version that has it (api-versions.ts constants). */
  readonly azureSince?: string
}

/** Whether a route with `available` exists on the door named `name` at all. */
export function hasRoute (available: Availability | undefined, name: FrontDoor['name']): boolean {
  return available?.doors === undefined || (available.doors as readonly string[]).includes(name)
}

/** Whether a route with `available` serves the request's api-version. */
export function serves (available: Availability | undefined, served: RequestApiVersion): boolean {
  if (available === undefined) return true
  if (available.generations !== undefined && !available.generations.includes(served.generation)) return false
  return available.azureSince === undefined || served.flavour !== 'azure' || compareApiVersions(served.version, available.azureSince) >= 0
}

declare module 'fastify' {
  interface FastifyContextConfig {
    /** Where the route is served (api-surface.ts `Availability`). */
    available?: Availability
    /** A control-plane route that needs no admin key (health, ready, the TLS certificate). */
    open?: boolean
    /**
     * An inspector route (/_emulator/ui and its data): logged at debug level and never in the requests journal,
     * which the page's own refreshes would otherwise fill.
     */
    quiet?: boolean
  }
}
