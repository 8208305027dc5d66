import { env } from 'cloudflare:test'
import { describe, expect, it } from 'vitest'
import { TEST_AWS_CREDENTIAL, TEST_AWS_REGION } from '../../test-support/test-credentials'
import { marker, seenWith, upstreamUrl } from '../test/upstream-client'
import { signedFetch } from './signing'

// Signed inside workerd by aws4fetch, verified by the test upstream in Node with the local
// emulators' verifier (aws/local/sigv4/verify.ts), which recomputes the signature with the AWS SDK's
// signer: the two libraries must agree for these to pass.
const aws = { accessKeyId: TEST_AWS_CREDENTIAL.accessKeyId, secretAccessKey: TEST_AWS_CREDENTIAL.secretAccessKey, region: TEST_AWS_REGION }

function invoke(send: ReturnType<typeof signedFetch>, m: string, body?: BodyInit) {
  return send(`${upstreamUrl()}/v1/invoke`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'text/event-stream', 'x-api-key': env.UPSTREAM_API_KEY ?? '' },
    body: body ?? JSON.stringify({ prompt: `answer:${m}`, sessionId: 's'.repeat(40) }),
  })
}

describe('signedFetch', () => {
  it('signs the invoke body (its hash is in the signature) and the upstream accepts it', async () => {
    const m = marker()
    const res = await invoke(signedFetch(aws, 'execute-api'), m)
    expect(res.status).toBe(200)
    expect(await res.text()).toContain('event: done')
    const [seen] = await seenWith(m)
    expect(seen.sigv4).toBe('valid')
    expect(seen.headers.authorization).toMatch(
      new RegExp(`^AWS4-HMAC-SHA256 Credential=${TEST_AWS_CREDENTIAL.accessKeyId}/\\d{8}/us-east-1/execute-api/aws4_request, SignedHeaders=[a-z0-9;-]*x-api-key[a-z0-9;-]*, Signature=[0-9a-f]{64}$`),
    )
    expect(seen.headers['x-amz-content-sha256']).toBeUndefined()
  })

  it('sends a streamed body as UNSIGNED-PAYLOAD, still signed', async () => {
    const m = marker()
    const bytes = new TextEncoder().encode(JSON.stringify({ prompt: `answer:${m}`, sessionId: 's'.repeat(40) }))
    const stream = new ReadableStream<Uint8Array>({
      start(c) {
        c.enqueue(bytes)
        c.close()
      },
    })
    const res = await invoke(signedFetch(aws, 'execute-api'), m, stream)
    expect(res.status).toBe(200)
    await res.body?.cancel()
    const [seen] = await seenWith(m)
    expect([seen.sigv4, seen.headers['x-amz-content-sha256']]).toEqual(['valid', 'UNSIGNED-PAYLOAD'])
  })

  it('a wrong secret, region or temporary token is refused with API Gateway’s 403', async () => {
    const wrongSecret = await invoke(signedFetch({ ...aws, secretAccessKey: 'not-the-secret' }, 'execute-api'), marker())
    expect([wrongSecret.status, wrongSecret.headers.get('x-amzn-errortype')]).toEqual([403, 'InvalidSignatureException'])
    expect(((await wrongSecret.json()) as { message: string }).message).toMatch(/^The request signature we calculated does not match/)

    const wrongRegion = await invoke(signedFetch({ ...aws, region: 'eu-west-1' }, 'execute-api'), marker())
    expect(await wrongRegion.json()).toEqual({ message: "Credential should be scoped to a valid region, not 'eu-west-1'. " })

    const strayToken = await invoke(signedFetch({ ...aws, sessionToken: 'not-issued' }, 'execute-api'), marker())
    expect([strayToken.status, strayToken.headers.get('x-amzn-errortype')]).toEqual([403, 'AccessDeniedException'])
  })

  it('does not retry a refused or failed request (each would start the agent again)', async () => {
    const m = marker()
    const res = await signedFetch(aws, 'execute-api')(`${upstreamUrl()}/v1/invoke`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-api-key': env.UPSTREAM_API_KEY ?? '' },
      body: JSON.stringify({ prompt: `status503:${m}`, sessionId: 's'.repeat(40) }),
    })
    expect(res.status).toBe(503)
    expect(await seenWith(m)).toHaveLength(1)
  })
})
