/**
 * The v1 file sub-resources (2024-02-15-preview up to 2024-05-01-preview): files attached to an assistant,
 * and the files of a message (their wire forms: presenters/file.ts).
 */
import { Errors } from '../errors.js'
import type { AttachedFile } from '../presenters/file.js'
import type { AssistantRecord, MessageRecord } from '../store/records.js'
import type { AssistantService } from './assistants.js'
import type { ServiceContext } from './context.js'
import type { MessageService } from './messages.js'

/** An assistant may have at most this many files (v1 `file_ids` maxItems). */
const MAX_ASSISTANT_FILES = 20

export function createV1FileService ({ store, clock }: ServiceContext,
  { assistants, messages }: { assistants: AssistantService, messages: MessageService }) {
  const assistantFile = (assistant: AssistantRecord, fileId: string): AttachedFile =>
    ({ id: fileId, attachedAt: assistant.fileAttachedAt?.[fileId] ?? assistant.createdAt, parentId: assistant.id })
  const messageFile = (message: MessageRecord, fileId: string): AttachedFile =>
    ({ id: fileId, attachedAt: message.createdAt, parentId: message.id })

  return {
    /** Adds the file to the assistant's `file_ids` (once; attaching it again returns the same object). */
    attach (assistantId: string, fileId: string): AttachedFile {
      const assistant = assistants.get(assistantId)
      if (store.files.get(fileId) === undefined) throw Errors.filesNotFound([fileId], 'file_id')
      if (assistant.fileIds.includes(fileId)) return assistantFile(assistant, fileId)
      if (assistant.fileIds.length >= MAX_ASSISTANT_FILES) throw Errors.tooManyAssistantFiles(MAX_ASSISTANT_FILES)
      const attached: AssistantRecord = {
        ...assistant,
        fileIds: [...assistant.fileIds, fileId],
        fileAttachedAt: { ...assistant.fileAttachedAt, [fileId]: clock.now() }
      }
      store.assistants.put(attached)
      return assistantFile(attached, fileId)
    },

    /** The assistant's files in the order they were attached (the order lists page over). */
    listAssistantFiles (assistantId: string): AttachedFile[] {
      const assistant = assistants.get(assistantId)
      return assistant.fileIds.map(fileId => assistantFile(assistant, fileId))
    },

    getAssistantFile (assistantId: string, fileId: string): AttachedFile {
      const assistant = assistants.get(assistantId)
      if (!assistant.fileIds.includes(fileId)) throw Errors.notFound('file', fileId)
      return assistantFile(assistant, fileId)
    },

    /** Removes the file from the assistant's `file_ids`; the uploaded file stays. */
    detach (assistantId: string, fileId: string): { id: string, object: 'assistant.file.deleted', deleted: true } {
      const assistant = assistants.get(assistantId)
      if (!assistant.fileIds.includes(fileId)) throw Errors.notFound('file', fileId)
      const { [fileId]: _removed, ...attachedAt } = assistant.fileAttachedAt ?? {}
      store.assistants.put({ ...assistant, fileIds: assistant.fileIds.filter(id => id !== fileId), fileAttachedAt: attachedAt })
      return { id: fileId, object: 'assistant.file.deleted', deleted: true }
    },

    listMessageFiles (threadId: string, messageId: string): AttachedFile[] {
      const message = messages.get(threadId, messageId)
      return message.fileIds.map(fileId => messageFile(message, fileId))
    },

    getMessageFile (threadId: string, messageId: string, fileId: string): AttachedFile {
      const message = messages.get(threadId, messageId)
      if (!message.fileIds.includes(fileId)) throw Errors.notFound('file', fileId)
      return messageFile(message, fileId)
    }
  }
}
