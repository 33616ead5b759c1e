/**
 * What an unscripted run answers, and how many tokens things count. Both are deterministic: the same
 * thread gives the same reply and the same usage on every run, which is what tests need.
 */
import { createRequire } from 'node:module'
import { boundedMemo } from '../memo.js'
import type { MessageRecord, PromptTexts, Reply, RunSegment, ScriptStep } from '../store/records.js'
import { chunkedEncoder } from './token-chunks.js'

export interface Tokenizer {
  encode (text: string): number[]
  decode (tokens: number[]): string
  /** `encode(text).length`, remembered for recent short texts (instructions and replies repeat run after run). */
  count (text: string): number
}

/** Texts whose counts are remembered, and the longest such text (characters): at most about 16 MiB of keys. */
const COUNT_MEMO_ENTRIES = 2048
const COUNT_MEMO_MAX_CHARS = 4096

/** `count` over `encode`, remembering the counts of recent texts up to COUNT_MEMO_MAX_CHARS long. */
export function memoizedCount (encode: (text: string) => number[]): (text: string) => number {
  const memo = boundedMemo<string, number>(COUNT_MEMO_ENTRIES)
  const countOf = (text: string) => encode(text).length
  return text => text.length <= COUNT_MEMO_MAX_CHARS ? memo.get(text, countOf) : countOf(text)
}

const require = createRequire(import.meta.url)
let loaded: Tokenizer | undefined

/** The tokenizer if anything has needed it yet, else undefined (and nothing is loaded). */
export const loadedTokenizer = (): Tokenizer | undefined => loaded

/**
 * The o200k_base tokenizer (gpt-4o family), loaded the first time something needs a count: synchronously,
 * about half a second and 50 MiB, once. Runs are made without it when nothing in their course depends on a
 * count (segments keep their prompt texts instead), so start-up and the first run do not wait for it.
 * Encoding is linear in the text's length: long texts are encoded in chunks (token-chunks.ts), since BPE
 * alone is quadratic in the length of one unbroken word.
 */
export function tokenizer (): Tokenizer {
  if (loaded === undefined) {
    const bpe = require('gpt-tokenizer/encoding/o200k_base') as typeof import('gpt-tokenizer/encoding/o200k_base')
    const encode = chunkedEncoder(text => bpe.encode(text))
    loaded = { encode, decode: tokens => bpe.decode(tokens), count: memoizedCount(encode) }
  }
  return loaded
}

/** Per-message framing tokens, as the chat format counts them. */
const TOKENS_PER_MESSAGE = 3
const TOKENS_PER_REPLY_PRIMER = 3

export function messageText (message: Pick<MessageRecord, 'content'>): string {
  const [only, ...rest] = message.content
  // One text part (nearly every message) is its own text: no new string is made.
  if (only?.type === 'text' && rest.length === 0) return only.text.value
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

/** A thread message's tokens, framing included: as stored with it, or counted now. */
export function messageTokens (message: Pick<MessageRecord, 'content' | 'tokens'>, count: (text: string) => number): number {
  return message.tokens ?? TOKENS_PER_MESSAGE + count(messageText(message))
}

/**
 * A message's `tokens` to store with it: counted when the tokenizer is loaded, else undefined (nothing is
 * loaded for it), so that the runs on a thread do not encode its messages again.
 */
export function knownTokens (content: MessageRecord['content']): number | undefined {
  const known = loadedTokenizer()
  return known === undefined ? undefined : messageTokens({ content }, known.count)
}

/** Prompt tokens of one model call: the instructions plus each message, with the chat format's framing. */
export function countPromptTokens (count: (text: string) => number, instructions: string, messages: readonly string[]): number {
  let tokens = TOKENS_PER_REPLY_PRIMER
  if (instructions !== '') tokens += TOKENS_PER_MESSAGE + count(instructions)
  for (const message of messages) tokens += TOKENS_PER_MESSAGE + count(message)
  return tokens
}

/** Prompt tokens of a segment: its count, or its kept prompt texts counted now. */
export function promptTokensOf (segment: Pick<RunSegment, 'promptTokens' | 'prompt'>): number {
  if (segment.promptTokens !== undefined) return segment.promptTokens
  const prompt: PromptTexts = segment.prompt ?? { instructions: '', messages: [] }
  return countPromptTokens(tokenizer().count, prompt.instructions, prompt.messages)
}

/** Completion tokens of a rendered reply: the budget it was cut at, or its text's tokens. */
export function replyTokens (reply: Reply): number {
  return reply.completionTokens ?? tokenizer().count(reply.text)
}

/** Completion tokens of a tool call step: each call's name and arguments. */
export function callTokens (step: Extract<ScriptStep, { kind: 'tool_calls' }>): number {
  if (step.completionTokens !== undefined) return step.completionTokens
  const { count } = tokenizer()
  return step.calls.reduce((n, call) => n + count(call.name) + count(call.arguments), 0)
}
