/**
 * Cancelling an upstream answer, the part every path shares: how long a cancel call may take, how
 * often it is tried, and how an HTTP path reads the answer. Each path's own cancel call is in its
 * file (rest.ts, invoke-stream.ts, websocket.ts, lambda-agent.ts).
 */
import type { CancelOutcome } from './types'

/** How long one cancel call may take before it counts as unreachable. */
export const CANCEL_TIMEOUT_MS = 5_000
/** A cancel is tried this many times at most, while the upstream is unreachable, throttled or failing. */
export const CANCEL_ATTEMPTS = 3
/** Waits between attempts (a throttled cancel function frees up within moments). */
const CANCEL_BACKOFF_MS = [250, 1000]

/**
 * Runs a cancel until it is answered: retried on no answer (status 0), 429 and 5xx, at most
 * CANCEL_ATTEMPTS times (so within 3 × CANCEL_TIMEOUT_MS + 1.25 s); a 2xx or another 4xx (404: nothing
 * was running) is the answer. The last outcome is returned either way.
 */
export async function cancelWithRetry(attempt: () => Promise<CancelOutcome>, attempts = CANCEL_ATTEMPTS): Promise<CancelOutcome> {
  let outcome: CancelOutcome = { status: 0, cancelled: false }
  for (let i = 0; i < attempts; i++) {
    if (i > 0) await new Promise((r) => setTimeout(r, CANCEL_BACKOFF_MS[Math.min(i - 1, CANCEL_BACKOFF_MS.length - 1)]))
    outcome = await attempt()
    const retry = outcome.status === 0 || outcome.status === 429 || outcome.status >= 500
    if (!retry) break
  }
  return outcome
}

/** Reads a cancel answer (`{"cancelled": true, "method"?}`) the same way on every HTTP path. */
export async function cancelOutcomeOf(res: Response): Promise<CancelOutcome> {
  const body = (await res.json().catch(() => ({}))) as { cancelled?: unknown; method?: unknown }
  return {
    status: res.status,
    cancelled: res.ok && body.cancelled === true,
    method: typeof body.method === 'string' ? body.method : undefined,
  }
}
