import { bodyLimit } from 'hono/body-limit'
import { createMiddleware } from 'hono/factory'
import type { MiddlewareHandler } from 'hono'
import { maxBodyBytes } from '../../protocol/request'
import { errorResponse } from './errors'

/** hono's bodyLimit with our 413 body: checks Content-Length, and counts a streamed body as it arrives. */
export function limitBody(maxBytes: number): MiddlewareHandler {
  return bodyLimit({
    maxSize: maxBytes,
    onError: () => errorResponse(413, 'payload_too_large', 'The request body is too large.'),
  })
}

const byPromptLimit = new Map<number, MiddlewareHandler>()

/**
 * `limitBody` sized for the configured prompt limit in its worst legal encoding (protocol/request.ts
 * `maxBodyBytes`). The limit is a var, so the middleware is built from the request's config (hono's
 * idiom for env-dependent middleware), once per limit.
 */
export const limitPromptBody = createMiddleware(async (c, next) => {
  const chars = c.var.config.maxPromptChars
  let limit = byPromptLimit.get(chars)
  if (!limit) byPromptLimit.set(chars, (limit = limitBody(maxBodyBytes(chars))))
  return limit(c, next)
})
