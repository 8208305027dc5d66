import { createRoute } from 'honox/factory'
import { errorResponse } from './errors'

/**
 * The handlers a route file exports for the methods it does not serve (HonoX registers a route
 * file's GET, POST, PUT, DELETE, OPTIONS and PATCH exports): 405 with `Allow`.
 */
export function methodNotAllowed(allow: string) {
  return createRoute(() => errorResponse(405, 'method_not_allowed', 'Method not allowed.', { Allow: allow }))
}
