/**
 * Linear-time token counting on top of a BPE encoder.
 *
 * Byte-pair encoding merges within one pre-tokenized piece, and its cost grows with the square of that
 * piece's length: one unbroken word of 160,000 characters took 22 s to encode with gpt-tokenizer. So text is
 * cut into chunks of at most MAX_CHUNK_CHARS before it is encoded. Prose is cut where the encoder's own
 * pre-tokenizer would cut (before the single space that leads a word), so its count is exactly the encoder's;
 * only a run of more than MAX_CHUNK_CHARS characters without such a point is cut mid-run, which can add at
 * most one token per cut: counts stay realistic, and time is linear with a small constant.
 */

/** Longest chunk handed to the encoder at once, in UTF-16 code units. */
export const MAX_CHUNK_CHARS = 512

const isSpace = (code: number) => code === 32 || code === 9 || code === 10 || code === 13 || code === 12 || code === 11

/** Whether `text[i]` begins a low surrogate (cutting before it would split a character). */
const isLowSurrogate = (code: number) => code >= 0xDC00 && code <= 0xDFFF

/**
 * The chunks of `text`, in order; they concatenate back to `text`. Each is at most MAX_CHUNK_CHARS long
 * (one more when that avoids splitting a surrogate pair).
 */
export function chunkText (text: string, max = MAX_CHUNK_CHARS): string[] {
  if (text.length <= max) return [text]
  const chunks: string[] = []
  let start = 0
  while (text.length - start > max) {
    const limit = start + max
    // The last point in the window where a plain space sits between two non-spaces: the pre-tokenizer
    // always starts a new piece there (" word", " 42", " !"), so cutting there changes nothing.
    let cut = -1
    for (let i = limit; i > start; i--) {
      if (text.charCodeAt(i) === 32 && !isSpace(text.charCodeAt(i - 1)) && i + 1 < text.length && !isSpace(text.charCodeAt(i + 1))) {
        cut = i
        break
      }
    }
    if (cut <= start) {
      cut = limit
      if (isLowSurrogate(text.charCodeAt(cut))) cut++
    }
    chunks.push(text.slice(start, cut))
    start = cut
  }
  chunks.push(text.slice(start))
  return chunks
}
