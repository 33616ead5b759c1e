/**
 * A request's log lines (issue 20): each request's pino child is made only when one of its lines is written
 * (logging.ts `lazyChildLogger`), and the pipeline's line only built when it is. The lines written are the
 * ones a child made up front writes: the same fields, the request's id as `reqId`.
 */
import t from 'tap'
import { pino } from 'pino'
import { lazyChildLogger, writesAt } from '../src/logging.js'
import { build } from './helper.js'

const capture = () => {
  const lines: string[] = []
  return { lines, logStream: { write: (line: string) => { lines.push(line) } } }
}
const parsed = (lines: readonly string[]) => lines.map(line => JSON.parse(line) as Record<string, unknown>)

t.test('at info: one line per request, with the request id and the fields it always had', async t => {
  const { lines, logStream } = capture()
  const built = await build(t, { logLevel: 'info' }, { logStream })
  const res = await built.app.inject({ url: '/openai/assistants?api-version=2024-05-01-preview', headers: { 'api-key': 'k' } })
  t.equal(res.statusCode, 200)
  const completed = parsed(lines).filter(line => line.msg === 'request completed')
  t.equal(completed.length, 1)
  t.same(Object.keys(completed[0]!), ['level', 'time', 'pid', 'hostname', 'reqId', 'method', 'url', 'statusCode', 'responseTime', 'msg'])
  t.match(completed[0], { level: 30, reqId: res.headers['x-request-id'], method: 'GET', url: '/openai/assistants?api-version=2024-05-01-preview', statusCode: 200 })
})

t.test('at warn: no request line, but a warning written mid-request still carries the request id', async t => {
  const { lines, logStream } = capture()
  const built = await build(t, { logLevel: 'warn', apiVersionCheck: 'lenient' }, { logStream })
  const plain = await built.app.inject({ url: '/openai/assistants?api-version=2024-05-01-preview', headers: { 'api-key': 'k' } })
  t.equal(plain.statusCode, 200)
  t.same(parsed(lines).filter(line => line.reqId !== undefined), [], 'nothing written for an ordinary request')
  const substituted = await built.app.inject({ url: '/openai/assistants?api-version=2024-05-02-preview', headers: { 'api-key': 'k' } })
  t.equal(substituted.statusCode, 200)
  const written = parsed(lines).filter(line => line.reqId !== undefined)
  t.equal(written.length, 1)
  t.match(written[0], { level: 40, reqId: substituted.headers['x-request-id'], requestedApiVersion: '2024-05-02-preview' })
})

t.test('lazyChildLogger writes what pino\'s own child writes, and only at enabled levels', async t => {
  const eager: string[] = []
  const lazy: string[] = []
  const root = (into: string[]) => pino({ level: 'info', timestamp: false, base: null }, { write: (line: string) => { into.push(line) } })
  const child = root(eager).child({ reqId: 'r1' })
  const lazyChild = lazyChildLogger(root(lazy), { reqId: 'r1' }, {})
  for (const logger of [child, lazyChild]) {
    logger.debug('dropped')
    logger.info({ a: 1 }, 'kept')
    logger.child({ sub: true }).warn('nested')
  }
  t.same(lazy, eager)
  t.equal(eager.length, 2)
  t.equal(writesAt(lazyChild, 'debug'), false)
  t.equal(writesAt(lazyChild, 'info'), true)
  lazyChild.level = 'debug'
  t.equal(writesAt(lazyChild, 'debug'), true, 'a level set on the request\'s logger is its own')
  t.equal(lazyChild.level, 'debug')
  const withLevel = lazyChildLogger(root(lazy), { reqId: 'r2' }, { level: 'error' })
  t.equal(withLevel.level, 'error', 'a route\'s own level gets pino\'s child at once')
})
