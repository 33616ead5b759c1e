/** Configuration: defaults, every flag and variable, precedence, bad values and the --help text. */
import t, { type Test } from 'tap'
import {
  ConfigError, DEFAULT_CONFIG, OPTIONS, helpText, makeConfig, parseCommandLine, type CommandLine, type Config
} from '../src/config.js'

type Env = Record<string, string | undefined>

function configOf (argv: string[], env: Env = {}): Config {
  const command: CommandLine = parseCommandLine(argv, env)
  if (command.action !== 'run') throw new Error(`expected a run command, got ${command.action}`)
  return command.config
}

/** The ConfigError a command line throws; fails the test when it does not throw one. */
function configError (t: Test, argv: string[], env: Env = {}): string {
  try {
    parseCommandLine(argv, env)
  } catch (err) {
    t.type(err, ConfigError)
    t.equal((err as Error).name, 'ConfigError')
    const message = (err as Error).message
    t.notMatch(message, /\n/, 'one line')
    return message
  }
  t.fail(`expected ${JSON.stringify(argv)} ${JSON.stringify(env)} to throw a ConfigError`)
  return ''
}

interface Sample { raw: string, parsed: unknown }

/** Valid samples, each different from the default: named ones, then by kind for options added later. */
const samples: Partial<Record<keyof Config, Sample>> = {
  host: { raw: '0.0.0.0', parsed: '0.0.0.0' },
  port: { raw: '9090', parsed: 9090 },
  apiKeys: { raw: 'k1', parsed: ['k1'] },
  fixtures: { raw: 'fixtures/example.json', parsed: ['fixtures/example.json'] },
  queuedMs: { raw: '25', parsed: 25 },
  inProgressMs: { raw: '75', parsed: 75 },
  logLevel: { raw: 'debug', parsed: 'debug' },
  logFormat: { raw: 'json', parsed: 'json' },
  apiVersionCheck: { raw: 'lenient', parsed: 'lenient' }
}
const byKind: Record<string, Sample> = {
  duration: { raw: '42', parsed: 42 },
  'duration-or-auto': { raw: '20', parsed: 20 },
  bytes: { raw: '2048', parsed: 2048 },
  string: { raw: 'some-value', parsed: 'some-value' },
  list: { raw: 'tok1', parsed: ['tok1'] },
  count: { raw: '7', parsed: 7 },
  clock: { raw: 'virtual', parsed: 'virtual' },
  seed: { raw: '42', parsed: 42 },
  limit: { raw: '60', parsed: 60 },
  boolean: { raw: 'true', parsed: true }
}
/** A boolean flag takes no value: `--isolate-by-key`; its variable takes true or false. */
const flagArgs = (option: typeof OPTIONS[number], sample: Sample) =>
  option.kind === 'boolean' ? [`--${option.flag}`] : [`--${option.flag}`, sample.raw]
const sampleOf = (option: typeof OPTIONS[number]): Sample | undefined => samples[option.key] ?? byKind[option.kind]
/** A boolean flag and a pair of files that only work together: test/tls.test.ts covers them. */
const COVERED_IN_TLS_TEST = new Set<keyof Config>(['tls', 'tlsCert', 'tlsKey'])
const GENERIC_OPTIONS = OPTIONS.filter(o => !COVERED_IN_TLS_TEST.has(o.key))

t.test('defaults', async t => {
  const config = configOf([])
  t.same(config, DEFAULT_CONFIG)
  t.match(config, {
    host: '127.0.0.1',
    port: 8080,
    fixtures: null,
    queuedMs: 500,
    inProgressMs: 1500,
    cancellingMs: 500,
    runExpiryMs: 600000,
    logLevel: 'info',
    logFormat: 'auto'
  })
  t.same(config.apiKeys, [], 'no keys: any non-empty key is accepted')
  t.ok(Object.isFrozen(config), 'the config is frozen')
  t.ok(Object.isFrozen(config.apiKeys), 'the key list is frozen')
  t.throws(() => { (config as { port: number }).port = 1 }, TypeError)
})

