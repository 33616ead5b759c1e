/**
 * Byte identity: what the emulator sends must not change unless we mean it to. Three seeded flows are driven
 * over HTTP only (app.inject(), which is deterministic; time moves only through POST /_emulator/clock/advance),
 * every byte the emulator answers is written down, and the result is compared byte for byte with the committed
 * recordings:
 *
 * - test/recordings/seeded-flow.txt (fixtures: seeded-flow.fixtures.json): one long flow through the three
 *   flavours (Azure `/openai` under 2024-02-15-preview, 2024-04-01-preview, 2024-05-01-preview,
 *   2024-07-01-preview and 2025-04-01-preview; OpenAI `/v1`; Foundry Agents `/api/projects/p1`): CRUD and
 *   lists with pagination, runs polled across their statuses, scripted and forced tool calls, cancel, failed
 *   and incomplete runs, streams (create run, create thread and run, submit tool outputs, a cancel seen by an
 *   open stream, a stream cut by a fault), files, vector stores with their files, batches and search, the v1
 *   assistant and message files, errors in each flavour's envelope, faults, journal, state export and
 *   import, reset.
 * - test/recordings/seeded-tenancy.txt (fixtures: seeded-tenancy.fixtures.json): a short flow on an emulator
 *   with `isolateByKey`, per-key quotas, an admin key and a fixture fault rule. Quotas cannot be added at
 *   runtime, so they get an app of their own.
 * - test/recordings/seeded-responses.txt (fixtures: seeded-responses.fixtures.json): the Responses API on its
 *   doors (`/v1`, `/openai/v1`, `/openai` with an api-version, a Foundry project's `/openai/v1`): foreground,
 *   background and streamed responses with their replays, the function-call loop, cancel, conversations and
 *   their items, errors per door, the journal, state export and import, reset.
 *
 * The apps are built as a user's would be (`makeConfig({ seed, clock: 'virtual', ... })`, fixtures read from
 * disk) with no AppDeps: no contract inspector (it only reads responses, but it is test machinery, not
 * behaviour) and no clock injected (the seeded virtual clock starts at 2025-01-01T00:00:00Z).
 *
 * The format, per exchange: `### NNNN label`, the request line, the request headers the flow set (in the order
 * sent; light-my-request adds `host`, `user-agent` and `content-length` of its own) and the request body; then
 * `--- response`, the response head exactly as Node serialised it (status line and every header in the order
 * sent, Node's own `Connection` / `Transfer-Encoding` included), and the body. Every body is preceded by its
 * length in bytes and written verbatim (base64 if it were not UTF-8 text; multipart bodies keep their CRLF,
 * and test/recordings/.gitattributes keeps git from converting them). A streamed body gets its own block
 * (`### NNNN (continued)`) after whatever the flow did while it was open (the clock advances that drive it);
 * its chunk boundaries are not recorded, since how writes group is up to the scheduler. A body over 1 KiB that
 * repeats an earlier response body byte for byte (the state document PUT back, the same document exported
 * again) names that exchange instead of being written twice. Each exchange also states the status the flow
 * expects, so a flow that goes astray stops at once with the exchange's label. The `x-request-id` /
 * `apim-request-id` and `date` headers are recorded like every other byte, and checked besides: present on
 * every answer, UUIDs, distinct, on the virtual clock.
 *
 * To rewrite the recordings after a change that is MEANT to change what clients see (never to make a
 * refactoring pass), and review the diff:
 *
 *     UPDATE_RECORDING=1 npx tap --disable-coverage test/byte-identity.test.ts
 *
 * Excluded, each for a reason:
 * - `duration_ms` in the journal (GET /_emulator/requests) is real elapsed time: its values are masked, and so
 *   is that answer's `content-length`, which depends on their digits (checked against the real body first).
 * - The `drop` fault is not in the flow: it destroys the client's connection, and inject() has none (the
 *   injected request never settles). A `stream_cut` fault is: its stream is recorded up to the cut, then noted
 *   as cut, which is how light-my-request reports the destroyed socket.
 * - A `latency` fault waits in real time (5 ms here); its answer's bytes are the ordinary answer's.
 *
 * Process-wide state: the tokenizer is loaded the first time a token count is needed (in the main flow: the
 * first completed run's usage), and message records made before that carry no stored token count, which state
 * documents show. A second pass of the main flow in the same process gives another state document, and the
 * tenancy recording holds token counts because the main flow ran first. So the flows run in this order, once,
 * in a process of their own (tap runs each test file in one): run the whole file, not one subtest alone.
 */
