/**
 * Vector-store search costs are bounded. The query is capped (LIMITS.searchQuery characters per query,
 * LIMITS.searchQueries entries), a store's index is built once and reused until its files change, and at
 * most SEARCH_INDEX_CHARS characters of a store's text are indexed.
 */
import t from 'tap'
import { LIMITS } from '../../src/schemas/limits.js'
import { SEARCH_FILE_CHARS, searchIndexStats } from '../../src/services/vector-store-search.js'
import { build, openAIError } from '../helper.js'
import { api } from './support.js'

t.test('an over-long query, an over-long entry and too many entries are refused with the service envelope', async t => {
  for (const flavour of ['azure', 'openai'] as const) {
    const built = await build(t)
    const client = api(built, flavour)
    const store = (await client.request('POST', '/vector_stores', {})).json()
    const path = `/vector_stores/${store.id as string}/search`
    const long = 'x'.repeat(LIMITS.searchQuery + 1)
    const cases: ReadonlyArray<[unknown, ReturnType<typeof openAIError>]> = [
      [long, openAIError(`Invalid 'query': string too long. Expected a string with maximum length ${LIMITS.searchQuery}, but got a string with length ${LIMITS.searchQuery + 1} instead.`, 'query', 'string_above_max_length')],
      [['ok', long], openAIError(`Invalid 'query[1]': string too long. Expected a string with maximum length ${LIMITS.searchQuery}, but got a string with length ${LIMITS.searchQuery + 1} instead.`, 'query[1]', 'string_above_max_length')],
      [Array.from({ length: LIMITS.searchQueries + 1 }, () => 'q'), openAIError(`Invalid 'query': array too long. Expected an array with maximum length ${LIMITS.searchQueries}, but got an array with length ${LIMITS.searchQueries + 1} instead.`, 'query', 'array_above_max_length')],
      [Array.from({ length: 150_000 }, () => 'q'), openAIError(`Invalid 'query': array too long. Expected an array with maximum length ${LIMITS.searchQueries}, but got an array with length 150000 instead.`, 'query', 'array_above_max_length')]
    ]
    for (const [query, expected] of cases) {
      const res = await client.request('POST', path, { query })
      t.same({ status: res.statusCode, body: res.json() }, { status: 400, body: expected }, `${client.label}: ${JSON.stringify(expected.error.message).slice(0, 60)}`)
    }
    const atLimit = await client.request('POST', path, { query: Array.from({ length: LIMITS.searchQueries }, () => 'y'.repeat(LIMITS.searchQuery)) })
    t.equal(atLimit.statusCode, 200, `${client.label}: at the limits the search is accepted`)
  }
})

t.test('a store of a few MB: its index is built once, reused by later searches, rebuilt when its files change', async t => {
  const built = await build(t)
  const client = api(built, 'openai')
  const filler = 'lorem ipsum dolor sit amet consectetur adipiscing elit sed do eiusmod tempor. '
  const big = 'Paris weather is mild in spring. ' + filler.repeat(Math.ceil(3_000_000 / filler.length)) + ' Oslo fjords at the very end.'
  const bigId = await client.upload(big, 'big.txt')
  const store = (await client.request('POST', '/vector_stores', { file_ids: [bigId] })).json()
  await built.clock.advance(60_000)
  const path = `/vector_stores/${store.id as string}/search`

  const before = searchIndexStats.builds
  const first = await client.request('POST', path, { query: 'paris weather' })
  t.equal(first.statusCode, 200, first.body)
  t.equal(searchIndexStats.builds, before + 1, 'the first search builds the index')
  t.match(first.json().data[0], { file_id: bigId, filename: 'big.txt', score: 1, content: [{ type: 'text', text: /^Paris weather is mild/ }] })

  const second = await client.request('POST', path, { query: ['paris weather', 'spring'] })
  t.equal(second.statusCode, 200, second.body)
  t.equal(searchIndexStats.builds, before + 1, 'the second search reuses the index')
  t.match(second.json().data[0], { file_id: bigId, score: 1, content: [{ type: 'text', text: /^Paris weather is mild/ }] })

  const tail = (await client.request('POST', path, { query: 'fjords' })).json()
  t.ok(big.length > SEARCH_FILE_CHARS, 'the file is larger than the indexed budget')
  t.same(tail.data, [], `text beyond the first ${SEARCH_FILE_CHARS} characters of a file is not searched`)

  const small = await client.upload('Fjords of Norway are deep glacial valleys.', 'fjords.txt')
  t.equal((await client.request('POST', `/vector_stores/${store.id as string}/files`, { file_id: small })).statusCode, 200)
  const pending = (await client.request('POST', path, { query: 'fjords' })).json()
  t.same(pending.data, [], 'a file in progress is not searched yet')
  t.equal(searchIndexStats.builds, before + 1, 'a file in progress does not change the index')
  await built.clock.advance(60_000)
  const after = (await client.request('POST', path, { query: 'fjords' })).json()
  t.equal(searchIndexStats.builds, before + 2, 'a newly completed file rebuilds the index')
  t.same(after.data.map((d: { file_id: string }) => d.file_id), [small], 'the new file is searchable')
})
