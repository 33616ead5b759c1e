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

export type IdPrefix = 'asst' | 'thread' | 'msg' | 'run' | 'step' | 'call' | 'vs' | 'vsfb'

export const newId = (prefix: IdPrefix): string => `${prefix}_${token()}`

/** File ids: Azure's `assistant-…` (AZ-HOWTO-V1 sample output) or OpenAI's `file-…`, with a hyphen, not an underscore. */
export const newFileId = (flavour: 'azure' | 'openai'): string => `${flavour === 'azure' ? 'assistant' : 'file'}-${token()}`
