/**
 * The process entry (src/server.ts) in a child process: bad flags, variables and fixtures stop it with one
 * stderr line and a non-zero exit; --help and --version exit 0; with --port 0 it logs its URL, serves, and
 * exits 0 on SIGTERM. Every spawn is bounded by a timeout.
 */
import { readFileSync } from 'node:fs'
import { request } from 'node:https'
import { join } from 'node:path'
import t, { type Test } from 'tap'
import { ROOT, spawnEmulator } from '../support/process.js'

const SPAWN_TIMEOUT_MS = 40_000
const VERSION = (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string }).version

interface Exit { code: number | null, signal: NodeJS.Signals | null, stdout: string, stderr: string }

/**
 * Starts the entry. `onStdout` sees the stdout text so far after each chunk; the child is killed (and the
 * test fails) if it has not exited within SPAWN_TIMEOUT_MS.
 */
async function start (t: Test, args: string[], env: Record<string, string> = {}, onStdout?: (text: string, kill: (s: NodeJS.Signals) => void) => void): Promise<Exit> {
  const proc = spawnEmulator(t, args, env, text => onStdout?.(text, signal => proc.child.kill(signal)))
  const timer = setTimeout(() => {
    t.fail(`${args.join(' ')}: no exit within ${SPAWN_TIMEOUT_MS} ms\nstdout: ${proc.stdout}\nstderr: ${proc.stderr}`)
    proc.child.kill('SIGKILL')
  }, SPAWN_TIMEOUT_MS)
  const { code, signal } = await proc.exited
  clearTimeout(timer)
  return { code, signal, stdout: proc.stdout, stderr: proc.stderr }
}

/** A failed start: a non-zero exit (2, as server.ts documents for bad input) and exactly one stderr line. */
function assertOneLineFailure (t: Test, exit: Exit): string {
  t.not(exit.code, 0, 'non-zero exit')
  t.equal(exit.code, 2, 'exit code 2 for bad input')
  t.equal(exit.signal, null)
  t.match(exit.stderr, /^[^\n]+\n$/, `exactly one stderr line: ${JSON.stringify(exit.stderr)}`)
  t.notMatch(exit.stderr, /\bat .*\.ts:\d+/, 'no stack trace')
  t.notMatch(exit.stdout, /listening/, 'never started listening')
  return exit.stderr.trimEnd()
}

const json = (value: unknown) => JSON.stringify(value)

t.test('a bad flag: non-zero exit and one stderr line naming it', async t => {
  const cases: Array<[string[], Record<string, string>, RegExp]> = [
    [['--port', 'abc'], {}, /--port: "abc"/],
    [['--port', '70000'], {}, /--port: "70000"/],
    [['--bogus'], {}, /'--bogus'/],
    [['--queued-ms=-5'], {}, /--queued-ms: "-5"/],
    [['--log-level', 'loud'], {}, /--log-level: "loud"/],
    [[], { AOAI_EMULATOR_PORT: 'abc' }, /AOAI_EMULATOR_PORT: "abc"/],
    [[], { AOAI_EMULATOR_API_KEYS: ' , ' }, /AOAI_EMULATOR_API_KEYS/]
  ]
  await Promise.all(cases.map(async ([args, env, expected]) => {
    const line = assertOneLineFailure(t, await start(t, args, env))
    t.match(line, expected, `${args.join(' ')} ${json(env)}`)
    t.match(line, /^aoai-emulator: /, 'prefixed with the program name')
  }))
})

t.test('an unreadable fixtures path: non-zero exit and one line naming it', async t => {
  const dir = t.testdir({ 'folder.json': {}, empty: {} })
  const missing = join(dir, 'missing.json')
  const [a, b, c] = await Promise.all([
    start(t, ['--fixtures', missing]),
    start(t, [], { AOAI_EMULATOR_FIXTURES: missing }),
    start(t, ['--fixtures', join(dir, 'empty')])
  ])
  t.match(assertOneLineFailure(t, a), `Cannot read fixtures ${missing}: ENOENT`)
  t.match(assertOneLineFailure(t, b), `Cannot read fixtures ${missing}: ENOENT`, 'from the environment too')
  t.match(assertOneLineFailure(t, c), `No .json fixtures files in folder ${join(dir, 'empty')}`)
})