t.test('every option has a sample here, and the run timing flags all exist', async t => {
  for (const option of GENERIC_OPTIONS) t.ok(sampleOf(option), `--${option.flag} (${option.kind})`)
  const flags = OPTIONS.map(o => o.flag)
  for (const flag of ['host', 'port', 'api-key', 'fixtures', 'queued-ms', 'in-progress-ms', 'log-level']) t.ok(flags.includes(flag), flag)
})

for (const option of GENERIC_OPTIONS) {
  const sample = sampleOf(option) ?? { raw: '', parsed: undefined }
  t.test(`--${option.flag} sets ${option.key}`, async t => {
    t.not(sample.parsed, DEFAULT_CONFIG[option.key], 'the sample differs from the default')
    const config = configOf(flagArgs(option, sample))
    t.same(config[option.key], sample.parsed)
    t.same({ ...config, [option.key]: DEFAULT_CONFIG[option.key] }, DEFAULT_CONFIG, 'nothing else changes')
    if (option.kind !== 'boolean') t.same(configOf([`--${option.flag}=${sample.raw}`])[option.key], sample.parsed, '--flag=value form')
  })

  t.test(`${option.env} sets ${option.key}`, async t => {
    const config = configOf([], { [option.env]: sample.raw })
    t.same(config[option.key], sample.parsed)
    t.same({ ...config, [option.key]: DEFAULT_CONFIG[option.key] }, DEFAULT_CONFIG, 'nothing else changes')
  })

  t.test(`--${option.flag} beats ${option.env}`, async t => {
    const envValue = { logLevel: 'warn', logFormat: 'pretty', apiVersionCheck: 'off' }[option.key as string] ??
      (option.kind === 'string' || option.kind === 'list' ? 'from-env' : option.kind === 'boolean' ? 'false' : option.kind === 'clock' ? 'real' : '7')
    const config = configOf(flagArgs(option, sample), { [option.env]: envValue })
    t.same(config[option.key], sample.parsed)
  })
}

t.test('--stream-chunk-ms takes a number of milliseconds or auto', async t => {
  t.equal(configOf(['--stream-chunk-ms', 'auto']).streamChunkMs, null)
  t.equal(configOf([], { AOAI_EMULATOR_STREAM_CHUNK_MS: '0' }).streamChunkMs, 0)
  t.throws(() => configOf(['--stream-chunk-ms', 'fast']), /Invalid value for --stream-chunk-ms: "fast" is not a whole number of milliseconds/)
})

t.test('an empty environment variable counts as unset', async t => {
  t.same(configOf([], { AOAI_EMULATOR_PORT: '', AOAI_EMULATOR_API_KEYS: '', AOAI_EMULATOR_LOG_LEVEL: '' }), DEFAULT_CONFIG)
})

t.test('unrelated environment variables are ignored', async t => {
  t.same(configOf([], { PORT: '1234', HOST: '0.0.0.0', LOG_LEVEL: 'debug' }), DEFAULT_CONFIG)
})

t.test('--api-key is repeatable; AOAI_EMULATOR_API_KEYS is comma-separated', async t => {
  t.same(configOf(['--api-key', 'one', '--api-key', 'two', '--api-key=three']).apiKeys, ['one', 'two', 'three'])
  t.same(configOf([], { AOAI_EMULATOR_API_KEYS: 'one,two, three ,,' }).apiKeys, ['one', 'two', 'three'],
    'items are trimmed and empty items dropped')
  t.same(configOf(['--api-key', 'flag'], { AOAI_EMULATOR_API_KEYS: 'a,b' }).apiKeys, ['flag'], 'flags replace the variable')
})

