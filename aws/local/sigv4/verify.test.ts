import { Sha256 } from '@aws-crypto/sha256-js'
import { SignatureV4 } from '@smithy/signature-v4'
import { AwsV4Signer } from 'aws4fetch'
import { describe, expect, it } from 'vitest'
import { verifySigV4, type LocalCredential, type ReceivedRequest, type VerifyOptions } from './verify'

const CREDENTIAL: LocalCredential = {
  accessKeyId: 'AKIALOCALTEST0000001',
  secretAccessKey: 'local/secret/key/for/tests/only/0000000',
  principalArn: 'arn:aws:iam::123456789012:user/edge-worker',
}
const SIGNED_AT = new Date('2026-12-01T12:00:00Z')
const OPTIONS: VerifyOptions = {
  service: 'execute-api',
  region: 'us-east-1',
  credentials: [CREDENTIAL],
  now: () => SIGNED_AT,
}
const URL_ = 'http://127.0.0.1:8788/v1/invoke'
const BODY = JSON.stringify({ prompt: 'hello', sessionId: 'a'.repeat(33) })

interface SignInput {
  url?: string
  body?: string
  headers?: Record<string, string>
  region?: string
  service?: string
  secretAccessKey?: string
  accessKeyId?: string
  sessionToken?: string
  at?: Date
}

/** Signs the way the Worker does (app/server/signing.ts uses aws4fetch) and returns what a server receives. */
async function signWithAws4fetch(input: SignInput = {}): Promise<ReceivedRequest> {
  const url = new URL(input.url ?? URL_)
  const body = input.body ?? BODY
  const signer = new AwsV4Signer({
    url: url.toString(),
    method: 'POST',
    headers: { 'content-type': 'application/json', ...input.headers },
    body,
    accessKeyId: input.accessKeyId ?? CREDENTIAL.accessKeyId,
    secretAccessKey: input.secretAccessKey ?? CREDENTIAL.secretAccessKey,
    sessionToken: input.sessionToken,
    service: input.service ?? 'execute-api',
    region: input.region ?? 'us-east-1',
    datetime: (input.at ?? SIGNED_AT).toISOString().replace(/[:-]|\.\d{3}/g, ''),
  })
  const signed = await signer.sign()
  const rawHeaders = ['Host', url.host]
  signed.headers.forEach((value, name) => rawHeaders.push(name, value))
  return { method: 'POST', url: url.pathname + url.search, rawHeaders, body: new TextEncoder().encode(body) }
}

/** Signs the way the AWS SDK for JavaScript does. */
async function signWithSmithy(input: SignInput = {}): Promise<ReceivedRequest> {
  const url = new URL(input.url ?? URL_)
  const body = input.body ?? BODY
  const signer = new SignatureV4({
    service: input.service ?? 'execute-api',
    region: input.region ?? 'us-east-1',
    credentials: {
      accessKeyId: input.accessKeyId ?? CREDENTIAL.accessKeyId,
      secretAccessKey: input.secretAccessKey ?? CREDENTIAL.secretAccessKey,
      sessionToken: input.sessionToken,
    },
    sha256: Sha256,
  })
  const signed = await signer.sign(
    {
      method: 'POST',
      protocol: url.protocol,
      hostname: url.hostname,
      port: Number(url.port),
      path: url.pathname,
      query: Object.fromEntries(url.searchParams),
      headers: { host: url.host, 'content-type': 'application/json', 'user-agent': 'aws-sdk-js/3', ...input.headers },
      body,
    },
    { signingDate: input.at ?? SIGNED_AT },
  )
  const rawHeaders = Object.entries(signed.headers).flat()
  return { method: 'POST', url: url.pathname + url.search, rawHeaders, body: new TextEncoder().encode(body) }
}

function withBody(req: ReceivedRequest, body: string): ReceivedRequest {
  return { ...req, body: new TextEncoder().encode(body) }
}

