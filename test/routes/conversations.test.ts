/**
 * The Conversations API in process: create with items and metadata, retrieve, update, delete (items stay, no
 * longer served), items added, listed (newest first), read and deleted; a response on a conversation adds its
 * input and output items once it has ended, in creation order; the function-call loop inside a conversation;
 * state export and import of responses and conversations. Every answer is checked against the document.
 */
import t from 'tap'
import type { Fixtures } from '../../src/fixtures.js'
import { build, openAIError } from '../helper.js'
import { on } from '../support/responses.js'

const FIXTURES: Fixtures = {
  assistants: [],
  threads: [],
  scenarios: [
    { name: 'call', match: { message_contains: 'weather' }, steps: [{ tool_calls: [{ name: 'get_weather', arguments: { city: 'Lisbon' } }] }, { reply: 'It is {{tool_outputs.0}}.' }] }
  ]
}

const WEATHER = { type: 'function', name: 'get_weather', parameters: { type: 'object', properties: { city: { type: 'string' } } } }

t.test('create, retrieve, update, delete; the limits', async t => {
  const built = await build(t)
  const call = on(built)
  const created = await call('POST', '/conversations', { items: [{ role: 'user', content: 'Hello' }], metadata: { topic: 'demo' } })
  t.equal(created.statusCode, 200)
  const conversation = created.json()
  t.match(conversation, { id: /^conv_/, object: 'conversation', metadata: { topic: 'demo' } })
  t.same((await call('GET', `/conversations/${conversation.id}`)).json(), conversation)
  t.same((await call('POST', `/conversations/${conversation.id}`, { metadata: { topic: 'changed' } })).json(), { ...conversation, metadata: { topic: 'changed' } })
  t.match((await call('POST', `/conversations/${conversation.id}`, {})).json(), { error: { code: 'missing_required_parameter', param: 'metadata' } })
  t.match((await call('POST', '/conversations', {})).json(), { object: 'conversation', metadata: {} }, 'everything is optional')
  const tooMany = await call('POST', '/conversations', { items: Array.from({ length: 21 }, () => ({ role: 'user', content: 'x' })) })
  t.same(tooMany.json(), openAIError("Invalid 'items': array too long. Expected an array with maximum length 20, but got an array with length 21 instead.", 'items', 'array_above_max_length'))
  t.same((await call('DELETE', `/conversations/${conversation.id}`)).json(), { id: conversation.id, object: 'conversation.deleted', deleted: true })
  const gone = await call('GET', `/conversations/${conversation.id}`)
  t.equal(gone.statusCode, 404)
  t.same(gone.json(), openAIError(`Conversation with id '${conversation.id}' not found.`))
  t.equal((await call('GET', `/conversations/${conversation.id}/items`)).statusCode, 404, 'its items are no longer served')
  t.equal(built.app.runtime.tenants.shared.store.conversationItems.list(conversation.id).length, 1, 'but they stay')
  t.same((await call('GET', '/conversations/thread_1')).json(), openAIError("Invalid 'conversation_id': 'thread_1'. Expected an ID that begins with 'conv_'.", 'conversation_id', 'invalid_value'))
})

t.test('items: added, listed newest first, read, deleted (answering the conversation)', async t => {
  const built = await build(t)
  const call = on(built)
  const { id } = (await call('POST', '/conversations', { items: [{ role: 'user', content: 'one' }] })).json()
  const added = (await call('POST', `/conversations/${id}/items`, { items: [{ role: 'assistant', content: 'two' }, { type: 'message', role: 'user', content: [{ type: 'input_text', text: 'three' }] }] })).json()
  t.match(added, { object: 'list', data: [{ type: 'message', role: 'assistant', status: 'completed', content: [{ type: 'output_text', text: 'two', annotations: [] }] }, { role: 'user' }], has_more: false })
  t.equal(added.first_id, added.data[0].id)
  const texts = (list: any) => list.data.map((item: any) => item.content[0].text)
  t.same(texts((await call('GET', `/conversations/${id}/items`)).json()), ['three', 'two', 'one'])
  const page = (await call('GET', `/conversations/${id}/items?order=asc&limit=2`)).json()
  t.same(texts(page), ['one', 'two'])
  t.equal(page.has_more, true)
  t.same(texts((await call('GET', `/conversations/${id}/items?order=asc&after=${page.last_id}`)).json()), ['three'])
  const item = added.data[0]
  t.same((await call('GET', `/conversations/${id}/items/${item.id}`)).json(), item)
  t.match((await call('DELETE', `/conversations/${id}/items/${item.id}`)).json(), { id, object: 'conversation' })
  const missing = await call('GET', `/conversations/${id}/items/${item.id}`)
  t.equal(missing.statusCode, 404)
  t.same(missing.json(), openAIError(`Item with id '${item.id}' not found.`))
  t.equal((await call('DELETE', `/conversations/${id}/items/${item.id}`)).statusCode, 404)
  const duplicate = await call('POST', `/conversations/${id}/items`, { items: [{ id: added.data[1].id, role: 'user', content: 'again' }] })
  t.same(duplicate.json(), openAIError(`Duplicate item found with id ${added.data[1].id}. Remove duplicate items from your input and try again.`, 'input'))
  const referenced = (await call('POST', `/conversations/${id}/items`, { items: [{ type: 'item_reference', id: added.data[1].id }] }))
  t.equal(referenced.statusCode, 400, 'a reference to an item already there is a duplicate')
})

