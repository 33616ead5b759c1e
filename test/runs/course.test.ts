/** The run's course as happenings: reply chunks, their pacing, and a prefix that a cancel never rewrites. */
import t from 'tap'
import { courseOf, runStateAt } from '../../src/runs/lifecycle.js'
import { textPieces } from '../../src/runs/pieces.js'
import type { RunRecord } from '../../src/store/records.js'
import { runRecord, segment } from '../support/records.js'

const T0 = 1_700_000_000_000
const reply = (text: string) => ({ 0: { text, completionTokens: 4, truncated: false } })

t.test('textPieces: word-sized chunks that add up to the text', async t => {
  t.same(textPieces('Hello big world.'), ['Hello', ' big', ' world.'])
  t.same(textPieces(''), [''])
  t.same(textPieces('  lead and trail  '), ['  lead', ' and', ' trail', '  '])
  const long = 'x'.repeat(40)
  t.same(textPieces(long).map(p => p.length), [16, 16, 8])
  const emoji = '😀'.repeat(20)
  t.ok(textPieces(emoji).every(p => !/[\uD800-\uDBFF]$/.test(p)), 'no chunk ends inside a surrogate pair')
  for (const text of ['a\nb\tc', emoji, 'The weather in Paris: 18°C']) t.equal(textPieces(text).join(''), text)
})

t.test('auto pacing spreads the chunks over in_progress; reads show the text written so far', async t => {
  const run = runRecord(T0, { timings: { queuedMs: 500, inProgressMs: 1000, cancellingMs: 0 }, segments: [segment(T0, 0, reply('a b c d'))] })
  const pieceTimes = courseOf(run).list().filter(h => h.kind === 'piece').map(h => h.at - T0)
  t.same(pieceTimes, [500, 750, 1000, 1250])
  t.match(runStateAt(run, T0 + 800).steps, [{ status: 'in_progress', shownText: 'a b', piecesShown: 2, text: 'a b c d' }])
  t.match(runStateAt(run, T0 + 1500), { status: 'completed' })
  t.match(runStateAt(run, T0 + 1500).steps, [{ status: 'completed', shownText: 'a b c d' }])
})

t.test('a fixed chunk pace lengthens in_progress when writing takes longer', async t => {
  const run = runRecord(T0, { timings: { queuedMs: 0, inProgressMs: 100, cancellingMs: 0, streamChunkMs: 50 }, segments: [segment(T0, 0, reply('a b c d'))] })
  t.same(courseOf(run).list().filter(h => h.kind === 'piece').map(h => h.at - T0), [0, 50, 100, 150])
  t.equal(runStateAt(run, T0 + 199).status, 'in_progress')
  t.match(runStateAt(run, T0 + 200), { status: 'completed', completedAt: T0 + 200 })
  const fast = runRecord(T0, { timings: { queuedMs: 0, inProgressMs: 1000, cancellingMs: 0, streamChunkMs: 0 }, segments: [segment(T0, 0, reply('a b c d'))] })
  t.match(runStateAt(fast, T0).steps, [{ shownText: 'a b c d', status: 'in_progress' }], 'pace 0: all the text at once')
  t.equal(runStateAt(fast, T0 + 1000).status, 'completed', 'the phase keeps its length')
})

t.test('a cancel never rewrites what already happened: the course up to it is a prefix of the new one', async t => {
  const base = runRecord(T0, { timings: { queuedMs: 100, inProgressMs: 1000, cancellingMs: 200 }, segments: [segment(T0, 0, reply('one two three four five six'))] })
  for (const at of [T0, T0 + 100, T0 + 350, T0 + 1099]) {
    const cancelled: RunRecord = { ...base, cancelRequestedAt: at }
    const before = courseOf(base).list()
    const after = courseOf(cancelled).list()
    const upTo = courseOf(base).happenedBy(at)
    t.same(after.slice(0, upTo), before.slice(0, upTo), `cancel at +${at - T0}`)
    t.match(after.slice(upTo).map(h => h.kind === 'phase' ? h.status : h.kind), ['cancelling', ...(at >= T0 + 100 ? ['step-ended'] : []), 'cancelled'])
  }
})
