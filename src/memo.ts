/**
 * A bounded memo: a Map that forgets its oldest entry once it holds `max`. For values derived from
 * immutable records or texts that are read again soon after they are made (a run's course, a text's token
 * count): the recent ones stay at hand, and memory does not grow with everything the emulator ever saw, as
 * a WeakMap beside every stored record would.
 */
export interface Memo<K, V> {
  /** The value remembered for `key`, or `make(key)`, remembered. */
  get (key: K, make: (key: K) => V): V
  /** Whether a value is remembered for `key`. */
  has (key: K): boolean
}

/** @param max entries kept (at least 1); the first one set is the first forgotten. */
export function boundedMemo<K, V> (max: number): Memo<K, V> {
  const entries = new Map<K, V>()
  return {
    get (key, make) {
      let value = entries.get(key)
      if (value === undefined && !entries.has(key)) {
        value = make(key)
        if (entries.size >= max) entries.delete(entries.keys().next().value as K)
        entries.set(key, value)
      }
      return value as V
    },
    has: key => entries.has(key)
  }
}
