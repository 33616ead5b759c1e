/**
 * A tenant's services, built once per tenant (control/tenants.ts) in dependency order, each given the
 * services it calls: no service builds another, and nothing reaches a store but through its tenant's services.
 */
import { createAssistantService } from './assistants.js'
import type { ServiceContext } from './context.js'
import { createConversationService } from './conversations.js'
import { createFileService } from './files.js'
import { createItemService } from './items.js'
import { createMessageService } from './messages.js'
import { createResponseService } from './responses.js'
import { createRunService } from './runs.js'
import { createThreadService } from './threads.js'
import { createV1FileService } from './v1-files.js'
import { createVectorStoreService } from './vector-stores.js'

export function createServices (context: ServiceContext) {
  const files = createFileService(context)
  const vectorStores = createVectorStoreService(context)
  const assistants = createAssistantService(context, { vectorStores })
  const threads = createThreadService(context, { vectorStores })
  const runs = createRunService(context, { threads, assistants, vectorStores })
  const messages = createMessageService(context, { runs })
  const v1Files = createV1FileService(context, { assistants, messages })
  const items = createItemService(context)
  const conversations = createConversationService(context, { items })
  const responses = createResponseService(context, { conversations, items, vectorStores })
  return { files, vectorStores, assistants, threads, runs, messages, v1Files, conversations, responses }
}
export type Services = ReturnType<typeof createServices>
