/**
 * The run's signing checked by the project's SigV4 verifier (aws/local/sigv4/verify.ts, on
 * @smithy/signature-v4): what the aws target sends must verify for execute-api in the stack's
 * region, with the session token of temporary credentials; each refusal variant must fail it, for
 * the reason it stands for.
 */
import { createServer, type IncomingMessage, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { verifySigV4, type VerifyResult } from '../local/sigv4/verify'
import { apiFetcher, otherRegion } from './signing'

const CREDS = { accessKeyId: 'ASIAEXAMPLECONFORM01', secretAccessKey: 'conformance-secret', sessionToken: 'session-token-value' }
let server: Server
let base: string
let last: { result: VerifyResult; req: IncomingMessage } | undefined

beforeAll(async () => {
  server = createServer(async (req, res) => {
    const chunks: Buffer[] = []
    for await (const c of req) chunks.push(c as Buffer)
    const result = await verifySigV4(
      { method: req.method!, url: req.url!, rawHeaders: req.rawHeaders, body: Buffer.concat(chunks) },
      { service: 'execute-api', region: 'eu-west-1', credentials: [{ ...CREDS, principalArn: 'arn:aws:sts::111122223333:assumed-role/dev/me' }] },
    )
    last = { result, req }
    res.end()
  })
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r))
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
})
afterAll(() => new Promise((r) => server?.close(r)))

describe('apiFetcher', () => {
  const fetchApi = apiFetcher({ credentials: CREDS, region: 'eu-west-1' })
  const init = () => ({ method: 'POST', headers: { 'content-type': 'application/json', 'x-api-key': 'key' }, body: '{"prompt":"hi"}' })

  it('signs for execute-api in the stack’s region with the session token, and the signature verifies', async () => {
    await fetchApi(`${base}/v1/invoke`, init())
    expect(last!.result).toMatchObject({ ok: true })
    expect(last!.req.headers['x-amz-security-token']).toBe('session-token-value')
    expect(last!.req.headers.authorization).toMatch(/Credential=ASIAEXAMPLECONFORM01\/\d{8}\/eu-west-1\/execute-api\/aws4_request/)
  })

  it('sends the refusal variants: no signature at all, or one made with a wrong secret', async () => {
    await fetchApi(`${base}/v1/invoke`, init(), 'unsigned')
    expect(last!.result).toMatchObject({ ok: false, errorType: 'MissingAuthenticationTokenException' })
    await fetchApi(`${base}/v1/invoke`, init(), 'wrong-secret')
    expect(last!.result).toMatchObject({ ok: false, errorType: 'InvalidSignatureException' })
    await fetchApi(`${base}/v1/invoke`, init(), 'unknown-key')
    expect(last!.result).toMatchObject({ ok: false, message: 'The security token included in the request is invalid.' })
  })

  it('sends a signature for another region, one older than 5 minutes, and a body changed after signing', async () => {
    await fetchApi(`${base}/v1/invoke`, init(), 'wrong-region')
    expect(last!.result).toEqual({
      ok: false,
      status: 403,
      errorType: 'InvalidSignatureException',
      message: `Credential should be scoped to a valid region, not '${otherRegion('eu-west-1')}'. `,
    })
    await fetchApi(`${base}/v1/invoke`, init(), 'expired')
    expect(last!.result).toMatchObject({ ok: false, errorType: 'InvalidSignatureException', message: expect.stringMatching(/^Signature expired: /) })
    await fetchApi(`${base}/v1/invoke`, init(), 'tampered-body')
    expect(last!.result).toMatchObject({
      ok: false,
      errorType: 'InvalidSignatureException',
      message: expect.stringMatching(/^The request signature we calculated does not match the signature you provided/),
    })
  })
})
