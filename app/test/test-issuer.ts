import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { exportJWK, generateKeyPair, type JWK } from 'jose'

export const TEST_ISSUER = 'https://issuer.test.invalid'
export const TEST_AUDIENCE = 'edge-agent-chat-tests'

/**
 * A local OIDC test issuer: an ES256 key pair whose public half it serves as a JWKS on 127.0.0.1
 * (port 0), so the Worker's jose verification runs offline against a real key set. Tests sign their
 * tokens with `privateJwk` (and with a second key the issuer does not publish, for forgeries).
 */
export async function startTestIssuer(): Promise<{ jwksUrl: string; privateJwk: JWK; foreignJwk: JWK; stop(): Promise<void> }> {
  const { publicKey, privateKey } = await generateKeyPair('ES256', { extractable: true })
  const foreign = await generateKeyPair('ES256', { extractable: true })
  const publicJwk = { ...(await exportJWK(publicKey)), kid: 'test-key', alg: 'ES256', use: 'sig' }
  const server: Server = createServer((req, res) => {
    if (req.url === '/jwks.json') {
      res.writeHead(200, { 'content-type': 'application/json' })
      return res.end(JSON.stringify({ keys: [publicJwk] }))
    }
    res.writeHead(404).end()
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  return {
    jwksUrl: `http://127.0.0.1:${port}/jwks.json`,
    privateJwk: { ...(await exportJWK(privateKey)), kid: 'test-key', alg: 'ES256' },
    foreignJwk: { ...(await exportJWK(foreign.privateKey)), kid: 'test-key', alg: 'ES256' },
    stop: () => new Promise<void>((resolve) => server.close(() => resolve())),
  }
}
