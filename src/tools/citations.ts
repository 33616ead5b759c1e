/**
 * Cited replies, built once for every API that cites: a reply is a list of parts (plain text, citations of file
 * search results, links to files code_interpreter generated), and each API's form is rendered from those parts
 * with exact offsets:
 *
 * - Assistants v2 (`file_search`): a marker `【{message_index}:{result_index}†{file_name}】` in the text and an
 *   annotation `{type: 'file_citation', text: <the marker>, start_index, end_index, file_citation: {file_id}}`
 *   (OpenAI `MessageContentTextAnnotationsFileCitationObject`; the marker form as the service writes it, e.g.
 *   `【4:0†source】` in the OpenAI file-search guide);
 * - Assistants v1 (`retrieval`): a marker `【{message_index}†source】` and the same annotation with
 *   `file_citation.quote`, the cited text (OpenAI's 2024-03 document, Azure 2024-02-15-preview
 *   `MessageTextFileCitationDetails`);
 * - Responses: no marker; `{type: 'file_citation', file_id, filename, index}` where `index` is where the
 *   marker would stand (shared/reference/responses-wire.md §4, §7.4).
 *
 * A code_interpreter file is linked as `sandbox:/mnt/data/<file name>` with a `file_path` annotation
 * (`MessageContentTextAnnotationsFilePathObject`).
 *
 * Offsets count Unicode code points, as the service (a Python program) counts a string's characters; they
 * equal JavaScript string indices unless the text holds characters outside the Basic Multilingual Plane
 * (emoji). Use `codePointLength` / `codePointSlice` to read them back. Pure throughout.
 */
import type { Generation } from '../api-versions.js'
import { boundedMemo } from '../memo.js'
import type { FileSearchResult, TextAnnotation } from '../store/records.js'

/** A citation of one file search result. `quote` is an exact slice of the result's text. */
export interface CitationPart {
  readonly kind: 'file_citation'
  /** The result's position in its search's results (the second number of a v2 marker). */
  readonly resultIndex: number
  readonly fileId: string
  readonly fileName: string
  readonly quote: string
}

/** A link to a file code_interpreter generated: written `sandbox:/mnt/data/<fileName>`. */
interface FilePathPart {
  readonly kind: 'file_path'
  readonly fileId: string
  readonly fileName: string
}

/** One part of a cited reply: plain text, a citation, or a file link. */
export type CitedPart = string | CitationPart | FilePathPart

/** Which Assistants marker form a citation takes: `v2` for `file_search`, `v1` for `retrieval`. */
export type MarkerStyle = 'v1' | 'v2'

/** A reply's text and its annotations (generation-neutral records: `presentAnnotation` gives the wire form). */
export interface CitedText {
  readonly text: string
  readonly annotations: readonly TextAnnotation[]
}

/** Where code_interpreter's files live in its sandbox, as links to them are written. */
const SANDBOX_DIR = 'sandbox:/mnt/data/'

/** Longest quote taken from a result, in UTF-16 code units (cut at a word boundary). */
const MAX_QUOTE_CHARS = 240

/** Citations the default answer gives at most. */
const MAX_CITED_RESULTS = 3

/** The number of Unicode code points in `text` (what the annotations' offsets count). */
export function codePointLength (text: string): number {
  let count = text.length
  for (let i = 0; i < text.length - 1; i++) {
    const high = text.charCodeAt(i)
    if (high >= 0xD800 && high <= 0xDBFF) {
      const low = text.charCodeAt(i + 1)
      if (low >= 0xDC00 && low <= 0xDFFF) {
        count--
        i++
      }
    }
  }
  return count
}

/** `text` from code point `start` to code point `end` (what an annotation's offsets cover). */
export function codePointSlice (text: string, start: number, end: number): string {
  return [...text].slice(start, end).join('')
}

/** The UTF-16 index of code point `offset` in `text` (its length when past the end). */
export function utf16Index (text: string, offset: number): number {
  let index = 0
  for (let point = 0; point < offset && index < text.length; point++) {
    const high = text.charCodeAt(index)
    index += high >= 0xD800 && high <= 0xDBFF && index + 1 < text.length ? 2 : 1
  }
  return index
}

/** The text a file link is written as. */
const sandboxLink = (fileName: string): string => `${SANDBOX_DIR}${fileName}`

/** The marker of a citation in the Assistants form `style`. */
function marker (part: CitationPart, style: MarkerStyle, messageIndex: number): string {
  return style === 'v2' ? `【${messageIndex}:${part.resultIndex}†${part.fileName}】` : `【${messageIndex}†source】`
}

