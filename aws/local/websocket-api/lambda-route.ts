/**
 * A WebSocket route's Lambda proxy integration over the local Lambda (../lambda-runtime): invoke the
 * function with the event, read its (buffered) result as API Gateway does — `{statusCode}` or nothing —
 * and turn a failed invocation into a rejection (API Gateway's "Internal server error").
 */
import type { LambdaPool } from '../lambda-runtime'
import type { RouteInvoke } from './server'

export function lambdaRoute(pool: Pick<LambdaPool, 'invoke'>): RouteInvoke {
  return async (event) => {
    const response = await pool.invoke(event)
    const text = await new Response(response.body).text()
    const outcome = await response.outcome
    if (!outcome.ok) throw new Error(`${outcome.errorType}: ${outcome.errorMessage}`)
    if (!text) return undefined
    const result = JSON.parse(text) as unknown
    return typeof result === 'object' && result !== null ? (result as { statusCode?: number }) : undefined
  }
}
