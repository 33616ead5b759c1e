/** In-memory Store: Maps keep insertion order, which is creation order, which is what lists page over. */
import type {
  AssistantRecord, FileRecord, MessageRecord, RunRecord, ThreadRecord, VectorStoreFileBatchRecord, VectorStoreFileRecord,
  VectorStoreRecord
} from './records.js'
import type { ChildTable, Store, Table } from './store.js'

function createTable<T extends { readonly id: string }> (): Table<T> {
  const rows = new Map<string, T>()
  return {
    get: id => rows.get(id),
    put (row) { rows.set(row.id, row) },
    delete: id => rows.delete(id),
    list: () => [...rows.values()]
  }
}

function createChildTable<T extends { readonly id: string }> (): ChildTable<T> {
  const byParent = new Map<string, Map<string, T>>()
  return {
    get: (parentId, id) => byParent.get(parentId)?.get(id),
    put (parentId, row) {
      let rows = byParent.get(parentId)
      if (!rows) byParent.set(parentId, rows = new Map())
      rows.set(row.id, row)
    },
    delete: (parentId, id) => byParent.get(parentId)?.delete(id) ?? false,
    list: parentId => [...(byParent.get(parentId)?.values() ?? [])],
    deleteParent (parentId) { byParent.delete(parentId) }
  }
}

export function createMemoryStore (): Store {
  return {
    assistants: createTable<AssistantRecord>(),
    threads: createTable<ThreadRecord>(),
    messages: createChildTable<MessageRecord>(),
    runs: createChildTable<RunRecord>(),
    files: createTable<FileRecord>(),
    vectorStores: createTable<VectorStoreRecord>(),
    vectorStoreFiles: createChildTable<VectorStoreFileRecord>(),
    vectorStoreFileBatches: createChildTable<VectorStoreFileBatchRecord>()
  }
}
