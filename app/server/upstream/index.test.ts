import { describe, expect, it } from 'vitest'
import { ConfigError, readConfig } from '../config'
import { upstreamFor } from '.'

const KEYS = { UPSTREAM_API_KEY: 'k', UPSTREAM_AWS_ACCESS_KEY_ID: 'AKID', UPSTREAM_AWS_SECRET_ACCESS_KEY: 'secret', UPSTREAM_LAMBDA_FUNCTION: 'fn', UPSTREAM_LAMBDA_CANCEL_FUNCTION: 'fn-cancel' }

describe('upstreamFor', () => {
  it('gives each known UPSTREAM_KIND its own path, rest by default', () => {
    expect(upstreamFor(readConfig({ UPSTREAM_URL: 'http://u/v1/invoke', ...KEYS })).kind).toBe('rest')
    for (const kind of ['rest', 'lambda-agent', 'invoke-stream', 'function-url'] as const) {
      expect(upstreamFor(readConfig({ UPSTREAM_URL: 'http://u/v1/invoke', ...KEYS, UPSTREAM_KIND: kind })).kind).toBe(kind)
    }
    expect(upstreamFor(readConfig({ UPSTREAM_URL: 'wss://u.example/v1', ...KEYS, UPSTREAM_KIND: 'websocket' })).kind).toBe('websocket')
  })

  it('an unknown UPSTREAM_KIND is a configuration error naming it (the route answers 500, nothing forwarded: app/routes/api/invoke.test.ts)', () => {
    expect(() => readConfig({ UPSTREAM_URL: 'http://127.0.0.1:1/v1/invoke', ...KEYS, UPSTREAM_KIND: 'carrier-pigeon' })).toThrow(ConfigError)
    expect(() => readConfig({ UPSTREAM_URL: 'http://127.0.0.1:1/v1/invoke', ...KEYS, UPSTREAM_KIND: 'carrier-pigeon' })).toThrow(/UPSTREAM_KIND/)
  })
})