t.test('--fixtures is repeatable; AOAI_EMULATOR_FIXTURES is comma-separated; both keep the order given', async t => {
  const paths = configOf(['--fixtures', 'fixtures', '--fixtures=mine.json', '--fixtures', 'more/']).fixtures
  t.same(paths, ['fixtures', 'mine.json', 'more/'])
  t.ok(Object.isFrozen(paths), 'the list is frozen')
  t.same(configOf([], { AOAI_EMULATOR_FIXTURES: 'fixtures, mine.json,,more/ ' }).fixtures, ['fixtures', 'mine.json', 'more/'],
    'items are trimmed and empty items dropped')
  t.same(configOf(['--fixtures', 'flag.json'], { AOAI_EMULATOR_FIXTURES: 'a.json,b.json' }).fixtures, ['flag.json'], 'flags replace the variable')
  t.same(configOf(['--fixtures', ' spaced name.json ']).fixtures, [' spaced name.json '], 'a flag\'s path is taken as given')
  t.match(configError(t, ['--fixtures', 'a.json', '--fixtures', ' ']), /^Invalid value for --fixtures: " " is empty$/)
  t.match(configError(t, [], { AOAI_EMULATOR_FIXTURES: ' , ' }), /^Invalid value for AOAI_EMULATOR_FIXTURES: " , " is empty; give at least one path$/)
})

t.test('port 0 (any free port) and the edges of the range are accepted', async t => {
  t.equal(configOf(['--port', '0']).port, 0)
  t.equal(configOf(['--port', '65535']).port, 65535)
  t.equal(configOf([], { AOAI_EMULATOR_QUEUED_MS: '0' }).queuedMs, 0)
})

t.test('--help and --version', async t => {
  t.same(parseCommandLine(['--help'], {}), { action: 'help' })
  t.same(parseCommandLine(['-h'], {}), { action: 'help' })
  t.same(parseCommandLine(['--version'], {}), { action: 'version' })
  t.same(parseCommandLine(['-v'], {}), { action: 'version' })
  t.same(parseCommandLine(['--help'], { AOAI_EMULATOR_PORT: 'abc' }), { action: 'help' }, 'help wins over a bad variable')
})

t.test('bad values throw a ConfigError with one line naming the flag or variable', async t => {
  const cases: Array<[string, string[], Env, RegExp]> = [
    ['port abc', ['--port', 'abc'], {}, /^Invalid value for --port: "abc" is not a port number from 0 to 65535$/],
    ['port 70000', ['--port', '70000'], {}, /^Invalid value for --port: "70000"/],
    ['port -1', ['--port=-1'], {}, /^Invalid value for --port: "-1"/],
    ['port 80.5', ['--port', '80.5'], {}, /--port/],
    ['port from the environment', [], { AOAI_EMULATOR_PORT: 'abc' }, /^Invalid value for AOAI_EMULATOR_PORT: "abc"/],
    ['unknown flag', ['--bogus'], {}, /'--bogus'/],
    ['unknown flag with a value', ['--prot', '8080'], {}, /'--prot'/],
    ['positional argument', ['serve'], {}, /'serve'/],
    ['negative ms', ['--queued-ms=-5'], {}, /^Invalid value for --queued-ms: "-5"/],
    ['negative ms as a separate argument', ['--in-progress-ms', '-5'], {}, /'--in-progress-ms'/],
    ['fractional ms', ['--in-progress-ms', '1.5'], {}, /^Invalid value for --in-progress-ms: "1.5"/],
    ['negative ms from the environment', [], { AOAI_EMULATOR_IN_PROGRESS_MS: '-1' }, /^Invalid value for AOAI_EMULATOR_IN_PROGRESS_MS: "-1"/],
    ['ms not a number', [], { AOAI_EMULATOR_QUEUED_MS: 'soon' }, /^Invalid value for AOAI_EMULATOR_QUEUED_MS: "soon"/],
    ['bad log level', ['--log-level', 'loud'], {}, /^Invalid value for --log-level: "loud" is not one of fatal, error, warn, info, debug, trace, silent$/],
    ['bad log level from the environment', [], { AOAI_EMULATOR_LOG_LEVEL: 'verbose' }, /^Invalid value for AOAI_EMULATOR_LOG_LEVEL: "verbose"/],
    ['bad log format', ['--log-format', 'xml'], {}, /^Invalid value for --log-format: "xml"/],
    ['empty api key', ['--api-key', ''], {}, /^Invalid value for --api-key: .* is empty/],
    ['blank api key', ['--api-key', '   '], {}, /^Invalid value for --api-key: .* is empty/],
    ['empty key list', [], { AOAI_EMULATOR_API_KEYS: ' , ,' }, /^Invalid value for AOAI_EMULATOR_API_KEYS: " , ," is empty/],
    ['empty host', ['--host', ''], {}, /^Invalid value for --host: "" is empty$/],
    ['empty fixtures path', ['--fixtures='], {}, /^Invalid value for --fixtures: "" is empty$/],
    ['flag without its value', ['--port'], {}, /'--port <value>' argument missing/]
  ]
  for (const [name, argv, env, expected] of cases) {
    t.test(name, async t => {
      t.match(configError(t, argv, env), expected)
    })
  }
})

