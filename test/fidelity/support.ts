/** Both flavours behind one call shape, for the field-fidelity tables. */
import type { LightMyRequestResponse } from 'fastify'
import { API_KEY, multipart, type Built } from '../helper.js'

export type Flavour = 'azure' | 'openai'

export interface Api {
  readonly flavour: Flavour
  readonly label: string
  request (method: 'GET' | 'POST' | 'DELETE', path: string, body?: unknown): Promise<LightMyRequestResponse>
  upload (content: string, filename?: string): Promise<string>
}

/** Azure under `/openai?api-version=<version>`, OpenAI under `/v1` with its Bearer key and beta header. */
export function api (built: Built, flavour: Flavour, apiVersion = '2025-04-01-preview'): Api {
  const request: Api['request'] = (method, path, body) => flavour === 'azure'
    ? built.call({ method, url: `/openai${path}`, body, apiVersion })
    : built.app.inject({
      method,
      url: `/v1${path}`,
      headers: { authorization: `Bearer ${API_KEY}`, 'openai-beta': 'assistants=v2' },
      ...(body === undefined ? {} : { payload: body as string })
    })
  return {
    flavour,
    label: flavour === 'azure' ? `azure ${apiVersion}` : 'openai /v1',
    request,
    async upload (content, filename = 'notes.txt') {
      const form = multipart([{ name: 'purpose', value: 'assistants' }, { name: 'file', filename, content }])
      const res = flavour === 'azure'
        ? await built.call({ method: 'POST', url: '/openai/files', body: form.body, headers: form.headers, apiVersion })
        : await built.app.inject({ method: 'POST', url: '/v1/files', payload: form.body, headers: { authorization: `Bearer ${API_KEY}`, ...form.headers } })
      if (res.statusCode !== 200) throw new Error(`upload failed: ${res.statusCode} ${res.body}`)
      return res.json().id as string
    }
  }
}
