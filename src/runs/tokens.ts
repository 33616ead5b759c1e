/**
 * How many tokens things count, with the o200k_base tokenizer (gpt-4o family): prompts (with the chat
 * format's framing), replies and tool calls, and so a run's usage. Deterministic: the same thread gives the
 * same usage on every run.
 */
import { boundedMemo } from '../memo.js'
import { isHostedToolStep, type HostedToolStep, type MessageRecord, type Reply, type RunRecord, type RunSegment, type ScriptStep } from '../store/records.js'
import { messageText } from './default-reply.js'
import { chunkText } from './token-chunks.js'
import { askLater, askNow } from './tokenizer-worker.js'

export interface Tokenizer {
  encode (text: string): number[]
  decode (tokens: number[]): string
  /** `encode(text).length`, remembered for recent short texts (instructions and replies repeat run after run). */
  count (text: string): number
}

/** Texts whose counts are remembered, and the longest such text (characters): at most about 16 MiB of keys. */
const COUNT_MEMO_ENTRIES = 2048
const COUNT_MEMO_MAX_CHARS = 4096

/** Texts longer than COUNT_MEMO_MAX_CHARS whose counts are remembered (counted ahead, or counted once). */
const LONG_MEMO_ENTRIES = 64
const longCounts = boundedMemo<string, number>(LONG_MEMO_ENTRIES)
/** Counts asked ahead and not yet answered, so that two asks of one text make one count. */
const countsUnderway = new Map<string, Promise<void>>()
/** Counts of short texts remembered (instructions and replies repeat run after run). */
const shortCounts = boundedMemo<string, number>(COUNT_MEMO_ENTRIES)
/** Batches of short texts being counted ahead (`countSoon`). */
const batchesUnderway = new Set<Promise<void>>()

const askedCount = (text: string): number => askNow({ op: 'count', chunks: chunkText(text) }) as number

let loaded: Tokenizer | undefined

/**
 * The tokenizer: o200k_base in a worker thread (tokenizer-worker.ts), so that loading it never blocks the
 * event loop. Callers on the request path wait for `whenTokenizerReady()` first (http/pipeline.ts); a
 * count asked before that waits for the worker, blocking (correct, but a stall). Nothing stored depends on
 * whether it was loaded: prompts are kept as texts and counted when read. Encoding is linear in the text's
 * length: long texts are encoded in chunks (token-chunks.ts), since BPE alone is quadratic in the length of
 * one unbroken word.
 */
export function tokenizer (): Tokenizer {
  if (loaded === undefined) {
    loaded = {
      encode: text => askNow({ op: 'encode', chunks: chunkText(text) }) as number[],
      decode: tokens => askNow({ op: 'decode', tokens }) as string,
      count: text => text.length <= COUNT_MEMO_MAX_CHARS ? shortCounts.get(text, askedCount) : longCounts.get(text, askedCount)
    }
  }
  return loaded
}

/**
 * Counts a long text in the worker without blocking, and remembers the count, so that reading it later (a
 * message in a run's prompt, a tool output) costs nothing: the pipeline counts a request's long strings
 * ahead before its handler runs. Short texts are left to the synchronous count (microseconds).
 */
export function countAhead (text: string): Promise<void> {
  if (text.length <= COUNT_MEMO_MAX_CHARS) return Promise.resolve()
  const underway = countsUnderway.get(text)
  if (underway !== undefined) return underway
  const counting = askLater({ op: 'count', chunks: chunkText(text) }).then(n => {
    longCounts.get(text, () => n as number)
  }).finally(() => countsUnderway.delete(text))
  countsUnderway.set(text, counting)
  return counting
}

/**
 * Counts texts that will be read soon (a new run's replies, prompt and instructions) in the worker, without
 * blocking, in one message: a read that comes later finds them counted instead of asking the worker and waiting
 * on it (tens of microseconds each, and a long reply's whole count). Texts already counted cost nothing; a
 * read that comes before the answer still counts synchronously (correct, only slower). The pipeline lets the
 * requests that may read a run wait for what is underway (`countsUnderway`).
 */
export function countSoon (texts: readonly string[]): void {
  const short: string[] = []
  for (const text of texts) {
    if (text.length > COUNT_MEMO_MAX_CHARS) {
      if (!longCounts.has(text)) countAhead(text).catch(() => {})
    } else if (text !== '' && !shortCounts.has(text) && !short.includes(text)) short.push(text)
  }
  if (short.length === 0) return
  const batch: Promise<void> = askLater({ op: 'countEach', texts: short.map(text => chunkText(text)) }).then(counts => {
    short.forEach((text, i) => shortCounts.get(text, () => (counts as number[])[i]!))
  }, () => {}).finally(() => batchesUnderway.delete(batch))
  batchesUnderway.add(batch)
}