t.test('a fixtures file that does not validate: one line naming the file and the JSON path', async t => {
  const dir = t.testdir({
    'no-model.json': json({ assistants: [{ id: 'asst_a', name: 'x' }] }),
    'not-json.json': '{ nope',
    'bad-id.json': json({ threads: [{ id: 'th_1' }] }),
    folder: { 'a.json': json({ assistants: [{ id: 'asst_dup', model: 'm' }] }), 'b.json': json({ assistants: [{ id: 'asst_dup', model: 'm' }] }) }
  })
  const [noModel, notJson, badId, duplicate] = await Promise.all([
    start(t, ['--fixtures', join(dir, 'no-model.json')]),
    start(t, ['--fixtures', join(dir, 'not-json.json')]),
    start(t, ['--fixtures', join(dir, 'bad-id.json')]),
    start(t, ['--fixtures', join(dir, 'folder')])
  ])
  t.match(assertOneLineFailure(t, noModel), `Invalid fixtures file ${join(dir, 'no-model.json')} at $.assistants[0].model: Missing required parameter`)
  t.match(assertOneLineFailure(t, notJson), `Invalid fixtures file ${join(dir, 'not-json.json')}: not JSON`)
  t.match(assertOneLineFailure(t, badId), `Invalid fixtures file ${join(dir, 'bad-id.json')} at $.threads[0].id:`)
  t.match(assertOneLineFailure(t, duplicate), `Invalid fixtures file ${join(dir, 'folder', 'b.json')} at $.assistants[0].id: 'asst_dup' is already defined`)
})

t.test('--help and --version exit 0', async t => {
  const [help, version, short] = await Promise.all([start(t, ['--help']), start(t, ['--version']), start(t, ['-v'])])
  t.equal(help.code, 0)
  t.equal(help.stderr, '')
  t.match(help.stdout, /^Usage: aoai-emulator \[options\]/)
  for (const flag of ['--host', '--port', '--api-key', '--fixtures', '--queued-ms', '--in-progress-ms', '--log-level']) {
    t.match(help.stdout, flag, `help lists ${flag}`)
  }
  t.equal(version.code, 0)
  t.equal(version.stdout, `${VERSION}\n`)
  t.equal(version.stderr, '')
  t.equal(short.stdout, `${VERSION}\n`)
})

t.test('--help wins over a bad value elsewhere', async t => {
  const exit = await start(t, ['--help'], { AOAI_EMULATOR_PORT: 'abc' })
  t.equal(exit.code, 0)
})

interface LogLine { level?: number, msg?: string }

function logLines (stdout: string): LogLine[] {
  return stdout.split('\n').filter(line => line.startsWith('{')).map(line => JSON.parse(line) as LogLine)
}

t.test('with --port 0 it logs its URL, serves it, and exits 0 on SIGTERM', async t => {
  let url: string | undefined
  let served: Promise<void> | undefined
  const exit = await start(t, ['--port', '0', '--fixtures', 'fixtures/example.json'], {}, (stdout, kill) => {
    if (url !== undefined) return
    const match = /listening on (http:\/\/127\.0\.0\.1:(\d+))/.exec(stdout)
    if (!match) return
    url = match[1]!
    t.not(match[2], '0', 'a real port was picked')
    served = (async () => {
      const health = await fetch(`${url}/_emulator/health`)
      t.equal(health.status, 200)
      t.equal(await health.text(), '{"status":"ok"}')
      const run = await fetch(`${url}/openai/threads/thread_abc123/runs?api-version=2024-02-15-preview`, {
        method: 'POST', headers: { 'api-key': 'k', 'content-type': 'application/json' }, body: '{"assistant_id": "asst_abc123"}'
      })
      t.equal(run.status, 200, 'the curl example over a real socket')
      t.equal(((await run.json()) as { status: string }).status, 'queued')
      kill('SIGTERM')
    })()
  })
  await served
  t.ok(url, `the URL was logged: ${exit.stdout}`)
  t.equal(exit.code, 0, `exit 0 on SIGTERM; stderr: ${exit.stderr}`)
  t.equal(exit.signal, null)
  t.equal(exit.stderr, '')
  const lines = logLines(exit.stdout)
  t.ok(lines.some(l => l.msg === `Azure OpenAI Assistants emulator listening on ${url}`), 'one log line carries the URL')
  t.ok(lines.some(l => /any non-empty api-key is accepted/.test(l.msg ?? '')), 'with no keys configured the log says so')
})

