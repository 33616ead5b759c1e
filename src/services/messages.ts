/**
 * Thread messages: posting, listing, lookup, metadata changes and deletion.
 *
 * Every operation settles the thread first (through the runs service), so a run that finished since the
 * last request has written its reply before anyone reads, and a message cannot slip onto a thread whose
 * run is still going. Everything here is synchronous: the lock check and the insert cannot interleave with
 * another request.
 */
import { Errors } from '../errors.js'
import type { MessageInput, ModifyMessageBody } from '../schemas/message.js'
import type { MessageRecord, ThreadRecord } from '../store/records.js'
import type { ServiceContext } from './context.js'
import { assertReferencesExist } from './files.js'
import { userMessageRecord } from './threads.js'

export interface MessageServiceDeps {
  /** Writes what the thread's finished run left behind and returns the thread; throws for an unknown thread. */
  settleThread (threadId: string): ThreadRecord
}

export function createMessageService ({ store, clock }: Pick<ServiceContext, 'store' | 'clock'>, { settleThread }: MessageServiceDeps) {
  function get (threadId: string, messageId: string): MessageRecord {
    settleThread(threadId)
    const record = store.messages.get(threadId, messageId)
    if (!record) throw Errors.notFound('message', messageId)
    return record
  }

  return {
    /** Posts a message; refused while a run on the thread has not finished. */
    create (threadId: string, input: MessageInput): MessageRecord {
      const thread = settleThread(threadId)
      assertReferencesExist(store, input)
      if (thread.activeRunId !== null) throw Errors.messageWhileRunActive(threadId, thread.activeRunId)
      // The stored thread's own id string: the parameter is a slice that would keep the request's URL alive.
      const record = userMessageRecord(input, thread.id, clock.now())
      store.messages.put(thread.id, record)
      return record
    },

    /** The thread's messages oldest first, only those a run wrote when `runId` is given. */
    list (threadId: string, runId?: string): readonly MessageRecord[] {
      settleThread(threadId)
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
