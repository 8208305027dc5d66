import type { EdgeConfig } from '../config'
import { signedFetch } from '../signing'
import { CANCEL_TIMEOUT_MS, cancelOutcomeOf, cancelWithRetry } from './cancel'
import { eventStreamOrFailure, fetchFirstByte, type FetchLike } from './http'
import type { Upstream, UpstreamKind } from './types'

/**
 * API Gateway REST API (response streaming) → Lambda: POST `{prompt, sessionId}` to the stage's
 * `invoke` and `{sessionId}` to its `cancel`, SigV4-signed for `execute-api` (the methods use IAM
 * authorization; the edge's principal may invoke exactly these two) and with the API key (the usage
 * plan's throttle and quota). The status is decided before the
 * first byte (Lambda's streaming prelude carries it), so anything but a 200 event stream is one of
 * our JSON errors. `lambda-agent` is the same contract in front of the Lambda that runs the agent
 * itself, and `function-url` the same requests to a Function URL, signed (`send` signs them).
 */
export function restUpstream(
  config: EdgeConfig,
  kind: UpstreamKind = 'rest',
  send: FetchLike = signedFetch(config.aws, 'execute-api'),
  authHeaders: Record<string, string> = { 'x-api-key': config.apiKey },
): Upstream {
  return {
    kind,
    async open(payload, signal) {
      const sent = await fetchFirstByte(
        send,
        config.upstreamUrl,
        {
          method: 'POST',
          headers: { 'content-type': 'application/json', accept: 'text/event-stream', ...authHeaders },
          body: JSON.stringify(payload),
        },
        signal,
        config.firstByteTimeoutMs,
      )
      return sent.ok ? eventStreamOrFailure(sent.response) : sent
    },
    cancel(sessionId) {
      return cancelWithRetry(async () => {
        try {
          const res = await send(config.cancelUrl, {
            method: 'POST',
            headers: { 'content-type': 'application/json', ...authHeaders },
            body: JSON.stringify({ sessionId }),
            signal: AbortSignal.timeout(CANCEL_TIMEOUT_MS),
          })
          return await cancelOutcomeOf(res)
        } catch {
          return { status: 0, cancelled: false }
        }
      })
    },
  }
}
