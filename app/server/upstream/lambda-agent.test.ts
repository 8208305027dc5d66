import { env } from 'cloudflare:test'
import { describe, expect, it } from 'vitest'
import { readConfig } from '../config'
import { upstreamFor } from '.'
import { awsVars, marker, seenWith, upstreamUrl } from '../../test/upstream-client'

const config = () =>
  readConfig({ UPSTREAM_KIND: 'lambda-agent', UPSTREAM_URL: `${upstreamUrl()}/v1/invoke`, UPSTREAM_API_KEY: env.UPSTREAM_API_KEY, ...awsVars() })

describe('the lambda-agent path', () => {
  it('POSTs the turn with its history and owner to its own API’s invoke, signed for execute-api with the API key', async () => {
    const m = marker()
    const history = [
      { role: 'user' as const, text: 'earlier 日本 🌊' },
      { role: 'assistant' as const, text: 'answer' },
    ]
    const result = await upstreamFor(config()).open({ prompt: `answer:${m}`, sessionId: 's'.repeat(40), userId: 'owner-1', history }, new AbortController().signal)
    expect(result.ok).toBe(true)
    if (result.ok) expect(await new Response(result.body).text()).toContain('event: done')
    const [seen] = await seenWith(m)
    expect(seen.path).toBe('/v1/invoke')
    expect(JSON.parse(seen.body)).toEqual({ prompt: `answer:${m}`, sessionId: 's'.repeat(40), userId: 'owner-1', history })
    expect(seen.sigv4).toBe('valid')
    expect(seen.headers['x-api-key']).toBe(env.UPSTREAM_API_KEY)
  })

  it('cancel sends no request (the agent runs in the invocation whose stream is closed) and says nothing was cancelled by it', async () => {
    const m = marker()
    const upstream = upstreamFor(config())
    expect(upstream.kind).toBe('lambda-agent')
    expect(await upstream.cancel(`${m}-session-0123456789`)).toEqual({ status: 0, cancelled: false, method: 'close_stream' })
    expect(await seenWith(m)).toEqual([])
  })
})
