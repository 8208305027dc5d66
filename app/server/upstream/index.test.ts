import { describe, expect, it } from 'vitest'
import { readConfig } from '../config'
import { upstreamFor } from '.'

describe('upstreamFor', () => {
  it('gives each known UPSTREAM_KIND its own path, rest by default', () => {
    expect(upstreamFor(readConfig({ UPSTREAM_URL: 'http://u/v1/invoke' })).kind).toBe('rest')
    for (const kind of ['rest', 'lambda-agent'] as const) {
      expect(upstreamFor(readConfig({ UPSTREAM_URL: 'http://u/v1/invoke', UPSTREAM_KIND: kind })).kind).toBe(kind)
    }
  })

  it('an unknown UPSTREAM_KIND is a clear 500 for every request, nothing forwarded', async () => {
    const upstream = upstreamFor(readConfig({ UPSTREAM_URL: 'http://127.0.0.1:1/v1/invoke', UPSTREAM_KIND: 'carrier-pigeon' }))
    expect(await upstream.open({ prompt: 'x', sessionId: 's'.repeat(40) }, new AbortController().signal)).toEqual({
      ok: false,
      status: 500,
      code: 'internal_error',
      message: expect.stringMatching(/UPSTREAM_KIND/),
    })
  })
})