import { readFileSync, writeFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import t, { type Test } from 'tap'
import type { FastifyInstance, InjectOptions, LightMyRequestResponse } from 'fastify'
import { buildApp } from '../src/app.js'
import { makeConfig } from '../src/config.js'

const RECORDINGS = new URL('./recordings/', import.meta.url)
const recordingPath = (name: string) => fileURLToPath(new URL(name, RECORDINGS))
const UPDATE = process.env.UPDATE_RECORDING === '1'

// ---------------------------------------------------------------------------------------------------------
// The recorder
// ---------------------------------------------------------------------------------------------------------

type Method = NonNullable<InjectOptions['method']>

interface Request {
  readonly method: Method
  readonly url: string
  /** Sent as given, in this order. */
  readonly headers?: Readonly<Record<string, string>>
  /** A string or Buffer is sent as it is; anything else as JSON (with `content-type: application/json`). */
  readonly body?: unknown
}

interface Options {
  /** The status (or statuses) the flow expects: another fails the test at once, naming the exchange. */
  readonly expect: number | readonly number[]
  /**
   * Read the answer as a stream; `during` runs once its head has arrived, before its body is read to the end.
   * Without `stream`, `during` runs while the request waits for its answer (a foreground response on a slow
   * scenario), and the answer is written after what it did.
   */
  readonly stream?: boolean
  readonly during?: () => Promise<void>
  /** Replaces the parts of the body that cannot repeat (see the header comment), and the content-length. */
  readonly mask?: (body: string) => string
}

interface Answer {
  readonly status: number
  readonly body: string
  json<T = any> (): T
}

/** The head of a response exactly as Node serialised it. */
function headOf (response: LightMyRequestResponse): string {
  const head = (response.raw.res as unknown as { _header?: string | null })._header
  if (typeof head !== 'string' || !head.endsWith('\r\n\r\n')) throw new Error('no serialised response head')
  const lines = head.slice(0, -4).split('\r\n')
  if (lines.some(line => line.includes('\n') || line.includes('\r'))) throw new Error(`a header with a bare line break: ${JSON.stringify(head)}`)
  return lines.join('\n')
}

/** `(what: N bytes)` and the bytes: verbatim when they are UTF-8 text, else base64. */
function block (what: string, bytes: Buffer): string {
  const text = bytes.toString('utf8')
  if (Buffer.from(text, 'utf8').equals(bytes)) return `(${what}: ${bytes.length} bytes)\n${text}\n`
  return `(${what}: ${bytes.length} bytes, base64)\n${bytes.toString('base64')}\n`
}

class Recorder {
  private readonly parts: string[] = []
  private readonly responseBodies = new Map<string, string>()
  private count = 0
  private readonly app: FastifyInstance

  constructor (app: FastifyInstance, title: string) {
    this.app = app
    this.parts.push(`# ${title}\n`)
  }

  section (title: string): void {
    this.parts.push(`\n## ${title}\n`)
  }

  get exchanges (): number {
    return this.count
  }

  text (): string {
    return this.parts.join('')
  }

  async send (label: string, request: Request, options: Options): Promise<Answer> {
    const number = String(++this.count).padStart(4, '0')
    const headers: Record<string, string> = { ...request.headers }
    let payload: string | Buffer | undefined
    if (typeof request.body === 'string' || Buffer.isBuffer(request.body)) {
      payload = request.body
    } else if (request.body !== undefined) {
      payload = JSON.stringify(request.body)
      if (!Object.keys(headers).some(name => name.toLowerCase() === 'content-type')) headers['content-type'] = 'application/json'
    }
    let out = `\n### ${number} ${label}\n${request.method} ${request.url}\n`
    for (const [name, value] of Object.entries(headers)) out += `${name}: ${value}\n`
    if (payload !== undefined) {
      const bytes = Buffer.from(payload)
      const earlier = bytes.length > 1024 ? this.responseBodies.get(bytes.toString('base64')) : undefined
      out += earlier === undefined ? block('request body', bytes) : `(request body: ${bytes.length} bytes, the response body of exchange ${earlier})\n`
    }
    const pending = this.app.inject({
      method: request.method,
      url: request.url,
      headers,
      ...(payload === undefined ? {} : { payload }),
      ...(options.stream === true ? { payloadAsStream: true } : {})
    })
    const waits = options.stream !== true && options.during !== undefined
    if (waits) {
      this.parts.push(`${out}--- response: it is answered after what happens meanwhile\n`)
      await options.during!()
      out = `\n### ${number} (continued) ${label}\n`
    }
    const response = await pending
    if (!([] as number[]).concat(options.expect).includes(response.statusCode)) {
      const body = options.stream === true ? '(a stream)' : response.body.slice(0, 2000)
      throw new Error(`exchange ${number} (${label}): expected status ${options.expect}, got ${response.statusCode}: ${body}`)
    }
    let head = headOf(response)
    let body: Buffer
    if (options.stream === true) {
      // Listening at once: every byte written before an abrupt end is kept (a destroyed stream drops its buffer).
      const chunks: Buffer[] = []
      const stream = response.stream()
      let ending = 'the stream ended'
      const ended = new Promise<void>(resolve => {
        stream.on('data', (chunk: Buffer) => chunks.push(chunk))
        stream.on('end', () => resolve())
        stream.on('error', (err: NodeJS.ErrnoException) => {
          ending = `the stream was cut (${err.code ?? err.message})`
          resolve()
        })
      })
      this.parts.push(`${out}--- response\n${head}\n(streamed: its body follows what happens meanwhile)\n`)
      if (!waits) await options.during?.()
      await ended
      body = Buffer.concat(chunks)
      this.parts.push(`\n### ${number} (continued) ${label}\n--- streamed body; ${ending}\n${block('response body', body)}`)
    } else {
      body = response.rawPayload
      if (options.mask) {
        const length = head.match(/^content-length: (\d+)$/im)
        if (length === null || Number(length[1]) !== body.length) throw new Error(`exchange ${number}: content-length is not the body's length`)
        head = head.replace(/^(content-length): \d+$/im, '$1: <excluded: depends on the masked values>')
        body = Buffer.from(options.mask(body.toString('utf8')))
      }
      const earlier = body.length > 1024 ? this.responseBodies.get(body.toString('base64')) : undefined
      const shown = earlier === undefined
        ? block(options.mask ? 'response body, masked' : 'response body', body)
        : `(response body: ${body.length} bytes, the same as the response body of exchange ${earlier})\n`
      this.parts.push(`${out}--- response\n${head}\n${shown}`)
      if (body.length > 1024 && earlier === undefined) this.responseBodies.set(body.toString('base64'), number)
    }
    const text = body.toString('utf8')
    return { status: response.statusCode, body: text, json: () => JSON.parse(text) }
  }
}

/** Compares with the committed recording (or rewrites it); on a difference, the first differing line with context. */
function compare (t: Test, name: string, produced: string): void {
  const path = recordingPath(name)
  if (UPDATE) {
    writeFileSync(path, produced)
    t.pass(`${name} rewritten (${Buffer.byteLength(produced)} bytes)`)
    return
  }
  let recorded: string
  try {
    recorded = readFileSync(path, 'utf8')
  } catch {
    t.fail(`${name} is missing: record it with UPDATE_RECORDING=1 npx tap --disable-coverage test/byte-identity.test.ts`)
    return
  }
  if (recorded === produced) {
    t.pass(`${name}: ${Buffer.byteLength(produced)} bytes, identical`)
    return
  }
  const want = recorded.split('\n')
  const got = produced.split('\n')
  let line = 0
  while (line < want.length && line < got.length && want[line] === got[line]) line++
  const exchange = want.slice(0, line + 1).findLast(l => l.startsWith('### ')) ?? '(before the first exchange)'
  const context = (lines: string[]) => lines.slice(Math.max(0, line - 6), line + 6)
    .map((l, i) => `${String(Math.max(0, line - 6) + i + 1).padStart(6)}${Math.max(0, line - 6) + i === line ? ' >' : '  '} ${l.length > 400 ? `${l.slice(0, 400)}… (${l.length} chars)` : l}`)
    .join('\n')
  let column = 0
  const a = want[line] ?? ''
  const b = got[line] ?? ''
  while (column < a.length && column < b.length && a[column] === b[column]) column++
  const summary = `${name} differs from what the flow produced, first at line ${line + 1}, column ${column + 1}, in ${exchange}`
  // The details as comment lines (a failure's message is folded onto one line); the summary as the failure.
  t.comment([
    summary,
    `recorded: …${JSON.stringify(a.slice(Math.max(0, column - 60), column + 60))}`,
    `produced: …${JSON.stringify(b.slice(Math.max(0, column - 60), column + 60))}`,
    '--- recorded', context(want), '--- produced', context(got),
    `(recorded ${want.length} lines / ${Buffer.byteLength(recorded)} bytes, produced ${got.length} lines / ${Buffer.byteLength(produced)} bytes)`,
    'If the change is meant to be seen by clients: UPDATE_RECORDING=1 npx tap --disable-coverage test/byte-identity.test.ts'
  ].join('\n'))
  t.fail(summary)
}

// ---------------------------------------------------------------------------------------------------------
// Clients: how each flavour is called
// ---------------------------------------------------------------------------------------------------------

const AZURE_KEY = 'azure-key-for-the-recording'
const OPENAI_KEY = 'sk-emulator-recording-0123456789abcdef'
const ENTRA_TOKEN = 'entra-token-for-the-recording'
const JWT_SECRET = 'jwt-secret-for-the-recording'
const V1 = '2024-02-15-preview'
const V1_LATER = '2024-04-01-preview'
const V2 = '2024-05-01-preview'
const V2_CHUNKING = '2024-07-01-preview'
const V2_NEWEST = '2025-04-01-preview'
const SEEDED_EPOCH_S = Date.UTC(2025, 0, 1) / 1000

/** An HS256 JWT signed with `secret` (the emulator's `--jwt-secret`), deterministic for the same claims. */
async function jwt (claims: Record<string, unknown>, secret: string): Promise<string> {
  const { createHmac } = await import('node:crypto')
  const part = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url')
  const unsigned = `${part({ alg: 'HS256', typ: 'JWT' })}.${part(claims)}`
  return `${unsigned}.${createHmac('sha256', secret).update(unsigned).digest('base64url')}`
}

/** A multipart/form-data body: plain fields and one file. */
function form (fields: Record<string, string>, file: { name: string, content: string, type?: string }, boundary = 'recording-boundary-1') {
  let body = ''
  for (const [name, value] of Object.entries(fields)) body += `--${boundary}\r\nContent-Disposition: form-data; name="${name}"\r\n\r\n${value}\r\n`
  body += `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${file.name}"\r\nContent-Type: ${file.type ?? 'text/plain'}\r\n\r\n${file.content}\r\n--${boundary}--\r\n`
  return { body, headers: { 'content-type': `multipart/form-data; boundary=${boundary}` } }
}

const withQuery = (path: string, query: string) => `${path}${path.includes('?') ? '&' : '?'}${query}`

function clients (rec: Recorder) {
  const azureAt = (version: string | null, key: string = AZURE_KEY) =>
    (label: string, method: Method, path: string, body: unknown, expect: Options['expect'], extra: Record<string, string> = {}, options: Partial<Options> = {}) =>
      rec.send(label, {
        method,
        url: version === null ? `/openai${path}` : withQuery(`/openai${path}`, `api-version=${version}`),
        headers: { 'api-key': key, ...extra },
        body
      }, { expect, ...options })
  const openai = (label: string, method: Method, path: string, body: unknown, expect: Options['expect'], extra: Record<string, string> = {}, options: Partial<Options> = {}) =>
    rec.send(label, { method, url: `/v1${path}`, headers: { authorization: `Bearer ${OPENAI_KEY}`, 'openai-beta': 'assistants=v2', ...extra }, body }, { expect, ...options })
  const agents = (label: string, method: Method, path: string, body: unknown, expect: Options['expect'], extra: Record<string, string> = {}, options: Partial<Options> = {}) =>
    rec.send(label, { method, url: withQuery(`/api/projects/p1${path}`, 'api-version=v1'), headers: { authorization: `Bearer ${ENTRA_TOKEN}`, ...extra }, body }, { expect, ...options })
  // Keys are configured and there is no admin key: the control plane takes the API's credentials (docs/security.md).
  const control = (label: string, method: Method, path: string, body: unknown, expect: Options['expect'], options: Partial<Options> = {}) =>
    rec.send(label, { method, url: `/_emulator${path}`, headers: { 'api-key': AZURE_KEY }, ...(body === undefined ? {} : { body }) }, { expect, ...options })
  const advance = (ms: number) => control(`advance the virtual clock by ${ms} ms`, 'POST', '/clock/advance', { ms }, 200)
  return { azureAt, openai, agents, control, advance }
}

// ---------------------------------------------------------------------------------------------------------
// The main flow
// ---------------------------------------------------------------------------------------------------------

async function mainFlow (rec: Recorder): Promise<void> {
  const { azureAt, openai, agents, control, advance } = clients(rec)
  const v1 = azureAt(V1)
  const v1Later = azureAt(V1_LATER)
  const v2 = azureAt(V2)
  const v7 = azureAt(V2_CHUNKING)
  const newest = azureAt(V2_NEWEST)

  rec.section('Control plane at start')
  await control('health', 'GET', '/health', undefined, 200)
  await control('ready (inject: the server does not listen)', 'GET', '/ready', undefined, 503)
  await control('the virtual clock starts at the seeded epoch', 'GET', '/clock', undefined, 200)
  await v2('the fixtures\' assistant', 'GET', '/assistants/asst_weather', undefined, 200)
  await v1('the fixtures\' thread, v1 shapes', 'GET', '/threads/thread_seeded', undefined, 200)
  await v1('the fixtures\' thread\'s messages, v1 shapes', 'GET', '/threads/thread_seeded/messages', undefined, 200)

  // -------------------------------------------------------------------------------------------------------
  rec.section(`Azure ${V1}: v1 shapes, file_ids, assistant and message files`)
  const upload1 = form({ purpose: 'assistants' }, { name: 'notes.txt', content: 'Paris is the capital of France.\nThe Seine flows through Paris.\n' })
  const file1 = (await v1('upload a file (multipart)', 'POST', '/files', upload1.body, 200, upload1.headers)).json()
  await advance(1000)
  const upload2 = form({ purpose: 'assistants', filename: 'renamed.md' }, { name: 'ignored.md', content: '# Heading\n\nMarkdown with ünïcödé and "quotes".\n', type: 'text/markdown' }, 'another-boundary')
  const file2 = (await v1('upload a second file, its name from the filename field', 'POST', '/files', upload2.body, 200, upload2.headers)).json()
  await v1('list files', 'GET', '/files', undefined, 200)
  await v1('list files of one purpose', 'GET', '/files?purpose=assistants', undefined, 200)
  await v1('retrieve a file', 'GET', `/files/${file1.id}`, undefined, 200)
  await v1('download a file\'s content', 'GET', `/files/${file2.id}/content`, undefined, 200)

  const coder = (await v1('create an assistant with file_ids', 'POST', '/assistants', {
    model: 'gpt-4', name: 'Coder', description: 'v1 assistant', instructions: 'Write code.', tools: [{ type: 'code_interpreter' }], file_ids: [file1.id], metadata: { flavour: 'azure-v1' }
  }, 200)).json()
  await advance(1000)
  await v1('attach a second assistant file', 'POST', `/assistants/${coder.id}/files`, { file_id: file2.id }, 200)
  const assistantFiles = (await v1('list assistant files, one per page', 'GET', `/assistants/${coder.id}/files?limit=1`, undefined, 200)).json()
  await v1('the next page of assistant files', 'GET', `/assistants/${coder.id}/files?limit=1&after=${assistantFiles.last_id}`, undefined, 200)
  await v1('list assistant files, oldest first', 'GET', `/assistants/${coder.id}/files?order=asc`, undefined, 200)
  await v1('retrieve an assistant file', 'GET', `/assistants/${coder.id}/files/${file2.id}`, undefined, 200)
  await v1('detach an assistant file', 'DELETE', `/assistants/${coder.id}/files/${file2.id}`, undefined, 200)
  await v1('the detached assistant file is gone', 'GET', `/assistants/${coder.id}/files/${file2.id}`, undefined, 404)
  await v1('retrieval is retired in favour of file_search', 'POST', '/assistants', { model: 'gpt-4', tools: [{ type: 'retrieval' }] }, 400)
  await v1('v2 fields are unknown to v1', 'POST', '/assistants', { model: 'gpt-4', tool_resources: {} }, 400)
  await v1('the assistant with its file_ids', 'GET', `/assistants/${coder.id}`, undefined, 200)

  const v1Thread = (await v1('create a thread whose message carries file_ids', 'POST', '/threads', {
    messages: [{ role: 'user', content: 'Please summarise the attached notes.', file_ids: [file1.id], metadata: { n: '1' } }], metadata: { topic: 'v1' }
  }, 200)).json()
  const v1Messages = (await v1('list the thread\'s messages', 'GET', `/threads/${v1Thread.id}/messages`, undefined, 200)).json()
  const v1Message = v1Messages.data[0]
  await v1('list a message\'s files', 'GET', `/threads/${v1Thread.id}/messages/${v1Message.id}/files`, undefined, 200)
  await v1('retrieve a message file', 'GET', `/threads/${v1Thread.id}/messages/${v1Message.id}/files/${file1.id}`, undefined, 200)
  await v1('add a message with file_ids', 'POST', `/threads/${v1Thread.id}/messages`, { role: 'user', content: 'And keep it short.', file_ids: [file2.id] }, 200)

  const v1Run = (await v1('create a run (queued)', 'POST', `/threads/${v1Thread.id}/runs`, { assistant_id: coder.id, instructions: 'Summarise.', metadata: { kind: 'v1' } }, 200)).json()
  await v1('the run is queued', 'GET', `/threads/${v1Thread.id}/runs/${v1Run.id}`, undefined, 200)
  await v1('no new message while the run is active', 'POST', `/threads/${v1Thread.id}/messages`, { role: 'user', content: 'Too early.' }, 400)
  await v1('no second run while one is active', 'POST', `/threads/${v1Thread.id}/runs`, { assistant_id: coder.id }, 400)
  await advance(500)
  await v1('the run is in progress', 'GET', `/threads/${v1Thread.id}/runs/${v1Run.id}`, undefined, 200)
  await v1('its message is being written', 'GET', `/threads/${v1Thread.id}/messages?limit=1`, undefined, 200)
  await advance(750)
  await v1('halfway through the reply', 'GET', `/threads/${v1Thread.id}/messages?limit=1`, undefined, 200)
  await advance(750)
  await v1('the run completed', 'GET', `/threads/${v1Thread.id}/runs/${v1Run.id}`, undefined, 200)
  await v1('list runs', 'GET', `/threads/${v1Thread.id}/runs`, undefined, 200)
  const v1Steps = (await v1('list the run\'s steps', 'GET', `/threads/${v1Thread.id}/runs/${v1Run.id}/steps`, undefined, 200)).json()
  await v1('retrieve a step', 'GET', `/threads/${v1Thread.id}/runs/${v1Run.id}/steps/${v1Steps.data[0].id}`, undefined, 200)
  await v1('the reply is on the thread, oldest first', 'GET', `/threads/${v1Thread.id}/messages?order=asc`, undefined, 200)
  await v1('modify the run\'s metadata', 'POST', `/threads/${v1Thread.id}/runs/${v1Run.id}`, { metadata: { kind: 'v1', checked: 'yes' } }, 200)
  await v1('cannot cancel a completed run', 'POST', `/threads/${v1Thread.id}/runs/${v1Run.id}/cancel`, undefined, 400)
  const v1ThreadRun = (await v1Later(`create a thread and run (${V1_LATER})`, 'POST', '/threads/runs', {
    assistant_id: coder.id, thread: { messages: [{ role: 'user', content: 'One more question.' }] }
  }, 200)).json()
  await advance(2000)
  await v1Later('that run completed', 'GET', `/threads/${v1ThreadRun.thread_id}/runs/${v1ThreadRun.id}`, undefined, 200)
  await v1('stream a v1 run created with its thread (zero timings: all at once)', 'POST', '/threads/runs', {
    assistant_id: coder.id, stream: true, thread: { messages: [{ role: 'user', content: 'Please stream at once.' }] }
  }, 200, {}, { stream: true })

  // -------------------------------------------------------------------------------------------------------
  rec.section(`Azure ${V2}: CRUD, lists and pagination`)
  const made: Array<{ id: string }> = []
  for (const name of ['Alpha', 'Beta', 'Gamma', 'Delta']) {
    made.push((await v2(`create assistant ${name}`, 'POST', '/assistants', {
      model: 'gpt-4o', name, instructions: `You are ${name}.`, temperature: 0.5, top_p: 0.9, metadata: { name }, ...(name === 'Gamma' ? { response_format: { type: 'json_object' } } : {})
    }, 200)).json())
    await advance(1000)
  }
  const page1 = (await v2('list assistants, two per page', 'GET', '/assistants?limit=2', undefined, 200)).json()
  const page2 = (await v2('the next page', 'GET', `/assistants?limit=2&after=${page1.last_id}`, undefined, 200)).json()
  await v2('the page before', 'GET', `/assistants?limit=2&before=${page2.first_id}`, undefined, 200)
  await v2('oldest first', 'GET', '/assistants?order=asc&limit=3', undefined, 200)
  await v2('a cursor that is no item: an empty page', 'GET', '/assistants?after=asst_nothing', undefined, 200)
  await v2('retrieve an assistant', 'GET', `/assistants/${made[0]!.id}`, undefined, 200)
  await v2('modify an assistant', 'POST', `/assistants/${made[0]!.id}`, { name: 'Alpha 2', metadata: { name: 'Alpha', version: '2' }, tools: [{ type: 'file_search' }] }, 200)
  await v2('delete an assistant', 'DELETE', `/assistants/${made[3]!.id}`, undefined, 200)
  await v2('the deleted assistant is gone', 'GET', `/assistants/${made[3]!.id}`, undefined, 404)
  await v2('deleting it again', 'DELETE', `/assistants/${made[3]!.id}`, undefined, 404)
  await v1('a v2 assistant read in v1 shapes', 'GET', `/assistants/${made[0]!.id}`, undefined, 200)

  const thread = (await v2('create a thread with messages and attachments', 'POST', '/threads', {
    messages: [
      { role: 'user', content: 'First question.' },
      { role: 'assistant', content: 'A prior answer.' },
      { role: 'user', content: [{ type: 'text', text: 'Second part, as content parts.' }], attachments: [{ file_id: file1.id, tools: [{ type: 'code_interpreter' }] }] }
    ],
    metadata: { topic: 'crud' }
  }, 200)).json()
  await v2('retrieve the thread', 'GET', `/threads/${thread.id}`, undefined, 200)
  await v2('modify the thread', 'POST', `/threads/${thread.id}`, { metadata: { topic: 'crud', more: 'yes' } }, 200)
  const messages = (await v2('list messages, two per page', 'GET', `/threads/${thread.id}/messages?limit=2`, undefined, 200)).json()
  await v2('the next page of messages', 'GET', `/threads/${thread.id}/messages?limit=2&after=${messages.last_id}`, undefined, 200)
  const added = (await v2('add a message', 'POST', `/threads/${thread.id}/messages`, { role: 'user', content: 'An extra message.', metadata: { extra: 'true' } }, 200)).json()
  await v2('retrieve the message', 'GET', `/threads/${thread.id}/messages/${added.id}`, undefined, 200)
  await v2('modify the message', 'POST', `/threads/${thread.id}/messages/${added.id}`, { metadata: { extra: 'false' } }, 200)
  await v2('delete the message', 'DELETE', `/threads/${thread.id}/messages/${added.id}`, undefined, 200)
  await v2('the deleted message is gone', 'GET', `/threads/${thread.id}/messages/${added.id}`, undefined, 404)
  await v2('messages of one run (none)', 'GET', `/threads/${thread.id}/messages?run_id=run_nothing`, undefined, 200)
  const doomed = (await v2('create a thread to delete', 'POST', '/threads', undefined, 200)).json()
  await v2('delete the thread', 'DELETE', `/threads/${doomed.id}`, undefined, 200)
  await v2('the deleted thread is gone', 'GET', `/threads/${doomed.id}`, undefined, 404)

  // -------------------------------------------------------------------------------------------------------
  rec.section(`Azure ${V2}: runs across their statuses`)
  const run = (await v2('create a run with v2 controls', 'POST', `/threads/${thread.id}/runs`, {
    assistant_id: made[1]!.id,
    additional_instructions: 'Be brief.',
    additional_messages: [{ role: 'user', content: 'Added with the run.' }],
    max_prompt_tokens: 5000,
    max_completion_tokens: 2000,
    truncation_strategy: { type: 'last_messages', last_messages: 10 },
    response_format: 'auto',
    metadata: { pass: '1' }
  }, 200)).json()
  await v2('queued', 'GET', `/threads/${thread.id}/runs/${run.id}`, undefined, 200)
  await advance(500)
  await v2('in progress', 'GET', `/threads/${thread.id}/runs/${run.id}`, undefined, 200)
  await v2('steps while in progress', 'GET', `/threads/${thread.id}/runs/${run.id}/steps`, undefined, 200)
  await advance(1500)
  await v2('completed, with usage', 'GET', `/threads/${thread.id}/runs/${run.id}`, undefined, 200)
  const steps = (await v2('steps', 'GET', `/threads/${thread.id}/runs/${run.id}/steps`, undefined, 200)).json()
  await v2('a step', 'GET', `/threads/${thread.id}/runs/${run.id}/steps/${steps.data[0].id}`, undefined, 200)
  await v2('the messages of that run', 'GET', `/threads/${thread.id}/messages?run_id=${run.id}`, undefined, 200)

  const json = (await v2('a run whose assistant (Gamma) answers in JSON', 'POST', `/threads/${thread.id}/runs`, { assistant_id: made[2]!.id }, 200)).json()
  await control('move that run on by one status', 'POST', `/runs/${json.id}/advance`, {}, 200)
  await control('and on to completed', 'POST', `/runs/${json.id}/advance`, { to: 'completed' }, 200)
  await control('an ended run has no next status', 'POST', `/runs/${json.id}/advance`, {}, 409)
  await control('an unknown run', 'POST', '/runs/run_nothing/advance', {}, 404)
  await v2('the JSON reply', 'GET', `/threads/${thread.id}/messages?limit=1`, undefined, 200)

  const cancelled = (await v2('a run to cancel', 'POST', `/threads/${thread.id}/runs`, { assistant_id: made[1]!.id }, 200)).json()
  await advance(1000)
  await v2('cancel it while its reply is being written', 'POST', `/threads/${thread.id}/runs/${cancelled.id}/cancel`, undefined, 200)
  await v2('cancelling', 'GET', `/threads/${thread.id}/runs/${cancelled.id}`, undefined, 200)
  await advance(500)
  await v2('cancelled', 'GET', `/threads/${thread.id}/runs/${cancelled.id}`, undefined, 200)
  await v2('its steps', 'GET', `/threads/${thread.id}/runs/${cancelled.id}/steps`, undefined, 200)
  await v2('the interrupted reply stays, incomplete', 'GET', `/threads/${thread.id}/messages?limit=1`, undefined, 200)

  const failed = (await v2('a run scripted to fail', 'POST', `/threads/${thread.id}/runs`, { assistant_id: made[1]!.id, metadata: { fail: 'server_error' } }, 200)).json()
  await advance(2000)
  await v2('failed, with last_error', 'GET', `/threads/${thread.id}/runs/${failed.id}`, undefined, 200)
  await v2('a message asking for a long essay', 'POST', `/threads/${thread.id}/messages`, { role: 'user', content: 'Write a long essay.' }, 200)
  const incomplete = (await v2('a run scripted to end incomplete', 'POST', `/threads/${thread.id}/runs`, { assistant_id: made[1]!.id }, 200)).json()
  await advance(2000)
  await v2('incomplete', 'GET', `/threads/${thread.id}/runs/${incomplete.id}`, undefined, 200)
  await v2('a message whose quoting reply is long', 'POST', `/threads/${thread.id}/messages`, { role: 'user', content: `Quote this back: ${Array.from({ length: 300 }, (_, i) => `word${i}`).join(' ')}.` }, 200)
  const cut = (await v2('a run cut by max_completion_tokens', 'POST', `/threads/${thread.id}/runs`, { assistant_id: made[1]!.id, max_completion_tokens: 256 }, 200)).json()
  await advance(2000)
  await v2('incomplete at the budget', 'GET', `/threads/${thread.id}/runs/${cut.id}`, undefined, 200)
  await v2('every run of the thread, two per page', 'GET', `/threads/${thread.id}/runs?limit=2`, undefined, 200)
  await v2('every run, oldest first', 'GET', `/threads/${thread.id}/runs?order=asc`, undefined, 200)

  // -------------------------------------------------------------------------------------------------------
  rec.section(`Azure ${V2}: tool calls`)
  const weather = (await v2('a thread asking for the weather', 'POST', '/threads', { messages: [{ role: 'user', content: 'What is the weather in Paris?' }] }, 200)).json()
  const weatherRun = (await v2('a run of the fixtures\' weather assistant', 'POST', `/threads/${weather.id}/runs`, { assistant_id: 'asst_weather' }, 200)).json()
  await advance(500)
  await v2('in progress, the tool call being written', 'GET', `/threads/${weather.id}/runs/${weatherRun.id}`, undefined, 200)
  await advance(1500)
  const waiting = (await v2('requires_action', 'GET', `/threads/${weather.id}/runs/${weatherRun.id}`, undefined, 200)).json()
  const callId = waiting.required_action.submit_tool_outputs.tool_calls[0].id as string
  await control('a run waiting for tool outputs cannot be advanced to completed', 'POST', `/runs/${weatherRun.id}/advance`, { to: 'completed' }, 409)
  await v2('tool outputs for the wrong call', 'POST', `/threads/${weather.id}/runs/${weatherRun.id}/submit_tool_outputs`, { tool_outputs: [{ tool_call_id: 'call_wrong', output: 'x' }] }, 400)
  await v2('submit the tool outputs', 'POST', `/threads/${weather.id}/runs/${weatherRun.id}/submit_tool_outputs`, { tool_outputs: [{ tool_call_id: callId, output: '22 °C and sunny' }] }, 200)
  await advance(2000)
  await v2('completed after the tool outputs', 'GET', `/threads/${weather.id}/runs/${weatherRun.id}`, undefined, 200)
  await v2('the tool step with its output, and the reply step', 'GET', `/threads/${weather.id}/runs/${weatherRun.id}/steps?order=asc`, undefined, 200)
  await v2('the reply quoting the output', 'GET', `/threads/${weather.id}/messages?limit=1`, undefined, 200)
  await v2('a finished run takes no tool outputs', 'POST', `/threads/${weather.id}/runs/${weatherRun.id}/submit_tool_outputs`, { tool_outputs: [{ tool_call_id: callId, output: 'x' }] }, 400)

  const orders = (await v2('an assistant with a function tool', 'POST', '/assistants', {
    model: 'gpt-4o',
    name: 'Orders',
    tools: [{
      type: 'function',
      function: {
        name: 'lookup_order',
        description: 'Find an order',
        parameters: { type: 'object', properties: { order_id: { type: 'string', example: 'ord_42' }, count: { type: 'integer', minimum: 2 }, status: { type: 'string', enum: ['open', 'shipped'] } }, required: ['order_id', 'count', 'status'] }
      }
    }]
  }, 200)).json()
  const ordersThread = (await v2('a thread for the forced call', 'POST', '/threads', { messages: [{ role: 'user', content: 'Where is my order?' }] }, 200)).json()
  await v2('tool_choice naming an unknown function', 'POST', `/threads/${ordersThread.id}/runs`, { assistant_id: orders.id, tool_choice: { type: 'function', function: { name: 'nothing' } } }, 400)
  const forced = (await v2('tool_choice forces the function', 'POST', `/threads/${ordersThread.id}/runs`, {
    assistant_id: orders.id, tool_choice: { type: 'function', function: { name: 'lookup_order' } }, parallel_tool_calls: false
  }, 200)).json()
  await advance(2000)
  const forcedWaiting = (await v2('requires_action with sampled arguments', 'GET', `/threads/${ordersThread.id}/runs/${forced.id}`, undefined, 200)).json()
  const forcedCall = forcedWaiting.required_action.submit_tool_outputs.tool_calls[0].id as string
  await v2('submit the tool outputs as a stream', 'POST', `/threads/${ordersThread.id}/runs/${forced.id}/submit_tool_outputs`, {
    tool_outputs: [{ tool_call_id: forcedCall, output: '{"status":"shipped"}' }], stream: true
  }, 200, {}, {
    stream: true,
    during: async () => {
      await advance(500)
      await advance(1500)
    }
  })
  await v2('after the stream, the run reads completed', 'GET', `/threads/${ordersThread.id}/runs/${forced.id}`, undefined, 200)
  await v2('and its steps are there', 'GET', `/threads/${ordersThread.id}/runs/${forced.id}/steps`, undefined, 200)

  const twoTools = (await v2('an assistant scripted to make two calls', 'POST', '/assistants', {
    model: 'gpt-4o', name: 'Two tools', tools: [{ type: 'function', function: { name: 'lookup', parameters: { type: 'object', properties: { q: { type: 'string' } } } } }]
  }, 200)).json()
  const twoThread = (await v2('a thread for it', 'POST', '/threads', { messages: [{ role: 'user', content: 'Look two things up.' }] }, 200)).json()
  await v2('stream a run that stops at requires_action', 'POST', `/threads/${twoThread.id}/runs`, { assistant_id: twoTools.id, stream: true }, 200, {}, {
    stream: true,
    during: async () => {
      await advance(100)
      await advance(400)
    }
  })
  const twoWaiting = (await v2('two calls wait for their outputs', 'GET', `/threads/${twoThread.id}/runs?limit=1`, undefined, 200)).json()
  const twoRun = twoWaiting.data[0]
  const twoCalls = twoRun.required_action.submit_tool_outputs.tool_calls as Array<{ id: string }>
  await v2('only one of two outputs', 'POST', `/threads/${twoThread.id}/runs/${twoRun.id}/submit_tool_outputs`, { tool_outputs: [{ tool_call_id: twoCalls[0]!.id, output: 'A' }] }, 400)
  await v2('both outputs, streamed with a paced reply', 'POST', `/threads/${twoThread.id}/runs/${twoRun.id}/submit_tool_outputs`, {
    tool_outputs: twoCalls.map((call, i) => ({ tool_call_id: call.id, output: `result ${i + 1}` })), stream: true
  }, 200, {}, {
    stream: true,
    during: async () => {
      await advance(100)
      await advance(150)
      await advance(1000)
    }
  })

  const streamThread = (await v2('a thread for a streamed run', 'POST', '/threads', { messages: [{ role: 'user', content: 'Tell me something, streamed.' }] }, 200)).json()
  await v2('stream a run, following the clock', 'POST', `/threads/${streamThread.id}/runs`, { assistant_id: made[1]!.id, stream: true }, 200, {}, {
    stream: true,
    during: async () => {
      await advance(500)
      await advance(700)
      await advance(800)
    }
  })
  await v2('a stream cancelled from another request', 'POST', `/threads/${streamThread.id}/runs`, { assistant_id: made[1]!.id, stream: true }, 200, {}, {
    stream: true,
    during: async () => {
      await advance(1000)
      const open = (await v2('the open run', 'GET', `/threads/${streamThread.id}/runs?limit=1`, undefined, 200)).json()
      await v2('cancel it', 'POST', `/threads/${streamThread.id}/runs/${open.data[0].id}/cancel`, undefined, 200)
      await advance(500)
    }
  })
  await newest(`stream a thread and run (${V2_NEWEST}, zero timings)`, 'POST', '/threads/runs', {
    assistant_id: made[1]!.id, stream: true, thread: { messages: [{ role: 'user', content: 'Please stream at once, newest.' }], metadata: { via: 'createAndRun' } }
  }, 200, {}, { stream: true })
  await v2('a stream refused before it starts is the plain JSON error', 'POST', `/threads/${streamThread.id}/runs`, { assistant_id: 'asst_nothing', stream: true }, 404)

  // -------------------------------------------------------------------------------------------------------
  rec.section(`Vector stores: ${V2} and ${V2_CHUNKING} (chunking_strategy)`)
  const docs: Array<{ id: string }> = []
  const texts = [
    ['paris.txt', 'Paris is the capital of France. The Eiffel Tower stands in Paris.'],
    ['rome.txt', 'Rome is the capital of Italy. The Colosseum stands in Rome.'],
    ['berlin.txt', 'Berlin is the capital of Germany. The Brandenburg Gate stands in Berlin.'],
    ['madrid.txt', 'Madrid is the capital of Spain. The Prado museum is in Madrid.']
  ] as const
  for (const [name, content] of texts) {
    const upload = form({ purpose: 'assistants' }, { name, content })
    docs.push((await v7(`upload ${name}`, 'POST', '/files', upload.body, 200, upload.headers)).json())
  }
  await v2(`chunking_strategy is refused under ${V2}`, 'POST', '/vector_stores', { file_ids: [docs[0]!.id], chunking_strategy: { type: 'auto' } }, 400)
  const store = (await v7('create a vector store with a static chunking strategy', 'POST', '/vector_stores', {
    name: 'Capitals', file_ids: [docs[0]!.id], chunking_strategy: { type: 'static', static: { max_chunk_size_tokens: 800, chunk_overlap_tokens: 400 } }, expires_after: { anchor: 'last_active_at', days: 7 }, metadata: { topic: 'capitals' }
  }, 200)).json()
  await v7('in progress, with a poll hint', 'GET', `/vector_stores/${store.id}`, undefined, 200)
  await advance(500)
  await v7('completed', 'GET', `/vector_stores/${store.id}`, undefined, 200)
  await v7('add a file with the auto strategy', 'POST', `/vector_stores/${store.id}/files`, { file_id: docs[1]!.id, chunking_strategy: { type: 'auto' } }, 200)
  await v7('chunk overlap too large', 'POST', `/vector_stores/${store.id}/files`, { file_id: docs[2]!.id, chunking_strategy: { type: 'static', static: { max_chunk_size_tokens: 800, chunk_overlap_tokens: 500 } } }, 400)
  await v2(`the store's files in ${V2} shapes`, 'GET', `/vector_stores/${store.id}/files`, undefined, 200)
  await advance(500)
  await v7('list the store\'s files, one per page', 'GET', `/vector_stores/${store.id}/files?limit=1`, undefined, 200)
  await v7('completed files only', 'GET', `/vector_stores/${store.id}/files?filter=completed&order=asc`, undefined, 200)
  await v7('retrieve a store file', 'GET', `/vector_stores/${store.id}/files/${docs[1]!.id}`, undefined, 200)
  await v7('take a file out of the store', 'DELETE', `/vector_stores/${store.id}/files/${docs[1]!.id}`, undefined, 200)
  await v7('it is no longer in the store', 'GET', `/vector_stores/${store.id}/files/${docs[1]!.id}`, undefined, 404)
  const batch = (await v7('a file batch', 'POST', `/vector_stores/${store.id}/file_batches`, { file_ids: [docs[2]!.id, docs[3]!.id] }, 200)).json()
  await v7('the batch in progress', 'GET', `/vector_stores/${store.id}/file_batches/${batch.id}`, undefined, 200)
  await v7('cancel the batch', 'POST', `/vector_stores/${store.id}/file_batches/${batch.id}/cancel`, undefined, 200)
  await v7('the cancelled batch\'s files', 'GET', `/vector_stores/${store.id}/file_batches/${batch.id}/files`, undefined, 200)
  const batch2 = (await v7('another batch, with a static strategy', 'POST', `/vector_stores/${store.id}/file_batches`, {
    file_ids: [docs[2]!.id, docs[3]!.id], chunking_strategy: { type: 'static', static: { max_chunk_size_tokens: 1000, chunk_overlap_tokens: 100 } }
  }, 200)).json()
  await advance(500)
  await v7('the batch completed', 'GET', `/vector_stores/${store.id}/file_batches/${batch2.id}`, undefined, 200)
  await v7('a completed batch cannot be cancelled', 'POST', `/vector_stores/${store.id}/file_batches/${batch2.id}/cancel`, undefined, 400)
  await v7('the batch\'s completed files', 'GET', `/vector_stores/${store.id}/file_batches/${batch2.id}/files?filter=completed`, undefined, 200)
  await v7('modify the store', 'POST', `/vector_stores/${store.id}`, { name: 'European capitals', metadata: { topic: 'capitals', region: 'eu' } }, 200)
  const store2 = (await v2('a second store', 'POST', '/vector_stores', { name: 'Empty' }, 200)).json()
  const stores = (await v7('list stores, one per page', 'GET', '/vector_stores?limit=1', undefined, 200)).json()
  await v7('the next page of stores', 'GET', `/vector_stores?limit=1&after=${stores.last_id}`, undefined, 200)
  await v2('delete the second store', 'DELETE', `/vector_stores/${store2.id}`, undefined, 200)
  await v7('search is not in Azure\'s documents: 404', 'POST', `/vector_stores/${store.id}/search`, { query: 'capital' }, 404)
  const searcher = (await v7('an assistant using the store for file_search', 'POST', '/assistants', {
    model: 'gpt-4o', name: 'Searcher', tools: [{ type: 'file_search', file_search: { max_num_results: 5 } }], tool_resources: { file_search: { vector_store_ids: [store.id] } }
  }, 200)).json()
  await v7('a thread whose tool_resources create a store', 'POST', '/threads', {
    messages: [{ role: 'user', content: 'Which capital has the Prado?' }],
    tool_resources: { file_search: { vector_stores: [{ file_ids: [docs[3]!.id], chunking_strategy: { type: 'auto' } }] }, code_interpreter: { file_ids: [file1.id] } }
  }, 200)
  await v7('an assistant naming an unknown store', 'POST', '/assistants', { model: 'gpt-4o', tool_resources: { file_search: { vector_store_ids: ['vs_nothing'] } } }, 404)
  await v1('vector stores do not exist in v1 api-versions', 'GET', '/vector_stores', undefined, 404)
  await newest(`the searcher under ${V2_NEWEST}`, 'GET', `/assistants/${searcher.id}`, undefined, 200)

  // -------------------------------------------------------------------------------------------------------
  rec.section('OpenAI flavour: /v1 with a Bearer key and OpenAI-Beta: assistants=v2')
  const oaUpload = form({ purpose: 'assistants' }, { name: 'lyon.txt', content: 'Lyon is known for its cuisine. Lyon lies on the Rhone.' }, 'openai-boundary')
  const oaFile = (await openai('upload a file', 'POST', '/files', oaUpload.body, 200, oaUpload.headers)).json()
  await openai('an Azure file id (assistant-…) is of the wrong form on /v1', 'POST', '/vector_stores', { file_ids: [oaFile.id, docs[0]!.id] }, 400)
  const oaUpload2 = form({ purpose: 'assistants' }, { name: 'nice.txt', content: 'Nice lies on the Mediterranean. Nice has a famous promenade.' }, 'openai-boundary')
  const oaFile2 = (await openai('upload another file', 'POST', '/files', oaUpload2.body, 200, oaUpload2.headers)).json()
  const oaStore = (await openai('a vector store (no beta header needed)', 'POST', '/vector_stores', {
    name: 'Cities', file_ids: [oaFile.id, oaFile2.id], chunking_strategy: { type: 'static', static: { max_chunk_size_tokens: 1000, chunk_overlap_tokens: 100 } }
  }, 200, { 'openai-beta': '' })).json()
  await advance(500)
  await openai('the store\'s files show their chunking_strategy', 'GET', `/vector_stores/${oaStore.id}/files`, undefined, 200)
  await openai('search the store', 'POST', `/vector_stores/${oaStore.id}/search`, { query: 'famous Mediterranean', max_num_results: 5 }, 200)
  await openai('search with several queries and a score threshold', 'POST', `/vector_stores/${oaStore.id}/search`, { query: ['Lyon', 'Rhone cuisine'], ranking_options: { score_threshold: 0.1 } }, 200)
  await openai('a store file\'s parsed content', 'GET', `/vector_stores/${oaStore.id}/files/${oaFile.id}/content`, undefined, 200)
  await openai('list files', 'GET', '/files', undefined, 200)
  await openai('download a file', 'GET', `/files/${oaFile.id}/content`, undefined, 200)
  const oaAssistant = (await openai('create an assistant', 'POST', '/assistants', { model: 'gpt-4o-mini', name: 'OpenAI side', tools: [{ type: 'code_interpreter' }], tool_resources: { code_interpreter: { file_ids: [oaFile.id] } } }, 200)).json()
  await openai('list assistants, two per page', 'GET', '/assistants?limit=2', undefined, 200)
  await openai('an assistant made through Azure', 'GET', `/assistants/${made[0]!.id}`, undefined, 200)
  const oaRun = (await openai('create a thread and run', 'POST', '/threads/runs', {
    assistant_id: oaAssistant.id, thread: { messages: [{ role: 'user', content: 'Hello from the OpenAI flavour.' }] }, metadata: { via: 'openai' }
  }, 200)).json()
  await openai('queued', 'GET', `/threads/${oaRun.thread_id}/runs/${oaRun.id}`, undefined, 200)
  await advance(2000)
  await openai('completed', 'GET', `/threads/${oaRun.thread_id}/runs/${oaRun.id}`, undefined, 200)
  await openai('list messages', 'GET', `/threads/${oaRun.thread_id}/messages`, undefined, 200)
  await openai('list steps', 'GET', `/threads/${oaRun.thread_id}/runs/${oaRun.id}/steps`, undefined, 200)
  const oaMessage = (await openai('add a message', 'POST', `/threads/${oaRun.thread_id}/messages`, { role: 'user', content: 'And now streamed.' }, 200)).json()
  await openai('stream a run', 'POST', `/threads/${oaRun.thread_id}/runs`, { assistant_id: oaAssistant.id, stream: true }, 200, {}, {
    stream: true,
    during: async () => {
      await advance(500)
      await advance(1500)
    }
  })
  await openai('delete a message', 'DELETE', `/threads/${oaRun.thread_id}/messages/${oaMessage.id}`, undefined, 200)
  await openai('the thread read through /v1', 'GET', `/threads/${oaRun.thread_id}`, undefined, 200)
  await openai('delete the store', 'DELETE', `/vector_stores/${oaStore.id}`, undefined, 200)

  // -------------------------------------------------------------------------------------------------------
  rec.section('Foundry Agents: /api/projects/p1 with a Bearer token and api-version=v1')
  const agent = (await agents('create an agent', 'POST', '/assistants', { model: 'gpt-4o', name: 'Agent', instructions: 'Help.' }, 200)).json()
  await agents('list agents, two per page', 'GET', '/assistants?limit=2', undefined, 200)
  const agentThread = (await agents('create a thread', 'POST', '/threads', { messages: [{ role: 'user', content: 'Hello, agent.' }] }, 200)).json()
  await agents('list threads (Agents only), two per page', 'GET', '/threads?limit=2', undefined, 200)
  await agents('add a message', 'POST', `/threads/${agentThread.id}/messages`, { role: 'user', content: 'A second line.' }, 200)
  const agentRun = (await agents('create a run', 'POST', `/threads/${agentThread.id}/runs`, { assistant_id: agent.id }, 200)).json()
  await advance(500)
  await agents('in progress', 'GET', `/threads/${agentThread.id}/runs/${agentRun.id}`, undefined, 200)
  await advance(1500)
  await agents('completed', 'GET', `/threads/${agentThread.id}/runs/${agentRun.id}`, undefined, 200)
  await agents('list runs', 'GET', `/threads/${agentThread.id}/runs`, undefined, 200)
  await agents('list steps', 'GET', `/threads/${agentThread.id}/runs/${agentRun.id}/steps`, undefined, 200)
  await agents('list messages', 'GET', `/threads/${agentThread.id}/messages?order=asc`, undefined, 200)
  await agents('stream a run created with its thread', 'POST', '/threads/runs', {
    assistant_id: agent.id, stream: true, thread: { messages: [{ role: 'user', content: 'Agents, stream at once.' }] }
  }, 200, {}, { stream: true })
  await agents('a vector store', 'POST', '/vector_stores', { name: 'Agent store', file_ids: [docs[1]!.id] }, 200)
  await agents('list files', 'GET', '/files', undefined, 200)
  await rec.send('the 2025-05-15-preview api-version', { method: 'GET', url: `/api/projects/p1/assistants/${agent.id}?api-version=2025-05-15-preview`, headers: { authorization: `Bearer ${ENTRA_TOKEN}` } }, { expect: 200 })
  await rec.send('another project sees the same store', { method: 'GET', url: `/api/projects/other/threads/${agentThread.id}?api-version=2025-05-01`, headers: { authorization: `Bearer ${ENTRA_TOKEN}` } }, { expect: 200 })
  await agents('delete the agent', 'DELETE', `/assistants/${agent.id}`, undefined, 200)
  await agents('delete the thread', 'DELETE', `/threads/${agentThread.id}`, undefined, 200)

  // -------------------------------------------------------------------------------------------------------
  rec.section('Errors in each flavour\'s envelope')
  // Azure
  await v2('Azure: unknown assistant', 'GET', '/assistants/asst_nothing', undefined, 404)
  await v2('Azure: unknown thread', 'GET', '/threads/thread_nothing/messages', undefined, 404)
  await v2('Azure: unknown run', 'GET', `/threads/${thread.id}/runs/run_nothing`, undefined, 404)
  await v2('Azure: unknown step', 'GET', `/threads/${thread.id}/runs/${run.id}/steps/step_nothing`, undefined, 404)
  await v2('Azure: unknown file', 'GET', '/files/assistant-nothing', undefined, 404)
  await v2('Azure: an id of the wrong form', 'GET', '/threads/abc', undefined, 400)
  await v2('Azure: missing required parameter', 'POST', '/assistants', { name: 'no model' }, 400)
  await v2('Azure: unknown parameter', 'POST', '/assistants', { model: 'gpt-4o', colour: 'blue' }, 400)
  await v2('Azure: invalid type', 'POST', '/assistants', { model: 'gpt-4o', metadata: [] }, 400)
  await v2('Azure: invalid value in the query', 'GET', '/assistants?order=up', undefined, 400)
  await v2('Azure: limit below its minimum', 'GET', '/assistants?limit=0', undefined, 400)
  await v2('Azure: string too long', 'POST', '/assistants', { model: 'gpt-4o', metadata: { key: 'x'.repeat(600) } }, 400)
  await v2('Azure: too many metadata properties', 'POST', '/threads', { metadata: Object.fromEntries(Array.from({ length: 17 }, (_, i) => [`k${i}`, 'v'])) }, 400)
  await v2('Azure: a function schema that is no object', 'POST', '/assistants', { model: 'gpt-4o', tools: [{ type: 'function', function: { name: 'f', parameters: { type: 'string' } } }] }, 400)
  await v2('Azure: invalid JSON', 'POST', '/assistants', '{"model": "gpt-4o",', 400, { 'content-type': 'application/json' })
  await v2('Azure: JSON nested too deeply', 'POST', '/threads', `{"metadata":${'['.repeat(70)}${']'.repeat(70)}}`, 400, { 'content-type': 'application/json' })
  await v2('Azure: not JSON at all', 'POST', '/assistants', 'model=gpt-4o', 400, { 'content-type': 'text/plain' })
  await v2('Azure: an upload that is not multipart', 'POST', '/files', { purpose: 'assistants' }, 400)
  const badPurpose = form({ purpose: 'vision' }, { name: 'x.txt', content: 'x' })
  await v1('Azure: an upload with a purpose of a later era (vision under v1)', 'POST', '/files', badPurpose.body, 400, badPurpose.headers)
  const noFile = form({ purpose: 'assistants' }, { name: 'x.txt', content: 'x' })
  await v2('Azure: an upload without its file part', 'POST', '/files', noFile.body.replace(/--recording-boundary-1\r\nContent-Disposition: form-data; name="file".*?\r\n--/s, '--'), 400, noFile.headers)
  await azureAt('2099-01-01')('Azure: an api-version that does not exist', 'GET', '/assistants', undefined, 400)
  await azureAt('2024-06-01')('Azure: an api-version without the Assistants API', 'GET', '/assistants', undefined, 404)
  await azureAt(null)('Azure: no api-version', 'GET', '/assistants', undefined, 404)
  await rec.send('Azure: no credentials', { method: 'GET', url: `/openai/assistants?api-version=${V2}` }, { expect: 401 })
  await azureAt(V2, 'wrong-key')('Azure: a wrong api-key', 'GET', '/assistants', undefined, 401)
  await rec.send('Azure: a configured Entra ID token', { method: 'GET', url: `/openai/assistants?api-version=${V2}&limit=1`, headers: { authorization: `Bearer ${ENTRA_TOKEN}` } }, { expect: 200 })
  await rec.send('Azure: an unknown Bearer token', { method: 'GET', url: `/openai/assistants?api-version=${V2}`, headers: { authorization: 'Bearer not-a-configured-token' } }, { expect: 401 })
  const now = SEEDED_EPOCH_S
  const goodJwt = await jwt({ aud: 'https://cognitiveservices.azure.com', iat: now, exp: now + 365 * 24 * 3600, sub: 'recording' }, JWT_SECRET)
  const expiredJwt = await jwt({ aud: 'https://cognitiveservices.azure.com', iat: now - 7200, exp: now - 3600, sub: 'recording' }, JWT_SECRET)
  await rec.send('Azure: a JWT signed with the configured secret', { method: 'GET', url: `/openai/assistants?api-version=${V2}&limit=1`, headers: { authorization: `Bearer ${goodJwt}` } }, { expect: 200 })
  await rec.send('Azure: an expired JWT', { method: 'GET', url: `/openai/assistants?api-version=${V2}`, headers: { authorization: `Bearer ${expiredJwt}` } }, { expect: 401 })
  await v2('Azure: unknown route', 'GET', '/nothing/here', undefined, 404)
  await v2('Azure: a wrong method', 'PUT', '/assistants', { model: 'gpt-4o' }, 404)
  await rec.send('Azure: a doubled slash works, and x-ms-client-request-id is echoed', {
    method: 'GET', url: `//openai/assistants?api-version=${V2}&limit=1`, headers: { 'api-key': AZURE_KEY, 'x-ms-client-request-id': 'client-request-1' }
  }, { expect: 200 })
  await rec.send('outside every flavour: Azure\'s 404', { method: 'GET', url: '/something/else' }, { expect: 404 })
  // OpenAI
  await openai('OpenAI: unknown assistant', 'GET', '/assistants/asst_nothing', undefined, 404)
  await openai('OpenAI: unknown vector store', 'GET', '/vector_stores/vs_nothing', undefined, 404)
  await openai('OpenAI: validation', 'POST', '/threads', { messages: [{ role: 'robot', content: 'x' }] }, 400)
  await openai('OpenAI: invalid JSON', 'POST', '/threads', '{', 400, { 'content-type': 'application/json' })
  await rec.send('OpenAI: no key', { method: 'GET', url: '/v1/assistants', headers: { 'openai-beta': 'assistants=v2' } }, { expect: 401 })
  await rec.send('OpenAI: a wrong key', { method: 'GET', url: '/v1/assistants', headers: { authorization: 'Bearer sk-wrong-0123456789abcdefwxyz', 'openai-beta': 'assistants=v2' } }, { expect: 401 })
  await rec.send('OpenAI: no beta header', { method: 'GET', url: '/v1/assistants', headers: { authorization: `Bearer ${OPENAI_KEY}` } }, { expect: 400 })
  await openai('OpenAI: the v1 beta is retired', 'GET', '/assistants', undefined, 400, { 'openai-beta': 'assistants=v1' })
  await openai('OpenAI: unknown route', 'GET', '/nothing', undefined, 404)
  await openai('OpenAI: api-version is ignored', 'GET', '/assistants?limit=1&api-version=2099-01-01', undefined, 200)
  // Agents
  await agents('Agents: unknown thread', 'GET', '/threads/thread_nothing', undefined, 404)
  await agents('Agents: validation', 'POST', '/assistants', { model: 'gpt-4o', temperature: 5 }, 400)
  await agents('Agents: invalid JSON', 'POST', '/threads', '{"messages":', 400, { 'content-type': 'application/json' })
  await agents('Agents: unknown route', 'GET', '/nothing', undefined, 404)
  await rec.send('Agents: no api-version', { method: 'GET', url: '/api/projects/p1/assistants', headers: { authorization: `Bearer ${ENTRA_TOKEN}` } }, { expect: 400 })
  await rec.send('Agents: an api-version it does not know', { method: 'GET', url: '/api/projects/p1/assistants?api-version=2099-01-01', headers: { authorization: `Bearer ${ENTRA_TOKEN}` } }, { expect: 400 })
  await rec.send('Agents: no token', { method: 'GET', url: '/api/projects/p1/assistants?api-version=v1' }, { expect: 401 })
  await rec.send('Agents: an api-key is no credential here', { method: 'GET', url: '/api/projects/p1/assistants?api-version=v1', headers: { 'api-key': AZURE_KEY } }, { expect: 401 })
  await rec.send('Agents: a configured api key as the Bearer token', { method: 'GET', url: '/api/projects/p1/assistants?api-version=v1&limit=1', headers: { authorization: `Bearer ${AZURE_KEY}` } }, { expect: 200 })
  // Control plane
  await control('control plane: unknown endpoint', 'GET', '/nothing', undefined, 404)
  await control('control plane: a clock advance with a bad body', 'POST', '/clock/advance', { ms: -1 }, 400)
  await control('control plane: an unknown fault rule', 'DELETE', '/faults/fault_99', undefined, 404)
  await control('control plane: a fault rule that is not one', 'POST', '/faults', { match: {}, fault: { type: 'status', status: 200 } }, 400)

  // -------------------------------------------------------------------------------------------------------
  rec.section('Faults added and removed through the control plane')
  const fault429 = (await control('a 429 for the next thread creation', 'POST', '/faults', {
    match: { method: 'POST', path: '/openai/threads' }, fault: { type: 'status', status: 429, retry_after_ms: 2500 }, times: 1
  }, 201)).json()
  await v2('Azure: the 429, with its retry hints', 'POST', '/threads', {}, 429)
  await v2('the rule is spent: the next one is created', 'POST', '/threads', {}, 200)
  const fault503 = (await control('a 503 for everything under /v1', 'POST', '/faults', { match: { path: '/v1/**' }, fault: { type: 'status', status: 503 } }, 201)).json()
  await openai('OpenAI: the 503', 'GET', '/assistants', undefined, 503)
  await control('a 500 for one key on the Agents flavour', 'POST', '/faults', { match: { path: '/api/projects/*/threads/**', api_key: ENTRA_TOKEN }, fault: { type: 'status', status: 500 }, times: 2 }, 201)
  await agents('Agents: the 500 in its envelope', 'GET', `/threads/${agentThread.id}`, undefined, 500)
  await control('a 429 for Agents', 'POST', '/faults', { match: { path: '/api/projects/*/assistants' }, fault: { type: 'status', status: 429 }, times: 1 }, 201)
  await agents('Agents: the 429 with retry-after', 'GET', '/assistants', undefined, 429)
  await control('a 404 for Azure', 'POST', '/faults', { match: { path: '/openai/files' }, fault: { type: 'status', status: 404 }, times: 1 }, 201)
  await v2('Azure: the injected 404', 'GET', '/files', undefined, 404)
  await control('a 418', 'POST', '/faults', { match: { method: 'GET', path: '/openai/vector_stores' }, fault: { type: 'status', status: 418 }, times: 1 }, 201)
  await v2('Azure: the generic injected status', 'GET', '/vector_stores', undefined, 418)
  await control('a seeded coin: a 500 half of the time', 'POST', '/faults', { match: { path: '/openai/assistants/asst_weather' }, fault: { type: 'status', status: 500 }, probability: 0.5 }, 201)
  for (let i = 1; i <= 6; i++) {
    await v2(`the coin, toss ${i}`, 'GET', '/assistants/asst_weather', undefined, [200, 500])
  }
  await control('a latency fault (real time; the answer is the ordinary one)', 'POST', '/faults', { match: { path: '/openai/threads/thread_seeded' }, fault: { type: 'latency', ms: 5 }, times: 1 }, 201)
  await v2('the slow answer', 'GET', '/threads/thread_seeded', undefined, 200)
  await control('a stream cut after 4 events', 'POST', '/faults', { match: { path: '/openai/threads/*/runs' }, fault: { type: 'stream_cut', after_events: 4 }, times: 1 }, 201)
  await v2('a stream cut by the fault', 'POST', `/threads/${streamThread.id}/runs`, { assistant_id: made[1]!.id, stream: true }, 200, {}, {
    stream: true,
    during: async () => { await advance(700) }
  })
  await advance(2000)
  await v2('the run went on after the cut', 'GET', `/threads/${streamThread.id}/runs?limit=1`, undefined, 200)
  await control('the rules with their hits', 'GET', '/faults', undefined, 200)
  await control('remove the 503 rule', 'DELETE', `/faults/${fault503.id}`, undefined, 204)
  await control('remove the spent 429 rule', 'DELETE', `/faults/${fault429.id}`, undefined, 204)
  await openai('OpenAI answers again', 'GET', '/assistants?limit=1', undefined, 200)
  await control('remove every rule', 'DELETE', '/faults', undefined, 204)
  await control('no rules left', 'GET', '/faults', undefined, 200)

  // -------------------------------------------------------------------------------------------------------
  rec.section('Journal, state, reset')
  await control('clear the journal', 'DELETE', '/requests', undefined, 204)
  await v2('a request for the journal', 'GET', '/assistants?limit=1', undefined, 200)
  await openai('another, /v1', 'GET', '/assistants/asst_nothing', undefined, 404)
  await agents('another, Agents', 'GET', '/assistants?limit=1', undefined, 200)
  await rec.send('another, with a secret-looking query value', { method: 'GET', url: `/openai/assistants?api-version=${V2}&limit=1&sig=secret-value`, headers: { 'api-key': AZURE_KEY } }, { expect: 200 })
  await control('a 429 fault for the journal', 'POST', '/faults', { match: { path: '/openai/threads' }, fault: { type: 'status', status: 429 }, times: 1 }, 201)
  await v2('the faulted request', 'POST', '/threads', {}, 429)
  await control('the journal, newest first (duration_ms masked: real time)', 'GET', '/requests?limit=10', undefined, 200, {
    mask: body => body.replace(/"duration_ms":[-+0-9.eE]+/g, '"duration_ms":<excluded: real elapsed time>')
  })
  const state = await control('export the state', 'GET', '/state', undefined, 200)
  await control('import a state document that is not one', 'PUT', '/state', { format: 'aoai-assistants-emulator-state', version: 99, now: 0, tenants: [] }, 400)
  await control('reset', 'POST', '/reset', undefined, 204)
  await v2('after reset, only the fixtures\' assistant', 'GET', '/assistants', undefined, 200)
  await v2('after reset, the fixtures\' thread again', 'GET', '/threads/thread_seeded', undefined, 200)
  await control('after reset, the journal holds the requests since', 'GET', '/requests', undefined, 200, {
    mask: body => body.replace(/"duration_ms":[-+0-9.eE]+/g, '"duration_ms":<excluded: real elapsed time>')
  })
  await advance(60000)
  await rec.send('import the exported state (the clock goes back to its now)', { method: 'PUT', url: '/_emulator/state', headers: { 'api-key': AZURE_KEY, 'content-type': 'application/json' }, body: state.body }, { expect: 204 })
  await control('the clock after the import', 'GET', '/clock', undefined, 200)
  await v2('an assistant from the imported state', 'GET', `/assistants/${made[0]!.id}`, undefined, 200)
  await v2('a run from the imported state', 'GET', `/threads/${weather.id}/runs/${weatherRun.id}`, undefined, 200)
  await control('the state exported again is the same document', 'GET', '/state', undefined, 200)
  await control('the end of the flow: the clock', 'GET', '/clock', undefined, 200)
}

// ---------------------------------------------------------------------------------------------------------
// The tenancy and quota flow (--isolate-by-key, --rate-limit-rpm/-tpm, --admin-key, fixture faults)
// ---------------------------------------------------------------------------------------------------------

const ADMIN_KEY = 'admin-key-for-the-recording'

async function tenancyFlow (rec: Recorder): Promise<void> {
  const as = (key: string, version = V2) => azureClient(rec, key, version)
  const admin = (label: string, method: Method, path: string, body: unknown, expect: number, options: Partial<Options> = {}) =>
    rec.send(label, { method, url: `/_emulator${path}`, headers: { 'x-emulator-admin-key': ADMIN_KEY }, ...(body === undefined ? {} : { body }) }, { expect, ...options })
  const advance = (ms: number) => admin(`advance the virtual clock by ${ms} ms`, 'POST', '/clock/advance', { ms }, 200)
  const alice = as('alice-key')
  const bob = as('bob-key')

  rec.section('The admin key guards the control plane')
  await rec.send('health needs no admin key', { method: 'GET', url: '/_emulator/health' }, { expect: 200 })
  await rec.send('the clock without the admin key', { method: 'GET', url: '/_emulator/clock' }, { expect: 401 })
  await rec.send('a wrong admin key', { method: 'GET', url: '/_emulator/clock', headers: { 'x-emulator-admin-key': 'wrong' } }, { expect: 401 })
  await admin('the clock with it', 'GET', '/clock', undefined, 200)
  await admin('the fixtures\' fault rule', 'GET', '/faults', undefined, 200)

  rec.section('Each key has its own objects; quotas per key (3 requests and 1000 tokens a minute)')
  await alice('alice: the fixtures are seeded into her tenant', 'GET', '/assistants', undefined, 200)
  const mine = (await alice('alice: create an assistant', 'POST', '/assistants', { model: 'gpt-4o', name: 'Alice\'s' }, 200)).json()
  await alice('alice: her assistants (the last request of her minute)', 'GET', '/assistants', undefined, 200)
  await alice('alice: over the request quota', 'GET', '/assistants', undefined, 429)
  await bob('bob: only the fixtures', 'GET', '/assistants', undefined, 200)
  await bob('bob: alice\'s assistant is no object of his', 'GET', `/assistants/${mine.id}`, undefined, 404)
  await bob('bob: the fixture fault rule answers before his quota counts', 'DELETE', '/assistants/asst_shared', undefined, 503)
  await bob('bob: the fixtures\' thread in his tenant', 'GET', '/threads/thread_shared/messages', undefined, 200)
  await advance(30000)
  await alice('alice: still throttled, half a minute on', 'GET', '/assistants', undefined, 429)
  await advance(30000)
  await alice('alice: a minute on, admitted again', 'GET', `/assistants/${mine.id}`, undefined, 200)
  const carol = as('carol-key')
  await carol('carol: a large body, admitted into an empty window', 'POST', '/assistants', { model: 'gpt-4o', instructions: 'Be thorough. '.repeat(400) }, 200)
  await carol('carol: over the token quota', 'POST', '/threads', { metadata: { size: 'small' } }, 429)
  const dave = (label: string, expect: number) =>
    rec.send(label, { method: 'GET', url: '/v1/assistants?limit=1', headers: { authorization: 'Bearer sk-dave-0123456789', 'openai-beta': 'assistants=v2' } }, { expect })
  await dave('dave (/v1): 1', 200)
  await dave('dave (/v1): 2', 200)
  await dave('dave (/v1): 3', 200)
  await dave('dave (/v1): OpenAI\'s 429 envelope', 429)
  const erin = (label: string, method: Method, path: string, body: unknown, expect: number) =>
    rec.send(label, { method, url: withQuery(`/api/projects/p1${path}`, 'api-version=v1'), headers: { authorization: 'Bearer erin-token' }, ...(body === undefined ? {} : { body }) }, { expect })
  await erin('erin (Agents): her own tenant', 'GET', '/assistants', undefined, 200)
  await erin('erin (Agents): a thread', 'POST', '/threads', {}, 200)
  await erin('erin (Agents): her threads', 'GET', '/threads', undefined, 200)
  await erin('erin (Agents): over the request quota', 'GET', '/threads', undefined, 429)
  await rec.send('frank: a Bearer token on Azure', { method: 'POST', url: `/openai/assistants?api-version=${V2}`, headers: { authorization: 'Bearer frank-token' }, body: { model: 'gpt-4o', name: 'Frank\'s' } }, { expect: 200 })
  await as('frank-token')('frank: the same credential as an api-key, the same tenant', 'GET', '/assistants', undefined, 200)

  rec.section('State, faults and reset across tenants')
  await admin('every tenant in the state document', 'GET', '/state', undefined, 200)
  await admin('remove the fixture fault', 'DELETE', '/faults', undefined, 204)
  await bob('bob: the delete goes through now', 'DELETE', '/assistants/asst_shared', undefined, 200)
  await bob('bob: gone for bob', 'GET', '/assistants/asst_shared', undefined, 404)
  await alice('alice: still there for alice', 'GET', '/assistants/asst_shared', undefined, 200)
  await admin('reset', 'POST', '/reset', undefined, 204)
  await admin('the fixture fault is back', 'GET', '/faults', undefined, 200)
  await alice('alice: after reset, only the fixtures (and a fresh quota)', 'GET', '/assistants', undefined, 200)
  await bob('bob: the fixtures again', 'GET', '/assistants/asst_shared', undefined, 200)
  await admin('the state after reset', 'GET', '/state', undefined, 200)
}

function azureClient (rec: Recorder, key: string, version: string) {
  return (label: string, method: Method, path: string, body: unknown, expect: number) =>
    rec.send(label, { method, url: withQuery(`/openai${path}`, `api-version=${version}`), headers: { 'api-key': key }, body }, { expect })
}

// ---------------------------------------------------------------------------------------------------------
// The Responses flow (/v1, /openai/v1, /openai with an api-version, a Foundry project's /openai/v1)
// ---------------------------------------------------------------------------------------------------------

const RESPONSES_VERSION = '2025-04-01-preview'
const WEATHER_TOOL = { type: 'function', name: 'get_weather', description: 'Current weather for a city', parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] } }

