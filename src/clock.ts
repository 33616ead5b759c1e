/** Time is a dependency: run status is derived from stored timestamps and this clock, never moved by timers. */
export interface Clock {
  /** Milliseconds since the epoch. */
  now (): number
  /**
   * Calls `listener` after every jump of a clock that moves only when told (a manual or virtual clock's
   * `advance` / `set`); returns the unsubscribe function. A real clock has no jumps and never calls it.
   * An open event stream, which holds one timer for its connection, listens here so that it follows a
   * virtual clock at once instead of waiting out its real timer.
   */
  onJump (listener: () => void): () => void
}

const noJumps = (): () => void => () => {}

export const systemClock: Clock = { now: () => Date.now(), onJump: noJumps }

export interface ManualClock extends Clock {
  /** Moves time forward by `ms` milliseconds and notifies the jump listeners. */
  advance (ms: number): void
  /** Sets time to `ms` milliseconds since the epoch and notifies the jump listeners. */
  set (ms: number): void
}

/** A clock that only moves when told to: the test suite's replacement for sleeping. */
export function manualClock (start = Date.UTC(2024, 0, 1)): ManualClock {
  let now = start
  const listeners = new Set<() => void>()
  const jumped = () => { for (const listener of [...listeners]) listener() }
  return {
    now: () => now,
    onJump (listener) {
      listeners.add(listener)
      return () => { listeners.delete(listener) }
    },
    advance (ms) { now += ms; jumped() },
    set (ms) { now = ms; jumped() }
  }
}

/**
 * The latest time the emulator's clock may show, in epoch ms: the last ms of year 9999 (253402300799999),
 * the end of the range an HTTP date and every SDK's date parser handle. The earliest is 0 (1970).
 */
export const MAX_CLOCK_MS = Date.UTC(9999, 11, 31, 23, 59, 59, 999)

export const toUnixSeconds = (ms: number): number => Math.floor(ms / 1000)

/** A manual clock that starts at `start` (the real time by default): `--clock virtual`. */
export const virtualClock = (start = Date.now()): ManualClock => manualClock(start)

/** Whether `clock` moves only when told (a manual or virtual clock). */
export function isManualClock (clock: Clock): clock is ManualClock {
  return typeof (clock as Partial<ManualClock>).advance === 'function' && typeof (clock as Partial<ManualClock>).set === 'function'
}
