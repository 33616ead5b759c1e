/** tools/citations.ts: each API's form of a cited reply, with exact offsets; quotes picked from results. */
import t from 'tap'
import type { FileSearchResult } from '../../src/store/records.js'
import {
  annotationDelta, annotationsWithin, assistantsCitedText, bestQuote, citeResult, codePointLength, codePointSlice, presentAnnotation,
  responsesCitedText, searchAnswer, utf16Index, type CitedPart
} from '../../src/tools/citations.js'

const result = (fileName: string, text: string, score = 1): FileSearchResult => ({ fileId: `file-${fileName}`, fileName, score, text, attributes: {} })

t.test('code points: counted, sliced and mapped to string indices (astral characters count once)', async t => {
  t.equal(codePointLength('abc'), 3)
  t.equal(codePointLength('a🎉b'), 3)
  t.equal(codePointLength('🎉'), 1)
  t.equal(codePointLength('\uD800x'), 2, 'a lone surrogate counts as one')
  t.equal(codePointSlice('a🎉bc', 1, 3), '🎉b')
  t.equal(utf16Index('a🎉bc', 2), 3)
  t.equal(utf16Index('ab', 5), 2, 'past the end: the length')
})

const parts: CitedPart[] = [
  'It is 42 🎉',
  { kind: 'file_citation', resultIndex: 1, fileId: 'file-a', fileName: 'a.md', quote: 'The answer is 42.' },
  ' and see ',
  { kind: 'file_path', fileId: 'file-img', fileName: 'plot.png' },
  '.'
]

t.test('the Assistants v2 form: markers and sandbox links, annotations at their exact code point offsets', async t => {
  const { text, annotations } = assistantsCitedText(parts, 'v2', 4)
  t.equal(text, 'It is 42 🎉【4:1†a.md】 and see sandbox:/mnt/data/plot.png.')
  t.same(annotations, [
    { type: 'file_citation', text: '【4:1†a.md】', startIndex: 10, endIndex: 20, fileId: 'file-a', fileName: 'a.md', quote: 'The answer is 42.' },
    { type: 'file_path', text: 'sandbox:/mnt/data/plot.png', startIndex: 29, endIndex: 55, fileId: 'file-img' }
  ])
  for (const a of annotations) t.equal(codePointSlice(text, a.startIndex, a.endIndex), a.text)
  t.same(presentAnnotation(annotations[0]!, 'v2'), { type: 'file_citation', text: '【4:1†a.md】', start_index: 10, end_index: 20, file_citation: { file_id: 'file-a' } })
  t.same(presentAnnotation(annotations[1]!, 'v1'), { type: 'file_path', text: 'sandbox:/mnt/data/plot.png', start_index: 29, end_index: 55, file_path: { file_id: 'file-img' } })
  t.same(annotationDelta(annotations[0]!, 3, 'v2'), { index: 3, ...presentAnnotation(annotations[0]!, 'v2') })
})

t.test('the Assistants v1 form: 【N†source】 markers, and citations that quote', async t => {
  const { text, annotations } = assistantsCitedText(parts.slice(0, 2), 'v1', 7)
  t.equal(text, 'It is 42 🎉【7†source】')
  t.same(presentAnnotation(annotations[0]!, 'v1'), {
    type: 'file_citation', text: '【7†source】', start_index: 10, end_index: 20, file_citation: { file_id: 'file-a', quote: 'The answer is 42.' }
  })
})

t.test('the Responses form: no markers, each citation at the index where its marker would stand', async t => {
  t.same(responsesCitedText(parts), {
    text: 'It is 42 🎉 and see sandbox:/mnt/data/plot.png.',
    annotations: [{ type: 'file_citation', file_id: 'file-a', filename: 'a.md', index: 10 }]
  })
})

t.test('annotationsWithin keeps what a cut text still holds whole', async t => {
  const { text, annotations } = assistantsCitedText(parts, 'v2', 0)
  t.same(annotationsWithin(annotations, text.slice(0, 25)).map(a => a.type), ['file_citation'])
  t.same(annotationsWithin(annotations, text.slice(0, 15)), [])
})

