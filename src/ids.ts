/** Every object id comes from here: the real service's prefixes followed by 24 alphanumerics. */
import { customAlphabet } from 'nanoid'

const token = customAlphabet('0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz', 24)

export type IdPrefix = 'asst' | 'thread' | 'msg' | 'run' | 'step' | 'call'

export const newId = (prefix: IdPrefix): string => `${prefix}_${token()}`
