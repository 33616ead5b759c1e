/**
 * What an unscripted run answers, and how many tokens things count. Both are deterministic: the same
 * thread gives the same reply and the same usage on every run, which is what tests need.
 */
import type { MessageRecord } from '../store/records.js'

type Encode = (text: string) => number[]
let encoder: Promise<Encode> | undefined

/** The o200k_base tokenizer (gpt-4o family), loaded once, on first use, off the startup path. */
export function loadTokenizer (): Promise<Encode> {
  encoder ??= import('gpt-tokenizer/encoding/o200k_base').then(m => m.encode)
  return encoder
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

/** Prompt tokens of one model call: the instructions plus each message, with the chat format's framing. */
export function countPromptTokens (encode: (text: string) => number[], instructions: string, messages: readonly string[]): number {
  let tokens = TOKENS_PER_REPLY_PRIMER
  if (instructions !== '') tokens += TOKENS_PER_MESSAGE + encode(instructions).length
  for (const message of messages) tokens += TOKENS_PER_MESSAGE + encode(message).length
  return tokens
}
