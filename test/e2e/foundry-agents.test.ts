/**
 * Foundry's new agents with @azure/ai-projects 2.x, unmodified, over TLS: the certificate is the one the emulator
 * generates (`tls: true`, kept in a temporary --tls-dir), trusted by the SDK's process through NODE_EXTRA_CA_CERTS,
 * and the credential is a static TokenCredential object. The SDK runs in a child process
 * (test/e2e/foundry-agents/flow.mjs): agent versions (createVersion, get, list, deleteVersion, …), and through
 * `project.getOpenAIClient()` conversations, responses with the README's `{ body: { agent } }`, streaming,
 * background mode and a function-tool round trip; then the migration example: a classic agent (@azure/ai-agents)
 * and its new-agent equivalent answering alike against one emulator (fixtures/migration.json). Every answer the
 * SDKs receive is checked against its contract (the new agents': derived from spec/foundry-tsp).
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import t from 'tap'
import { buildApp } from '../../src/app.js'
import { makeConfig } from '../../src/config.js'
import { loadFixtures } from '../../src/fixtures.js'
import { prepareTls } from '../../src/tls.js'
import { contractInspector } from '../contract/inspect.js'
import { runScript } from '../support/process.js'

const FLOW = fileURLToPath(new URL('./foundry-agents/flow.mjs', import.meta.url))
const fixtures = loadFixtures(fileURLToPath(new URL('../../fixtures/migration.json', import.meta.url)))

t.test('@azure/ai-projects 2.x against the emulator over TLS', async t => {
  const dir = mkdtempSync(join(tmpdir(), 'aoai-foundry-agents-tls-'))
  t.teardown(() => rmSync(dir, { recursive: true, force: true }))
  const tls = (await prepareTls(makeConfig({ tls: true, tlsDir: dir })))!
  const app = await buildApp(makeConfig({ logLevel: 'silent', queuedMs: 20, inProgressMs: 40 }), { fixtures, tls, inspectResponse: contractInspector(t) })
  t.teardown(() => app.close())
  await app.listen({ host: '127.0.0.1', port: 0 })
  const { port } = app.server.address() as { port: number }
  const caFile = join(dir, 'ca.pem')
  writeFileSync(caFile, tls.cert)

  const run = await runScript(FLOW, { FOUNDRY_ENDPOINT: `https://localhost:${port}/api/projects/demo`, NODE_EXTRA_CA_CERTS: caFile })
  const result = { code: run.code, lines: run.stdout.trim().split('\n'), stderr: run.stderr }
  t.equal(result.code, 0, result.lines.filter(line => line.startsWith('not ok')).join('\n') + result.stderr.slice(-2000))
  const facts = new Map(result.lines.flatMap(line => {
    const match = /^ok (\w+) (.*)$/.exec(line)
    return match === null ? [] : [[match[1]!, JSON.parse(match[2]!)]]
  }))

  t.same(facts.get('versions'), {
    first: { id: 'helper:1', version: '1', metadata: { team: 'a' }, description: 'First', kind: 'prompt' },
    second: 'helper:2',
    latest: 'helper:2',
    version: { id: 'helper:1', model: 'gpt-4o', instructions: 'Be brief.' },
    names: ['helper@2', 'travel-helper@1'],
    versions: ['helper:1', 'helper:2'],
    deleted: { object: 'agent.version.deleted', version: '2', deleted: true },
    after: 'helper:1',
    missing: { status: 404, message: "Agent 'helper' version '2' not found." },
    removed: true,
    gone: 404
  }, 'agent versions, as the SDK reads them')

  const conversation = facts.get('conversation')
  t.same(conversation?.first, {
    text: 'You said: "What is the size of France in square miles?". This is a reply from the Azure OpenAI Assistants emulator.',
    agent: { type: 'agent_reference', name: 'my-agent-basic', version: '1' },
    instructions: 'You are a helpful assistant that answers general questions',
    model: 'gpt-4o'
  }, 'a response with the agent, in its conversation (no model, no input)')
  t.match(conversation?.second, /And what is the capital city\?/)
  t.same(conversation?.items, ['user', 'assistant', 'user', 'assistant'])
  t.same([conversation?.stream.first, conversation?.stream.last, conversation?.stream.agent?.version], ['response.created', 'response.completed', '1'])
  t.ok(conversation?.stream.deltas > 1, 'streamed in deltas')
  t.same(conversation?.background, { status: 'completed', agent: 'my-agent-basic' })

  t.same(facts.get('functions'), {
    calls: [['get_weather', { city: 'Lisbon' }]],
    tools: ['get_weather'],
    text: 'In Lisbon it is 22°C and sunny today.'
  }, 'the agent\'s tool called, its output answered')

  t.same(facts.get('migration'), {
    run: 'completed',
    before: 'In Lisbon it is 22°C and sunny today.',
    after: 'In Lisbon it is 22°C and sunny today.',
    agent: { type: 'agent_reference', name: 'travel-helper', version: '1' }
  }, 'the classic agent and its new equivalent answer alike')
  t.match(result.lines.at(-1), /^scopes .*https:\/\/ai\.azure\.com\/\.default/)
})