t.test('a bad flag is reported even when its variable is fine, and a bad variable even when another flag is set', async t => {
  t.match(configError(t, ['--port', 'abc'], { AOAI_EMULATOR_PORT: '9000' }), /--port/)
  t.match(configError(t, ['--host', 'localhost'], { AOAI_EMULATOR_PORT: 'abc' }), /AOAI_EMULATOR_PORT/)
})

t.test('a bad variable does not matter when its flag is given', async t => {
  t.equal(configOf(['--port', '9000'], { AOAI_EMULATOR_PORT: 'abc' }).port, 9000)
})

t.test('helpText lists every flag with its environment twin and default', async t => {
  const text = helpText('aoai-emulator')
  t.match(text, /^Usage: aoai-emulator \[options\]/)
  const expected: Array<[string, string, string]> = [
    ['--host', 'AOAI_EMULATOR_HOST', '127.0.0.1'],
    ['--port', 'AOAI_EMULATOR_PORT', '8080'],
    ['--api-key', 'AOAI_EMULATOR_API_KEYS', 'none: any non-empty key is accepted'],
    ['--fixtures', 'AOAI_EMULATOR_FIXTURES', 'none'],
    ['--queued-ms', 'AOAI_EMULATOR_QUEUED_MS', '500'],
    ['--in-progress-ms', 'AOAI_EMULATOR_IN_PROGRESS_MS', '1500'],
    ['--log-level', 'AOAI_EMULATOR_LOG_LEVEL', 'info']
  ]
  for (const [flag, env, shown] of expected) {
    const line = text.split('\n').find(l => l.trimStart().startsWith(`${flag} `))
    t.ok(line, `${flag} has a line`)
    t.match(line, env, `${flag} names ${env}`)
    t.match(line, `(default: ${shown})`, `${flag} shows its default`)
  }
  for (const option of OPTIONS) {
    const line = text.split('\n').find(l => l.trimStart().startsWith(`--${option.flag} `))
    t.ok(line?.includes(option.env) && line.includes(`(default: ${option.shownDefault})`), `--${option.flag} row is complete`)
  }
  t.match(text, /-h, --help/)
  t.match(text, /-v, --version/)
})

