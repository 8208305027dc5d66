import { describe, expect, it } from 'vitest'
import { ConfigError, readConfig } from '../config'
import { upstreamFor } from '.'

describe('upstreamFor', () => {
  it('gives each known UPSTREAM_KIND its own path, rest by default', () => {
    expect(upstreamFor(readConfig({ UPSTREAM_URL: 'http://u/v1/invoke', UPSTREAM_API_KEY: 'k' })).kind).toBe('rest')
    for (const kind of ['rest', 'lambda-agent'] as const) {
      expect(upstreamFor(readConfig({ UPSTREAM_URL: 'http://u/v1/invoke', UPSTREAM_API_KEY: 'k', UPSTREAM_KIND: kind })).kind).toBe(kind)
    }
  })

  it('an unknown UPSTREAM_KIND is a configuration error naming it (the route answers 500, nothing forwarded: app/routes/api/invoke.test.ts)', () => {
    expect(() => readConfig({ UPSTREAM_URL: 'http://127.0.0.1:1/v1/invoke', UPSTREAM_API_KEY: 'k', UPSTREAM_KIND: 'carrier-pigeon' })).toThrow(ConfigError)
    expect(() => readConfig({ UPSTREAM_URL: 'http://127.0.0.1:1/v1/invoke', UPSTREAM_API_KEY: 'k', UPSTREAM_KIND: 'carrier-pigeon' })).toThrow(/UPSTREAM_KIND/)
  })
})
