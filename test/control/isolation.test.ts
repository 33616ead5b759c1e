/** --isolate-by-key: each api key (or bearer token) sees only its own objects. */
import t from 'tap'
import { AzureOpenAI, NotFoundError } from 'openai'
import { startEmulator } from '../../src/index.js'
import { build, V2 } from '../helper.js'

t.test('two keys never see each other\'s objects; another key\'s object is the ordinary 404', async t => {
  const emulator = await startEmulator({ isolateByKey: true, fixtures: { assistants: [{ id: 'asst_shared', model: 'gpt-4o' }] } })
  t.teardown(() => emulator.close())
  const client = (apiKey: string) => new AzureOpenAI({ endpoint: emulator.endpoint, apiKey, apiVersion: V2, maxRetries: 0 })
  const alice = client('alice-key')
  const bob = client('bob-key')
  const mine = await alice.beta.assistants.create({ model: 'gpt-4o', name: 'alice' })
  const thread = await alice.beta.threads.create({ messages: [{ role: 'user', content: 'hi' }] })
  t.same((await alice.beta.assistants.list()).data.map(a => a.id).sort(), [mine.id, 'asst_shared'].sort())
  t.same((await bob.beta.assistants.list()).data.map(a => a.id), ['asst_shared'], 'each key gets the fixtures, not the other\'s objects')
  const missing = await bob.beta.assistants.retrieve(mine.id).catch(e => e)
  t.type(missing, NotFoundError)
  t.equal(missing.error.message, `No assistant found with id '${mine.id}'.`)
  t.type(await bob.beta.threads.messages.list(thread.id).catch(e => e), NotFoundError)
  t.type(await bob.beta.assistants.delete(mine.id).catch(e => e), NotFoundError)
  t.equal((await alice.beta.assistants.retrieve(mine.id)).name, 'alice', 'still there for its owner')

  const bearer = await fetch(`${emulator.url}/openai/assistants?api-version=${V2}`, { headers: { authorization: 'Bearer alice-key' } })
  t.equal(((await bearer.json()) as { data: unknown[] }).data.length, 2, 'the same credential as a bearer token is the same owner')

  const state = emulator.state()
  t.equal(state.tenants.length, 3, 'the shared default tenant and two keys')
  t.notMatch(JSON.stringify(state), /alice-key|bob-key/, 'owners are digests, never keys')
  t.match(state.tenants.map(tenant => tenant.owner), ['', /^sha256:[0-9a-f]{64}$/, /^sha256:[0-9a-f]{64}$/])
})

t.test('without isolation every key shares one store', async t => {
  const built = await build(t)
  await built.call({ method: 'POST', url: '/openai/assistants', body: { model: 'gpt-4o' }, apiVersion: V2, headers: { 'api-key': 'one' } })
  const other = await built.call({ url: '/openai/assistants', apiVersion: V2, headers: { 'api-key': 'two' } })
  t.equal(other.json().data.length, 1)
})
