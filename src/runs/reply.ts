/**
 * What an unscripted run answers, and how many tokens things count. Both are deterministic: the same
 * thread gives the same reply and the same usage on every run, which is what tests need.
 */
import type { MessageRecord } from '../store/records.js'
import type { Usage } from '../schemas/run.js'

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

/** Usage for a run whose prompt is the instructions plus the thread's messages and whose answer is `reply`. */
export async function countUsage (instructions: string, messages: readonly MessageRecord[], reply: string): Promise<Usage> {
  const encode = await loadTokenizer()
  let prompt = TOKENS_PER_REPLY_PRIMER
  if (instructions !== '') prompt += TOKENS_PER_MESSAGE + encode(instructions).length
  for (const message of messages) prompt += TOKENS_PER_MESSAGE + encode(messageText(message)).length
  const completion = encode(reply).length
  return { prompt_tokens: prompt, completion_tokens: completion, total_tokens: prompt + completion }
}
