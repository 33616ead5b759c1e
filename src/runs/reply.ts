/**
 * What an unscripted run answers, and how many tokens things count. Both are deterministic: the same
 * thread gives the same reply and the same usage on every run, which is what tests need.
 */
import type { MessageRecord } from '../store/records.js'
import { chunkedEncoder } from './token-chunks.js'

export interface Tokenizer {
  encode (text: string): number[]
  decode (tokens: number[]): string
}
let tokenizer: Promise<Tokenizer> | undefined

/**
 * The o200k_base tokenizer (gpt-4o family), loaded once, on first use, off the startup path. Encoding is
 * linear in the text's length: long texts are encoded in chunks (token-chunks.ts), since BPE alone is
 * quadratic in the length of one unbroken word.
 */
export function loadTokenizer (): Promise<Tokenizer> {
  tokenizer ??= import('gpt-tokenizer/encoding/o200k_base').then(m => ({ encode: chunkedEncoder(text => m.encode(text)), decode: tokens => m.decode(tokens) }))
  return tokenizer
}

/** Per-message framing tokens, as the chat format counts them. */
const TOKENS_PER_MESSAGE = 3
const TOKENS_PER_REPLY_PRIMER = 3

export function messageText (message: Pick<MessageRecord, 'content'>): string {
  return message.content.map(part => part.type === 'text' ? part.text.value : '').join('\n')
}

export function lastUserText (messages: readonly MessageRecord[]): string | null {
  for (let i = messages.length - 1; i >= 0; i--) {
    const message = messages[i]!
    if (message.role === 'user') return messageText(message)
  }
  return null
}

/** The default reply: a fixed sentence quoting the last user message. */
export function defaultReply (lastUser: string | null): string {
  if (lastUser === null || lastUser.trim() === '') return 'Hello! This is the Azure OpenAI Assistants emulator. How can I help?'
  return `You said: "${lastUser}". This is a reply from the Azure OpenAI Assistants emulator.`
}

const messageTokenCache = new WeakMap<Pick<MessageRecord, 'content'>, number>()

/**
 * A thread message's tokens, framing included. Records are immutable values, so the count is kept per
 * record: a long thread is not re-encoded for every run.
 */
export function messageTokens (message: Pick<MessageRecord, 'content'>, encode: (text: string) => number[]): number {
  let tokens = messageTokenCache.get(message)
  if (tokens === undefined) messageTokenCache.set(message, tokens = TOKENS_PER_MESSAGE + encode(messageText(message)).length)
  return tokens
}

/**
 * Seeds the count of a message whose text's tokens are already known: a run's reply, counted when it was
 * rendered, is not encoded again when the next run on the thread counts its prompt. `textTokens` must be
 * the token count of exactly `messageText(message)`.
 */
export function rememberMessageTokens (message: Pick<MessageRecord, 'content'>, textTokens: number): void {
  messageTokenCache.set(message, TOKENS_PER_MESSAGE + textTokens)
}

/** Prompt tokens of one model call: the instructions plus each message, with the chat format's framing. */
export function countPromptTokens (encode: (text: string) => number[], instructions: string, messages: readonly string[]): number {
  let tokens = TOKENS_PER_REPLY_PRIMER
  if (instructions !== '') tokens += TOKENS_PER_MESSAGE + encode(instructions).length
  for (const message of messages) tokens += TOKENS_PER_MESSAGE + encode(message).length
  return tokens
}
