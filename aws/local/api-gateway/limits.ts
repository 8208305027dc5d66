/**
 * The limits API Gateway applies to a streamed REST integration (AWS docs: apigateway/latest/
 * developerguide/response-transfer-mode.html and limits.html). Configurable so tests can shorten them.
 */
export interface ApiGatewayLimits {
  /** Time allowed for the function to send its metadata (status, headers): the integration timeout
   *  the stack configures (up to 900 000 ms for streaming). After it: 504. */
  integrationTimeoutMs: number
  /** Longest silence allowed once the stream has started: 5 min for REGIONAL/private endpoints
   *  (30 s for EDGE). After it the stream is cut. */
  idleTimeoutMs: number
  /** A stream lasts at most 15 minutes from the request; then it is cut. */
  maxStreamMs: number
  /** REST API request payload limit: 10 MB. */
  maxRequestBytes: number
}

export const DEFAULT_LIMITS: ApiGatewayLimits = {
  integrationTimeoutMs: 900_000,
  idleTimeoutMs: 300_000,
  maxStreamMs: 900_000,
  maxRequestBytes: 10 * 1024 * 1024,
}

/** Limits from environment variables (LOCAL_APIGW_INTEGRATION_TIMEOUT_MS, _IDLE_TIMEOUT_MS,
 *  _MAX_STREAM_MS), falling back to the documented defaults. */
export function limitsFromEnv(env: Record<string, string | undefined> = process.env): ApiGatewayLimits {
  const num = (name: string, fallback: number) => {
    const v = env[name]
    if (v === undefined || v === '') return fallback
    const n = Number(v)
    if (!Number.isFinite(n) || n <= 0) throw new Error(`${name} must be a positive number of milliseconds, got ${JSON.stringify(v)}`)
    return n
  }
  return {
    integrationTimeoutMs: num('LOCAL_APIGW_INTEGRATION_TIMEOUT_MS', DEFAULT_LIMITS.integrationTimeoutMs),
    idleTimeoutMs: num('LOCAL_APIGW_IDLE_TIMEOUT_MS', DEFAULT_LIMITS.idleTimeoutMs),
    maxStreamMs: num('LOCAL_APIGW_MAX_STREAM_MS', DEFAULT_LIMITS.maxStreamMs),
    maxRequestBytes: DEFAULT_LIMITS.maxRequestBytes,
  }
}