t.test('quotes: the sentence holding most of the question\'s words, an exact slice of the text, cut at a word boundary', async t => {
  const text = 'Warranty\n\nEvery tent has a two-year warranty. Shipping is free! Returns are easy?'
  t.equal(bestQuote(text, 'How long is the warranty on a tent?'), 'Every tent has a two-year warranty.')
  t.equal(bestQuote(text, 'returns'), 'Returns are easy?')
  t.equal(bestQuote(text, 'nothing matches'), 'Warranty', 'no word matches: the first sentence')
  t.equal(bestQuote('Content is king.', 'tent'), 'Content is king.', 'a word must begin with the term to count (but a quote is still given)')
  t.equal(bestQuote('...', 'x'), '...', 'no sentence: the text itself')
  const long = `${'word '.repeat(80)}end.`
  const quote = bestQuote(long, 'word')
  t.ok(quote.length <= 240 && long.includes(quote) && !quote.endsWith(' '), 'cut at a word boundary, still a slice')
  const emoji = `${'🎉'.repeat(200)}`
  t.ok(emoji.includes(bestQuote(emoji, 'x')), 'never cut inside a surrogate pair')
  t.equal(citeResult([result('a.md', 'One. Two.')], 1, 'two'), undefined)
  t.same(citeResult([result('a.md', 'One. Two.')], 0, 'two'), { kind: 'file_citation', resultIndex: 0, fileId: 'file-a.md', fileName: 'a.md', quote: 'Two.' })
})

t.test('the default answer cites the results that hold a word of the question, each quote once, at most three', async t => {
  const results = [
    result('a.md', 'The warranty lasts two years.'),
    result('b.md', 'Shipping takes three days.', 0.5),
    result('c.md', 'The warranty lasts two years.', 0.4),
    result('d.md', 'Warranty claims go by email.', 0.3),
    result('e.md', 'Warranty repairs are free.', 0.2),
    result('f.md', 'Warranty again.', 0.1)
  ]
  const answer = searchAnswer('warranty', results)
  t.same(answer.filter(p => typeof p !== 'string').map(p => (p as { resultIndex: number }).resultIndex), [0, 3, 4])
  const { text } = assistantsCitedText(answer, 'v2', 2)
  t.equal(text, 'I found this in your files:\n\n- "The warranty lasts two years."【2:0†a.md】\n- "Warranty claims go by email."【2:3†d.md】\n' +
    '- "Warranty repairs are free."【2:4†e.md】')
  t.same(searchAnswer('kayak', [result('b.md', 'Shipping takes three days.')]).length, 3, 'nothing holds a word: the top result is cited')
  t.same(searchAnswer(' kayak ', []), ['I searched your files but found nothing about "kayak".'])
})

t.test('quotes are picked in work that grows with the text, not with the question times the text', async t => {
  // A question as long as a message may be (256,000 characters, some 40,000 distinct words) against twenty
  // results of 16,000 characters: comparing every word of the question with every word of the results was
  // about 2.4 billion comparisons (3 s with the event loop blocked on a quiet machine, 11 s under load, at every
  // run of a file_search assistant). Counted rather than timed: string comparisons, at most a few per word.
  let seed = 7
  const random = () => (seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648
  const word = (from: number) => Array.from({ length: 3 + Math.floor(random() * 5) }, () => String.fromCharCode(from + Math.floor(random() * 13))).join('')
  const question = Array.from({ length: 45_000 }, () => word(97)).join(' ').slice(0, 256_000) + ' warranty'
  const text = (i: number) => Array.from({ length: 2_000 }, (_, k) => k === 1_000 ? `. Tents carry a warranty ${i}.` : word(110)).join(' ').slice(0, 16_000)
  const results = Array.from({ length: 20 }, (_, i) => result(`f${i}.txt`, text(i)))
  const startsWith = String.prototype.startsWith
  let comparisons = 0
  // eslint-disable-next-line no-extend-native
  String.prototype.startsWith = function (this: string, ...args: Parameters<typeof startsWith>) {
    comparisons++
    return startsWith.apply(this, args)
  }
  let answer: CitedPart[]
  try {
    answer = searchAnswer(question, results)
  } finally {
    // eslint-disable-next-line no-extend-native
    String.prototype.startsWith = startsWith
  }
  t.ok(comparisons < 100_000, `${comparisons} prefix comparisons`)
  t.equal(answer[0], 'I found this in your files:\n')
  t.same(answer.filter(part => typeof part !== 'string').map(part => (part as { quote: string }).quote),
    ['Tents carry a warranty 0.', 'Tents carry a warranty 1.', 'Tents carry a warranty 2.'], 'the sentence with the question\'s word, in each of the first three results')
  t.equal(bestQuote('Every tent has a two-year warranty. Returns are easy.', question), 'Every tent has a two-year warranty.')
})
