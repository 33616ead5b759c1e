import t from 'tap'
import { build, seedAssistantAndThread } from './helper.js'

t.test('a run is queued, then in progress, then completed', async t => {
  const built = await build(t)
  const { assistantId, threadId } = await seedAssistantAndThread(built)
  const res = await built.call({ method: 'POST', url: `/openai/threads/${threadId}/runs`, body: { assistant_id: assistantId } })
  t.equal(res.statusCode, 200)
  const run = res.json()
  t.equal(run.status, 'queued')
  built.clock.advance(500)
  t.equal((await built.call({ url: `/openai/threads/${threadId}/runs/${run.id}` })).json().status, 'in_progress')
  built.clock.advance(1500)
  const done = (await built.call({ url: `/openai/threads/${threadId}/runs/${run.id}` })).json()
  t.equal(done.status, 'completed')
  t.ok(done.usage.total_tokens > 0)
})
