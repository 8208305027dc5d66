import { createRemoteJWKSet, jwtVerify } from 'jose'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { LOCAL_AUDIENCE, LOCAL_ISSUER, startLocalIssuer, type LocalIssuer } from './sign-in-issuer'

let issuer: LocalIssuer
beforeAll(async () => {
  issuer = await startLocalIssuer()
})
afterAll(() => issuer?.stop())

describe('the local sign-in issuer (npm run dev -- --sign-in)', () => {
  it('serves a JWKS on 127.0.0.1 that verifies its tokens for the subject, issuer and audience the Worker is given', async () => {
    expect(issuer.jwksUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/jwks\.json$/)
    expect(issuer.workerVars()).toEqual({ AUTH_JWKS_URL: issuer.jwksUrl, AUTH_ISSUER: LOCAL_ISSUER, AUTH_AUDIENCE: LOCAL_AUDIENCE })
    const { payload } = await jwtVerify(await issuer.token('alice'), createRemoteJWKSet(new URL(issuer.jwksUrl)), { issuer: LOCAL_ISSUER, audience: LOCAL_AUDIENCE })
    expect(payload.sub).toBe('alice')
    expect(payload.exp! - payload.iat!).toBe(12 * 3600)
  })

  it('its tokens fail for another audience, and once expired', async () => {
    const jwks = createRemoteJWKSet(new URL(issuer.jwksUrl))
    await expect(jwtVerify(await issuer.token('bob'), jwks, { issuer: LOCAL_ISSUER, audience: 'someone-else' })).rejects.toThrow(/aud/)
    const expired = await issuer.token('bob', Math.floor(Date.now() / 1000) - 60)
    await expect(jwtVerify(expired, jwks, { issuer: LOCAL_ISSUER, audience: LOCAL_AUDIENCE })).rejects.toThrow()
  })
})
