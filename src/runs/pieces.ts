/**
 * How the steps that write something are cut into the pieces a stream sends, one `…delta` event each: a
 * reply's images then its text in word-sized chunks, each citation marker or file link whole (it comes with its
 * annotation, so a client never sees half a marker), and a hosted tool call's header, code input chunks and
 * outputs. A read at any moment shows exactly the pieces that have happened (runs/lifecycle.ts).
 */
import { boundedMemo } from '../memo.js'
import { utf16Index } from '../tools/citations.js'
import type { HostedToolStep, Reply } from '../store/records.js'

/** A reply's text in the chunks it is streamed in: about a word each, never more than 16 code points. */
const TEXT_PIECE = /\s*\S{1,16}|\s+/gu

/** `text` cut into its stream chunks; their concatenation is `text` (an empty text is one empty chunk). */
export function textPieces (text: string): readonly string[] {
  return text === '' ? [''] : text.match(TEXT_PIECE)!
}

/** One chunk of a reply as streamed: text, or an image the reply shows before its text (an `image_file` part). */
export type ReplyPiece = string | { readonly imageFileId: string }

/** A reply's pieces, and which of them is exactly an annotation's text (piece index → annotation index). */
export interface ReplyChunks {
  readonly pieces: readonly ReplyPiece[]
  readonly annotationAt: ReadonlyMap<number, number>
}

const NONE: ReadonlyMap<number, number> = new Map()

/** Replies' chunks, by the reply record (immutable). */
const replyChunksMemo = boundedMemo<Reply, ReplyChunks>(1024)

function chunk (reply: Reply): ReplyChunks {
  const annotations = reply.annotations ?? []
  const pieces: ReplyPiece[] = (reply.imageFileIds ?? []).map(imageFileId => ({ imageFileId }))
  if (annotations.length === 0) return { pieces: pieces.concat(textPieces(reply.text)), annotationAt: NONE }
  const annotationAt = new Map<number, number>()
  const { text } = reply
  let at = 0
  annotations.forEach((annotation, index) => {
    const start = utf16Index(text, annotation.startIndex)
    const end = start + annotation.text.length
    if (start > at) pieces.push(...textPieces(text.slice(at, start)))
    annotationAt.set(pieces.length, index)
    pieces.push(text.slice(start, end))
    at = end
  })
  if (at < text.length) pieces.push(...textPieces(text.slice(at)))
  return { pieces, annotationAt }
}

/** The chunks of a step with no rendered reply (a pass cut before it): one empty text chunk. */
const NO_REPLY: ReplyChunks = { pieces: Object.freeze(['']), annotationAt: NONE }

/** The reply's chunks (cached per reply record); their text pieces add up to the reply's text. Undefined: no reply. */
export function replyChunks (reply: Reply | undefined): ReplyChunks {
  return reply === undefined ? NO_REPLY : replyChunksMemo.get(reply, chunk)
}

/** The text of the first `count` pieces. */
export function textShown (pieces: readonly ReplyPiece[], count: number): string {
  let text = ''
  for (let i = 0; i < count && i < pieces.length; i++) {
    const piece = pieces[i]!
    if (typeof piece === 'string') text += piece
  }
  return text
}

/**
 * One part of a hosted tool call as streamed: its header (for a file search, the whole call), a chunk of
 * code_interpreter input, or the call's outputs.
 */
export type HostedToolPiece =
  | { readonly part: 'header' }
  | { readonly part: 'input', readonly input: string }
  | { readonly part: 'outputs' }

const HEADER_ONLY: readonly HostedToolPiece[] = Object.freeze([{ part: 'header' }])
const hostedPiecesMemo = boundedMemo<HostedToolStep, readonly HostedToolPiece[]>(1024)

/** The pieces of a hosted tool step (cached per step record). */
export function hostedToolPieces (step: HostedToolStep): readonly HostedToolPiece[] {
  if (step.kind === 'file_search') return HEADER_ONLY
  return hostedPiecesMemo.get(step, () => [
    { part: 'header' },
    ...(step.input === '' ? [] : textPieces(step.input).map(input => ({ part: 'input' as const, input }))),
    ...(step.outputs.length === 0 ? [] : [{ part: 'outputs' as const }])
  ])
}

/** A code_interpreter step as its first `count` pieces show it: the input written so far, and whether the outputs are out. */
export function codeShown (step: Extract<HostedToolStep, { kind: 'code_interpreter' }>, count: number): { input: string, outputs: boolean } {
  let input = ''
  let outputs = false
  for (const piece of hostedToolPieces(step).slice(0, count)) {
    if (piece.part === 'input') input += piece.input
    else if (piece.part === 'outputs') outputs = true
  }
  return { input, outputs }
}
