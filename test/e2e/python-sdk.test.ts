/**
 * The official `openai` Python package (AzureOpenAI on api-version 2024-05-01-preview, and OpenAI on /v1)
 * against the emulator over a real socket: create_and_poll, submit_tool_outputs_and_poll on
 * fixtures/weather.json, auto-pagination over 45 messages, NotFoundError, AuthenticationError (the emulator
 * runs with --api-key), file upload and vector_stores.file_batches.upload_and_poll.
 * The flows live in test/e2e/python/sdk_flow.py, which prints what it saw as JSON; the checks are here.
 * Skipped (one line, the reason) without the venv that scripts/python-sdk.sh makes, unless
 * AOAI_EMULATOR_REQUIRE_PYTHON=1.
 */
import { join } from 'node:path'
import t, { type Test } from 'tap'
import { buildApp } from '../../src/app.js'
import { parseCommandLine } from '../../src/config.js'
import { ROOT, SDK_KEEP_ALIVE_MS } from '../support/process.js'
import { pythonFor, runPythonScript, type Python } from '../support/python.js'

const API_KEY = 'python-sdk-key'

/** The emulator as `aoai-emulator --api-key … --fixtures fixtures/weather.json` with short timings, on a free port. */
async function startEmulator (t: Test): Promise<string> {
  const command = parseCommandLine([
    '--api-key', API_KEY, '--fixtures', join(ROOT, 'fixtures', 'weather.json'), '--host', '127.0.0.1', '--port', '0',
    '--queued-ms', '20', '--in-progress-ms', '30', '--vector-store-processing-ms', '30', '--log-level', 'silent',
    '--keep-alive-timeout-ms', String(SDK_KEEP_ALIVE_MS)
  ], {})
  if (command.action !== 'run') throw new Error(`unexpected ${command.action}`)
  const app = await buildApp(command.config)
  t.teardown(() => app.close())
  return await app.listen({ host: command.config.host, port: command.config.port })
}

type Report = Record<string, any>

/** Runs sdk_flow.py for `flavour` against its own emulator; the report, or a failure of `t` with the script's stderr. */
async function flow (t: Test, python: Python, flavour: 'azure' | 'openai', endpoint: Promise<string>): Promise<Report | undefined> {
  const result = await runPythonScript(python, 'sdk_flow.py', [flavour, await endpoint, API_KEY])
  if (result.code !== 0) {
    t.fail(`sdk_flow.py ${flavour} exited with ${result.code}`, { stderr: result.stderr.slice(-4000) })
    return undefined
  }
  const report = JSON.parse(result.stdout) as Report
  t.comment(`${flavour}: Python ${report.python_version}, ms per flow ${JSON.stringify(report.timings_ms)}`)
  return report
}

function checkCommon (t: Test, report: Report, python: Python) {
  t.equal(report.openai_version, python.openaiVersion)
  t.match(report.create_and_poll, {
    status: 'completed',
    roles: ['assistant', 'user'],
    reply: 'You said: "Say hi". This is a reply from the Azure OpenAI Assistants emulator.'
  })
  t.equal(report.create_and_poll.reply_run_id, report.create_and_poll.run_id)
  t.ok(report.create_and_poll.usage_total > 0, 'usage is reported')

  t.same(report.tool_outputs, {
    waiting_status: 'requires_action',
    action_type: 'submit_tool_outputs',
    function: 'get_weather',
    arguments: { city: 'Paris', unit: 'c' },
    status: 'completed',
    same_run: true,
    reply: 'The weather in Paris: 18°C, sunny',
    step_types: ['tool_calls', 'message_creation']
  })

  t.same(report.pagination, { count: 45, first: 'message 0', last: 'message 44', distinct: 45, pages: 5 })

  t.equal(report.not_found.status, 404)

  t.match(report.files, {
    uploaded: { bytes: 36, filename: 'notes.txt', purpose: 'assistants' },
    content: 'The emulator keeps files in memory.\n',
    batch_status: 'completed',
    batch_counts: { completed: 3, in_progress: 0, failed: 0, cancelled: 0, total: 3 },
    listed: ['completed', 'completed', 'completed'],
    store_status: 'completed',
    store_completed: 3
  })
}

const python = pythonFor(t)
if (python !== undefined) {
  t.comment(`Python SDK: openai ${python.openaiVersion} (${python.python})`)

  // Both flavours run at once (each against its own emulator): most of a flow's time is the interpreter
  // starting and importing openai.
  const azure = flow(t, python, 'azure', startEmulator(t))
  const openai = flow(t, python, 'openai', startEmulator(t))

  t.test('AzureOpenAI, api-version 2024-05-01-preview', async t => {
    const report = await azure
    if (report === undefined) return t.fail('no report')
    checkCommon(t, report, python)
    // The SDK's error body is the `error` member when there is one (Azure's OpenAI envelope), else the whole body.
    t.same(report.not_found.body, { message: 'No thread found with id \'thread_doesnotexist\'.', type: 'invalid_request_error', param: null, code: null })
    t.equal(report.authentication.status, 401)
    t.match(report.authentication.body, { code: '401', message: /^Access denied due to invalid subscription key/ })
  })

  t.test('OpenAI on /v1', async t => {
    const report = await openai
    if (report === undefined) return t.fail('no report')
    checkCommon(t, report, python)
    t.same(report.not_found.body, { message: 'No thread found with id \'thread_doesnotexist\'.', type: 'invalid_request_error', param: null, code: null })
    t.equal(report.authentication.status, 401)
    t.match(report.authentication.body, { code: 'invalid_api_key', message: /^Incorrect API key provided: wrong-key\./ })
  })
}
