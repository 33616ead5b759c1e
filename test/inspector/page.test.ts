/**
 * The inspector page and its guard, in process: the page and its files (self-contained, small, served with a
 * strict content security policy), the admin key (as the header, or as a browser's Basic password, with the
 * challenge on every refusal), --no-admin, and the page's own requests kept out of the journal.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs'
import t from 'tap'
import { build } from '../helper.js'

const UI_FOLDER = new URL('../../src/inspector/ui/', import.meta.url)
const basic = (user: string, password: string) => `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`

t.test('the page: every view\'s URL serves it; its files come from the emulator alone', async t => {
  const built = await build(t)
  for (const url of ['/_emulator/ui', '/_emulator/ui/', '/_emulator/ui/threads', '/_emulator/ui/threads/thread_1/runs/run_2?tenant=x']) {
    const res = await built.app.inject({ url })
    t.equal(res.statusCode, 200, url)
    t.equal(res.headers['content-type'], 'text/html; charset=utf-8')
    t.match(res.headers['content-security-policy'], /default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; connect-src 'self'/)
    t.equal(res.headers['x-content-type-options'], 'nosniff')
    t.match(res.body, /<main id="main"/)
  }
  const html = (await built.app.inject({ url: '/_emulator/ui' })).body
  const assets = [...html.matchAll(/(?:src|href)="(\/_emulator\/ui\/assets\/[^"]+)"/g)].map(m => m[1]!)
  t.same(assets.sort(), ['/_emulator/ui/assets/app.css', '/_emulator/ui/assets/app.js', '/_emulator/ui/assets/icon.svg'])
  const types: Record<string, string> = { 'app.css': 'text/css; charset=utf-8', 'app.js': 'text/javascript; charset=utf-8', 'icon.svg': 'image/svg+xml' }
  for (const url of assets) {
    const res = await built.app.inject({ url })
    t.equal(res.statusCode, 200, url)
    t.equal(res.headers['content-type'], types[url.split('/').at(-1)!])
  }
  t.equal((await built.app.inject({ url: '/_emulator/ui/assets/index.html' })).statusCode, 404, 'only the listed assets')
  t.equal((await built.app.inject({ url: '/_emulator/ui/assets/..%2F..%2Fkind.ts' })).statusCode, 404)

  // Nothing is fetched from elsewhere: no URL with a host, no @import, no web font; and all of it is small.
  let total = 0
  for (const name of readdirSync(UI_FOLDER)) {
    const text = readFileSync(new URL(name, UI_FOLDER), 'utf8')
    total += statSync(new URL(name, UI_FOLDER)).size
    t.notMatch(text.replace(/http:\/\/www\.w3\.org\/2000\/svg/g, ''), /(https?:)?\/\/[a-z0-9.-]+\.[a-z]{2,}/i, `${name} names no other host`)
    t.notMatch(text, /@import|@font-face|url\(/, `${name} loads no other file`)
  }
  t.ok(total < 100 * 1024, `the page's files weigh ${total} bytes, under 100 KB`)
})

t.test('--admin-key: the page and its data need the key, as the header or as the Basic password', async t => {
  const built = await build(t, { adminKey: 'admin-secret' })
  for (const url of ['/_emulator/ui', '/_emulator/ui/threads', '/_emulator/ui/assets/app.js', '/_emulator/inspector/overview', '/_emulator/inspector/threads', '/_emulator/inspector/events']) {
    const refused = await built.app.inject({ url })
    t.equal(refused.statusCode, 401, url)
    t.equal(refused.headers['www-authenticate'], 'Basic realm="aoai-emulator control plane (password: the admin key)", charset="UTF-8"',
      'a browser asks for the key')
    t.equal(refused.json().error.code, 'invalid_admin_key')
    t.equal((await built.app.inject({ url, headers: { authorization: basic('me', 'wrong') } })).statusCode, 401)
    t.equal((await built.app.inject({ url, headers: { authorization: 'Basic not base64!' } })).statusCode, 401)
    t.equal((await built.app.inject({ url, headers: { authorization: `Basic ${Buffer.from('no colon').toString('base64')}` } })).statusCode, 401)
  }
  t.equal((await built.app.inject({ url: '/_emulator/ui', headers: { 'x-emulator-admin-key': 'admin-secret' } })).statusCode, 200)
  t.equal((await built.app.inject({ url: '/_emulator/ui', headers: { authorization: basic('anyone', 'admin-secret') } })).statusCode, 200)
  t.equal((await built.app.inject({ url: '/_emulator/inspector/threads', headers: { authorization: basic('', 'admin-secret') } })).statusCode, 200)
  t.equal((await built.app.inject({ method: 'POST', url: '/_emulator/clock/advance', headers: { authorization: basic('x', 'admin-secret') }, payload: { ms: 1 } })).statusCode, 200,
    'the page\'s own control-plane calls pass with the same credentials')
  const health = await built.app.inject({ url: '/_emulator/health' })
  t.equal(health.statusCode, 200)
  t.equal(health.headers['www-authenticate'], undefined)
})

t.test('--no-admin: no page and no data', async t => {
  const built = await build(t, { noAdmin: true })
  for (const url of ['/_emulator/ui', '/_emulator/ui/threads', '/_emulator/ui/assets/app.js', '/_emulator/inspector/overview', '/_emulator/inspector/threads/thread_1', '/_emulator/inspector/events']) {
    const res = await built.app.inject({ url })
    t.equal(res.statusCode, 404, url)
    t.same(res.json(), { error: { message: `Invalid URL (GET ${url})`, type: 'invalid_request_error', param: null, code: null } })
  }
})

t.test('the page\'s requests are logged at debug level only and never journaled', async t => {
  const lines: string[] = []
  const built = await build(t, { logLevel: 'debug' }, { logStream: { write: (line: string) => { lines.push(line) } } })
  await built.app.inject({ url: '/_emulator/ui/threads' })
  await built.app.inject({ url: '/_emulator/ui/assets/app.js' })
  await built.app.inject({ url: '/_emulator/inspector/overview' })
  await built.app.inject({ url: '/_emulator/clock' })
  t.same(built.app.runtime.control.journal.list().map(e => e.path), ['/_emulator/clock'])
  const completed = lines.map(line => JSON.parse(line)).filter(entry => entry.msg === 'request completed')
  t.same(completed.map(entry => [entry.url, entry.level]), [
    ['/_emulator/ui/threads', 20], ['/_emulator/ui/assets/app.js', 20], ['/_emulator/inspector/overview', 20], ['/_emulator/clock', 30]
  ])
})
