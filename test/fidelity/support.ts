/** Every flavour behind one call shape, for the field-fidelity tables. */
import type { LightMyRequestResponse } from 'fastify'
import { API_KEY, multipart, type Built } from '../helper.js'

export type Flavour = 'azure' | 'openai' | 'agents'

export interface Api {
  readonly flavour: Flavour
  readonly label: string
  request (method: 'GET' | 'POST' | 'DELETE', path: string, body?: unknown): Promise<LightMyRequestResponse>
  upload (content: string, filename?: string, purpose?: string): Promise<string>
  /** The upload's raw answer (for refusals). */
  uploadResponse (content: string, filename: string, purpose?: string): Promise<LightMyRequestResponse>
}

/** The Foundry project the Agents flavour is reached through. */
const AGENTS_PREFIX = '/api/projects/proj1'

/**
 * Azure under `/openai?api-version=<version>`, OpenAI under `/v1` with its Bearer key and beta header, Foundry
 * Agents under `/api/projects/proj1?api-version=v1` with a Bearer token.
 */
export function api (built: Built, flavour: Flavour, apiVersion = '2025-04-01-preview'): Api {
  const request: Api['request'] = (method, path, body) => {
    if (flavour === 'azure') return built.call({ method, url: `/openai${path}`, body, apiVersion })
    const payload = body === undefined ? {} : { payload: body as string }
    if (flavour === 'agents') {
      return built.app.inject({ method, url: `${AGENTS_PREFIX}${path}${path.includes('?') ? '&' : '?'}api-version=v1`, headers: { authorization: 'Bearer token-1' }, ...payload })
    }
    return built.app.inject({ method, url: `/v1${path}`, headers: { authorization: `Bearer ${API_KEY}`, 'openai-beta': 'assistants=v2' }, ...payload })
  }
  const uploadResponse: Api['uploadResponse'] = (content, filename, purpose = 'assistants') => {
    const form = multipart([{ name: 'purpose', value: purpose }, { name: 'file', filename, content }])
    if (flavour === 'azure') return built.call({ method: 'POST', url: '/openai/files', body: form.body, headers: form.headers, apiVersion })
    const url = flavour === 'agents' ? `${AGENTS_PREFIX}/files?api-version=v1` : '/v1/files'
    const auth = flavour === 'agents' ? 'Bearer token-1' : `Bearer ${API_KEY}`
    return built.app.inject({ method: 'POST', url, payload: form.body, headers: { authorization: auth, ...form.headers } })
  }
  return {
    flavour,
    label: flavour === 'azure' ? `azure ${apiVersion}` : flavour === 'agents' ? 'agents v1' : 'openai /v1',
    request,
    uploadResponse,
    async upload (content, filename = 'notes.txt', purpose = 'assistants') {
      const res = await uploadResponse(content, filename, purpose)
      if (res.statusCode !== 200) throw new Error(`upload failed: ${res.statusCode} ${res.body}`)
      return res.json().id as string
    }
  }
}
