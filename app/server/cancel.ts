import type { EdgeConfig } from './config'

export interface CancelOutcome {
  /** The upstream's HTTP status, or 0 when it could not be reached. */
  status: number
  cancelled: boolean
  method?: string
}

const CANCEL_TIMEOUT_MS = 10_000

/** Asks the upstream to stop the session's generation (`POST {cancelUrl}` with `{"sessionId"}`). */
export async function cancelUpstream(config: EdgeConfig, sessionId: string): Promise<CancelOutcome> {
  try {
    const res = await fetch(config.cancelUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-api-key': config.apiKey },
      body: JSON.stringify({ sessionId }),
      signal: AbortSignal.timeout(CANCEL_TIMEOUT_MS),
    })
    const body = (await res.json().catch(() => ({}))) as { cancelled?: unknown; method?: unknown }
    return {
      status: res.status,
      cancelled: res.ok && body.cancelled === true,
      method: typeof body.method === 'string' ? body.method : undefined,
    }
  } catch {
    return { status: 0, cancelled: false }
  }
}
