/**
 * A Foundry project's OpenAI v1 API (`/api/projects/{project}/openai/v1`) over TLS with a Bearer token: the
 * official `openai` package made as @azure/ai-projects' `getOpenAIClient()` makes it (a token provider, no
 * api-version), in a child process that trusts the emulator's generated certificate through
 * NODE_EXTRA_CA_CERTS. The token is an HS256 JWT for `https://ai.azure.com` (the emulator runs with
 * --jwt-secret); one for Azure OpenAI's audience is refused. Every answer is checked against the Foundry
 * document (OpenAI's with Foundry's additions) in the parent.
 */
import { createHmac } from 'node:crypto'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import t from 'tap'
import { buildApp } from '../../src/app.js'
import { makeConfig } from '../../src/config.js'
import { prepareTls } from '../../src/tls.js'
import { contractInspector } from '../contract/inspect.js'
import { runScript } from '../support/process.js'

const FLOW = fileURLToPath(new URL('./foundry/flow.mjs', import.meta.url))
const SECRET = 'foundry-jwt-secret'

function jwt (audience: string): string {
  const part = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url')
  const unsigned = `${part({ alg: 'HS256', typ: 'JWT' })}.${part({ aud: audience, exp: Math.floor(Date.now() / 1000) + 3600 })}`
  return `${unsigned}.${createHmac('sha256', SECRET).update(unsigned).digest('base64url')}`
}

t.test('the openai package on a Foundry project, over TLS, with a Bearer token', async t => {
  const dir = mkdtempSync(join(tmpdir(), 'aoai-foundry-tls-'))
  t.teardown(() => rmSync(dir, { recursive: true, force: true }))
  const tls = (await prepareTls(makeConfig({ tls: true, tlsDir: dir })))!
  const app = await buildApp(makeConfig({ logLevel: 'silent', queuedMs: 20, inProgressMs: 40, jwtSecret: SECRET }), { tls, inspectResponse: contractInspector(t) })
  t.teardown(() => app.close())
  await app.listen({ host: '127.0.0.1', port: 0 })
  const { port } = app.server.address() as { port: number }
  const endpoint = `https://localhost:${port}/api/projects/demo`
  const caFile = join(dir, 'ca.pem')
  writeFileSync(caFile, tls.cert)

  const refused = await app.inject({ method: 'POST', url: '/api/projects/demo/openai/v1/responses', headers: { authorization: `Bearer ${jwt('https://cognitiveservices.azure.com')}` }, payload: { model: 'm', input: 'x' } })
  t.equal(refused.statusCode, 401, 'a token for Azure OpenAI is not one for a Foundry project')

  const result = await runScript(FLOW, { FOUNDRY_ENDPOINT: endpoint, FOUNDRY_TOKEN: jwt('https://ai.azure.com'), NODE_EXTRA_CA_CERTS: caFile })
  t.equal(result.code, 0, result.stdout + result.stderr.slice(-2000))
  const facts = JSON.parse(result.stdout)
  t.same(facts.created, { status: 'completed', text: 'You said: "Hello from a Foundry project". This is a reply from the Azure OpenAI Assistants emulator.', agent_reference: null })
  t.same(facts.streamed.status, 'completed')
  t.equal(facts.conversation.response, facts.conversation.id)
  t.same(facts.conversation.items, ['message', 'message', 'message'])
  t.equal(facts.background, 'completed')
  const journal = app.runtime.control.journal.list(3)
  t.ok(journal.every(entry => entry.flavour === 'foundry'), 'the journal names the door')
})
