/**
 * test/support/browser.ts: where the inspector's browser test finds chromium, and the contract when it is
 * missing: skipped with the reason on one line, or failed in CI (CI=true).
 */
import { execPath } from 'node:process'
import t from 'tap'
import { chromiumFor, findChromium } from './support/browser.js'
import { recorder } from './support/recorder.js'

t.test('AOAI_EMULATOR_CHROMIUM first, else the first known path that exists', async t => {
  t.same(findChromium({ AOAI_EMULATOR_CHROMIUM: execPath }), { path: execPath })
  t.same(findChromium({ AOAI_EMULATOR_CHROMIUM: '/nonexistent/chromium' }), { reason: 'AOAI_EMULATOR_CHROMIUM (/nonexistent/chromium) does not exist' })
  t.same(findChromium({}, ['/nonexistent/a', execPath]), { path: execPath })
  t.same(findChromium({}, ['/nonexistent/a']), { reason: 'no chromium at /nonexistent/a (apt-get install -y chromium)' })
})

t.test('chromiumFor: missing means skipped with the reason, or failed in CI', async t => {
  const skipped = recorder()
  t.equal(chromiumFor(skipped.t, {}, ['/nonexistent/a']), undefined)
  t.same(skipped.calls, [['plan', [0, 'inspector browser test skipped: no chromium at /nonexistent/a (apt-get install -y chromium)']]])

  const required = recorder()
  t.equal(chromiumFor(required.t, { CI: 'true' }, ['/nonexistent/a']), undefined)
  t.same(required.calls, [['fail', 'the inspector\'s browser test must run in CI (CI=true), but no chromium at /nonexistent/a (apt-get install -y chromium)']])

  t.equal(chromiumFor(recorder().t, { CI: 'true' }, [execPath]), execPath)
})
