import type { EdgeConfig } from '../config'
import { signedFetch } from '../signing'
import { CANCEL_TIMEOUT_MS, cancelWithRetry } from './cancel'
import { failureFor, fetchFirstByte } from './http'
import { decodeInvokeStream } from './lambda-event-stream'
import type { CancelOutcome, Upstream } from './types'

/**
 * Lambda's own API, no API Gateway: `InvokeWithResponseStream`
 * (POST /2021-11-15/functions/{name}/response-streaming-invocations) with the raw payload
 * `{"action":"invoke", prompt, sessionId}`, SigV4-signed for service `lambda` (../signing.ts) with the edge
 * principal's keys (Wrangler secrets; its policy allows lambda:InvokeFunction on that function only).
 * The function writes the project's SSE events; Lambda frames them as event-stream messages, decoded
 * here in JavaScript (lambda-event-stream.ts): the one path whose Worker touches every chunk.
 * Cancel is a plain `Invoke` (POST /2015-03-31/functions/{name}/invocations) with
 * `{"action":"cancel", sessionId}`, answered `{cancelled, method}`, of the cancel function
 * (UPSTREAM_LAMBDA_CANCEL_FUNCTION: the same code with reserved concurrency, as behind the REST path's
 * POST cancel), so a stop never waits for a free environment of the function whose answer it stops.
 */
export function invokeStreamUpstream(config: EdgeConfig): Upstream {
  const send = signedFetch(config.aws, 'lambda')
  const fn = encodeURIComponent(config.lambdaFunction)
  const cancelFn = encodeURIComponent(config.lambdaCancelFunction)
  const base = `${config.lambdaEndpoint}`
  return {
    kind: 'invoke-stream',
    async open(payload, signal) {
      const sent = await fetchFirstByte(
        send,
        `${base}/2021-11-15/functions/${fn}/response-streaming-invocations`,
        { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ action: 'invoke', ...payload }) },
        signal,
        config.firstByteTimeoutMs,
      )
      if (!sent.ok) return sent
      const { response } = sent
      if (response.status !== 200 || !response.body) {
        await response.body?.cancel().catch(() => {})
        // Lambda's own TooManyRequestsException is a 429 with Retry-After (seconds) here.
        const failure = failureFor(response.status === 404 ? 502 : response.status)
        const retryAfter = response.headers.get('retry-after')
        return retryAfter && failure.retryable ? { ...failure, retryAfter } : failure
      }
      return { ok: true, body: decodeInvokeStream(response.body) }
    },
    cancel(sessionId) {
      return cancelWithRetry(() => cancelOnce(sessionId))
    },
  }

  async function cancelOnce(sessionId: string): Promise<CancelOutcome> {
    try {
      const res = await send(`${base}/2015-03-31/functions/${cancelFn}/invocations`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ action: 'cancel', sessionId }),
        signal: AbortSignal.timeout(CANCEL_TIMEOUT_MS),
      })
      const body = (await res.json().catch(() => ({}))) as { cancelled?: unknown; method?: unknown }
      // A function error is still HTTP 200, flagged by X-Amz-Function-Error.
      const failed = res.headers.has('x-amz-function-error')
      return {
        status: failed ? 502 : res.status,
        cancelled: res.ok && !failed && body.cancelled === true,
        method: typeof body.method === 'string' ? body.method : undefined,
      }
    } catch {
      return { status: 0, cancelled: false }
    }
  }
}
