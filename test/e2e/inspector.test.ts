/**
 * The inspector in a real browser: Debian's chromium driven by playwright-core (test/support/browser.ts: skipped
 * with one line when it is missing, failed in CI). Found by role and visible text, as a person finds them.
 *
 * 1. The quick start's emulator (the built dist/server.js, so the page's files are found from dist/, on the real
 *    clock): a thread appears, its run appears and reaches `completed` on the page without a reload, its timeline
 *    shows each status, and the request that failed is found in the journal with its response body; a run of the
 *    handbook assistant shows its file_search step with the results, and the thread the citation its reply gave.
 * 2. An emulator with a virtual clock and an admin key: the page asks for the key (Basic), the clock is advanced
 *    from the page, a run waits for tool outputs, takes them from a client and completes, and its timeline is
 *    saved as a screenshot (docs/images/inspector-run-timeline.png with UPDATE_SCREENSHOT=1, for the docs).
 *
 * Both check that the page logged no error and that no request left 127.0.0.1.
 */
import { mkdirSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core'
import t, { type Test } from 'tap'
import { startEmulator } from '../../src/index.js'
import { chromiumFor } from '../support/browser.js'
import { ROOT, spawnBuiltEmulator } from '../support/process.js'

const executablePath = chromiumFor(t)
const API = '2024-05-01-preview'
/** Generous: a shared machine under load. Nothing here waits for a fixed time, only until something shows. */
const SHOWS_MS = 30_000

/** A page that remembers its console errors and every URL it asked for. */
async function watchedPage (t: Test, context: BrowserContext) {
  const page = await context.newPage()
  page.setDefaultTimeout(SHOWS_MS)
  const errors: string[] = []
  const urls: string[] = []
  page.on('console', message => { if (message.type() === 'error') errors.push(message.text()) })
  page.on('pageerror', err => { errors.push(err.message) })
  page.on('request', request => { urls.push(request.url()) })
  return {
    page,
    /** No console error, and every request went to 127.0.0.1. */
    check () {
      t.same(errors, [], 'no console errors')
      const elsewhere = urls.filter(url => !url.startsWith('http://127.0.0.1:'))
      t.same(elsewhere, [], `all ${urls.length} requests went to 127.0.0.1`)
    }
  }
}

/** The API call a client would make; throws unless it answers `status`. */
async function api (base: string, method: string, path: string, body?: unknown, status = 200): Promise<any> {
  const response = await fetch(`${base}/openai${path}${path.includes('?') ? '&' : '?'}api-version=${API}`, {
    method, headers: { 'api-key': 'test-key', 'content-type': 'application/json' }, ...(body === undefined ? {} : { body: JSON.stringify(body) })
  })
  const answer = await response.json()
  if (response.status !== status) throw new Error(`${method} ${path}: ${response.status} ${JSON.stringify(answer)}`)
  return answer
}

/** The run's status as the page shows it. */
const runStatus = (page: Page) => page.getByRole('status', { name: 'Status' })

if (executablePath !== undefined) {
  let browser: Browser
  t.before(async () => { browser = await chromium.launch({ executablePath }) })
  t.teardown(async () => { await browser?.close() })

  t.test('the quick start\'s emulator: watch a thread and its run appear and complete, find the failed request', async t => {
    const proc = spawnBuiltEmulator(t, ['--fixtures', 'fixtures', '--port', '0', '--log-format', 'json'])
    let base: string | undefined
    for (const deadline = Date.now() + SHOWS_MS; base === undefined; await new Promise(resolve => setTimeout(resolve, 25))) {
      base = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(proc.stdout)?.[1]
      if (base === undefined && (Date.now() > deadline || proc.child.exitCode !== null)) throw new Error(`the emulator did not start: ${proc.stderr}`)
    }
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } })
    t.teardown(() => context.close())
    const { page, check } = await watchedPage(t, context)

    await page.goto(`${base}/_emulator/ui`)
    await page.getByRole('heading', { level: 1, name: 'Overview' }).waitFor()
    await page.getByRole('navigation', { name: 'Views' }).getByRole('link', { name: /^Threads/ }).click()
    await page.getByRole('heading', { level: 1, name: 'Threads' }).waitFor()
    t.ok(await page.getByRole('link', { name: 'thread_abc123' }).isVisible(), 'the fixtures\' thread is listed')
    await page.evaluate(() => { (globalThis as unknown as { sameDocument: boolean }).sameDocument = true })

    // A test suite starts working: the page follows without a reload.
    const thread = await api(base, 'POST', '/threads', { messages: [{ role: 'user', content: 'What is 3 + 11?' }], metadata: { suite: 'browser' } })
    await page.getByRole('link', { name: thread.id }).waitFor()
    const run = await api(base, 'POST', `/threads/${thread.id}/runs`, { assistant_id: 'asst_abc123' })
    const runLink = page.getByRole('row', { name: new RegExp(thread.id) }).getByRole('link', { name: run.id })
    await runLink.waitFor()
    await runLink.click()
    await page.getByRole('heading', { level: 1, name: `Run ${run.id}` }).waitFor()
    await page.getByRole('status', { name: 'Status' }).filter({ hasText: 'completed' }).waitFor()
    t.equal(await runStatus(page).textContent(), 'completed', 'the run reached completed on the page')
    const changes = page.getByRole('table').filter({ has: page.getByRole('columnheader', { name: 'Change' }) })
    for (const change of ['status: queued', 'status: in_progress', 'status: completed']) {
      t.ok(await changes.getByRole('cell', { name: change, exact: true }).isVisible(), `the timeline lists ${change}`)
    }
    t.ok(await page.getByRole('img', { name: /^Timeline/ }).isVisible(), 'the timeline is drawn')
    t.equal(await page.evaluate(() => (globalThis as unknown as { sameDocument?: boolean }).sameDocument), true, 'all of it without a reload')

    // The thread shows the reply the run wrote.
    await page.getByRole('navigation', { name: 'Breadcrumb' }).getByRole('link', { name: thread.id }).click()
    await page.getByRole('heading', { level: 1, name: `Thread ${thread.id}` }).waitFor()
    t.ok(await page.getByRole('heading', { level: 3, name: 'assistant' }).isVisible(), 'the assistant\'s reply is among the messages')

    // The request that failed.
    await api(base, 'GET', '/threads/thread_nope', undefined, 404)
    await page.getByRole('navigation', { name: 'Views' }).getByRole('link', { name: /^Requests/ }).click()
    await page.getByRole('heading', { level: 1, name: 'Requests' }).waitFor()
    await page.getByLabel('Status').selectOption('errors')
    await page.getByRole('button', { name: 'Search' }).click()
    await page.waitForURL(/\/_emulator\/ui\/requests\?status=errors$/)
    // The URL changes before the filtered list is drawn (the unfiltered one has the failed request too).
    await page.getByText('1 of 1, newest first.').waitFor()
    const failed = page.getByRole('link', { name: `/openai/threads/thread_nope?api-version=${API}` })
    t.equal(await page.getByRole('row').count(), 2, 'only the failed request (and the header row)')
    await failed.click()
    await page.getByRole('heading', { level: 1, name: `GET /openai/threads/thread_nope?api-version=${API}` }).waitFor()
    t.equal(await runStatus(page).textContent(), '404')
    t.ok(await page.getByText('"message": "No thread found with id \'thread_nope\'."').isVisible(), 'its response body is shown')
    t.equal(await page.evaluate(() => (globalThis as unknown as { sameDocument?: boolean }).sameDocument), true, 'still the same page')

    // Every view has its own URL: a reload shows the same view.
    await page.reload()
    await page.getByRole('heading', { level: 1, name: `GET /openai/threads/thread_nope?api-version=${API}` }).waitFor()

    // A run that searches the quick start's handbook: the hosted tool's step, its results, the citation it gave.
    const searched = await api(base, 'POST', '/threads/thread_handbook/runs', { assistant_id: 'asst_handbook' })
    await page.goto(`${base}/_emulator/ui/threads/thread_handbook/runs/${searched.id}`)
    await page.getByRole('status', { name: 'Status' }).filter({ hasText: 'completed' }).waitFor()
    t.ok(await changes.getByRole('cell', { name: /^step step_\w+ created \(file_search: 3 results\)$/ }).isVisible(), 'the timeline names the search')
    const searchStep = page.getByRole('region', { name: 'Steps' })
    t.ok(await searchStep.getByText(/^result 1: warranty\.txt/).isVisible(), 'the search\'s best result')
    t.ok(await searchStep.getByText('How long is the warranty on a tent?', { exact: true }).isVisible(), 'the query it searched with')
    await page.getByRole('navigation', { name: 'Breadcrumb' }).getByRole('link', { name: 'thread_handbook' }).click()
    await page.getByRole('heading', { level: 1, name: 'Thread thread_handbook' }).waitFor()
    t.ok(await page.getByText(/"text": "【2:0†warranty\.txt】"/).isVisible(), 'the reply\'s citation')
    check()
    await context.close()
    proc.child.kill('SIGTERM')
    t.equal((await proc.exited).code, 0, 'the emulator stops at once with the page open')
  })

  t.test('a virtual clock and an admin key: advance the clock from the page, watch a tool call, save the timeline', async t => {
    const emulator = await startEmulator({
      clock: 'virtual',
      seed: 42,
      adminKey: 'inspector-key',
      fixtures: {
        assistants: [{ id: 'asst_weather', model: 'gpt-4o', name: 'Weather bot', tools: [{ type: 'function', function: { name: 'get_weather', parameters: { type: 'object', properties: { city: { type: 'string' } } } } }] }],
        scenarios: [{ name: 'weather lookup', match: { message_contains: 'weather' }, steps: [{ tool_calls: [{ name: 'get_weather', arguments: { city: 'Paris' } }] }, { reply: 'It is {{tool_outputs.0}} in Paris.' }] }]
      }
    })
    t.teardown(() => emulator.close())
    const base = emulator.url

    const refused = await fetch(`${base}/_emulator/ui`)
    t.equal(refused.status, 401, 'without the key the page is refused')
    t.match(refused.headers.get('www-authenticate'), /^Basic realm=/, 'with a challenge: a browser asks for the key')
    const anonymous = await browser.newContext()
    t.teardown(() => anonymous.close())
    // A headless browser has no one to ask: it gives up on the challenge.
    await t.rejects((await anonymous.newPage()).goto(`${base}/_emulator/ui`), /ERR_INVALID_AUTH_CREDENTIALS/)

    const context = await browser.newContext({ viewport: { width: 1200, height: 900 }, httpCredentials: { username: 'me', password: 'inspector-key' } })
    t.teardown(() => context.close())
    const { page, check } = await watchedPage(t, context)
    const thread = await api(base, 'POST', '/threads', { messages: [{ role: 'user', content: 'What is the weather in Paris?' }] })
    const run = await api(base, 'POST', `/threads/${thread.id}/runs`, { assistant_id: 'asst_weather' })

    // The URL a test log would print.
    await page.goto(`${base}/_emulator/ui/threads/${thread.id}/runs/${run.id}`)
    await page.getByRole('heading', { level: 1, name: `Run ${run.id}` }).waitFor()
    t.equal(await runStatus(page).textContent(), 'queued')
    const clock = page.getByRole('region', { name: 'Clock' })
    t.match(await clock.textContent(), /Virtual clock:\s*2025-01-01 00:00:00\.000 UTC/)

    const advance = async (amount: string, unit: 'ms' | 's' | 'min') => {
      await clock.getByLabel('Advance the clock by').fill(amount)
      await clock.getByLabel('Unit').selectOption({ label: unit })
      await clock.getByRole('button', { name: 'Advance' }).click()
    }
    await advance('1', 's')
    await page.getByRole('status', { name: 'Status' }).filter({ hasText: 'in_progress' }).waitFor()
    t.match(await clock.textContent(), /2025-01-01 00:00:01\.000 UTC/, 'the page shows the clock it moved')
    await advance('1500', 'ms')
    await page.getByRole('status', { name: 'Status' }).filter({ hasText: 'requires_action' }).waitFor()
    const steps = page.getByRole('region', { name: 'Steps' })
    t.ok(await steps.getByText('{\n  "city": "Paris"\n}').isVisible(), 'the waiting tool call with its arguments')

    // The suite's client answers the call: the page follows.
    const waiting = await api(base, 'GET', `/threads/${thread.id}/runs/${run.id}`)
    const callId = waiting.required_action.submit_tool_outputs.tool_calls[0].id
    emulator.clock.advance(500)
    await api(base, 'POST', `/threads/${thread.id}/runs/${run.id}/submit_tool_outputs`, { tool_outputs: [{ tool_call_id: callId, output: '21 °C and sunny' }] })
    await page.getByRole('status', { name: 'Status' }).filter({ hasText: 'queued' }).waitFor()
    await advance('3', 's')
    await page.getByRole('status', { name: 'Status' }).filter({ hasText: 'completed' }).waitFor()
    t.ok(await steps.getByText('21 °C and sunny', { exact: true }).isVisible(), 'the output the client submitted')
    t.ok(await page.getByRole('cell', { name: `tool outputs submitted: ${callId}` }).isVisible())
    t.ok(await page.getByText('weather lookup', { exact: true }).isVisible(), 'the scenario that drove it')
    t.equal(await page.getByRole('button', { name: 'Move the run to its next status' }).count(), 0, 'an ended run has no next status')

    const timeline = page.getByRole('region', { name: 'Timeline' })
    const file = process.env.UPDATE_SCREENSHOT === '1'
      ? join(ROOT, 'docs', 'images', 'inspector-run-timeline.png')
      : join(tmpdir(), 'aoai-emulator-inspector-run-timeline.png')
    mkdirSync(join(file, '..'), { recursive: true })
    await timeline.screenshot({ path: file })
    t.comment(`the timeline's screenshot: ${file}`)
    check()
  })
}
