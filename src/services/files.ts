/** Files: upload (bytes kept in memory), list, lookup, deletion (their wire form: presenters/file.ts). */
import type { Flavour } from '../api-surface.js'
import { assertUploadType } from '../checks/file-types.js'
import type { FileRecord } from '../store/records.js'
import { found, type ServiceContext } from './context.js'

export interface Upload {
  readonly filename: string
  readonly purpose: string
  readonly content: Buffer
  /** The flavour uploading it: its files' ids have that flavour's prefix (ids.ts). */
  readonly flavour: Flavour
}

export function createFileService ({ store, clock, ids }: ServiceContext) {
  const get = (id: string): FileRecord => found(store.files.get(id), 'file', id)

  return {
    /** Stores the upload; a filename whose type does not fit the purpose is refused first (checks/file-types.ts). */
    upload ({ filename, purpose, content, flavour }: Upload): FileRecord {
      assertUploadType(filename, purpose, flavour)
      const record: FileRecord = {
        id: ids.file(flavour),
        createdAt: clock.now(),
        filename,
        purpose,
        bytes: content.length,
        content
      }
      store.files.put(record)
      return record
    },

    /** Every file, oldest first, only those with `purpose` when it is given. */
    list (purpose?: string): readonly FileRecord[] {
      const files = store.files.list()
      return purpose === undefined ? files : files.filter(file => file.purpose === purpose)
    },

    get,

    /**
     * Removes the file and its bytes. Vector stores keep their copy of what they need (their file entries
     * stay until removed from the store), as assistants and messages keep the ids they were given.
     */
    delete (id: string): { id: string, object: 'file', deleted: true } {
      get(id)
      store.files.delete(id)
      return { id, object: 'file', deleted: true }
    }
  }
}
