import { createRoute } from 'honox/factory'
import { createMiddleware } from 'hono/factory'
import { configOf } from '../../server/config'
import { securityHeaders } from '../../server/security-headers'

/** Every /api route: the security headers (as for the page) and the Worker's parsed config in `c.var.config`. */
export default createRoute(
  securityHeaders,
  createMiddleware(async (c, next) => {
    c.set('config', configOf(c.env))
    await next()
  }),
)