/**
 * The Assistants form of a cited reply: the text with a marker for each citation and a sandbox link for each
 * file, and an annotation for each (offsets in code points, `text` exactly the marker or link).
 * `messageIndex` is the first number of a v2 marker (and the only one of a v1 marker): where the search output
 * sits in the conversation the model saw.
 */
export function assistantsCitedText (parts: readonly CitedPart[], style: MarkerStyle, messageIndex: number): CitedText {
  // Most replies cite nothing: no offsets to count.
  if (parts.every(part => typeof part === 'string')) return { text: parts.join(''), annotations: [] }
  let text = ''
  let offset = 0
  const annotations: TextAnnotation[] = []
  for (const part of parts) {
    const written = typeof part === 'string' ? part : part.kind === 'file_citation' ? marker(part, style, messageIndex) : sandboxLink(part.fileName)
    const length = codePointLength(written)
    if (typeof part !== 'string') {
      annotations.push(part.kind === 'file_citation'
        ? { type: 'file_citation', text: written, startIndex: offset, endIndex: offset + length, fileId: part.fileId, fileName: part.fileName, quote: part.quote }
        : { type: 'file_path', text: written, startIndex: offset, endIndex: offset + length, fileId: part.fileId })
    }
    text += written
    offset += length
  }
  return { text, annotations }
}

/** A Responses `file_citation` annotation (OpenAI `FileCitationBody`). */
export interface ResponsesFileCitation {
  readonly type: 'file_citation'
  readonly file_id: string
  readonly filename: string
  /** Where the citation stands in the text, in code points. */
  readonly index: number
}

/**
 * The Responses form of a cited reply (an `output_text` part's `text` and `annotations`): no markers; each
 * citation is an annotation whose `index` is where its marker would be. File links are written out without
 * an annotation (Responses cites code_interpreter files with `container_file_citation`, which needs a container).
 */
export function responsesCitedText (parts: readonly CitedPart[]): { text: string, annotations: ResponsesFileCitation[] } {
  let text = ''
  let offset = 0
  const annotations: ResponsesFileCitation[] = []
  for (const part of parts) {
    if (typeof part !== 'string' && part.kind === 'file_citation') {
      annotations.push({ type: 'file_citation', file_id: part.fileId, filename: part.fileName, index: offset })
      continue
    }
    const written = typeof part === 'string' ? part : sandboxLink(part.fileName)
    text += written
    offset += codePointLength(written)
  }
  return { text, annotations }
}

/** Words too common to pick a quote by. */
const STOP_WORDS = new Set([
  'about', 'and', 'any', 'are', 'can', 'could', 'does', 'for', 'from', 'has', 'have', 'how', 'into', 'our', 'please',
  'tell', 'that', 'the', 'their', 'there', 'this', 'what', 'when', 'where', 'which', 'who', 'why', 'will', 'with',
  'would', 'you', 'your'
])

/**
 * The query's words worth matching (lower case, three letters or more, not stop words, each once) as a trie
 * over UTF-16 code units: a node's `term` numbers the word that ends there (-1 when none does); `next` is made
 * for the nodes that have children only, as most are leaves.
 */
interface TermTrie {
  next: Map<number, TermTrie> | null
  term: number
}

/**
 * `query`'s terms as a TermTrie, remembered for the last query: a reply quotes up to `max_num_results` results
 * against the same query, which may be a whole user message (256,000 characters).
 */
const queryTerms = (() => {
  const memo = boundedMemo<string, TermTrie>(1)
  const make = (query: string) => {
    const trie: TermTrie = { next: null, term: -1 }
    let count = 0
    for (const word of query.toLowerCase().match(/[\p{L}\p{N}]{3,}/gu) ?? []) {
      if (STOP_WORDS.has(word)) continue
      let node = trie
      for (let i = 0; i < word.length; i++) {
        const code = word.charCodeAt(i)
        node.next ??= new Map()
        let child = node.next.get(code)
        if (child === undefined) node.next.set(code, child = { next: null, term: -1 })
        node = child
      }
      if (node.term < 0) node.term = count++
    }
    return trie
  }
  return (query: string) => memo.get(query, make)
})()

/** `text` cut to at most MAX_QUOTE_CHARS at a word boundary (still an exact slice of it). */
function shorten (text: string): string {
  if (text.length <= MAX_QUOTE_CHARS) return text
  const cut = text.lastIndexOf(' ', MAX_QUOTE_CHARS)
  let end = cut > 0 ? cut : MAX_QUOTE_CHARS
  const last = text.charCodeAt(end - 1)
  if (last >= 0xD800 && last <= 0xDBFF) end-- // never between the halves of a surrogate pair
  return text.slice(0, end).trimEnd()
}

/**
 * How many of the terms begin a word of `sentence` ("tent" counts in "tents", not in "content"). Each word walks
 * down the trie once, so the work grows with the sentence, not with the number of terms times its words.
 */
