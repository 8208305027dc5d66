import { createMiddleware } from 'hono/factory'
import type { AppEnv } from '../../global'
import { errorResponse } from '../errors'
import { ownerFromJwt } from './jwt'
import { ownerFromCookie } from './owner-cookie'

/**
 * Who is asking: sets `c.var.owner`. With sign-in configured (AUTH_JWKS_URL, AUTH_ISSUER,
 * AUTH_AUDIENCE) a request carrying a JWT (`Cf-Access-Jwt-Assertion`, or `Authorization: Bearer`)
 * is that user, or a 401 when the token does not verify. Any other request is the anonymous
 * identity of its signed cookie (issued here when absent), or a 401 when the cookie is forged or expired.
 */
export const identify = createMiddleware<AppEnv>(async (c, next) => {
  const env = c.env ?? {}
  const token = c.req.header('cf-access-jwt-assertion') ?? bearer(c.req.header('authorization'))
  if (token && env.AUTH_JWKS_URL && env.AUTH_ISSUER && env.AUTH_AUDIENCE) {
    const user = await ownerFromJwt(token, { jwksUrl: env.AUTH_JWKS_URL, issuer: env.AUTH_ISSUER, audience: env.AUTH_AUDIENCE })
    if (!user.ok) return errorResponse(401, 'unauthorized', 'The sign-in token is not valid here (signature, issuer, audience or expiry).')
    c.set('owner', user.owner)
    return next()
  }
  const secret = env.OWNER_COOKIE_SECRET
  if (!secret) {
    console.error('OWNER_COOKIE_SECRET is not set: conversations need it (wrangler secret put OWNER_COOKIE_SECRET; .dev.vars locally)')
    return errorResponse(500, 'internal_error', 'The edge is not configured for conversations.')
  }
  const anon = await ownerFromCookie(c, secret)
  if (!anon.ok) {
    const res = errorResponse(401, 'unauthorized', 'The identity cookie is not valid (forged or expired). It was cleared: send the request again.')
    // errorResponse builds a fresh Response; carry the cookie deletion hono staged on the context.
    for (const cookie of c.res.headers.getSetCookie()) res.headers.append('Set-Cookie', cookie)
    return res
  }
  c.set('owner', anon.owner)
  await next()
  if (anon.setCookie) {
    // On every answer, errors included (a handler's own Response does not carry what was staged on c).
    const res = new Response(c.res.body, c.res)
    res.headers.append('Set-Cookie', anon.setCookie)
    c.res = undefined
    c.res = res
  }
})

function bearer(header: string | undefined): string | undefined {
  const m = header ? /^Bearer\s+(\S+)$/i.exec(header) : null
  return m?.[1]
}
