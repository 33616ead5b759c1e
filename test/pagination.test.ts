import t from 'tap'
import { DEFAULT_LIST_LIMIT, ListQuerySchema, listQuerySchema, listSchema, mapPage, paginate, type PageOptions } from '../src/pagination.js'
import { Type } from '@sinclair/typebox'
import { ApiError } from '../src/errors.js'
import { validate } from '../src/checks/schema.js'

const items = Array.from({ length: 250 }, (_, i) => ({ id: `item_${String(i).padStart(3, '0')}`, n: i }))
const ids = items.map(item => item.id)

/** Walks a list the way the SDKs do: `after=<last id>` while `has_more`. */
function walkForward (options: PageOptions): string[] {
  const seen: string[] = []
  let after: string | undefined
  for (let guard = 0; guard < 1000; guard++) {
    const page = paginate(items, { ...options, after })
    seen.push(...page.data.map(item => item.id))
    if (!page.has_more) return seen
    after = page.last_id!
  }
  throw new Error('walk did not end')
}

/** Walks backwards from the end with `before=<first id>` while `has_more`. */
function walkBackward (options: PageOptions, start: string): string[] {
  const seen: string[] = []
  let before = start
  for (let guard = 0; guard < 1000; guard++) {
    const page = paginate(items, { ...options, before })
    seen.unshift(...page.data.map(item => item.id))
    if (!page.has_more) return seen
    before = page.first_id!
  }
  throw new Error('walk did not end')
}

t.test('defaults: newest first, 20 items, has_more', async t => {
  const page = paginate(items, {})
  t.equal(page.object, 'list')
  t.equal(page.data.length, DEFAULT_LIST_LIMIT)
  t.same(page.data.map(i => i.id), ids.slice(-20).reverse())
  t.equal(page.first_id, 'item_249')
  t.equal(page.last_id, 'item_230')
  t.equal(page.has_more, true)
})

t.test('an empty list has null cursors and no more', async t => {
  t.same(paginate([], { limit: 5 }), { object: 'list', data: [], first_id: null, last_id: null, has_more: false })
})

t.test('a page that ends exactly at the end of the list has no more', async t => {
  const page = paginate(items, { order: 'asc', after: 'item_239', limit: 10 })
  t.same(page.data.map(i => i.n), [240, 241, 242, 243, 244, 245, 246, 247, 248, 249])
  t.equal(page.has_more, false)
})

for (const order of ['asc', 'desc'] as const) {
  for (const limit of [1, 7, 20, 100]) {
    t.test(`after-walk over 250 items, ${order}, limit ${limit}, sees each exactly once`, async t => {
      const expected = order === 'asc' ? ids : [...ids].reverse()
      t.same(walkForward({ order, limit }), expected)
    })
  }
  t.test(`before-walk over 250 items, ${order}, sees each exactly once`, async t => {
    const expected = order === 'asc' ? ids : [...ids].reverse()
    const last = expected.at(-1)!
    // Everything before the last item, then the last item itself.
    t.same([...walkBackward({ order, limit: 9 }, last), last], expected)
  })
}

t.test('after gives the items following the cursor in the requested order', async t => {
  t.same(paginate(items, { order: 'asc', after: 'item_010', limit: 3 }).data.map(i => i.n), [11, 12, 13])
  t.same(paginate(items, { order: 'desc', after: 'item_010', limit: 3 }).data.map(i => i.n), [9, 8, 7])
  const tail = paginate(items, { order: 'desc', after: 'item_002', limit: 5 })
  t.same(tail.data.map(i => i.n), [1, 0])
  t.equal(tail.has_more, false)
  t.same(paginate(items, { order: 'desc', after: 'item_000' }).data, [])
})

t.test('before gives the items nearest before the cursor, still in the requested order', async t => {
  const asc = paginate(items, { order: 'asc', before: 'item_010', limit: 3 })
  t.same(asc.data.map(i => i.n), [7, 8, 9])
  t.equal(asc.has_more, true)
  const desc = paginate(items, { order: 'desc', before: 'item_010', limit: 3 })
  t.same(desc.data.map(i => i.n), [13, 12, 11])
  t.equal(desc.has_more, true)
  const head = paginate(items, { order: 'asc', before: 'item_002', limit: 5 })
  t.same(head.data.map(i => i.n), [0, 1])
  t.equal(head.has_more, false)
})