async function responsesFlow (rec: Recorder, app: FastifyInstance): Promise<void> {
  const { control, advance } = clients(rec)
  /** Waits (in turns of the event loop, not time) until a request that is under way has stored its response. */
  const stored = app.runtime.tenants.shared.store.responses
  const untilStored = async (count: number) => { while (stored.list().length < count) await new Promise(resolve => setImmediate(resolve)) }
  const door = (prefix: string, headers: Record<string, string>, query = '') =>
    (label: string, method: Method, path: string, body: unknown, expect: Options['expect'], options: Partial<Options> = {}) =>
      rec.send(label, { method, url: `${prefix}${path}${query}`, headers, ...(body === undefined ? {} : { body }) }, { expect, ...options })
  const openai = door('/v1', { authorization: `Bearer ${OPENAI_KEY}` })
  const azureV1 = door('/openai/v1', { 'api-key': AZURE_KEY })
  const azureDated = door('/openai', { 'api-key': AZURE_KEY }, `?api-version=${RESPONSES_VERSION}`)
  const foundry = door('/api/projects/p1/openai/v1', { authorization: `Bearer ${ENTRA_TOKEN}` })

  rec.section('A foreground response, read back through every door')
  const first = (await openai('create a response (the default reply)', 'POST', '/responses', { model: 'gpt-4o', input: 'Hello there', instructions: 'Be brief.', metadata: { flow: 'responses' } }, 200)).json()
  await azureV1('retrieve it on /openai/v1', 'GET', `/responses/${first.id}`, undefined, 200)
  await foundry('retrieve it on a Foundry project (agent_reference)', 'GET', `/responses/${first.id}`, undefined, 200)
  await azureDated(`retrieve it on /openai with api-version ${RESPONSES_VERSION}`, 'GET', `/responses/${first.id}`, undefined, 200)
  await openai('its input items', 'GET', `/responses/${first.id}/input_items`, undefined, 200)
  await openai('count the input tokens of the same request', 'POST', '/responses/input_tokens', { model: 'gpt-4o', input: 'Hello there', instructions: 'Be brief.' }, 200)
  await azureV1('a message list as input, with a structured output', 'POST', '/responses', {
    model: 'my-deployment',
    input: [{ role: 'developer', content: 'Answer in JSON.' }, { role: 'user', content: [{ type: 'input_text', text: 'Rate this flow.' }] }],
    text: { format: { type: 'json_schema', name: 'rating', schema: { type: 'object', properties: { score: { type: 'integer' } }, required: ['score'], additionalProperties: false }, strict: true } }
  }, 200)
  await openai('cut at max_output_tokens', 'POST', '/responses', { model: 'gpt-4o', input: `Quote this back: ${Array.from({ length: 40 }, (_, i) => `word${i}`).join(' ')}`, max_output_tokens: 16 }, 200)
  await openai('a scripted failure', 'POST', '/responses', { model: 'gpt-4o', input: 'x', metadata: { fail: 'server_error' } }, 200)

  rec.section('The function-call loop (a scenario: call, then answer with a reasoning summary)')
  const before = stored.list().length
  const asked = (await openai('a response ending in a function call (it waits for its scenario\'s 200 ms)', 'POST', '/responses', { model: 'gpt-4o', input: 'What is the weather in Lisbon?', tools: [WEATHER_TOOL] }, 200, {
    during: async () => { await untilStored(before + 1); await advance(200) }
  })).json()
  const fc = asked.output[0]
  await openai('answering without the output', 'POST', '/responses', { model: 'gpt-4o', previous_response_id: asked.id, input: 'And?' }, 400)
  await openai('answering with the output, streamed', 'POST', '/responses', {
    model: 'gpt-4o', previous_response_id: asked.id, tools: [WEATHER_TOOL], stream: true, input: [{ type: 'function_call_output', call_id: fc.call_id, output: '21°C and sunny' }]
  }, 200, { stream: true, during: async () => { await advance(200) } })

  rec.section('Background responses on the run clock; streams and their replay; cancel')
  const bg = (await azureV1('a background response: queued', 'POST', '/responses', { model: 'gpt-4o', input: 'In the background, please.', background: true }, 200)).json()
  await advance(500)
  await azureV1('in progress', 'GET', `/responses/${bg.id}`, undefined, 200)
  await advance(1500)
  await azureV1('completed', 'GET', `/responses/${bg.id}`, undefined, 200)
  const streamed = await openai('a background response, streamed while the clock moves', 'POST', '/responses', { model: 'gpt-4o', input: 'Please stream slowly.', background: true, stream: true }, 200, {
    stream: true, during: async () => { await advance(500); await advance(1500) }
  })
  const streamedId = /"id":"(resp_[^"]+)"/.exec(streamed.body)![1]!
  await openai('its whole stream again (what responses.stream({response_id}) asks for)', 'GET', `/responses/${streamedId}?stream=true`, undefined, 200, { stream: true })
  await openai('its stream after event 10', 'GET', `/responses/${streamedId}?stream=true&starting_after=10`, undefined, 200, { stream: true })
  const toCancel = (await openai('a background response to cancel', 'POST', '/responses', { model: 'gpt-4o', input: 'Cancel me.', background: true }, 200)).json()
  await advance(600)
  await openai('cancel it while it is written', 'POST', `/responses/${toCancel.id}/cancel`, undefined, 200)
  await openai('cancelling again answers the same', 'POST', `/responses/${toCancel.id}/cancel`, undefined, 200)
  await openai('a completed response cannot be cancelled', 'POST', `/responses/${bg.id}/cancel`, undefined, 400)
  await openai('nor a foreground one', 'POST', `/responses/${first.id}/cancel`, undefined, 400)
  const moved = (await openai('a background response for the control plane', 'POST', '/responses', { model: 'gpt-4o', input: 'Move me.', background: true }, 200)).json()
  await control('move it on by one status', 'POST', `/responses/${moved.id}/advance`, {}, 200)
  await control('and on to completed', 'POST', `/responses/${moved.id}/advance`, { to: 'completed' }, 200)

  rec.section('Conversations')
  const conversation = (await foundry('create a conversation with an item', 'POST', '/conversations', { items: [{ role: 'user', content: 'Hi, let us talk.' }], metadata: { topic: 'demo' } }, 200)).json()
  await foundry('a response in the conversation', 'POST', '/responses', { model: 'gpt-4o', conversation: conversation.id, input: 'What did I say?' }, 200)
  const items = (await openai('its items, oldest first', 'GET', `/conversations/${conversation.id}/items?order=asc`, undefined, 200)).json()
  await openai('add an item', 'POST', `/conversations/${conversation.id}/items`, { items: [{ role: 'user', content: 'One more thing.' }] }, 200)
  await openai('one item', 'GET', `/conversations/${conversation.id}/items/${items.data[0].id}`, undefined, 200)
  await openai('delete an item (answers the conversation)', 'DELETE', `/conversations/${conversation.id}/items/${items.data[0].id}`, undefined, 200)
  await openai('update its metadata', 'POST', `/conversations/${conversation.id}`, { metadata: { topic: 'updated' } }, 200)
  await foundry('Foundry lists the project\'s conversations', 'GET', '/conversations', undefined, 200)
  await openai('delete the conversation', 'DELETE', `/conversations/${conversation.id}`, undefined, 200)
  await openai('it is gone', 'GET', `/conversations/${conversation.id}`, undefined, 404)

  rec.section('The service\'s errors, per door')
  await openai('previous_response_id and conversation together', 'POST', '/responses', { model: 'gpt-4o', input: 'x', previous_response_id: first.id, conversation: 'conv_x' }, 400)
  await openai('an unknown previous response', 'POST', '/responses', { model: 'gpt-4o', input: 'x', previous_response_id: 'resp_nothing' }, 400)
  await openai('an unknown conversation', 'POST', '/responses', { model: 'gpt-4o', input: 'x', conversation: 'conv_nothing' }, 404)
  const unstored = (await openai('a response with store: false', 'POST', '/responses', { model: 'gpt-4o', input: 'Forget me.', store: false }, 200)).json()
  await openai('is never retrievable', 'GET', `/responses/${unstored.id}`, undefined, 404)
  await openai('its output cannot be referenced', 'POST', '/responses', { model: 'gpt-4o', input: [{ type: 'item_reference', id: unstored.output[0].id }] }, 404)
  await rec.send('a dated api-version on /openai/v1', { method: 'GET', url: `/openai/v1/responses/${first.id}?api-version=${RESPONSES_VERSION}`, headers: { 'api-key': AZURE_KEY } }, { expect: 400 })
  await rec.send('/openai/responses before 2025-03-01-preview', { method: 'GET', url: `/openai/responses/${first.id}?api-version=${V2}`, headers: { 'api-key': AZURE_KEY } }, { expect: 404 })
  await rec.send('a Foundry project without a token', { method: 'GET', url: `/api/projects/p1/openai/v1/responses/${first.id}` }, { expect: 401 })
  await azureV1('the Assistants API is not on the v1 doors', 'GET', '/assistants', undefined, 404)
  await openai('delete the first response', 'DELETE', `/responses/${first.id}`, undefined, 200)
  await openai('it is gone', 'GET', `/responses/${first.id}`, undefined, 404)

  rec.section('Control plane: journal, state, reset')
  await control('the journal names each door', 'GET', '/requests?limit=6', undefined, 200, {
    mask: body => body.replace(/"duration_ms":[-+0-9.eE]+/g, '"duration_ms":<excluded: real elapsed time>')
  })
  const state = await control('export the state (responses and conversations included)', 'GET', '/state', undefined, 200)
  await control('reset', 'POST', '/reset', undefined, 204)
  await openai('after reset, no responses', 'GET', `/responses/${bg.id}`, undefined, 404)
  await rec.send('import the exported state', { method: 'PUT', url: '/_emulator/state', headers: { 'api-key': AZURE_KEY, 'content-type': 'application/json' }, body: state.body }, { expect: 204 })
  await openai('a response from the imported state', 'GET', `/responses/${bg.id}`, undefined, 200)
  await control('the state exported again is the same document', 'GET', '/state', undefined, 200)
}

