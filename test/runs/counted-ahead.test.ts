/**
 * A new run's or response's texts are counted ahead, in the tokenizer's worker, while the event loop goes on
 * (runs/tokens.ts `countSoon`): the read that shows their usage finds them counted instead of waiting on the
 * worker (`askNow`, which blocks the thread). Counted by the waits, not timed.
 */
import t from 'tap'
import { tokenizerStats, whenTokenizerReady } from '../../src/runs/tokenizer-worker.js'
import { build, V2 } from '../helper.js'

t.test('a run\'s usage is read without waiting on the tokenizer', async t => {
  await whenTokenizerReady()
  const built = await build(t)
  const assistant = (await built.call({ method: 'POST', url: '/openai/assistants', apiVersion: V2, body: { model: 'gpt-4o', instructions: `Instructions nobody used before ${Date.now()}.` } })).json()
  for (const [i, words] of ['a fresh question', 'another question, never asked before', 'one more, unlike the others'].entries()) {
    const thread = (await built.call({ method: 'POST', url: '/openai/threads', apiVersion: V2, body: { messages: [{ role: 'user', content: `${words} #${i} at ${Date.now()}` }] } })).json()
    const created = await built.call({ method: 'POST', url: `/openai/threads/${thread.id}/runs`, apiVersion: V2, body: { assistant_id: assistant.id } })
    t.equal(created.statusCode, 200)
    built.clock.advance(60_000)
    const before = tokenizerStats.waits
    const run = (await built.call({ url: `/openai/threads/${thread.id}/runs/${created.json().id}`, apiVersion: V2 })).json()
    t.equal(run.status, 'completed')
    t.ok(run.usage.prompt_tokens > 0 && run.usage.completion_tokens > 0, 'with its usage')
    t.equal(tokenizerStats.waits, before, `run ${i + 1}: its prompt, instructions and reply were counted ahead`)
  }
})

t.test('a response\'s usage is read without waiting on the tokenizer', async t => {
  await whenTokenizerReady()
  const built = await build(t)
  const created = await built.call({
    method: 'POST',
    url: '/openai/v1/responses',
    apiVersion: null,
    body: { model: 'gpt-4o', instructions: `Be brief, ${Date.now()}.`, input: `A question never asked before, ${Date.now()}`, background: true }
  })
  t.equal(created.statusCode, 200)
  built.clock.advance(60_000)
  const before = tokenizerStats.waits
  const response = (await built.call({ url: `/openai/v1/responses/${created.json().id}`, apiVersion: null })).json()
  t.equal(response.status, 'completed')
  t.ok(response.usage.input_tokens > 0 && response.usage.output_tokens > 0, 'with its usage')
  t.equal(tokenizerStats.waits, before, 'its prompt and output were counted ahead')
})
