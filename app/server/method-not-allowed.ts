import { createRoute } from 'honox/factory'
import { errorResponse } from './errors'

type Method = 'GET' | 'POST' | 'PUT' | 'DELETE' | 'PATCH' | 'OPTIONS'

/**
 * The handlers for the methods a route file does not serve, to export by destructuring (HonoX
 * registers a route file's GET, POST, PUT, DELETE, OPTIONS and PATCH exports):
 * `export const { GET, PUT, DELETE, PATCH, OPTIONS } = methodNotAllowed('POST')`.
 * Each answers 405 with `Allow` naming the served methods.
 */
export function methodNotAllowed(...served: Method[]) {
  const handler = createRoute(() =>
    errorResponse(405, 'method_not_allowed', 'Method not allowed.', { Allow: served.join(', ') }),
  )
  return { GET: handler, POST: handler, PUT: handler, DELETE: handler, PATCH: handler, OPTIONS: handler }
}
