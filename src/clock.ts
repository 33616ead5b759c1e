/** Time is a dependency: run status is derived from stored timestamps and this clock, never moved by timers. */
export interface Clock {
  /** Milliseconds since the epoch. */
  now (): number
}

export const systemClock: Clock = { now: () => Date.now() }

export interface ManualClock extends Clock {
  advance (ms: number): void
  set (ms: number): void
}

/** A clock that only moves when told to: the test suite's replacement for sleeping. */
export function manualClock (start = Date.UTC(2024, 0, 1)): ManualClock {
  let now = start
  return {
    now: () => now,
    advance (ms) { now += ms },
    set (ms) { now = ms }
  }
}

export const toUnixSeconds = (ms: number): number => Math.floor(ms / 1000)
