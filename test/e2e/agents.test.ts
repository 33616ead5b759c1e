/**
 * @azure/ai-agents 1.1.0, unmodified, against the emulator over TLS: the certificate is the one the emulator
 * generates (`tls: true`, kept in a temporary --tls-dir), trusted by the SDK's process through NODE_EXTRA_CA_CERTS, and the credential is a
 * static TokenCredential object. The SDK runs in a child process (test/e2e/agents/flow.mjs) because
 * NODE_EXTRA_CA_CERTS is read only when a process starts.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { request } from 'node:https'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import t, { type Test } from 'tap'
import { buildApp } from '../../src/app.js'
import { makeConfig } from '../../src/config.js'
import { loadFixtures } from '../../src/fixtures.js'
import { prepareTls, type TlsMaterial } from '../../src/tls.js'
import { contractInspector } from '../contract/inspect.js'
import { runScript } from '../support/process.js'

const FLOW = fileURLToPath(new URL('./agents/flow.mjs', import.meta.url))
const fixtures = loadFixtures(['weather.json', 'analyst.json'].map(name => fileURLToPath(new URL(`../../fixtures/${name}`, import.meta.url))))

const tlsDir = mkdtempSync(join(tmpdir(), 'aoai-agents-tls-'))
t.teardown(() => rmSync(tlsDir, { recursive: true, force: true }))
let material: TlsMaterial | undefined
async function tls (): Promise<TlsMaterial> {
  material ??= await prepareTls(makeConfig({ tls: true, tlsDir }))
  return material!
}

async function emulator (t: Test) {
  const app = await buildApp(makeConfig({ logLevel: 'silent', queuedMs: 30, inProgressMs: 60, cancellingMs: 30, vectorStoreProcessingMs: 30 }),
    // Every response the SDK receives is checked against the Azure.AI.Agents stable/v1 document (test/contract).
    { fixtures, tls: await tls(), inspectResponse: contractInspector(t) })
  t.teardown(() => app.close())
  await app.listen({ host: '127.0.0.1', port: 0 })
  const { port } = app.server.address() as { port: number }
  return { app, port }
}

interface FlowResult { code: number | null, lines: string[], stderr: string }

async function runFlows (endpoint: string, flows: readonly string[], caFile: string): Promise<FlowResult> {
  const { code, stdout, stderr } = await runScript(FLOW, { AGENTS_ENDPOINT: endpoint, AGENTS_FLOWS: flows.join(','), NODE_EXTRA_CA_CERTS: caFile })
  return { code, lines: stdout.trim().split('\n'), stderr }
}

/** Runs `flows` in one SDK child process against a fresh emulator; resolves to each flow's output line. */
async function runAgainstEmulator (t: Test, flows: readonly string[]): Promise<{ lines: Map<string, string>, result: FlowResult }> {
  const { port } = await emulator(t)
  const { certificatePath } = await tls()
  const result = await runFlows(`https://localhost:${port}/api/projects/proj1`, flows, certificatePath)
  const lines = new Map<string, string>()
  for (const line of result.lines) {
    const name = line.match(/^(?:not )?ok (\S+)/)?.[1]
    if (name !== undefined) lines.set(name, line)
  }
  return { lines, result }
}

function expectOk (t: Test, run: { lines: Map<string, string>, result: FlowResult }, flow: string): string {
  const line = run.lines.get(flow)
  t.match(line, new RegExp(`^ok ${flow} `), `${flow}: ${line ?? run.result.stderr}`)
  return line ?? ''
}

t.test('the generated certificate is served at /_emulator/tls/certificate and written to the logged file', async t => {
  const { port } = await emulator(t)
  const { certificatePath, cert, generated } = await tls()
  t.equal(generated, true)
  t.equal(readFileSync(certificatePath, 'utf8'), cert)
  const body = await new Promise<{ status?: number, text: string, path: unknown }>((resolve, reject) => {
    request({ host: '127.0.0.1', port, path: '/_emulator/tls/certificate', ca: cert, servername: 'localhost' }, res => {
      let text = ''
      res.setEncoding('utf8').on('data', (c: string) => { text += c }).on('end', () =>
        resolve({ status: res.statusCode, text, path: res.headers['x-aoai-emulator-certificate-path'] }))
    }).on('error', reject).end()
  })
  t.same(body, { status: 200, text: cert, path: certificatePath })
})

t.test('@azure/ai-agents 1.1.0 flows over TLS (one SDK process)', async t => {
  const run = await runAgainstEmulator(t, ['agents', 'threads', 'toolCall', 'cancel', 'files'])
  t.test('agents: create, list, update, get, delete; the token scope is https://ai.azure.com/.default', async t => {
    t.match(expectOk(t, run, 'agents'), /"scopes":\["https:\/\/ai\.azure\.com\/\.default"\]/)
  })
  t.test('threads (with list) and messages', async t => { expectOk(t, run, 'threads') })
  t.test('runs.createAndPoll through a tool call on fixtures/weather.json, with submitToolOutputs and run steps', async t => {
    t.match(expectOk(t, run, 'toolCall'), /"steps":2/)
  })
  t.test('cancel', async t => { expectOk(t, run, 'cancel') })
  t.test('files.upload and vectorStores.createAndPoll, file batches', async t => { expectOk(t, run, 'files') })
  t.equal(run.result.code, 0, run.result.stderr)
})

t.test('hosted tools: a file_search agent cites its vector store; a scripted code_interpreter run streams its code and its chart downloads', async t => {
  const run = await runAgainstEmulator(t, ['fileSearch', 'codeInterpreter'])
  t.match(expectOk(t, run, 'fileSearch'), /"value":"I found this in your files/)
  t.match(expectOk(t, run, 'codeInterpreter'), /"bytes":598/)
  t.equal(run.result.code, 0, run.result.stderr)
})

// Streaming (wire-behaviour §1.7) through the SDK's own stream reader.
t.test('runs.create(...).stream() reads the reply\'s deltas', async t => {
  const run = await runAgainstEmulator(t, ['stream'])
  t.match(expectOk(t, run, 'stream'), /"text":"[^"]+"/)
})
