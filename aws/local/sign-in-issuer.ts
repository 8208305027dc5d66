import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { exportJWK, generateKeyPair, SignJWT, type JWK } from 'jose'
import { LOCAL_HOST } from './listen'

export const LOCAL_ISSUER = 'https://issuer.local.invalid'
export const LOCAL_AUDIENCE = 'edge-agent-chat-local'

export interface LocalIssuer {
  jwksUrl: string
  issuer: string
  audience: string
  /** The signing key (private), for tests that sign tokens of their own. */
  privateJwk: JWK
  /** A token for `subject`, expiring after `expires` (a jose time span such as '12h', the default, or epoch seconds). */
  token(subject: string, expires?: string | number): Promise<string>
  /** The Worker's sign-in vars (app/server/identity/identify.ts) pointed at this issuer. */
  workerVars(): Record<'AUTH_JWKS_URL' | 'AUTH_ISSUER' | 'AUTH_AUDIENCE', string>
  stop(): Promise<void>
}

/**
 * A local OIDC issuer, so sign-in runs offline (`npm run dev -- --sign-in`, and the tests'
 * app/test/test-issuer.ts): a fresh ES256 key pair whose public half is served as a JWKS on
 * 127.0.0.1, and tokens signed with the private half. The Worker verifies them with jose against
 * that JWKS, exactly as it verifies Cloudflare Access's or another issuer's in production.
 */
export async function startLocalIssuer({ issuer = LOCAL_ISSUER, audience = LOCAL_AUDIENCE, port = 0, kid = 'local-key' } = {}): Promise<LocalIssuer> {
  const { publicKey, privateKey } = await generateKeyPair('ES256', { extractable: true })
  const publicJwk = { ...(await exportJWK(publicKey)), kid, alg: 'ES256', use: 'sig' }
  const server: Server = createServer((req, res) => {
    if (req.url === '/jwks.json') {
      res.writeHead(200, { 'content-type': 'application/json' })
      return res.end(JSON.stringify({ keys: [publicJwk] }))
    }
    res.writeHead(404).end()
  })
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(port, LOCAL_HOST, resolve)
  })
  const jwksUrl = `http://${LOCAL_HOST}:${(server.address() as AddressInfo).port}/jwks.json`
  return {
    jwksUrl,
    issuer,
    audience,
    privateJwk: { ...(await exportJWK(privateKey)), kid, alg: 'ES256' },
    token: (subject, expires = '12h') =>
      new SignJWT({}).setProtectedHeader({ alg: 'ES256', kid }).setSubject(subject).setIssuer(issuer).setAudience(audience).setIssuedAt().setExpirationTime(expires).sign(privateKey),
    workerVars: () => ({ AUTH_JWKS_URL: jwksUrl, AUTH_ISSUER: issuer, AUTH_AUDIENCE: audience }),
    stop: () => new Promise<void>((resolve) => server.close(() => resolve())),
  }
}