function termsIn (sentence: string, terms: TermTrie): number {
  const found = new Set<number>()
  for (const word of sentence.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? []) {
    let node: TermTrie | undefined = terms
    for (let i = 0; i < word.length && node !== undefined; i++) {
      node = node.next?.get(word.charCodeAt(i))
      if (node !== undefined && node.term >= 0) found.add(node.term)
    }
  }
  return found.size
}

/**
 * The sentence of `text` that best answers `query` and how many of the query's words it holds: the sentence with
 * most of them (the first of equals), trimmed and cut to a few hundred characters, always an exact slice of
 * `text`; `text` itself (cut) when it has no sentence.
 */
function quoteOf (text: string, query: string): { quote: string, matches: number } {
  const terms = queryTerms(query)
  let best = ''
  let matches = -1
  for (const match of text.matchAll(/[^\n.!?]+[.!?]*/gu)) {
    const sentence = match[0].trim()
    if (!/[\p{L}\p{N}]/u.test(sentence)) continue
    const score = termsIn(sentence, terms)
    if (score > matches) {
      best = sentence
      matches = score
    }
  }
  return { quote: shorten(best === '' ? text.trim() : best), matches: Math.max(0, matches) }
}

/** The sentence of `text` that best answers `query` (see `quoteOf`): an exact slice of `text`. */
export function bestQuote (text: string, query: string): string {
  return quoteOf(text, query).quote
}

/** A citation of result `resultIndex` of a search, quoting what best answers `query`; undefined when there is no such result. */
export function citeResult (results: readonly FileSearchResult[], resultIndex: number, query: string): CitationPart | undefined {
  const result = results[resultIndex]
  if (result === undefined) return undefined
  return { kind: 'file_citation', resultIndex, fileId: result.fileId, fileName: result.fileName, quote: bestQuote(result.text, query) }
}

/**
 * The emulator's answer to a search (what an unscripted run replies after searching): the best sentence of each
 * of the top results that holds a word of the query (up to three, each quote once; the top result's best
 * sentence when none does) in a list, each followed by its citation; or, when nothing matched, a sentence saying
 * so and no citation.
 */
export function searchAnswer (query: string, results: readonly FileSearchResult[]): CitedPart[] {
  if (results.length === 0) return [`I searched your files but found nothing about "${query.trim()}".`]
  const candidates = results.map((result, resultIndex) => ({ result, resultIndex, ...quoteOf(result.text, query) }))
  const relevant = candidates.filter(candidate => candidate.matches > 0 && candidate.quote !== '')
  const cited = relevant.length > 0 ? relevant : candidates.slice(0, 1)
  const parts: CitedPart[] = ['I found this in your files:\n']
  const quoted = new Set<string>()
  for (const { result, resultIndex, quote } of cited) {
    if (quoted.size === MAX_CITED_RESULTS) break
    if (quoted.has(quote)) continue
    quoted.add(quote)
    parts.push(`\n- "${quote}"`, { kind: 'file_citation', resultIndex, fileId: result.fileId, fileName: result.fileName, quote })
  }
  return parts
}

/** The annotations that lie wholly within `text` (a reply cut at its token budget keeps only those). */
export function annotationsWithin (annotations: readonly TextAnnotation[], text: string): TextAnnotation[] {
  const length = codePointLength(text)
  return annotations.filter(annotation => annotation.endIndex <= length)
}

/** An Assistants text annotation as read (OpenAI `MessageContentTextAnnotations…Object`, Azure `MessageText…Annotation`). */
export type AnnotationWire =
  | { type: 'file_citation', text: string, start_index: number, end_index: number, file_citation: { file_id: string, quote?: string } }
  | { type: 'file_path', text: string, start_index: number, end_index: number, file_path: { file_id: string } }

/** The wire form of an annotation in `generation`'s shape: v1 citations carry `quote`, v2 ones only `file_id`. */
export function presentAnnotation (annotation: TextAnnotation, generation: Generation): AnnotationWire {
  const { text, startIndex: start, endIndex: end } = annotation
  if (annotation.type === 'file_path') {
    return { type: 'file_path', text, start_index: start, end_index: end, file_path: { file_id: annotation.fileId } }
  }
  const fileCitation = generation === 'v1' ? { file_id: annotation.fileId, quote: annotation.quote } : { file_id: annotation.fileId }
  return { type: 'file_citation', text, start_index: start, end_index: end, file_citation: fileCitation }
}

/** An annotation as a `thread.message.delta` carries it: its wire form with its `index` in the text part's annotations. */
export function annotationDelta (annotation: TextAnnotation, index: number, generation: Generation): AnnotationWire & { index: number } {
  return { index, ...presentAnnotation(annotation, generation) }
}