// ---------------------------------------------------------------------------------------------------------
// The tests
// ---------------------------------------------------------------------------------------------------------

/** What every recorded answer must carry: seeded request ids (both headers, distinct) and the virtual date. */
function checkSeededHeaders (t: Test, text: string): void {
  const heads = text.split('\n--- response\n').slice(1).map(rest => rest.slice(0, rest.indexOf('\n(')))
  const ids = heads.map(head => head.match(/^x-request-id: (.*)$/m)?.[1])
  t.ok(ids.every(id => id !== undefined && /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/.test(id)), 'every answer has a UUID x-request-id')
  t.ok(heads.every((head, i) => head.includes(`\napim-request-id: ${ids[i]}\n`)), 'and the same apim-request-id')
  t.equal(new Set(ids).size, ids.length, 'request ids are distinct')
  t.ok(heads.every(head => /^date: \w{3}, \d\d \w{3} 2025 \d\d:\d\d:\d\d GMT$/m.test(head)), 'every answer has a date on the virtual clock (2025)')
  t.match(heads[0], /^date: Wed, 01 Jan 2025 00:00:00 GMT$/m, 'the seeded virtual clock starts at 2025-01-01T00:00:00Z')
}

/**
 * Replays `flow` on a fresh app seeded and on a virtual clock with `options`, and compares every byte with the
 * recording `file` (test/recordings/); `title` heads the recording.
 */
