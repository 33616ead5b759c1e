/**
 * What an unscripted run answers, and the message texts it is derived from. Deterministic: the same thread
 * gives the same reply on every run, which is what tests need.
 */
import type { MessageRecord } from '../store/records.js'

/** A message's text: its text parts, one per line (image parts add nothing). */
export function messageText (message: Pick<MessageRecord, 'content'>): string {
  const [only, ...rest] = message.content
  // One text part (nearly every message) is its own text: no new string is made.
  if (only?.type === 'text' && rest.length === 0) return only.text.value
  return message.content.map(part => part.type === 'text' ? part.text.value : '').join('\n')
}

/** The text of the last user message, or null when the user said nothing yet. */
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
