/** Every object id comes from here: the real service's prefixes followed by 24 alphanumerics. */
import { customAlphabet, customRandom } from 'nanoid'
import { currentScope } from './scope.js'

const ALPHABET = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz'
const SIZE = 24
const systemToken = customAlphabet(ALPHABET, SIZE)

/** From the request's random source (seeded with --seed), else the system's. */
function token (): string {
  const random = currentScope()?.random ?? undefined
  return random === undefined ? systemToken() : customRandom(ALPHABET, SIZE, size => random.bytes(size))()
}

/**
 * A flat copy of an id. nanoid appends one character at a time, and V8 keeps a string built that way as a
 * rope (a "cons string", one node per append past 13 characters): an id kept in the store would cost
 * about 400 bytes instead of about 40. The heap snapshot of 20,000 completed runs showed 39 such nodes
 * per run (1.25 KB); copying through a Buffer leaves one flat one-byte string.
 */
const flat = (text: string): string => Buffer.from(text, 'latin1').toString('latin1')

export type IdPrefix = 'asst' | 'thread' | 'msg' | 'run' | 'step' | 'call' | 'vs' | 'vsfb'

export const newId = (prefix: IdPrefix): string => flat(`${prefix}_${token()}`)

/** File ids: Azure's `assistant-…` (AZ-HOWTO-V1 sample output) or OpenAI's `file-…`, with a hyphen, not an underscore. */
export const newFileId = (flavour: 'azure' | 'openai' | 'agents'): string => flat(`${flavour === 'openai' ? 'file' : 'assistant'}-${token()}`)
