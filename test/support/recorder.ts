/** A stand-in for a tap Test that records what a "skip or fail" helper (chromiumFor, pythonFor) asks of it. */
import type { Test } from 'tap'

/** `t` records each `fail(message)` and `plan(count, reason)` call, in order, in `calls`. */
export function recorder (): { calls: Array<[string, unknown]>, t: Test } {
  const calls: Array<[string, unknown]> = []
  const fake = {
    fail: (message: string) => { calls.push(['fail', message]) },
    plan: (count: number, reason: string) => { calls.push(['plan', [count, reason]]) }
  }
  // Only the two methods the helpers call are needed; the rest of Test is never touched.
  return { calls, t: fake as unknown as Test }
}