/** What counts ahead are underway (long texts and `countSoon` batches), or undefined when none is. */
export function countsUnderwayNow (): Promise<void> | undefined {
  if (countsUnderway.size === 0 && batchesUnderway.size === 0) return undefined
  return Promise.all([...countsUnderway.values(), ...batchesUnderway]).then(() => {}, () => {})
}

/** Per-message framing tokens, as the chat format counts them. */
const TOKENS_PER_MESSAGE = 3
const TOKENS_PER_REPLY_PRIMER = 3

/** A thread message's prompt tokens, framing included. */
export function messageTokens (message: Pick<MessageRecord, 'content'>, count: (text: string) => number): number {
  return TOKENS_PER_MESSAGE + count(messageText(message))
}

/** Prompt tokens of one model call: the instructions plus each message, with the chat format's framing. */
export function countPromptTokens (count: (text: string) => number, instructions: string, messages: readonly string[]): number {
  let tokens = TOKENS_PER_REPLY_PRIMER
  if (instructions !== '') tokens += TOKENS_PER_MESSAGE + count(instructions)
  for (const message of messages) tokens += TOKENS_PER_MESSAGE + count(message)
  return tokens
}

/** Completion tokens of a rendered reply: the budget it was cut at, or its text's tokens. */
export function replyTokens (reply: Pick<Reply, 'text' | 'completionTokens'>): number {
  return reply.completionTokens ?? tokenizer().count(reply.text)
}

/** Completion tokens of a tool call step (or a response's function calls): each call's name and arguments. */
export function callTokens (step: { readonly calls: ReadonlyArray<{ readonly name: string, readonly arguments: string }> }): number {
  const { count } = tokenizer()
  return step.calls.reduce((n, call) => n + count(call.name) + count(call.arguments), 0)
}

/** A hosted tool call as far as its tokens go: a run's step, or a response's `file_search_call` (`kind` 'file_search'). */
type HostedCall =
  | Pick<Extract<HostedToolStep, { kind: 'file_search' }>, 'kind' | 'search'>
  | Pick<Extract<HostedToolStep, { kind: 'code_interpreter' }>, 'kind' | 'input' | 'outputs'>

/** Completion tokens of a hosted tool call: what the model wrote to make it (the search queries, the code). */
export function hostedCallTokens (step: HostedCall): number {
  const { count } = tokenizer()
  return step.kind === 'file_search' ? step.search.queries.reduce((n, query) => n + count(query), 0) : count(step.input)
}

/** Tokens of what a hosted tool call returned to the model: the retrieved text, or the logs printed. */
function hostedOutputTokens (step: HostedCall): number {
  const { count } = tokenizer()
  return step.kind === 'file_search'
    ? step.search.results.reduce((n, result) => n + count(result.text), 0)
    : step.outputs.reduce((n, output) => n + (output.type === 'logs' ? count(output.logs) : 0), 0)
}

/**
 * What the hosted tool calls that pass `k` made before script step `index` add to the prompt of that step's
 * model call: each call and its output (so a reply after a search counts the retrieved text as prompt tokens).
 */
export function hostedContextTokens (run: Pick<RunRecord, 'segments' | 'script'>, k: number, index: number): number {
  let tokens = 0
  for (let i = run.segments[k]!.fromStep; i < index; i++) {
    const step = run.script[i]!
    if (isHostedToolStep(step)) tokens += hostedCallContextTokens(step)
  }
  return tokens
}

/** What one hosted tool call adds to the prompt of every model call after it: the call and its output, as two messages. */
export function hostedCallContextTokens (step: HostedCall): number {
  return TOKENS_PER_MESSAGE * 2 + hostedCallTokens(step) + hostedOutputTokens(step)
}

/** Completion tokens a segment's pass wrote: its replies, the hosted tool calls on the way and the tool calls it ended on. */
export function completionTokensOf (segment: RunSegment, script: readonly ScriptStep[]): number {
  let total = segment.replies.reduce((n, r) => n + replyTokens(r), 0)
  for (let index = segment.fromStep; index < script.length; index++) {
    const step = script[index]!
    if (step.kind === 'tool_calls') {
      total += callTokens(step)
      break
    }
    if (isHostedToolStep(step)) total += hostedCallTokens(step)
    else if (step.kind !== 'message') break
  }
  return total
}

/**
 * Prompt tokens of pass `k` of the run: the first pass's kept texts; each later pass sees the previous
 * prompt, what the model wrote in that pass, and the outputs that started it.
 */
export function promptTokensOf (run: Pick<RunRecord, 'segments' | 'script'>, k: number): number {
  const { count } = tokenizer()
  let tokens = 0
  for (let i = 0; i <= k; i++) {
    const segment = run.segments[i]!
    if (i === 0) {
      const prompt = segment.prompt ?? { instructions: '', messages: [] }
      tokens = countPromptTokens(count, prompt.instructions, prompt.messages)
    } else {
      tokens += completionTokensOf(run.segments[i - 1]!, run.script) + countPromptTokens(count, '', segment.outputs.map(o => o.output))
    }
  }
  return tokens
}