t.test('helpText keeps flags, variables and descriptions in three columns, -h and -v included', async t => {
  const rows = helpText('aoai-emulator').split('\n').filter(l => /^ {2}-/.test(l))
  t.equal(rows.length, OPTIONS.length + 2)
  const helpRow = rows.find(l => l.startsWith('  -h, --help'))!
  const versionRow = rows.find(l => l.startsWith('  -v, --version'))!
  const descriptionAt = (l: string) => /^ {2}\S.*?\s{2,}(?:AOAI_EMULATOR_\S+\s{2,})?(?=\S)/.exec(l)![0].length
  const envAt = (l: string) => l.indexOf('AOAI_EMULATOR_')
  const column = descriptionAt(rows[0]!)
  for (const row of rows) t.equal(descriptionAt(row), column, `description column: ${row.trim().slice(0, 30)}`)
  for (const row of rows.slice(0, OPTIONS.length)) t.equal(envAt(row), envAt(rows[0]!), `variable column: ${row.trim().slice(0, 30)}`)
  t.equal(helpRow.slice(column), 'Show this help and exit.')
  t.equal(versionRow.slice(column), 'Print the version and exit.')
})

t.test('shown defaults agree with the real defaults', async t => {
  for (const option of OPTIONS) {
    const actual = DEFAULT_CONFIG[option.key]
    if (typeof actual === 'number' || typeof actual === 'string') {
      // The shown text may add a readable form after the value: "20971520 (20 MiB)".
      t.match(option.shownDefault, new RegExp(`^${String(actual).replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}( \\(.*\\))?$`), option.flag)
    }
  }
})

t.test('makeConfig applies overrides over the defaults and freezes', async t => {
  const config = makeConfig({ port: 0, apiKeys: ['k'] })
  t.equal(config.port, 0)
  t.same(config.apiKeys, ['k'])
  t.equal(config.queuedMs, 500)
  t.ok(Object.isFrozen(config))
})

t.test('control-plane options: bad values are one-line errors', async t => {
  t.match(configError(t, ['--clock', 'fast']), /--clock: "fast" is not one of real, virtual/)
  t.match(configError(t, ['--seed', '-1']), /--seed/)
  t.match(configError(t, [], { AOAI_EMULATOR_SEED: '1.5' }), /AOAI_EMULATOR_SEED: "1.5" is not a whole number/)
  t.match(configError(t, [], { AOAI_EMULATOR_ISOLATE_BY_KEY: 'maybe' }), /AOAI_EMULATOR_ISOLATE_BY_KEY: "maybe" is not one of true, false, 1, 0, yes, no, on, off/)
  t.match(configError(t, ['--rate-limit-rpm', 'many']), /--rate-limit-rpm/)
  t.match(configError(t, ['--no-admin=true']), /no-admin/)
  t.equal(configOf([], { AOAI_EMULATOR_NO_ADMIN: '1' }).noAdmin, true)
  t.equal(configOf([], { AOAI_EMULATOR_NO_ADMIN: '0' }).noAdmin, false)
})

t.test('startEmulator checks its options as the command line does: unknown options and wrong values reject', async t => {
  const { startEmulator } = await import('../src/index.js')
  await t.rejects(startEmulator({ queuedMs: -1 }), { name: 'ConfigError', message: "Invalid value for option 'queuedMs': -1 is not a whole number of milliseconds from 0 to 86400000" })
  await t.rejects(startEmulator({ apiVersionCheck: 'bogus' as 'strict' }), { message: /option 'apiVersionCheck': "bogus" is not one of strict, lenient, off/ })
  await t.rejects(startEmulator({ port: 70000 }), { message: /option 'port': 70000 is not a port number from 0 to 65535/ })
  await t.rejects(startEmulator({ apiKeys: [] }), { message: /option 'apiKeys': \[\] is not a list of one or more non-empty strings/ })
  await t.rejects(startEmulator({ queuedMS: 5 } as object), { name: 'ConfigError', message: /^Unknown option 'queuedMS'/ })
  await t.rejects(startEmulator({ tlsCert: 'c.pem' }), { message: /tlsCert and tlsKey go together/ })
  const started = await startEmulator({ queuedMs: 0, streamChunkMs: null, seed: undefined, fixtures: null })
  t.teardown(() => started.close())
  t.equal(started.app.runtime.config.queuedMs, 0, 'good options pass')
})
