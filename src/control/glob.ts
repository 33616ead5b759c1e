/**
 * The path globs of fault rules, matched in time linear in the path whatever the glob: the glob becomes a
 * small automaton (Thompson's construction) that is run over the path once, keeping the set of states it can
 * be in, so no input makes it backtrack. Regex-based glob libraries (picomatch) compile `*` to lazy
 * quantifiers, and a glob like `/@(a*)*(a*)*(a*)*(a*)c` then takes exponential time on a path of `a`s.
 *
 * The syntax, over the path without its query (case-sensitive):
 * - `*` any run of characters within one segment (never `/`), `?` one such character;
 * - `**` as a whole segment: any number of whole segments (`/v1/**` matches `/v1`, `/v1/` and `/v1/a/b`;
 *   `/a/**\/b` matches `/a/b` and `/a/x/y/b`); elsewhere it is `*`;
 * - `[abc]`, `[a-z]`, `[!a]` or `[^a]`: one character of (or not of) a set, never `/`;
 * - `{a,b}`: either alternative (nested, with wildcards inside);
 * - `\x`: the character x itself; anything else is itself.
 * Extglobs (`@(…)`, `*(…)`, `+(…)`, `?(…)`, `!(…)`) are refused, as are unclosed `[` and `{` and globs with more
 * than MAX_GLOB_STATES states: `globProblem` says why.
 */

/** Most automaton states a glob may make (about one per character): bounds the work per path character. */
const MAX_GLOB_STATES = 4096

/** One automaton state: consumes one character that `accepts`, or (no `accepts`) is an epsilon split. */
interface State {
  /** For a consuming state: whether it takes the character (a UTF-16 code unit). */
  readonly accepts?: (code: number) => boolean
  /** Where to go next (after consuming, or at once for a split). */
  out: number[]
}

/** A glob the matcher refuses; the message says what is wrong with it. */
export class GlobError extends Error {
  constructor (message: string) {
    super(message)
    this.name = 'GlobError'
  }
}

const SLASH = 47
const notSlash = (code: number) => code !== SLASH
const anyChar = () => true

/** A fragment under construction: its entry state and the dangling exits to patch to what follows. */
interface Fragment {
  readonly start: number
  /** States whose `out` receives the next fragment's start. */
  readonly ends: number[]
}

class Builder {
  readonly states: State[] = []

  add (state: State): number {
    if (this.states.length >= MAX_GLOB_STATES) throw new GlobError(`the glob is too complex (more than ${MAX_GLOB_STATES} states)`)
    this.states.push(state)
    return this.states.length - 1
  }

  /** A fragment consuming one character. */
  one (accepts: (code: number) => boolean): Fragment {
    const s = this.add({ accepts, out: [] })
    return { start: s, ends: [s] }
  }

  /** Zero or more characters that `accepts`. */
  loop (accepts: (code: number) => boolean): Fragment {
    const split = this.add({ out: [] })
    const body = this.add({ accepts, out: [split] })
    this.states[split]!.out.push(body)
    return { start: split, ends: [split] }
  }

  /** The empty fragment. */
  empty (): Fragment {
    const s = this.add({ out: [] })
    return { start: s, ends: [s] }
  }

  join (a: Fragment, b: Fragment): Fragment {
    for (const end of a.ends) this.states[end]!.out.push(b.start)
    return { start: a.start, ends: b.ends }
  }

  sequence (parts: readonly Fragment[]): Fragment {
    return parts.length === 0 ? this.empty() : parts.reduce((a, b) => this.join(a, b))
  }

  either (alternatives: readonly Fragment[]): Fragment {
    const split = this.add({ out: alternatives.map(f => f.start) })
    return { start: split, ends: alternatives.flatMap(f => f.ends) }
  }

  optional (fragment: Fragment): Fragment {
    const split = this.add({ out: [fragment.start] })
    return { start: split, ends: [split, ...fragment.ends] }
  }
}

/** A `[...]` set starting at `glob[at]` (the `[`): its test and the index after the `]`. */
function characterClass (glob: string, at: number): { accepts: (code: number) => boolean, next: number } {
  let i = at + 1
  const negated = glob[i] === '!' || glob[i] === '^'
  if (negated) i++
  const ranges: Array<[number, number]> = []
  let first = true
  while (i < glob.length && (glob[i] !== ']' || first)) {
    first = false
    let low = glob.charCodeAt(i)
    if (glob[i] === '\\' && i + 1 < glob.length) low = glob.charCodeAt(++i)
    i++
    let high = low
    if (glob[i] === '-' && i + 1 < glob.length && glob[i + 1] !== ']') {
      i++
      high = glob.charCodeAt(glob[i] === '\\' && i + 1 < glob.length ? ++i : i)
      i++
    }
    if (high < low) throw new GlobError(`the range '${String.fromCharCode(low)}-${String.fromCharCode(high)}' is reversed`)
    ranges.push([low, high])
  }
  if (i >= glob.length) throw new GlobError(`the '[' at ${at + 1} is never closed`)
  const within = (code: number) => ranges.some(([low, high]) => code >= low && code <= high)
  return { accepts: code => code !== SLASH && within(code) !== negated, next: i + 1 }
}

