/**
 * A usage plan's throttle per API key: a token bucket holding `burstLimit` requests, refilled at
 * `rateLimit` per second, as API Gateway describes its throttling (developerguide
 * api-gateway-request-throttling.html: "token bucket algorithm, where a token counts for a request";
 * the burst is the bucket's size). A request that finds the bucket empty gets the THROTTLED gateway
 * response, 429 {"message":"Too Many Requests"} (supported-gateway-response-types.html).
 * The quota (requests per day) is not modelled: no local run comes near it.
 */
export interface UsagePlanThrottle {
  /** Requests per second, steady state (the stack's throttleRateLimit). */
  rateLimit: number
  /** Bucket size (the stack's throttleBurstLimit). */
  burstLimit: number
}

export function createThrottle(plan: UsagePlanThrottle, now: () => number = () => performance.now()) {
  const buckets = new Map<string, { tokens: number; at: number }>()
  return {
    /** Takes a token for the key; false when the key is throttled. */
    take(keyId: string): boolean {
      const t = now()
      const b = buckets.get(keyId) ?? { tokens: plan.burstLimit, at: t }
      b.tokens = Math.min(plan.burstLimit, b.tokens + ((t - b.at) / 1000) * plan.rateLimit)
      b.at = t
      buckets.set(keyId, b)
      if (b.tokens < 1) return false
      b.tokens -= 1
      return true
    },
  }
}
