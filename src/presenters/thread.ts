/** A thread's wire form: v2 adds `tool_resources`. */
import type { Generation } from '../api-versions.js'
import { toUnixSeconds } from '../clock.js'
import type { Thread } from '../schemas/thread.js'
import type { ThreadRecord } from '../store/records.js'

export function presentThread (record: ThreadRecord, generation: Generation): Thread {
  return generation === 'v1'
    ? { id: record.id, object: 'thread', created_at: toUnixSeconds(record.createdAt), metadata: record.metadata }
    : { id: record.id, object: 'thread', created_at: toUnixSeconds(record.createdAt), tool_resources: record.toolResources, metadata: record.metadata }
}