t.test('after and before together give the items between them', async t => {
  const page = paginate(items, { order: 'asc', after: 'item_010', before: 'item_020', limit: 5 })
  t.same(page.data.map(i => i.n), [11, 12, 13, 14, 15])
  t.equal(page.has_more, true)
  const all = paginate(items, { order: 'asc', after: 'item_010', before: 'item_020', limit: 100 })
  t.same(all.data.map(i => i.n), [11, 12, 13, 14, 15, 16, 17, 18, 19])
  t.equal(all.has_more, false)
  t.same(paginate(items, { order: 'asc', after: 'item_020', before: 'item_010' }).data, [], 'crossed cursors: nothing between')
})

t.test('an unknown cursor gives an empty page; an empty one counts as absent', async t => {
  t.same(paginate(items, { after: 'item_nope' }), { object: 'list', data: [], first_id: null, last_id: null, has_more: false })
  t.same(paginate(items, { before: 'item_nope' }).data, [])
  t.same(paginate(items, { after: 'item_001', before: 'item_nope' }).data, [])
  t.same(paginate(items, { after: '', before: '', limit: 2 }).data.map(i => i.n), [249, 248])
})

t.test('the input list is not reordered', async t => {
  const copy = [...items]
  paginate(items, { order: 'desc' })
  t.same(items, copy)
})

t.test('mapPage presents items and keeps the cursors', async t => {
  const page = mapPage(paginate(items, { order: 'asc', limit: 2 }), item => ({ id: item.id, doubled: item.n * 2 }))
  t.same(page, {
    object: 'list',
    data: [{ id: 'item_000', doubled: 0 }, { id: 'item_001', doubled: 2 }],
    first_id: 'item_000',
    last_id: 'item_001',
    has_more: true
  })
})

t.test('ListQuerySchema converts query strings and rejects bad values with OpenAI texts', async t => {
  const check = (query: Record<string, unknown>) => validate(ListQuerySchema, query, { generation: 'any', convertStrings: true })
  t.same(check({ limit: '7', order: 'asc', after: 'a', before: 'b', 'api-version': '2024-05-01-preview', foo: 'ignored' }),
    { limit: 7, order: 'asc', after: 'a', before: 'b', 'api-version': '2024-05-01-preview', foo: 'ignored' })
  const fields = (query: Record<string, unknown>) => {
    try {
      check(query)
    } catch (err) {
      if (err instanceof ApiError) return { status: err.statusCode, ...err.fields }
    }
    return undefined
  }
  t.same(fields({ limit: '0' }), {
    status: 400,
    message: "Invalid 'limit': integer below minimum value. Expected a value >= 1, but got 0 instead.",
    type: 'invalid_request_error',
    param: 'limit',
    code: 'integer_below_min_value'
  })
  t.match(fields({ limit: '101' }), {
    message: "Invalid 'limit': integer above maximum value. Expected a value <= 100, but got 101 instead.",
    param: 'limit',
    code: 'integer_above_max_value'
  })
  t.match(fields({ limit: 'abc' }), {
    message: "Invalid type for 'limit': expected an integer, but got a string instead.",
    param: 'limit',
    code: 'invalid_type'
  })
  t.match(fields({ limit: '2.5' }), { message: "Invalid type for 'limit': expected an integer, but got a decimal number instead." })
  t.match(fields({ order: 'up' }), {
    message: "Invalid value: 'up'. Supported values are: 'asc' and 'desc'.",
    param: 'order',
    code: 'invalid_value'
  })
})

t.test('listQuerySchema adds filters; listSchema describes the envelope', async t => {
  const schema = listQuerySchema({ run_id: Type.Optional(Type.String()) })
  t.same(validate(schema, { run_id: 'run_1', limit: '3' }, { generation: 'any', convertStrings: true }), { run_id: 'run_1', limit: 3 })
  const envelope = listSchema(Type.Object({ id: Type.String() }))
  t.same(Object.keys(envelope.properties), ['object', 'data', 'first_id', 'last_id', 'has_more'])
})
