/**
 * Thread messages: posting, listing, lookup, metadata changes and deletion (wire form: presenters/message.ts).
 *
 * Every operation settles the thread first (through the runs service), so a run that finished since the
 * last request has written its reply before anyone reads, and a message cannot slip onto a thread whose
 * run is still going. Everything here is synchronous: the lock check and the insert cannot interleave with
 * another request.
 */
import { assertReferencesExist } from '../checks/references.js'
import { Errors } from '../errors.js'
import type { MessageInput, ModifyMessageBody } from '../schemas/message.js'
import type { MessageRecord } from '../store/records.js'
import { found, type ServiceContext } from './context.js'
import type { RunService } from './runs.js'
import { userMessageRecord } from './threads.js'

export function createMessageService ({ store, clock, ids }: ServiceContext, { runs }: { runs: RunService }) {
  function get (threadId: string, messageId: string): MessageRecord {
    runs.settleThread(threadId)
    return found(store.messages.get(threadId, messageId), 'message', messageId)
  }

  return {
    /** Posts a message; refused while a run on the thread has not finished. */
    create (threadId: string, input: MessageInput): MessageRecord {
      const thread = runs.settleThread(threadId)
      assertReferencesExist(store, input)
      if (thread.activeRunId !== null) throw Errors.messageWhileRunActive(threadId, thread.activeRunId)
      // The stored thread's own id string: the parameter is a slice that would keep the request's URL alive.
      const record = userMessageRecord(input, ids.next('msg'), thread.id, clock.now())
      store.messages.put(thread.id, record)
      return record
    },

    /** The thread's messages oldest first, only those a run wrote when `runId` is given. */
    list (threadId: string, runId?: string): readonly MessageRecord[] {
      runs.settleThread(threadId)
      const messages = store.messages.list(threadId)
      return runId === undefined ? messages : messages.filter(message => message.runId === runId)
    },

    get,

    /** Replaces the metadata (never merged); `null` resets it to `{}`. */
    modify (threadId: string, messageId: string, body: ModifyMessageBody): MessageRecord {
      const record = get(threadId, messageId)
      const modified = body.metadata === undefined ? record : { ...record, metadata: body.metadata ?? {} }
      store.messages.put(threadId, modified)
      return modified
    },

    delete (threadId: string, messageId: string): { id: string, object: 'thread.message.deleted', deleted: true } {
      get(threadId, messageId)
      store.messages.delete(threadId, messageId)
      return { id: messageId, object: 'thread.message.deleted', deleted: true }
    }
  }
}
export type MessageService = ReturnType<typeof createMessageService>
