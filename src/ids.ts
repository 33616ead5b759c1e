/** Every object id comes from an id source: the real service's prefixes followed by 24 alphanumerics. */
import { customAlphabet, customRandom } from 'nanoid'
import type { Flavour } from './api-surface.js'
import type { Random } from './control/random.js'

const ALPHABET = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz'
const SIZE = 24

/**
 * A flat copy of an id. nanoid appends one character at a time, and V8 keeps a string built that way as a
 * rope (a "cons string", one node per append past 13 characters): an id kept in the store would cost
 * about 400 bytes instead of about 40. The heap snapshot of 20,000 completed runs showed 39 such nodes
 * per run (1.25 KB); copying through a Buffer leaves one flat one-byte string.
 */
const flat = (text: string): string => Buffer.from(text, 'latin1').toString('latin1')

/**
 * The prefixes: the Assistants API's, and the Responses API's (`resp` responses, `conv` conversations, `fc`
 * function calls, `fco` function call outputs, `rs` reasoning, `fs` file search calls; `msg` and `call` shared).
 */
type IdPrefix = 'asst' | 'thread' | 'msg' | 'run' | 'step' | 'call' | 'vs' | 'vsfb' | 'resp' | 'conv' | 'fc' | 'fco' | 'rs' | 'fs'

export interface Ids {
  /** A new id of one kind of object, e.g. `run_…`. */
  next (prefix: IdPrefix): string
  /** A new file id: Azure's `assistant-…` (AZ-HOWTO-V1 sample output) or OpenAI's `file-…`, with a hyphen. */
  file (flavour: Flavour): string
}

/** Ids drawn from `random` (the seeded id stream with --seed), or from the system's random source when null. */
export function idSource (random: Random | null): Ids {
  const token = random === null ? customAlphabet(ALPHABET, SIZE) : customRandom(ALPHABET, SIZE, size => random.bytes(size))
  return {
    next: prefix => flat(`${prefix}_${token()}`),
    file: flavour => flat(`${flavour === 'openai' ? 'file' : 'assistant'}-${token()}`)
  }
}