t.test('a response on a conversation: its items join when it has ended; calls continue inside it', async t => {
  const built = await build(t, { queuedMs: 100, inProgressMs: 100 }, { fixtures: FIXTURES })
  const call = on(built)
  const { id } = (await call('POST', '/conversations', { items: [{ role: 'user', content: 'What is the weather?' }] })).json()
  const first = (await call('POST', '/responses', { model: 'm', conversation: id, input: [], tools: [WEATHER], background: true })).json()
  t.match(first, { status: 'queued', conversation: { id } })
  t.equal((await call('GET', `/conversations/${id}/items`)).json().data.length, 1, 'nothing added while it runs')
  built.clock.advance(500)
  const items = (await call('GET', `/conversations/${id}/items?order=asc`)).json().data
  t.match(items, [{ type: 'message', role: 'user' }, { type: 'function_call', name: 'get_weather', status: 'completed' }])
  const callId = items[1].call_id

  const missing = await call('POST', '/responses', { model: 'm', conversation: { id }, input: 'And?' })
  t.same(missing.json(), openAIError(`No tool output found for function call ${callId}.`, 'input'))
  const answer = (await call('POST', '/responses', { model: 'm', conversation: { id }, input: [{ type: 'function_call_output', call_id: callId, output: 'warm' }] })).json()
  t.match(answer, { status: 'completed', output: [{ type: 'message', content: [{ text: 'It is warm.' }] }] })
  const all = (await call('GET', `/conversations/${id}/items?order=asc`)).json().data
  t.same(all.map((item: any) => item.type), ['message', 'function_call', 'function_call_output', 'message'])

  const third = (await call('POST', '/responses', { model: 'm', conversation: id, input: 'Thanks' })).json()
  t.ok(third.usage.input_tokens > answer.usage.input_tokens, 'the conversation is the context')
  t.equal((await call('GET', `/conversations/${id}/items`)).json().data.length, 6)
  const context = await call('POST', '/responses/input_tokens', { model: 'm', conversation: id, input: 'x' })
  t.ok(context.json().input_tokens > third.usage.input_tokens)
})

t.test('the state document carries responses and conversations; import restores them', async t => {
  const built = await build(t, {}, { fixtures: FIXTURES })
  const call = on(built)
  const empty = (await built.app.inject({ method: 'GET', url: '/_emulator/state' })).json()
  t.notOk('responses' in empty.tenants[0], 'no sections while there is nothing to put in them (documents as before)')
  const { id } = (await call('POST', '/conversations', { items: [{ role: 'user', content: 'Hi' }] })).json()
  const response = (await call('POST', '/responses', { model: 'm', conversation: id, input: 'Hello' })).json()
  await call('POST', '/responses', { model: 'm', input: 'unkept', store: false })
  const document = (await built.app.inject({ method: 'GET', url: '/_emulator/state' })).json()
  const tenant = document.tenants[0]
  t.same(tenant.responses.map((r: any) => r.id), [response.id], 'store: false responses are never written')
  t.same(tenant.conversations.map((c: any) => c.id), [id])
  t.equal(tenant.conversation_items.length, 3)

  await built.app.inject({ method: 'POST', url: '/_emulator/reset' })
  t.equal((await call('GET', `/conversations/${id}`)).statusCode, 404)
  t.equal((await built.app.inject({ method: 'PUT', url: '/_emulator/state', payload: document })).statusCode, 204)
  t.same((await call('GET', `/responses/${response.id}`)).json(), response)
  t.equal((await call('GET', `/conversations/${id}/items`)).json().data.length, 3)

  const orphan = structuredClone(document)
  orphan.tenants[0].conversation_items[0].conversationId = 'conv_missing'
  const refused = await built.app.inject({ method: 'PUT', url: '/_emulator/state', payload: orphan })
  t.equal(refused.statusCode, 400)
  t.match(refused.json(), { error: { param: '$.tenants[0].conversation_items[0].conversationId', code: 'invalid_state' } })
})

t.test('Foundry lists a project\'s responses and conversations', async t => {
  const built = await build(t)
  const foundry = on(built, 'foundry')
  const conversation = (await foundry('POST', '/conversations', {})).json()
  await foundry('POST', '/responses', { model: 'm', conversation: conversation.id, input: 'Hi' })
  await foundry('POST', '/responses', { model: 'm', input: 'Other' })
  t.equal((await foundry('GET', '/responses')).json().data.length, 2)
  t.equal((await foundry('GET', `/responses?conversation_id=${conversation.id}`)).json().data.length, 1)
  t.same((await foundry('GET', '/responses?agent_name=helper')).json().data, [], 'no agents yet')
  t.match((await foundry('GET', '/conversations')).json(), { object: 'list', data: [{ id: conversation.id }] })
  t.same((await foundry('GET', '/conversations?agent_id=helper:1')).json().data, [])
  t.equal((await on(built)('GET', '/conversations')).statusCode, 404, 'Foundry-only')
})
