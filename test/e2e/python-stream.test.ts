/** Streaming with the official Python SDK (`openai`), Azure and /v1: see test/e2e/python/stream_runs.py. */
import t from 'tap'
import { buildApp } from '../../src/app.js'
import { makeConfig } from '../../src/config.js'
import { loadFixtures } from '../../src/fixtures.js'
import { SDK_KEEP_ALIVE_MS } from '../support/process.js'
import { pythonFor, runPythonScript } from '../support/python.js'

const python = pythonFor(t)
if (python !== undefined) {
  t.test('Python: runs.stream with an AssistantEventHandler, then submit_tool_outputs_stream', async t => {
    const app = await buildApp(makeConfig({ logLevel: 'silent', queuedMs: 10, inProgressMs: 40, keepAliveTimeoutMs: SDK_KEEP_ALIVE_MS }), { fixtures: loadFixtures('fixtures/weather.json') })
    t.teardown(() => app.close())
    const endpoint = await app.listen({ host: '127.0.0.1', port: 0 })
    for (const flavour of ['azure', 'openai']) {
      const { code, stdout, stderr } = await runPythonScript(python, 'stream_runs.py', [endpoint, flavour])
      t.equal(code, 0, `${flavour}: exits cleanly ${stderr.slice(-2000)}`)
      if (code !== 0) continue
      const result = JSON.parse(stdout)
      const expected = 'You said: "Hello from Python". This is a reply from the Azure OpenAI Assistants emulator.'
      t.same(result.reply, { text: expected, status: 'completed', listed: expected, first: 'thread.run.created', last: 'thread.run.completed' }, flavour)
      t.same(result.tools, {
        waiting: 'requires_action',
        tool_calls: ['get_weather'],
        arguments: [{ city: 'Paris', unit: 'c' }],
        status: 'completed',
        text: 'The weather in Paris: 18C'
      }, flavour)
    }
  })
}
