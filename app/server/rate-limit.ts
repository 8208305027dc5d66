import { createMiddleware } from 'hono/factory'
import type { AppEnv } from '../global'
import { ConfigError, RATE_LIMIT_RETRY_AFTER_S } from './config'
import { errorResponse } from './errors'

/**
 * Per-client limit with the Workers Rate Limiting binding (`[[ratelimits]]` RATE_LIMITER in
 * wrangler.toml), keyed by the client's IP. Runs before the body is read, so a flood costs little.
 */
export const rateLimit = createMiddleware<AppEnv>(async (c, next) => {
  const limiter = c.env.RATE_LIMITER
  // A Worker without its limiter is misconfigured, not unlimited.
  if (!limiter) throw new ConfigError('Worker configuration: the RATE_LIMITER binding is missing (wrangler.toml [[ratelimits]]).')
  const key = c.req.header('cf-connecting-ip') || 'anonymous'
  const { success } = await limiter.limit({ key })
  if (!success) {
    return errorResponse(429, 'rate_limited', 'Too many requests. Try again later.', {
      'Retry-After': String(RATE_LIMIT_RETRY_AFTER_S),
    })
  }
  await next()
})
