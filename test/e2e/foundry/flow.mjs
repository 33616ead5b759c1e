// A Foundry project's OpenAI v1 API with the official `openai` package, as @azure/ai-projects' getOpenAIClient()
// makes it: an OpenAI client on `${endpoint}/openai/v1` whose apiKey is a token provider (Bearer), no api-version.
// Run in a child process: NODE_EXTRA_CA_CERTS (the emulator's generated certificate) is read when a process starts.
// Env: FOUNDRY_ENDPOINT (https://localhost:<port>/api/projects/<project>), FOUNDRY_TOKEN.
// Prints one line of JSON facts; a failure prints `not ok <error>` and exits 1.
import { OpenAI } from 'openai'

const client = new OpenAI({ baseURL: `${process.env.FOUNDRY_ENDPOINT}/openai/v1`, apiKey: async () => process.env.FOUNDRY_TOKEN, maxRetries: 0 })

try {
  const created = await client.responses.create({ model: 'my-deployment', input: 'Hello from a Foundry project' })
  const streamed = await client.responses.stream({ model: 'my-deployment', input: 'Stream in a project' }).finalResponse()
  const conversation = await client.conversations.create({ items: [{ type: 'message', role: 'user', content: 'A conversation in a project' }] })
  const inConversation = await client.responses.create({ model: 'my-deployment', conversation: conversation.id, input: 'And now?' })
  const items = []
  for await (const item of client.conversations.items.list(conversation.id, { order: 'asc' })) items.push(item.type)
  let background = await client.responses.create({ model: 'my-deployment', input: 'Later', background: true })
  while (background.status === 'queued' || background.status === 'in_progress') {
    await new Promise(resolve => setTimeout(resolve, 20))
    background = await client.responses.retrieve(background.id)
  }
  console.log(JSON.stringify({
    created: { status: created.status, text: created.output_text, agent_reference: created.agent_reference },
    streamed: { status: streamed.status, text: streamed.output_text },
    conversation: { id: conversation.id, response: inConversation.conversation?.id, items },
    background: background.status
  }))
} catch (err) {
  console.log(`not ok ${err?.message ?? err}`)
  process.exitCode = 1
}