async function replay (t: Test, file: string, title: string, options: Parameters<typeof makeConfig>[0],
  flow: (rec: Recorder, app: FastifyInstance) => Promise<void>): Promise<void> {
  const app = await buildApp(makeConfig({ clock: 'virtual', logLevel: 'silent', ...options }))
  t.teardown(() => app.close())
  const rec = new Recorder(app, title)
  await flow(rec, app)
  const text = rec.text()
  t.comment(`${rec.exchanges} exchanges, ${Buffer.byteLength(text)} bytes`)
  checkSeededHeaders(t, text)
  compare(t, file, text)
}

t.test('the main seeded flow gives the recorded bytes', t => replay(t, 'seeded-flow.txt',
  'Main flow: buildApp(makeConfig({ seed: 42, clock: \'virtual\', fixtures: \'test/recordings/seeded-flow.fixtures.json\', apiKeys, entraTokens, jwtSecret })), driven by inject()',
  { seed: 42, fixtures: recordingPath('seeded-flow.fixtures.json'), apiKeys: [AZURE_KEY, OPENAI_KEY], entraTokens: [ENTRA_TOKEN], jwtSecret: JWT_SECRET },
  mainFlow))

t.test('the tenancy and quota flow gives the recorded bytes', t => replay(t, 'seeded-tenancy.txt',
  'Tenancy and quotas: buildApp(makeConfig({ seed: 7, clock: \'virtual\', fixtures: \'test/recordings/seeded-tenancy.fixtures.json\', isolateByKey: true, rateLimitRpm: 3, rateLimitTpm: 1000, adminKey })), driven by inject()',
  { seed: 7, fixtures: recordingPath('seeded-tenancy.fixtures.json'), isolateByKey: true, rateLimitRpm: 3, rateLimitTpm: 1000, adminKey: ADMIN_KEY },
  tenancyFlow))

t.test('the Responses flow gives the recorded bytes', t => replay(t, 'seeded-responses.txt',
  'Responses flow: buildApp(makeConfig({ seed: 11, clock: \'virtual\', fixtures: \'test/recordings/seeded-responses.fixtures.json\', apiKeys, entraTokens })), driven by inject()',
  { seed: 11, fixtures: recordingPath('seeded-responses.fixtures.json'), apiKeys: [AZURE_KEY, OPENAI_KEY], entraTokens: [ENTRA_TOKEN] },
  responsesFlow))
