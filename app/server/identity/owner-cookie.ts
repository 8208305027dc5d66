import type { Context } from 'hono'
import { deleteCookie, getSignedCookie } from 'hono/cookie'
import { serializeSigned } from 'hono/utils/cookie'

export const OWNER_COOKIE = 'eac_owner'
/** Browsers cap a cookie's life at 400 days; the server holds the signed issue time to the same. */
export const OWNER_COOKIE_MAX_AGE_S = 400 * 24 * 60 * 60

export type CookieOwner =
  | { ok: true; owner: string; /** A new identity's Set-Cookie value, for the response (identify.ts adds it to whatever answers). */ setCookie?: string }
  | { ok: false; reason: 'forged' | 'expired' | 'malformed' }

/**
 * The anonymous identity: a random id and its issue time, HMAC-signed with OWNER_COOKIE_SECRET
 * (hono's signed cookies), HttpOnly, Secure, SameSite=Lax. No cookie: a new identity is issued with
 * this response. A cookie whose signature fails, or that is older than its max age, is refused (the
 * caller answers 401) and cleared, so the browser's next request starts a fresh identity.
 */
export async function ownerFromCookie(c: Context, secret: string, now = Date.now()): Promise<CookieOwner> {
  const value = await getSignedCookie(c, secret, OWNER_COOKIE)
  if (value === undefined) {
    const id = crypto.randomUUID()
    const setCookie = await serializeSigned(OWNER_COOKIE, `${id}.${Math.floor(now / 1000)}`, secret, cookieOptions())
    return { ok: true, owner: `anon_${id}`, setCookie }
  }
  if (value === false) return refuse(c, 'forged')
  const match = /^([0-9a-f-]{36})\.(\d{1,12})$/.exec(value)
  if (!match) return refuse(c, 'malformed')
  if (now / 1000 - Number(match[2]) > OWNER_COOKIE_MAX_AGE_S) return refuse(c, 'expired')
  return { ok: true, owner: `anon_${match[1]}` }
}

function refuse(c: Context, reason: 'forged' | 'expired' | 'malformed'): CookieOwner {
  deleteCookie(c, OWNER_COOKIE, { path: '/', secure: true })
  return { ok: false, reason }
}

function cookieOptions() {
  return { path: '/', httpOnly: true, secure: true, sameSite: 'Lax' as const, maxAge: OWNER_COOKIE_MAX_AGE_S }
}
