import { exportJWK, generateKeyPair, type JWK } from 'jose'
import { startLocalIssuer } from '../../aws/local/sign-in-issuer'

export const TEST_ISSUER = 'https://issuer.test.invalid'
export const TEST_AUDIENCE = 'edge-agent-chat-tests'

/**
 * The tests' OIDC issuer: the local issuer of `npm run dev -- --sign-in` (aws/local/sign-in-issuer.ts,
 * an ES256 key pair whose public half it serves as a JWKS on 127.0.0.1), so the Worker's jose
 * verification runs offline against a real key set. Tests sign their tokens with `privateJwk`, and
 * with a second key the issuer does not publish (`foreignJwk`) for forgeries.
 */
export async function startTestIssuer(): Promise<{ jwksUrl: string; privateJwk: JWK; foreignJwk: JWK; stop(): Promise<void> }> {
  const issuer = await startLocalIssuer({ issuer: TEST_ISSUER, audience: TEST_AUDIENCE, kid: 'test-key' })
  const foreign = await generateKeyPair('ES256', { extractable: true })
  return {
    jwksUrl: issuer.jwksUrl,
    privateJwk: issuer.privateJwk,
    foreignJwk: { ...(await exportJWK(foreign.privateKey)), kid: 'test-key', alg: 'ES256' },
    stop: issuer.stop,
  }
}