const EXTGLOB = /(?<!\\)[@*+?!]\(/

/**
 * Parses `glob[at…]` up to the end, or (inside braces) up to the `,` or `}` that ends this alternative.
 * Returns the fragment and where it stopped.
 */
function parseSequence (b: Builder, glob: string, at: number, inBraces: boolean): { fragment: Fragment, next: number } {
  const parts: Fragment[] = []
  /** The fragment of the last literal `/`, for a trailing `/**`. */
  let lastSlash: Fragment | null = null
  let i = at
  while (i < glob.length) {
    const c = glob[i]!
    if (inBraces && (c === ',' || c === '}')) break
    const segmentStart = i === 0 || glob[i - 1] === '/'
    if (c === '*' && glob[i + 1] === '*') {
      const after = glob[i + 2]
      if (segmentStart && after === '/') {
        // `**/`: any number of whole segments, each with its slash.
        parts.push(b.optional(b.join(b.loop(anyChar), b.one(code => code === SLASH))))
        i += 3
        continue
      }
      if (segmentStart && after === undefined && lastSlash !== null && lastSlash === parts.at(-1)) {
        // A trailing `/**`: the slash before it becomes optional, then anything.
        parts.pop()
        parts.push(b.optional(b.join(lastSlash, b.loop(anyChar))))
        i += 2
        continue
      }
      if (segmentStart && after === undefined) {
        parts.push(b.loop(anyChar))
        i += 2
        continue
      }
      // `**` that is not a whole segment is `*`.
      let j = i
      while (glob[j] === '*') j++
      parts.push(b.loop(notSlash))
      i = j
      continue
    }
    switch (c) {
      case '*':
        parts.push(b.loop(notSlash))
        i++
        break
      case '?':
        parts.push(b.one(notSlash))
        i++
        break
      case '[': {
        const { accepts, next } = characterClass(glob, i)
        parts.push(b.one(accepts))
        i = next
        break
      }
      case '{': {
        const alternatives: Fragment[] = []
        let j = i + 1
        for (;;) {
          const { fragment, next } = parseSequence(b, glob, j, true)
          alternatives.push(fragment)
          if (next >= glob.length) throw new GlobError(`the '{' at ${i + 1} is never closed`)
          j = next + 1
          if (glob[next] === '}') break
        }
        parts.push(b.either(alternatives))
        i = j
        break
      }
      case '\\': {
        const code = i + 1 < glob.length ? glob.charCodeAt(i + 1) : c.charCodeAt(0)
        parts.push(b.one(x => x === code))
        i += 2
        break
      }
      default: {
        const code = c.charCodeAt(0)
        const fragment = b.one(x => x === code)
        parts.push(fragment)
        if (code === SLASH) lastSlash = fragment
        i++
      }
    }
  }
  return { fragment: b.sequence(parts), next: i }
}

/** What makes `glob` unusable as a fault rule's path, or undefined when it compiles. */
export function globProblem (glob: string): string | undefined {
  try {
    compileGlob(glob)
    return undefined
  } catch (err) {
    if (err instanceof GlobError) return err.message
    throw err
  }
}

/**
 * A matcher for `glob` (see the module comment), linear in the path's length: each character advances the
 * set of live states once. Throws GlobError for a glob it refuses.
 */
export function compileGlob (glob: string): (path: string) => boolean {
  const extglob = EXTGLOB.exec(glob)
  if (extglob !== null) {
    throw new GlobError(`extglob patterns such as '${extglob[0]}…)' are not supported; use *, **, ?, [...] and {a,b}`)
  }
  const b = new Builder()
  const { fragment, next } = parseSequence(b, glob, 0, false)
  if (next < glob.length) throw new GlobError(`unexpected '${glob[next]}' at ${next + 1}`)
  const accept = b.add({ out: [] })
  b.join(fragment, { start: accept, ends: [accept] })
  const { states } = b
  const count = states.length
  const accepts = states.map(state => state.accepts ?? null)
  const outs = states.map(state => state.out)
  // Generation marks instead of sets: a state is in the set being built when mark[state] === generation.
  const mark = new Uint32Array(count)
  let generation = 0
  let current = new Int32Array(count)
  let following = new Int32Array(count)
  // Each edge pushes its target at most once per closure.
  const stack = new Int32Array(outs.reduce((n, out) => n + out.length, 1))
  /** Adds `start` and everything its splits reach to `into` (from `size` on); returns the new size. */
  const close = (start: number, into: Int32Array, size: number): number => {
    let top = 0
    stack[top++] = start
    while (top > 0) {
      const s = stack[--top]!
      if (mark[s] === generation) continue
      mark[s] = generation
      if (accepts[s] !== null || s === accept) {
        into[size++] = s
        continue
      }
      const out = outs[s]!
      for (let k = out.length - 1; k >= 0; k--) stack[top++] = out[k]!
    }
    return size
  }
  return path => {
    if (generation > 0xfffffff0) {
      mark.fill(0)
      generation = 0
    }
    generation++
    let size = close(fragment.start, current, 0)
    for (let i = 0; i < path.length && size > 0; i++) {
      const code = path.charCodeAt(i)
      generation++
      let next = 0
      for (let k = 0; k < size; k++) {
        const s = current[k]!
        if (accepts[s]?.(code) === true) for (const o of outs[s]!) next = close(o, following, next)
      }
      const swap = current
      current = following
      following = swap
      size = next
    }
    for (let k = 0; k < size; k++) if (current[k] === accept) return true
    return false
  }
}
