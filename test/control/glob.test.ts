/**
 * Issue 21, item 4: fault rule globs are matched in linear time (control/glob.ts). The repro is refused
 * with a 400 in the control plane's envelope; globs that make a backtracking matcher explode are matched at
 * once; the automaton agrees with a regular-expression reading of the same syntax on every small case.
 */
import fc from 'fast-check'
import t from 'tap'
import { compileGlob, globProblem } from '../../src/control/glob.js'
import { parseFixturesFile, FixturesError } from '../../src/fixtures.js'
import { build, V2 } from '../helper.js'

t.test('the syntax: segments, globstars, sets, alternatives, escapes', async t => {
  const cases: Array<[string, Record<string, boolean>]> = [
    ['/v1/**', { '/v1': true, '/v1/': true, '/v1/a': true, '/v1/a/b': true, '/v1x': false, '/v1/.a': true }],
    ['/a/**/b', { '/a/b': true, '/a/x/b': true, '/a/x/y/b': true, '/a/xb': false }],
    ['/**/x', { '/x': true, '/a/x': true, '/a/b/x': true, '/ax': false }],
    ['**', { '': true, '/': true, '/a/b': true }],
    ['/a/*', { '/a/b': true, '/a/.x': true, '/a/b/c': false, '/a': false }],
    ['/a*', { '/a': true, '/abc': true, '/a/b': false }],
    ['/a**b', { '/ab': true, '/axb': true, '/ax/b': false }],
    ['/openai/threads/*/runs', { '/openai/threads/thread_1/runs': true, '/openai/threads/a/b/runs': false }],
    ['/a/?', { '/a/b': true, '/a/': false, '/a/bc': false, '/a//': false }],
    ['/a/[bc]', { '/a/b': true, '/a/c': true, '/a/d': false }],
    ['/a/[!b]', { '/a/b': false, '/a/d': true, '/a//': false }],
    ['/a/[^a-c]', { '/a/b': false, '/a/z': true }],
    ['/a/{b,c*}/d', { '/a/b/d': true, '/a/cx/d': true, '/a/x/d': false }],
    ['/{a,{b,c}}', { '/a': true, '/c': true, '/d': false }],
    ['/a/\\*', { '/a/*': true, '/a/b': false }],
    ['/A', { '/a': false, '/A': true }],
    ['/a(b)|c+.$', { '/a(b)|c+.$': true, '/ab': false }]
  ]
  for (const [glob, paths] of cases) {
    const matches = compileGlob(glob)
    for (const [path, expected] of Object.entries(paths)) t.equal(matches(path), expected, `${glob} ${expected ? 'matches' : 'does not match'} ${JSON.stringify(path)}`)
  }
  for (const [glob, problem] of [
    ['/@(a*)*(a*)*(a*)*(a*)c', /extglob patterns such as '@\(…\)' are not supported/],
    ['/a/!(b)', /extglob/],
    ['/a/[bc', /the '\[' at 4 is never closed/],
    ['/a/{b,c', /the '\{' at 4 is never closed/],
    ['/[z-a]', /reversed/],
    ['/a'.repeat(3000), /too complex/]
  ] as const) t.match(globProblem(glob), problem, glob.slice(0, 40))
  t.equal(globProblem('/a/\\@(b)'), undefined, 'an escaped @( is two characters')
})

