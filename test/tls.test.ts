/**
 * TLS options: parsing, the given certificate and key, the generated certificate kept in --tls-dir (reused
 * across restarts, renewed near expiry, one between emulators started at once), and HTTPS on every flavour.
 */
import { X509Certificate } from 'node:crypto'
import { chmodSync, chownSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs'
import { once } from 'node:events'
import { request } from 'node:https'
import { connect, type AddressInfo } from 'node:net'
import { connect as tlsConnect } from 'node:tls'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import t, { type Test } from 'tap'
import { buildApp } from '../src/app.js'
import { ConfigError, defaultTlsDir, helpText, makeConfig, parseCommandLine } from '../src/config.js'
import {
  CERTIFICATE_FILE, KEY_FILE, RENEW_WITHIN_DAYS, describeGeneratedCertificate, generateLocalhostCertificate, prepareTls, TlsError
} from '../src/tls.js'
import { build } from './helper.js'

const DAY_MS = 24 * 60 * 60 * 1000
const T0 = new Date('2030-01-01T00:00:00Z')
/** A fresh TLS folder (not yet created) inside a test folder removed when `t` ends. */
const tlsFolder = (t: Test) => join(t.testdir({}), 'tls')
const keep = (t: Test, tlsDir: string, now = T0, extra: { validityDays?: number, lockWaitMs?: number } = {}) =>
  prepareTls(makeConfig({ tls: true, tlsDir }), { now, ...extra })

const run = (argv: string[], env: Record<string, string> = {}) => {
  const command = parseCommandLine(argv, env)
  if (command.action !== 'run') throw new Error('expected run')
  return command.config
}

t.test('flags and variables', async t => {
  t.match(run([]), { tls: false, tlsCert: null, tlsKey: null })
  t.equal(run(['--tls']).tls, true)
  t.equal(run([], { AOAI_EMULATOR_TLS: 'true' }).tls, true)
  t.equal(run([], { AOAI_EMULATOR_TLS: '0' }).tls, false)
  t.equal(run(['--tls'], { AOAI_EMULATOR_TLS: 'false' }).tls, true, 'the flag wins')
  t.throws(() => run([], { AOAI_EMULATOR_TLS: 'maybe' }), ConfigError)
  t.throws(() => run(['--tls=yes']), ConfigError)
  t.match(run(['--tls-cert', 'c.pem', '--tls-key', 'k.pem']), { tls: true, tlsCert: 'c.pem', tlsKey: 'k.pem' })
  t.match(run([], { AOAI_EMULATOR_TLS_CERT: 'c.pem', AOAI_EMULATOR_TLS_KEY: 'k.pem' }), { tls: true })
  t.throws(() => run(['--tls-cert', 'c.pem']), /go together/)
  t.throws(() => run(['--tls-key', 'k.pem']), /go together/)
  t.match(helpText('x'), /--tls  +AOAI_EMULATOR_TLS /)
  t.match(helpText('x'), /--tls-cert FILE +AOAI_EMULATOR_TLS_CERT/)
})

t.test('--tls-dir and AOAI_EMULATOR_TLS_DIR name the folder; by default it is the user\'s cache folder', async t => {
  t.equal(run([]).tlsDir, null, 'null: the default folder')
  t.equal(run(['--tls', '--tls-dir', '/srv/tls']).tlsDir, '/srv/tls')
  t.equal(run([], { AOAI_EMULATOR_TLS_DIR: '/srv/env' }).tlsDir, '/srv/env')
  t.equal(run(['--tls-dir=/srv/flag'], { AOAI_EMULATOR_TLS_DIR: '/srv/env' }).tlsDir, '/srv/flag', 'the flag wins')
  t.throws(() => run(['--tls-dir', ' ']), /Invalid value for --tls-dir: " " is empty/)
  t.match(helpText('x'), /--tls-dir DIR +AOAI_EMULATOR_TLS_DIR +.*\(default: the user's cache folder: \$XDG_CACHE_HOME\/aoai-emulator\/tls, else ~\/.cache\/aoai-emulator\/tls/)

  const home = () => '/home/u'
  t.equal(defaultTlsDir({ XDG_CACHE_HOME: '/xdg' }, 'linux', home), '/xdg/aoai-emulator/tls')
  t.equal(defaultTlsDir({ XDG_CACHE_HOME: 'relative' }, 'linux', home), '/home/u/.cache/aoai-emulator/tls', 'a relative XDG_CACHE_HOME is ignored')
  t.equal(defaultTlsDir({}, 'linux', home), '/home/u/.cache/aoai-emulator/tls')
  t.equal(defaultTlsDir({ LOCALAPPDATA: '/appdata' }, 'linux', home), '/home/u/.cache/aoai-emulator/tls', 'LOCALAPPDATA only on Windows')
  t.equal(defaultTlsDir({ LOCALAPPDATA: '/appdata' }, 'win32', home), join('/appdata', 'aoai-emulator', 'tls'))
  t.equal(defaultTlsDir({}, 'linux', () => { throw new Error('no home') }), join(tmpdir(), 'aoai-emulator', 'tls'))
  t.equal(defaultTlsDir(), join(process.env.XDG_CACHE_HOME ?? join(process.env.HOME!, '.cache'), 'aoai-emulator', 'tls'), 'this process\'s own')
})

t.test('the generated certificate names localhost, 127.0.0.1 and ::1 and is its own CA', async t => {
  const { cert, key } = await generateLocalhostCertificate(new Date('2030-01-01T00:00:00Z'))
  const x509 = new X509Certificate(cert)
  t.equal(x509.ca, true)
  t.match(x509.subjectAltName, /DNS:localhost/)
  t.match(x509.subjectAltName, /IP Address:127\.0\.0\.1/)
  t.ok(x509.checkHost('localhost'))
  t.ok(x509.checkIP('127.0.0.1'))
  t.ok(new Date(x509.validFrom) < new Date('2030-01-01T00:00:00Z'))
  t.ok(new Date(x509.validTo) > new Date('2030-12-01T00:00:00Z'))
  t.match(key, /-----BEGIN PRIVATE KEY-----/)
  t.match(x509.subject, /O=aoai-emulator/)
  const short = new X509Certificate((await generateLocalhostCertificate(T0, 10)).cert)
  t.equal(new Date(short.validTo).getTime(), T0.getTime() + 10 * DAY_MS, 'the validity can be chosen')
})

t.test('prepareTls: nothing, the kept certificate, or the given files; bad files are a TlsError', async t => {
  t.equal(await prepareTls(makeConfig()), undefined)
  const dir = tlsFolder(t)
  const generated = await keep(t, dir)
  t.match(generated, { generated: true, origin: 'created', certificatePath: join(dir, CERTIFICATE_FILE), validTo: new Date(T0.getTime() + 365 * DAY_MS) })
  t.equal(readFileSync(join(dir, CERTIFICATE_FILE), 'utf8'), generated!.cert, 'the certificate is in the folder')
  t.equal(readFileSync(join(dir, KEY_FILE), 'utf8'), generated!.key, 'so is its key')
  t.equal(statSync(join(dir, KEY_FILE)).mode & 0o777, 0o600, 'readable by its owner only')
  t.equal(statSync(join(dir, CERTIFICATE_FILE)).mode & 0o777, 0o644)
  t.same(readdirSync(dir).sort(), [CERTIFICATE_FILE, KEY_FILE], 'no lock or temporary file left behind')

  const files = t.testdir({})
  const certFile = join(files, 'c.pem')
  const keyFile = join(files, 'k.pem')
  writeFileSync(certFile, generated!.cert)
  writeFileSync(keyFile, generated!.key)
  t.same(await prepareTls(makeConfig({ tls: true, tlsCert: certFile, tlsKey: keyFile })),
    { cert: generated!.cert, key: generated!.key, certificatePath: certFile, generated: false })
  await t.rejects(prepareTls(makeConfig({ tls: true, tlsCert: join(files, 'missing.pem'), tlsKey: keyFile })), TlsError)
  await t.rejects(prepareTls(makeConfig({ tls: true, tlsCert: keyFile, tlsKey: keyFile })), /holds no PEM certificate/)
  await t.rejects(prepareTls(makeConfig({ tls: true, tlsCert: certFile, tlsKey: certFile })), /holds no PEM key/)
})

t.test('a restarted --tls app with the same --tls-dir serves the same certificate, and logs where it is each time', async t => {
  const tlsDir = tlsFolder(t)
  const start = async () => {
    const lines: string[] = []
    const built = await build(t, { tls: true, tlsDir, logLevel: 'info' }, { logStream: { write: line => { lines.push(line) } } })
    const res = await built.app.inject({ url: '/_emulator/tls/certificate' })
    await built.app.close()
    const logged = lines.map(line => JSON.parse(line) as { msg: string, certificatePath?: string }).find(entry => entry.msg.startsWith('TLS: '))
    return { pem: res.body, path: res.headers['x-aoai-emulator-certificate-path'], logged }
  }
  const first = await start()
  const second = await start()
  const path = join(tlsDir, CERTIFICATE_FILE)
  t.equal(first.path, path)
  t.equal(second.pem, first.pem, 'the same certificate after a restart')
  t.equal(second.path, path, 'at the same path')
  t.match(first.logged, { certificatePath: path, msg: `TLS: self-signed certificate for localhost, 127.0.0.1 and ::1 created in ${path}, valid until ` })
  t.match(second.logged, { certificatePath: path, msg: `TLS: self-signed certificate for localhost, 127.0.0.1 and ::1 reused from ${path}, valid until ` })
  t.match(second.logged!.msg, `(trust it with NODE_EXTRA_CA_CERTS=${path})`)
  t.ok(existsSync(path), 'closing the app leaves the certificate in place')
})

t.test('near its expiry the kept certificate is renewed; until then it is reused', async t => {
  const dir = tlsFolder(t)
  const first = await keep(t, dir)
  const later = await keep(t, dir, new Date(T0.getTime() + (365 - RENEW_WITHIN_DAYS - 1) * DAY_MS))
  t.match(later, { origin: 'reused', cert: first!.cert })
  const near = new Date(T0.getTime() + (365 - RENEW_WITHIN_DAYS + 1) * DAY_MS)
  const renewed = await keep(t, dir, near)
  t.match(renewed, { origin: 'renewed', renewedBecause: /^it expires on 2031-01-01T00:00:00/ })
  t.not(renewed!.cert, first!.cert, 'a new certificate')
  t.equal(new Date(new X509Certificate(renewed!.cert).validTo).getTime(), near.getTime() + 365 * DAY_MS, 'valid a year from then')
  t.match(describeGeneratedCertificate(renewed!), `renewed (it expires on 2031-01-01T00:00:00.000Z) in ${join(dir, CERTIFICATE_FILE)}, valid until 2031-`)
  t.match(await keep(t, dir, near), { origin: 'reused', cert: renewed!.cert }, 'then reused')

  const expired = await keep(t, dir, new Date(T0.getTime() + 5 * 365 * DAY_MS))
  t.match(expired, { origin: 'renewed', renewedBecause: /^it expired on / })
  const beforeValid = await keep(t, dir, new Date(T0.getTime() - 10 * DAY_MS))
  t.match(beforeValid, { origin: 'renewed', renewedBecause: /^it was not valid before / }, 'a clock set back')

  const short = tlsFolder(t)
  await keep(t, short, T0, { validityDays: RENEW_WITHIN_DAYS - 1 })
  t.match(await keep(t, short), { origin: 'renewed' }, 'a certificate made with less validity than the margin is renewed at once')
})

t.test('a kept certificate that cannot be served is replaced; one the emulator did not make is left alone', async t => {
  const dir = tlsFolder(t)
  const first = await keep(t, dir)
  const other = await generateLocalhostCertificate(T0)
  writeFileSync(join(dir, KEY_FILE), other.key)
  t.match(await keep(t, dir), { origin: 'renewed', renewedBecause: 'its key did not match' })
  rmSync(join(dir, KEY_FILE))
  t.match(await keep(t, dir), { origin: 'renewed', renewedBecause: 'its key was missing or unreadable' })
  writeFileSync(join(dir, CERTIFICATE_FILE), '-----BEGIN CERTIFICATE-----\nnot base64\n-----END CERTIFICATE-----\n')
  t.match(await keep(t, dir), { origin: 'renewed', renewedBecause: 'it was not a readable certificate' })

  const { generate } = await import('selfsigned')
  const ours = { name: 'organizationName', value: 'aoai-emulator' }
  const localhostOnly = await generate([{ name: 'commonName', value: 'localhost' }, ours], {
    keySize: 2048,
    notBeforeDate: new Date(T0.getTime() - DAY_MS),
    notAfterDate: new Date(T0.getTime() + 365 * DAY_MS),
    extensions: [{ name: 'subjectAltName', altNames: [{ type: 2, value: 'localhost' }] }]
  })
  writeFileSync(join(dir, CERTIFICATE_FILE), localhostOnly.cert)
  writeFileSync(join(dir, KEY_FILE), localhostOnly.private)
  t.match(await keep(t, dir), { origin: 'renewed', renewedBecause: 'it did not name localhost, 127.0.0.1 and ::1' })

  const foreign = await generate([{ name: 'commonName', value: 'example.test' }, { name: 'organizationName', value: 'Someone' }], { keySize: 2048 })
  writeFileSync(join(dir, CERTIFICATE_FILE), foreign.cert)
  await t.rejects(keep(t, dir), /holds a certificate the emulator did not make \(CN=example\.test, O=Someone\); it is left alone/)
  t.equal(readFileSync(join(dir, CERTIFICATE_FILE), 'utf8'), foreign.cert, 'untouched')
  t.not(first!.cert, foreign.cert)

  rmSync(join(dir, CERTIFICATE_FILE))
  mkdirSync(join(dir, CERTIFICATE_FILE))
  await t.rejects(keep(t, dir), /^cannot read the kept TLS certificate .*certificate\.pem: EISDIR$/)
})

t.test('a folder that cannot be used is a TlsError naming it', async t => {
  const base = t.testdir({ 'a-file': 'x', open: {} })
  await t.rejects(keep(t, join(base, 'a-file')), new RegExp(`^cannot keep the TLS certificate in ${base}/a-file: EEXIST \\(choose another folder with --tls-dir or AOAI_EMULATOR_TLS_DIR\\)$`))
  await t.rejects(keep(t, join(base, 'a-file', 'below')), /: ENOTDIR \(choose another folder/)
  chmodSync(join(base, 'open'), 0o777)
  await t.rejects(keep(t, join(base, 'open')), /the TLS folder .*open is writable by every user, who could replace the certificate you trust/)
  if (process.getuid?.() === 0) {
    mkdirSync(join(base, 'theirs'))
    chownSync(join(base, 'theirs'), 4321, 4321)
    await t.rejects(keep(t, join(base, 'theirs')), /the TLS folder .*theirs belongs to another user \(uid 4321\)/)
  }
  const readOnly = join(base, 'read-only')
  mkdirSync(readOnly, { mode: 0o555 })
  if (process.getuid?.() !== 0) await t.rejects(keep(t, readOnly), /cannot write in the TLS folder .*read-only: EACCES/)
})

t.test('emulators started at once with the same folder make one certificate between them', async t => {
  const dir = tlsFolder(t)
  const all = await Promise.all([keep(t, dir), keep(t, dir), keep(t, dir)])
  t.equal(new Set(all.map(m => m!.cert)).size, 1, 'one certificate')
  t.same(all.map(m => m!.origin).sort(), ['created', 'reused', 'reused'])

  // A lock held by a live writer is waited for, and given up on with a one-line error.
  const held = tlsFolder(t)
  mkdirSync(held)
  writeFileSync(join(held, '.lock'), '')
  await t.rejects(keep(t, held, T0, { lockWaitMs: 100 }), /^another emulator has held .*\.lock for 0 s; remove it if none is running$/)
  // One left by a process that stopped while writing is taken over.
  const old = new Date(Date.now() - 60_000)
  utimesSync(join(held, '.lock'), old, old)
  t.match(await keep(t, held, T0, { lockWaitMs: 100 }), { origin: 'created' })
  t.notOk(existsSync(join(held, '.lock')), 'and released')
})

t.test('one HTTPS server answers the Azure, OpenAI and Agents flavours', async t => {
  const tls = await keep(t, tlsFolder(t), new Date())
  const app = await buildApp(makeConfig({ logLevel: 'silent' }), { tls })
  t.teardown(() => app.close())
  await app.listen({ host: '127.0.0.1', port: 0 })
  const { port } = app.server.address() as { port: number }
  const get = (path: string, headers: Record<string, string>) => new Promise<number | undefined>((resolve, reject) => {
    request({ host: '127.0.0.1', port, path, headers, ca: tls!.cert, servername: 'localhost' }, res => {
      res.resume().on('end', () => resolve(res.statusCode))
    }).on('error', reject).end()
  })
  t.equal(await get('/openai/assistants?api-version=2024-05-01-preview', { 'api-key': 'k' }), 200)
  t.equal(await get('/v1/assistants', { authorization: 'Bearer k', 'openai-beta': 'assistants=v2' }), 200)
  t.equal(await get('/api/projects/p/assistants?api-version=v1', { authorization: 'Bearer k' }), 200)
  t.equal(await get('/_emulator/tls/certificate', {}), 200)
})

t.test('plain HTTP has no certificate endpoint', async t => {
  const app = await buildApp(makeConfig({ logLevel: 'silent' }))
  t.teardown(() => app.close())
  t.equal((await app.inject({ url: '/_emulator/tls/certificate' })).statusCode, 404)
})

/** An HTTPS app on a loopback port with the given limits, closed when `t` ends. */
async function listenTls (t: Test, overrides: Parameters<typeof makeConfig>[0] = {}) {
  const tls = await keep(t, tlsFolder(t), new Date())
  const app = await buildApp(makeConfig({ logLevel: 'silent', ...overrides }), { tls })
  t.teardown(() => app.close())
  await app.listen({ host: '127.0.0.1', port: 0 })
  return { app, port: (app.server.address() as AddressInfo).port, ca: tls!.cert }
}

/** A TLS connection that writes `raw` once connected and collects everything until the server closes it. */
function tlsExchange (port: number, ca: string, parts: ReadonlyArray<string | Buffer>, ms = 5000): Promise<{ text: string, closed: boolean, afterMs: number }> {
  return new Promise(resolve => {
    const started = Date.now()
    let text = ''
    const socket = tlsConnect({ host: '127.0.0.1', port, ca, servername: 'localhost' }, async () => {
      for (const part of parts) {
        socket.write(part)
        await new Promise(resolve => setTimeout(resolve, 30))
      }
    })
    socket.on('data', chunk => { text += chunk.toString('latin1') })
    socket.on('error', () => {})
    const timer = setTimeout(() => { socket.destroy(); resolve({ text, closed: false, afterMs: Date.now() - started }) }, ms)
    socket.once('close', () => { clearTimeout(timer); resolve({ text, closed: true, afterMs: Date.now() - started }) })
  })
}

const statusOf = (text: string) => Number(/^HTTP\/1\.1 (\d{3})/.exec(text)?.[1])
const bodyOf = (text: string) => text.slice(text.indexOf('\r\n\r\n') + 4)

t.test('1. over TLS the header, request and handshake timeouts apply, and bare sockets no longer lock clients out', async t => {
  const { port, ca } = await listenTls(t, { headersTimeoutMs: 300, requestTimeoutMs: 600, maxConnections: 4 })
  const slowHeaders = await tlsExchange(port, ca, ['GET /v1/threads HTTP/1.1\r\nHost: x\r\n'], 5000)
  t.ok(slowHeaders.closed, `headers that never finish: closed after ${slowHeaders.afterMs} ms (Node's TLS default: 60 s)`)
  t.equal(statusOf(slowHeaders.text), 408)
  t.same(JSON.parse(bodyOf(slowHeaders.text)).error.message, 'Request Timeout')
  const slowBody = await tlsExchange(port, ca, ['POST /openai/threads?api-version=2024-05-01-preview HTTP/1.1\r\nHost: x\r\napi-key: k\r\ncontent-type: application/json\r\ncontent-length: 100\r\n\r\n{'], 5000)
  t.ok(slowBody.closed, 'a body that never finishes: closed')
  t.equal(statusOf(slowBody.text), 408)

  // The lock-out: bare TCP connections that never start the handshake fill the connection cap.
  const bare = await Promise.all(Array.from({ length: 4 }, async () => {
    const socket = connect(port, '127.0.0.1')
    socket.on('error', () => {})
    await once(socket, 'connect')
    const started = Date.now()
    await once(socket, 'close')
    return Date.now() - started
  }))
  t.ok(bare.every(ms => ms < 4000), `every bare socket was closed, after ${bare.join(', ')} ms (Node's default: 120 s)`)
  const after = await new Promise<number | undefined>((resolve, reject) => {
    request({ host: '127.0.0.1', port, path: '/_emulator/health', ca, servername: 'localhost' }, res => {
      res.resume().on('end', () => resolve(res.statusCode))
    }).on('error', reject).end()
  })
  t.equal(after, 200, 'and a real client is served again')
})

t.test('11. over TLS a 431 is in an envelope every SDK reads, whatever the path', async t => {
  const { port, ca } = await listenTls(t)
  // The header block spans two TLS records, so the parser's last bytes do not hold the request line.
  for (const path of ['/v1/threads', '/api/projects/p/threads?api-version=v1', '/openai/threads?api-version=2024-05-01-preview']) {
    const answer = await tlsExchange(port, ca, [`GET ${path} HTTP/1.1\r\nHost: x\r\n`, `x-big: ${'a'.repeat(20_000)}\r\n\r\n`])
    t.equal(statusOf(answer.text), 431, path)
    t.same(JSON.parse(bodyOf(answer.text)), { error: { message: 'Request Header Fields Too Large', type: 'invalid_request_error', param: null, code: null } },
      `${path}: OpenAI's envelope (the AgentV1Error shape @azure/ai-agents reads), never the gateway's bare {code, message}`)
  }
  const whole = await tlsExchange(port, ca, [`GET /v1/threads HTTP/1.1\r\nHost: x\r\nx-big: ${'a'.repeat(9_000)}\r\nx-more: ${'b'.repeat(9_000)}\r\n\r\n`])
  t.equal(statusOf(whole.text), 431)
  t.equal(JSON.parse(bodyOf(whole.text)).error.type, 'invalid_request_error')
})
