/**
 * Per-key quotas with Azure's semantics (`--rate-limit-rpm`, `--rate-limit-tpm`): a sliding 60-second
 * window per caller; a request beyond either limit is refused with the 429 and a `retry-after` that
 * counts the seconds until enough of the window has freed. Tokens are estimated before the call, as Azure's
 * gateway does, from the request body: bytes / 4, rounded up (at least 1). Time comes from the app's
 * clock, so a virtual clock frees the window when advanced.
 *
 * A caller is the owner name of a credential its door has accepted (control/tenants.ts `ownerOf`): the
 * pipeline asks only after the gate, so a refused credential never gets a window, and every window's key is
 * a fixed-size digest whatever the credential's length. Windows whose requests have all left are dropped.
 */
const WINDOW_MS = 60000
/** Windows kept before the first sweep of those whose requests have all left the window. */
const SWEEP_FLOOR = 1024

interface QuotaVerdict {
  /** Null when the request may go on; otherwise the ms until it could. */
  readonly retryAfterMs: number | null
  readonly remainingRequests: number
  readonly remainingTokens: number
}

export interface Quotas {
  readonly enabled: boolean
  /** How many callers' windows are kept (each holds the requests of the last minute). */
  readonly windowCount: number
  /** Admits and records the request, or says how long to wait (nothing is recorded then). */
  admit (owner: string, tokens: number, now: number): QuotaVerdict
  /** What each credential has used of its window at `now`: requests and tokens admitted in the last 60 s. */
  usage (now: number): Array<{ readonly owner: string, readonly requests: number, readonly tokens: number }>
  reset (): void
}

export function createQuotas (limits: { rpm: number, tpm: number }): Quotas {
  let windows = new Map<string, Array<{ at: number, tokens: number }>>()
  let sweepAt = SWEEP_FLOOR
  const rpm = limits.rpm === 0 ? Infinity : limits.rpm
  const tpm = limits.tpm === 0 ? Infinity : limits.tpm
  /** Drops the windows with nothing left in them; amortised over the admissions that grew the map. */
  const sweep = (now: number) => {
    for (const [owner, entries] of windows) if (!entries.some(e => e.at > now - WINDOW_MS)) windows.delete(owner)
    sweepAt = Math.max(SWEEP_FLOOR, windows.size * 2)
  }
  return {
    enabled: limits.rpm > 0 || limits.tpm > 0,
    get windowCount () { return windows.size },
    admit (owner, tokens, now) {
      const recent = (windows.get(owner) ?? []).filter(e => e.at > now - WINDOW_MS)
      if (recent.length > 0) windows.set(owner, recent)
      else windows.delete(owner)
      const usedTokens = recent.reduce((n, e) => n + e.tokens, 0)
      let waitUntil = -Infinity
      if (recent.length + 1 > rpm) waitUntil = recent[recent.length - rpm]!.at + WINDOW_MS
      if (usedTokens + tokens > tpm) {
        // The oldest entries must leave until this request fits (or the window is empty).
        let freed = usedTokens
        for (const entry of recent) {
          freed -= entry.tokens
          waitUntil = Math.max(waitUntil, entry.at + WINDOW_MS)
          if (freed + tokens <= tpm) break
        }
      }
      if (waitUntil > now) {
        return { retryAfterMs: waitUntil - now, remainingRequests: Math.max(0, rpm - recent.length), remainingTokens: Math.max(0, tpm - usedTokens) }
      }
      recent.push({ at: now, tokens })
      windows.set(owner, recent)
      if (windows.size > sweepAt) sweep(now)
      return { retryAfterMs: null, remainingRequests: Math.max(0, rpm - recent.length), remainingTokens: Math.max(0, tpm - usedTokens - tokens) }
    },
    usage (now) {
      return [...windows].map(([owner, entries]) => {
        const recent = entries.filter(e => e.at > now - WINDOW_MS)
        return { owner, requests: recent.length, tokens: recent.reduce((n, e) => n + e.tokens, 0) }
      }).filter(use => use.requests > 0)
    },
    reset () {
      windows = new Map()
      sweepAt = SWEEP_FLOOR
    }
  }
}

/** Azure's pre-call estimate stand-in: a quarter of the body's bytes, at least one token. */
export const estimateTokens = (contentLength: number): number => Math.max(1, Math.ceil(contentLength / 4))
