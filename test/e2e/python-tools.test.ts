/**
 * Hosted tools with the official Python SDK (`openai`), Azure and /v1, on the shipped example fixtures: see
 * test/e2e/python/tools_stream.py. Skipped (one line, the reason) without the venv scripts/python-sdk.sh makes,
 * unless AOAI_EMULATOR_REQUIRE_PYTHON=1.
 */
import { readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import t from 'tap'
import { buildApp } from '../../src/app.js'
import { makeConfig } from '../../src/config.js'
import { loadFixtures } from '../../src/fixtures.js'
import { pythonFor, runPythonScript } from '../support/python.js'

const FIXTURES_DIR = fileURLToPath(new URL('../../fixtures/', import.meta.url))
const CODE = JSON.parse(readFileSync(new URL('../../fixtures/analyst.json', import.meta.url), 'utf8')).scenarios[0].steps[0].code_interpreter

const python = pythonFor(t)
if (python !== undefined) {
  t.test('Python: a cited file_search reply through on_text_done, and a code_interpreter run through on_tool_call_delta', async t => {
    const app = await buildApp(makeConfig({ logLevel: 'silent', queuedMs: 10, inProgressMs: 40 }), { fixtures: loadFixtures(FIXTURES_DIR) })
    t.teardown(() => app.close())
    const endpoint = await app.listen({ host: '127.0.0.1', port: 0 })
    for (const flavour of ['azure', 'openai']) {
      const { code, stdout, stderr } = await runPythonScript(python, 'tools_stream.py', [endpoint, flavour])
      t.equal(code, 0, `${flavour}: exits cleanly ${stderr.slice(-2000)}`)
      if (code !== 0) continue
      const result = JSON.parse(stdout)
      t.match(result.search, {
        status: 'completed',
        tool_calls: ['file_search'],
        citations: [{ text: '【2:0†warranty.txt】', covers: true, file_name: 'warranty.txt' }]
      }, flavour)
      t.match(result.search.text, /^I found this in your files:/)
      t.same(result.code, {
        status: 'completed',
        tool_calls: ['code_interpreter'],
        code: CODE.input,
        logs: [CODE.logs],
        purpose: 'assistants_output',
        bytes: 598,
        png: 'PNG',
        links: ['file_path']
      }, flavour)
    }
  })
}
