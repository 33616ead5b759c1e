/**
 * The official `openai` Python package against the Responses API over a real socket: `OpenAI` on /v1 and
 * `AzureOpenAI` on /openai/v1 (api-version `preview`): responses.create, responses.stream with
 * get_final_response(), the function-call loop on fixtures/migration.json, background polling, conversations
 * (auto-paginated items). The flows live in test/e2e/python/responses_flow.py, which prints what it saw as
 * JSON; the checks are here. Skipped (one line, the reason) without scripts/python-sdk.sh's venv, unless
 * AOAI_EMULATOR_REQUIRE_PYTHON=1.
 */
import t, { type Test } from 'tap'
import { startEmulator } from '../../src/index.js'
import { contractInspector } from '../contract/inspect.js'
import { pythonFor, runPythonScript } from '../support/python.js'

const API_KEY = 'python-responses-key'

async function endpointFor (t: Test): Promise<string> {
  const emulator = await startEmulator({ apiKeys: [API_KEY], queuedMs: 20, inProgressMs: 30, fixtures: 'fixtures/migration.json' }, { inspectResponse: contractInspector(t) })
  t.teardown(() => emulator.close())
  return emulator.endpoint
}

const python = pythonFor(t)
if (python !== undefined) {
  t.comment(`Python SDK: openai ${python.openaiVersion} (${python.python})`)
  for (const door of ['openai', 'azure-v1'] as const) {
    t.test(`responses and conversations, ${door}`, async t => {
      const result = await runPythonScript(python, 'responses_flow.py', [door, await endpointFor(t), API_KEY])
      t.equal(result.code, 0, result.stderr.slice(-3000))
      if (result.code !== 0) return
      const report = JSON.parse(result.stdout)
      t.match(report.create, { status: 'completed', text: 'You said: "Hello from Python". This is a reply from the Azure OpenAI Assistants emulator.' })
      t.ok(report.create.usage > 0)
      t.match(report.stream, { first: 'response.created', last: 'response.completed', status: 'completed' })
      t.equal(report.stream.deltas, report.stream.text, 'the deltas add up to output_text')
      t.same(report.function_calls, { name: 'get_weather', arguments: { city: 'Lisbon' }, answer: 'In Lisbon it is 19°C today.' })
      t.same(report.background, { first: 'queued', last: 'completed' })
      t.same(report.conversations, { response_conversation: true, items: ['message', 'message', 'message'], metadata: { lang: 'py' }, gone: 404 })
    })
  }
}
