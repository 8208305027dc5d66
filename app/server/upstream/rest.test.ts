import { describe, expect, it } from 'vitest'
import { readConfig } from '../config'
import { restUpstream } from './rest'
import { awsVars, marker, seenWith, upstreamUrl } from '../../test/upstream-client'
import { env } from 'cloudflare:test'

const config = (overrides: Record<string, string> = {}) =>
  readConfig({ UPSTREAM_URL: `${upstreamUrl()}/v1/invoke`, UPSTREAM_API_KEY: env.UPSTREAM_API_KEY, UPSTREAM_FIRST_BYTE_TIMEOUT_MS: '500', ...awsVars(), ...overrides })

describe('restUpstream.open', () => {
  it('returns the event stream of a 200 answer', async () => {
    const m = marker()
    const result = await restUpstream(config()).open({ prompt: `answer:${m}`, sessionId: 's'.repeat(40) }, new AbortController().signal)
    expect(result.ok).toBe(true)
    if (result.ok) expect(await new Response(result.body).text()).toContain('event: done')
  })

  it('signs the request for execute-api with the edge principal’s keys, and sends the API key too', async () => {
    const m = marker()
    await restUpstream(config()).open({ prompt: `answer:${m}`, sessionId: 's'.repeat(40) }, new AbortController().signal)
    const [seen] = await seenWith(m)
    expect(seen.sigv4).toBe('valid')
    expect(seen.headers.authorization).toMatch(/^AWS4-HMAC-SHA256 Credential=[A-Z0-9]+\/\d{8}\/us-east-1\/execute-api\/aws4_request, /)
    expect(seen.headers['x-api-key']).toBe(env.UPSTREAM_API_KEY)
  })

  it('a wrong secret key is 502 upstream_auth: the upstream refused the signature', async () => {
    const m = marker()
    const result = await restUpstream(config({ UPSTREAM_AWS_SECRET_ACCESS_KEY: 'not-the-secret' })).open({ prompt: `answer:${m}`, sessionId: 's'.repeat(40) }, new AbortController().signal)
    expect(result).toMatchObject({ ok: false, status: 502, code: 'upstream_auth' })
    expect((await seenWith(m))[0].sigv4).toBe('InvalidSignatureException')
  })

  it('a wrong API key is 502 upstream_auth, and the key is what the upstream saw', async () => {
    const m = marker()
    const result = await restUpstream(config({ UPSTREAM_API_KEY: 'wrong' })).open({ prompt: `answer:${m}`, sessionId: 's'.repeat(40) }, new AbortController().signal)
    expect(result).toMatchObject({ ok: false, status: 502, code: 'upstream_auth' })
    expect((await seenWith(m))[0].headers['x-api-key']).toBe('wrong')
  })

  it('no response headers within the first-byte timeout is 504 upstream_timeout, and the request is aborted', async () => {
    const m = marker()
    const result = await restUpstream(config({ UPSTREAM_FIRST_BYTE_TIMEOUT_MS: '200' })).open({ prompt: `hang:${m}`, sessionId: 's'.repeat(40) }, new AbortController().signal)
    expect(result).toMatchObject({ ok: false, status: 504, code: 'upstream_timeout' })
    await expect.poll(async () => (await seenWith(m))[0]?.aborted).toBe(true)
  })
})
