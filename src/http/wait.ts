/**
 * Waiting on the emulator's clock for a request: a foreground `POST /responses` answers once its response has
 * finished, as the service does (a slow scenario makes it wait). The request holds one timer for itself and
 * listens to the clock's jumps (a virtual clock moves only when told), like an open event stream (sse.ts).
 */
import type { Clock } from '../clock.js'

/** setTimeout's largest delay. */
const MAX_DELAY_MS = 2 ** 31 - 1

/**
 * Resolves true once `clock.now()` has reached `at` (epoch ms), or false as soon as `signal` aborts (the client
 * went away). Nothing is left behind either way.
 */
export function waitUntil (clock: Clock, at: number, signal?: AbortSignal): Promise<boolean> {
  if (clock.now() >= at) return Promise.resolve(true)
  if (signal?.aborted === true) return Promise.resolve(false)
  return new Promise(resolve => {
    let timer: NodeJS.Timeout | undefined
    const finish = (reached: boolean) => {
      clearTimeout(timer)
      unsubscribe()
      signal?.removeEventListener('abort', aborted)
      resolve(reached)
    }
    const check = () => {
      if (clock.now() >= at) return finish(true)
      clearTimeout(timer)
      timer = setTimeout(check, Math.min(MAX_DELAY_MS, Math.max(1, at - clock.now())))
    }
    const aborted = () => finish(false)
    const unsubscribe = clock.onJump(check)
    signal?.addEventListener('abort', aborted)
    check()
  })
}