t.test('with keys configured there is no any-key warning, and the key never reaches the log', async t => {
  const secret = 'super-secret-key-1234567890'
  let done: Promise<void> | undefined
  const exit = await start(t, ['--port', '0', '--log-format', 'json'], { AOAI_EMULATOR_API_KEYS: secret }, (stdout, kill) => {
    const match = /listening on (http:\/\/[^"\s]+)/.exec(stdout)
    if (!match || done) return
    done = (async () => {
      const ok = await fetch(`${match[1]}/openai/threads?api-version=2024-02-15-preview`, { method: 'POST', headers: { 'api-key': secret } })
      t.equal(ok.status, 200)
      const bad = await fetch(`${match[1]}/openai/threads?api-version=2024-02-15-preview&api-key=${secret}`, { method: 'POST', headers: { 'api-key': `${secret}x` } })
      t.equal(bad.status, 401)
      kill('SIGTERM')
    })()
  })
  await done
  t.equal(exit.code, 0)
  t.notMatch(exit.stdout, /any non-empty api-key is accepted/)
  t.notMatch(exit.stdout + exit.stderr, secret, 'the key is never logged')
})

/** Starts the entry with `args`, lets `use` talk to the URL it logs, then stops it with SIGTERM. */
async function serveOnce<T> (t: Test, args: string[], env: Record<string, string>, use: (url: string) => Promise<T>) {
  let used: Promise<T> | undefined
  const exit = await start(t, ['--port', '0', ...args], env, (stdout, kill) => {
    const match = /listening on (https?:\/\/127\.0\.0\.1:\d+)/.exec(stdout)
    if (!match || used) return
    used = use(match[1]!).finally(() => kill('SIGTERM'))
  })
  t.equal(exit.code, 0, `exit 0; stderr: ${exit.stderr}`)
  t.ok(used, `it listened: ${exit.stdout}`)
  return { result: await used!, lines: logLines(exit.stdout) }
}

t.test('--tls: a restarted process serves the certificate kept in --tls-dir, and logs where it is at each start', async t => {
  const tlsDir = join(t.testdir({}), 'tls')
  const file = join(tlsDir, 'certificate.pem')
  /** The served certificate, checked against the kept file (as NODE_EXTRA_CA_CERTS would). */
  const served = (url: string) => new Promise<string>((resolve, reject) => {
    const { port } = new URL(url)
    request({ host: '127.0.0.1', port, path: '/_emulator/tls/certificate', ca: readFileSync(file), servername: 'localhost' }, res => {
      let text = ''
      res.setEncoding('utf8').on('data', (chunk: string) => { text += chunk }).on('end', () => resolve(text))
    }).on('error', reject).end()
  })
  const first = await serveOnce(t, ['--tls', '--tls-dir', tlsDir], {}, served)
  const second = await serveOnce(t, [], { AOAI_EMULATOR_TLS: 'true', AOAI_EMULATOR_TLS_DIR: tlsDir }, served)
  t.equal(second.result, first.result, 'the same certificate after a restart')
  t.equal(first.result, readFileSync(file, 'utf8'), 'the one in the folder')
  t.ok(first.lines.some(l => l.msg?.startsWith(`TLS: self-signed certificate for localhost, 127.0.0.1 and ::1 created in ${file}, valid until `)))
  t.ok(second.lines.some(l => l.msg?.startsWith(`TLS: self-signed certificate for localhost, 127.0.0.1 and ::1 reused from ${file}, valid until `)))
})

t.test('--fixtures a --fixtures b: the later path overrides the earlier one by id; the variable takes a list', async t => {
  const dir = t.testdir({ 'mine.json': json({ assistants: [{ id: 'asst_abc123', model: 'gpt-4o', name: 'Mine' }] }) })
  const names = async (url: string) => Promise.all(['asst_abc123', 'asst_weather'].map(async id => {
    const res = await fetch(`${url}/openai/assistants/${id}?api-version=2024-02-15-preview`, { headers: { 'api-key': 'k' } })
    return ((await res.json()) as { name: string }).name
  }))
  const flags = await serveOnce(t, ['--fixtures', 'fixtures', '--fixtures', join(dir, 'mine.json')], {}, names)
  t.same(flags.result, ['Mine', 'Weather bot'])
  const variable = await serveOnce(t, [], { AOAI_EMULATOR_FIXTURES: `fixtures,${join(dir, 'mine.json')}` }, names)
  t.same(variable.result, ['Mine', 'Weather bot'])
})
