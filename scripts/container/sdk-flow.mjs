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

// The inspector: the page and its files come from the image's dist/inspector/ui, and it shows the run.
for (const [path, type] of [['/_emulator/ui', 'text/html'], ['/_emulator/ui/assets/app.js', 'text/javascript'], ['/_emulator/ui/assets/app.css', 'text/css']]) {
  const response = await fetch(`${endpoint}${path}`)
  if (response.status !== 200 || !response.headers.get('content-type')?.startsWith(type)) {
    console.error(`expected ${path} to answer 200 ${type}, got ${response.status} ${response.headers.get('content-type')}`)
    process.exit(1)
  }
}
const view = await (await fetch(`${endpoint}/_emulator/inspector/threads/${thread.id}/runs/${run.id}`)).json()
console.log(`    inspector: ${view.title}, ${view.status}`)
if (view.status !== 'completed') {
  console.error(`expected the inspector to show the run completed, got ${JSON.stringify(view).slice(0, 300)}`)
  process.exit(1)
}
