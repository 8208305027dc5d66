import { createRemoteJWKSet, jwtVerify, type JWTVerifyGetKey } from 'jose'

export interface JwtConfig {
  jwksUrl: string
  issuer: string
  audience: string
}

export type JwtOwner = { ok: true; owner: string; subject: string } | { ok: false }

// One key set per JWKS URL for the isolate's life: jose caches the keys and refetches on an unknown `kid`.
const keySets = new Map<string, JWTVerifyGetKey>()

/**
 * Verifies an OIDC JWT (Cloudflare Access's `Cf-Access-Jwt-Assertion`, or a Bearer token) against
 * the issuer's JWKS with jose: signature, `iss`, `aud`, `exp`/`nbf`. The owner id is derived from
 * `iss` and `sub`, hashed so it is a fixed-length, URL-safe name for the owner's Durable Object.
 */
export async function ownerFromJwt(token: string, config: JwtConfig): Promise<JwtOwner> {
  let keys = keySets.get(config.jwksUrl)
  if (!keys) {
    keys = createRemoteJWKSet(new URL(config.jwksUrl))
    keySets.set(config.jwksUrl, keys)
  }
  try {
    const { payload } = await jwtVerify(token, keys, { issuer: config.issuer, audience: config.audience })
    if (typeof payload.sub !== 'string' || payload.sub === '') return { ok: false }
    return { ok: true, owner: `user_${await hashId(`${payload.iss}\n${payload.sub}`)}`, subject: payload.sub }
  } catch {
    return { ok: false }
  }
}

async function hashId(s: string): Promise<string> {
  const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(s)))
  let bin = ''
  for (const b of digest.subarray(0, 24)) bin += String.fromCharCode(b)
  return btoa(bin).replaceAll('+', '-').replaceAll('/', '_')
}