t.test('the issue\'s repro is a 400 that adds nothing; backtracking-hostile globs match at once', async t => {
  const built = await build(t)
  const refused = await built.app.inject({ method: 'POST', url: '/_emulator/faults', payload: { match: { path: '/@(a*)*(a*)*(a*)*(a*)c' }, fault: { type: 'status', status: 500 } } })
  t.equal(refused.statusCode, 400)
  t.same(refused.json(), {
    error: {
      message: "Invalid 'match.path': extglob patterns such as '@(…)' are not supported; use *, **, ?, [...] and {a,b}.",
      type: 'invalid_request_error',
      param: 'match.path',
      code: 'invalid_value'
    }
  })
  t.same((await built.app.inject({ url: '/_emulator/faults' })).json().data, [], 'no rule was added')

  // What regex engines take exponential (or high polynomial) time on, the automaton reads in one pass.
  const hostile = ['/*a*a*a*a*a*a*a*a*a*a*a*a*c', '/**/**/**/**/**/**/**/**/c', '/{a*,a*}{a*,a*}{a*,a*}{a*,a*}{a*,a*}c']
  for (const path of hostile) {
    const added = await built.app.inject({ method: 'POST', url: '/_emulator/faults', payload: { match: { path }, fault: { type: 'status', status: 503 } } })
    t.equal(added.statusCode, 201, path)
  }
  // No stopwatch (the machine may be loaded): a backtracking matcher would not finish these within the test's
  // timeout (the issue: over 3 minutes for 28 a's); the automaton's work is one pass, states × characters.
  const res = await built.call({ url: `/openai/${'a'.repeat(8000)}`, apiVersion: V2 })
  t.equal(res.statusCode, 404, 'a path of 8,000 a\'s against those rules: no rule matched; the request went on')
  t.equal(compileGlob('/*a*a*a*a*a*a*a*a*a*a*a*a*c')(`/${'a'.repeat(100_000)}c`), true)
})

t.test('a fixtures file with a refused glob names it', async t => {
  t.throws(() => parseFixturesFile('f.json', JSON.stringify({ faults: [{ match: { path: '/+(a)' }, fault: { type: 'drop' } }] })),
    new FixturesError('Invalid fixtures file f.json at $.faults[0].match.path: extglob patterns such as \'+(…)\' are not supported; use *, **, ?, [...] and {a,b}'))
})

/** The same syntax read as a regular expression (backtracking, fine for the short cases below). */
function reference (glob: string): RegExp {
  let out = ''
  let slashLast = false
  for (let i = 0; i < glob.length;) {
    const start = i === 0 || glob[i - 1] === '/'
    const slash = slashLast
    slashLast = false
    if (glob.startsWith('**', i)) {
      if (start && glob[i + 2] === '/') { out += '(?:.*/)?'; i += 3; continue }
      if (start && i + 2 === glob.length && slash) { out = out.slice(0, -2) + '(?:/.*)?'; i += 2; continue }
      if (start && i + 2 === glob.length) { out += '.*'; i += 2; continue }
      while (glob[i] === '*') i++
      out += '[^/]*'
      continue
    }
    const c = glob[i]!
    if (c === '*') out += '[^/]*'
    else if (c === '?') out += '[^/]'
    else if (c === '{') out += '(?:'
    else if (c === ',') out += '|'
    else if (c === '}') out += ')'
    else out += c === '/' ? '\\/' : c.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
    slashLast = c === '/'
    i++
  }
  return new RegExp(`^${out}$`, 's')
}

t.test('the automaton agrees with the regular-expression reading', async t => {
  const token = fc.constantFrom('a', 'b', '/', '*', '?', '**', '/**/', '/**')
  const glob = fc.oneof(
    fc.array(token, { maxLength: 7 }).map(parts => parts.join('')),
    fc.tuple(fc.array(token, { maxLength: 3 }), fc.array(fc.array(token, { maxLength: 3 }), { minLength: 1, maxLength: 3 }), fc.array(token, { maxLength: 3 }))
      .map(([before, alternatives, after]) => `${before.join('')}{${alternatives.map(a => a.join('')).join(',')}}${after.join('')}`)
  )
  const path = fc.array(fc.constantFrom('a', 'b', '/'), { maxLength: 8 }).map(chars => chars.join(''))
  let checked = 0
  fc.assert(fc.property(glob, fc.array(path, { minLength: 1, maxLength: 8 }), (g, paths) => {
    const matches = compileGlob(g)
    const expected = reference(g)
    for (const p of paths) {
      checked++
      if (matches(p) !== expected.test(p)) throw new Error(`${g} on ${JSON.stringify(p)}: automaton ${matches(p)}, expression ${expected.test(p)}`)
    }
  }), { numRuns: 1500, seed: 21 })
  t.ok(checked > 1500, `${checked} glob and path pairs agree`)
})
