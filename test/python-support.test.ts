/**
 * test/support/python.ts: where the Python SDK tests find their interpreter, and the contract when it is
 * missing: skipped with the reason on one line, or failed when AOAI_EMULATOR_REQUIRE_PYTHON=1.
 */
import { join } from 'node:path'
import t from 'tap'
import { ROOT } from './support/process.js'
import { findPython, pythonFor } from './support/python.js'
import { recorder } from './support/recorder.js'

t.test('AOAI_EMULATOR_PYTHON that cannot run: the reason names the variable and the path', async t => {
  const found = findPython({ AOAI_EMULATOR_PYTHON: '/nonexistent/python' })
  t.match(found, { reason: /^AOAI_EMULATOR_PYTHON \(\/nonexistent\/python\) cannot be run: / })
  t.notOk('python' in found)
})

t.test('an interpreter without openai: the reason is the import error, on one line', async t => {
  // node itself stands in for an interpreter that cannot import openai: `-c` is not a node flag it accepts.
  const found = findPython({ AOAI_EMULATOR_PYTHON: process.execPath })
  t.match(found, { reason: /^AOAI_EMULATOR_PYTHON \(.*\) cannot import openai: .* \(run scripts\/python-sdk\.sh\)$/ })
  t.notMatch((found as { reason: string }).reason, /\n/)
})

t.test('no variable: .venv-python/bin/python in the repository root', async t => {
  const found = findPython({})
  if ('python' in found) {
    t.equal(found.python, join(ROOT, '.venv-python', 'bin', 'python'))
    t.match(found.openaiVersion, /^\d+\.\d+\.\d+/)
  } else {
    t.match(found.reason, /^\.venv-python\/bin\/python (\(.*?\) )?(does not exist|cannot)/)
  }
})

t.test('pythonFor: missing means skipped with the reason, or failed when required', async t => {
  const env = { AOAI_EMULATOR_PYTHON: '/nonexistent/python' }
  const skipped = recorder()
  t.equal(pythonFor(skipped.t, env), undefined)
  t.match(skipped.calls, [['plan', [0, /^Python SDK tests skipped: AOAI_EMULATOR_PYTHON/]]])

  const required = recorder()
  t.equal(pythonFor(required.t, { ...env, AOAI_EMULATOR_REQUIRE_PYTHON: '1' }), undefined)
  t.match(required.calls, [['fail', /^Python SDK required \(AOAI_EMULATOR_REQUIRE_PYTHON=1\) but unavailable: /]])
  t.equal(required.calls.length, 1)
})
