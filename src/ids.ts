/** Every object id comes from here: the real service's prefixes followed by 24 alphanumerics. */
import { customAlphabet } from 'nanoid'

const token = customAlphabet('0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz', 24)

export type IdPrefix = 'asst' | 'thread' | 'msg' | 'run' | 'step' | 'call' | 'vs' | 'vsfb'

export const newId = (prefix: IdPrefix): string => `${prefix}_${token()}`

/** File ids: Azure's `assistant-…` (AZ-HOWTO-V1 sample output) or OpenAI's `file-…`, with a hyphen, not an underscore. */
export const newFileId = (flavour: 'azure' | 'openai' | 'agents'): string => `${flavour === 'openai' ? 'file' : 'assistant'}-${token()}`
