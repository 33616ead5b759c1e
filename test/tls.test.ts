/** TLS options: parsing, the given certificate and key, the generated certificate, and HTTPS on every flavour. */
import { X509Certificate } from 'node:crypto'
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs'
import { request } from 'node:https'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import t from 'tap'
import { buildApp } from '../src/app.js'
import { ConfigError, helpText, makeConfig, parseCommandLine } from '../src/config.js'
import { generateLocalhostCertificate, prepareTls, TlsError } from '../src/tls.js'

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
})

t.test('prepareTls: nothing, generated, or the given files; bad files are a TlsError', async t => {
  t.equal(await prepareTls(makeConfig()), undefined)
  const generated = await prepareTls(makeConfig({ tls: true }))
  t.match(generated, { generated: true, certificatePath: /aoai-emulator-tls-.*certificate\.pem$/ })
  const dir = mkdtempSync(join(tmpdir(), 'tls-test-'))
  const certFile = join(dir, 'c.pem')
  const keyFile = join(dir, 'k.pem')
  writeFileSync(certFile, generated!.cert)
  writeFileSync(keyFile, generated!.key)
  t.same(await prepareTls(makeConfig({ tls: true, tlsCert: certFile, tlsKey: keyFile })),
    { cert: generated!.cert, key: generated!.key, certificatePath: certFile, generated: false })
  await t.rejects(prepareTls(makeConfig({ tls: true, tlsCert: join(dir, 'missing.pem'), tlsKey: keyFile })), TlsError)
  await t.rejects(prepareTls(makeConfig({ tls: true, tlsCert: keyFile, tlsKey: keyFile })), /holds no PEM certificate/)
  await t.rejects(prepareTls(makeConfig({ tls: true, tlsCert: certFile, tlsKey: certFile })), /holds no PEM key/)
})

t.test('one HTTPS server answers the Azure, OpenAI and Agents flavours', async t => {
  const tls = await prepareTls(makeConfig({ tls: true }))
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

t.test('a certificate the app generated is removed with its folder when the app closes', async t => {
  const app = await buildApp(makeConfig({ logLevel: 'silent', tls: true }))
  const path = (await app.inject({ url: '/_emulator/tls/certificate' })).headers['x-aoai-emulator-certificate-path'] as string
  t.ok(existsSync(path), 'written at start-up')
  await app.close()
  t.notOk(existsSync(dirname(path)), 'gone once closed')
})