describe('verifySigV4', () => {
  it('accepts a request signed by aws4fetch (the Worker’s signer) and names the principal', async () => {
    const result = await verifySigV4(await signWithAws4fetch(), OPTIONS)
    expect(result).toEqual({ ok: true, credential: CREDENTIAL })
  })

  it('accepts a request signed by @smithy/signature-v4 (the AWS SDK’s signer), query string included', async () => {
    const result = await verifySigV4(await signWithSmithy({ url: `${URL_}?b=2&a=x%20y` }), OPTIONS)
    expect(result.ok).toBe(true)
  })

  it('accepts UNSIGNED-PAYLOAD (a streamed body) and hashes the body when the emulator does not allow it', async () => {
    const req = await signWithAws4fetch({ headers: { 'x-amz-content-sha256': 'UNSIGNED-PAYLOAD' } })
    expect((await verifySigV4(req, OPTIONS)).ok).toBe(true)
    expect(await verifySigV4(req, { ...OPTIONS, allowUnsignedPayload: false })).toMatchObject({ errorType: 'InvalidSignatureException' })
  })

  it('accepts temporary credentials only with their session token', async () => {
    const temporary = { ...CREDENTIAL, sessionToken: 'session-token-of-the-test' }
    const options = { ...OPTIONS, credentials: [temporary] }
    expect((await verifySigV4(await signWithAws4fetch({ sessionToken: temporary.sessionToken }), options)).ok).toBe(true)
    expect(await verifySigV4(await signWithAws4fetch(), options)).toMatchObject({
      status: 403,
      errorType: 'AccessDeniedException',
      message: 'The security token included in the request is invalid.',
    })
  })

  it('refuses a wrong secret key with the signature mismatch, showing the canonical request it computed', async () => {
    const result = await verifySigV4(await signWithAws4fetch({ secretAccessKey: 'not-the-secret' }), OPTIONS)
    expect(result).toMatchObject({ ok: false, status: 403, errorType: 'InvalidSignatureException' })
    if (result.ok) return
    expect(result.message).toMatch(/^The request signature we calculated does not match the signature you provided\./)
    expect(result.message).toContain("The Canonical String for this request should have been\n'POST\n/v1/invoke\n\n")
    expect(result.message).toContain('host:127.0.0.1:8788\nx-amz-date:20261201T120000Z\n\nhost;x-amz-date\n')
    expect(result.message).toContain("The String-to-Sign should have been\n'AWS4-HMAC-SHA256\n20261201T120000Z\n20261201/us-east-1/execute-api/aws4_request\n")
  })

  it('refuses an access key it does not know', async () => {
    const result = await verifySigV4(await signWithAws4fetch({ accessKeyId: 'AKIAUNKNOWN000000000' }), OPTIONS)
    expect(result).toEqual({ ok: false, status: 403, errorType: 'AccessDeniedException', message: 'The security token included in the request is invalid.' })
  })

  it('refuses a signature scoped to another region or service', async () => {
    expect(await verifySigV4(await signWithAws4fetch({ region: 'eu-west-1' }), OPTIONS)).toEqual({
      ok: false,
      status: 403,
      errorType: 'InvalidSignatureException',
      message: "Credential should be scoped to a valid region, not 'eu-west-1'. ",
    })
    expect(await verifySigV4(await signWithSmithy({ service: 'lambda' }), OPTIONS)).toMatchObject({
      errorType: 'InvalidSignatureException',
      message: "Credential should be scoped to correct service: 'execute-api'. ",
    })
  })

  it('refuses a signature older than 5 minutes, and one more than 5 minutes ahead', async () => {
    const old = await signWithAws4fetch({ at: new Date(SIGNED_AT.getTime() - 5 * 60_000 - 1000) })
    expect(await verifySigV4(old, OPTIONS)).toEqual({
      ok: false,
      status: 403,
      errorType: 'InvalidSignatureException',
      message: 'Signature expired: 20261201T115459Z is now earlier than 20261201T115500Z (20261201T120000Z - 5 min.)',
    })
    const ahead = await signWithAws4fetch({ at: new Date(SIGNED_AT.getTime() + 6 * 60_000) })
    expect(await verifySigV4(ahead, OPTIONS)).toMatchObject({
      errorType: 'InvalidSignatureException',
      message: 'Signature not yet current: 20261201T120600Z is still later than 20261201T120500Z (20261201T120000Z + 5 min.)',
    })
    // Within the window, either way: accepted.
    expect((await verifySigV4(await signWithAws4fetch({ at: new Date(SIGNED_AT.getTime() - 4 * 60_000) }), OPTIONS)).ok).toBe(true)
  })

  it('refuses a body changed after signing, a hash header that lies, and a changed path', async () => {
    const req = await signWithAws4fetch()
    expect(await verifySigV4(withBody(req, BODY.replace('hello', 'HELLO')), OPTIONS)).toMatchObject({ errorType: 'InvalidSignatureException' })

    const hashed = await signWithSmithy({ headers: { 'x-amz-content-sha256': 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855' } })
    expect(await verifySigV4(hashed, OPTIONS)).toMatchObject({ errorType: 'InvalidSignatureException' })

    expect(await verifySigV4({ ...req, url: '/v1/cancel' }, OPTIONS)).toMatchObject({ errorType: 'InvalidSignatureException' })
  })

  it('refuses a changed signed header but ignores unsigned ones', async () => {
    const req = await signWithAws4fetch({ headers: { 'x-api-key': 'key-one' } })
    const swap = (name: string, value: string): ReceivedRequest => {
      const raw = [...req.rawHeaders]
      const i = raw.findIndex((h, n) => n % 2 === 0 && h.toLowerCase() === name)
      raw[i + 1] = value
      return { ...req, rawHeaders: raw }
    }
    expect(await verifySigV4(swap('x-api-key', 'key-two'), OPTIONS)).toMatchObject({ errorType: 'InvalidSignatureException' })
    // aws4fetch does not sign content-type (its UNSIGNABLE_HEADERS); API Gateway ignores it as well.
    expect((await verifySigV4(swap('content-type', 'text/plain'), OPTIONS)).ok).toBe(true)
  })

  it('answers a request without Authorization with Missing Authentication Token', async () => {
    const req = await signWithAws4fetch()
    const raw: string[] = []
    for (let i = 0; i < req.rawHeaders.length; i += 2) {
      if (req.rawHeaders[i].toLowerCase() !== 'authorization') raw.push(req.rawHeaders[i], req.rawHeaders[i + 1])
    }
    expect(await verifySigV4({ ...req, rawHeaders: raw }, OPTIONS)).toEqual({
      ok: false,
      status: 403,
      errorType: 'MissingAuthenticationTokenException',
      message: 'Missing Authentication Token',
    })
  })

  it('lists what an incomplete Authorization header lacks, as API Gateway does', async () => {
    const bearer = { method: 'POST', url: '/v1/invoke', rawHeaders: ['Host', '127.0.0.1', 'Authorization', 'eyJhbGciOi.token'], body: new Uint8Array() }
    expect(await verifySigV4(bearer, OPTIONS)).toEqual({
      ok: false,
      status: 403,
      errorType: 'IncompleteSignatureException',
      message:
        "Authorization header requires 'Credential' parameter. Authorization header requires 'Signature' parameter. " +
        "Authorization header requires 'SignedHeaders' parameter. Authorization header requires existence of either a " +
        "'X-Amz-Date' or a 'Date' header. Authorization=eyJhbGciOi.token",
    })
    const spaced = { ...bearer, rawHeaders: ['Host', '127.0.0.1', 'Authorization', 'Bearer abc'] }
    expect(await verifySigV4(spaced, OPTIONS)).toMatchObject({
      errorType: 'IncompleteSignatureException',
      message: "'abc' not a valid key=value pair (missing equal-sign) in Authorization header: 'Bearer abc'.",
    })
  })

  it('requires the Host header to be signed', async () => {
    const req = await signWithAws4fetch()
    const raw = req.rawHeaders.map((v) => v.replace('SignedHeaders=host;', 'SignedHeaders='))
    expect(await verifySigV4({ ...req, rawHeaders: raw }, OPTIONS)).toMatchObject({
      errorType: 'InvalidSignatureException',
      message: "'Host' or ':authority' must be a 'SignedHeader' in the AWS Authorization.",
    })
  })
})
