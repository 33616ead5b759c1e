// SDK smoke flow against a running emulator: node scripts/container/sdk-flow.mjs http://127.0.0.1:PORT
// assistant -> thread -> createAndPoll run (must complete) -> the newest message is the run's reply.
import { AzureOpenAI } from 'openai'

const endpoint = process.argv[2]
if (!endpoint) {
  console.error('usage: node scripts/container/sdk-flow.mjs http://127.0.0.1:PORT')
  process.exit(2)
}

const client = new AzureOpenAI({
  endpoint,
  apiKey: 'k',
  apiVersion: '2024-02-15-preview',
  maxRetries: 0,
  timeout: 10_000
})

const assistant = await client.beta.assistants.create({
  model: 'gpt-4o',
  name: 'container smoke test',
  instructions: 'Answer briefly.'
})
console.log(`    assistant ${assistant.id}`)

const thread = await client.beta.threads.create({
  messages: [{ role: 'user', content: 'Hello from the container test' }]
})
console.log(`    thread ${thread.id}`)

const run = await client.beta.threads.runs.createAndPoll(
  thread.id,
  { assistant_id: assistant.id },
  { pollIntervalMs: 100, timeout: 30_000 }
)
console.log(`    run ${run.id}: ${run.status}`)
if (run.status !== 'completed') {
  console.error(`expected run status completed, got ${run.status}`)
  process.exit(1)
}
// Usage is counted with the tokenizer, which the image must still hold (the Dockerfile prunes gpt-tokenizer).
console.log(`    usage ${JSON.stringify(run.usage)}`)
if (!(run.usage?.prompt_tokens > 0 && run.usage.completion_tokens > 0)) {
  console.error('expected the completed run to count its tokens')
  process.exit(1)
}

const page = await client.beta.threads.messages.list(thread.id, { order: 'desc', limit: 1 })
const reply = page.data[0]
const text = reply?.content.map((part) => (part.type === 'text' ? part.text.value : `[${part.type}]`)).join(' ')
console.log(`    reply (${reply?.role ?? 'none'}): ${text ?? '(no messages)'}`)
if (reply?.role !== 'assistant' || reply.run_id !== run.id || !text) {
  console.error('expected the run\'s assistant reply as the newest message')
  process.exit(1)
}
