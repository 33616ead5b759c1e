/**
 * The compact timeline (src/runs/happenings.ts) against the plain list of happenings it stands for: every
 * question it answers by arithmetic must give what a list of one object per happening would.
 */
import t from 'tap'
import { entriesUpTo, Happenings, type Entry } from '../../src/runs/happenings.js'
import { paceOf } from '../../src/runs/pacing.js'

type Mark = { kind: 'phase', at: number, status: string, byRequest: boolean } | { kind: 'open' | 'close', at: number, owner: number }

const T0 = 1_700_000_000_000

/** A course like a run's: queued (by request), in progress, then `counts[k]` pieces of owner k, paced over `inProgressMs` or `chunkMs`. */
function course (counts: readonly number[], inProgressMs: number, chunkMs: number | null): Array<Entry<Mark>> {
  const entries: Array<Entry<Mark>> = [{ kind: 'phase', at: T0, status: 'queued', byRequest: true }, { kind: 'phase', at: T0 + 10, status: 'in_progress', byRequest: false }]
  const total = counts.reduce((n, c) => n + c, 0)
  const pace = paceOf(T0 + 10, inProgressMs, chunkMs, total)
  let first = 0
  counts.forEach((count, owner) => {
    entries.push({ kind: 'open', at: pace.at(first), owner })
    if (count > 0) entries.push({ kind: 'pieces', owner, count, startedAt: pace.startedAt, span: pace.span, total, first })
    first += count
    entries.push({ kind: 'close', at: owner === counts.length - 1 ? pace.endsAt : pace.at(first), owner })
  })
  entries.push({ kind: 'phase', at: pace.endsAt, status: 'completed', byRequest: false })
  return entries
}

/** The same course as a plain list, one object per piece (what the compact form replaces). */
type Piece = { kind: 'piece', at: number, owner: number, piece: number }

function expand (entries: ReadonlyArray<Entry<Mark>>): Array<Mark | Piece> {
  return entries.flatMap((entry): Array<Mark | Piece> => entry.kind === 'pieces'
    ? Array.from({ length: entry.count }, (_, j) => ({
      kind: 'piece' as const,
      at: entry.startedAt + (entry.total === 0 ? 0 : Math.floor((entry.first + j) * entry.span / entry.total)),
      owner: entry.owner,
      piece: j
    }))
    : [entry])
}

const SHAPES: Array<[string, number[], number, number | null]> = [
  ['one short reply spread over 1 s', [7], 1000, null],
  ['a 5,000-chunk reply', [5000], 3000, null],
  ['three replies at one chunk every 40 ms', [3, 0, 9], 100, 40],
  ['zero-length timings', [12, 4], 0, null],
  ['more chunks than milliseconds', [700], 50, null]
]

t.test('every happening, time and count is what the plain list says', async t => {
  for (const [name, counts, inProgressMs, chunkMs] of SHAPES) {
    const entries = course(counts, inProgressMs, chunkMs)
    const compact = new Happenings(entries)
    const plain = expand(entries)
    t.equal(compact.length, plain.length, `${name}: length`)
    t.same(compact.list(), plain, `${name}: the happenings, in order`)
    t.equal(compact.timeOf(plain.length), undefined, `${name}: no time past the end`)
    t.equal(compact.endsAt(), plain.at(-1)!.at, `${name}: ends with its last happening`)
    const end = plain.at(-1)!.at
    for (let now = T0 - 5; now <= end + 5; now += Math.max(1, Math.floor((end - T0) / 97))) {
      const happened = Math.max(1, plain.filter(h => h.at <= now).length)
      t.equal(compact.happenedBy(now), happened, `${name}: happened by +${now - T0} ms`)
    }
    t.equal(compact.happenedBy(end + 1_000, true), 1, `${name}: as of the creating request, only what it did`)
  }
})

t.test('walk and nextMark see marks and how many pieces of each owner have happened', async t => {
  const entries = course([5, 3], 80, null)
  const compact = new Happenings(entries)
  const plain = expand(entries)
  for (let count = 1; count <= plain.length; count++) {
    const marks: number[] = []
    const shown = new Map<number, number>()
    compact.walk(count, (_mark, index) => marks.push(index), (owner, n) => shown.set(owner, n))
    const expectedMarks = plain.slice(0, count).flatMap((h, i) => h.kind === 'piece' ? [] : [i])
    const expectedShown = new Map<number, number>()
    for (const h of plain.slice(0, count)) if (h.kind === 'piece') expectedShown.set(h.owner, h.piece + 1)
    t.same(marks, expectedMarks, `marks of the first ${count}`)
    t.same([...shown].filter(([, n]) => n > 0), [...expectedShown], `pieces shown in the first ${count}`)
    t.same(compact.nextMark(count), plain.slice(count).find(h => h.kind !== 'piece'), `the next mark after ${count}`)
  }
})

t.test('entriesUpTo keeps exactly the happenings at or before the cut', async t => {
  const entries = course([40, 25], 500, null)
  const plain = expand(entries)
  for (const cut of [T0 - 1, T0, T0 + 10, T0 + 137, T0 + 300, T0 + 510, T0 + 10_000]) {
    t.same(expand(entriesUpTo(entries, cut)), plain.filter(h => h.at <= cut), `cut at +${cut - T0} ms`)
  }
})

t.test('a long reply costs a handful of entries, not one object per chunk', async t => {
  const entries = course([50_000], 1000, null)
  t.equal(entries.length, 6, 'queued, in progress, open, one run of 50,000 pieces, close, completed')
  const compact = new Happenings(entries)
  t.equal(compact.length, 50_005, 'five marks and 50,000 pieces')
  t.same(compact.happening(3 + 30_000), { kind: 'piece', at: T0 + 10 + Math.floor(30_000 * 1000 / 50_000), owner: 0, piece: 30_000 })
})
