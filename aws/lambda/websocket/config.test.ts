import { describe, expect, it } from 'vitest'
import { ConfigError } from '../config'
import { MAX_POST_BYTES } from './connection-writer'
import { DEFAULT_FLUSH_BYTES, DEFAULT_FLUSH_MS, parseWebSocketConfig } from './config'

describe('parseWebSocketConfig', () => {
  it('takes the defaults for unset or blank variables, and the values given', () => {
    expect(parseWebSocketConfig({})).toEqual({ coalescing: { maxBytes: DEFAULT_FLUSH_BYTES, maxDelayMs: DEFAULT_FLUSH_MS }, managementEndpoint: undefined })
    expect(parseWebSocketConfig({ WS_FLUSH_BYTES: ' ', WS_FLUSH_MS: '' })).toMatchObject({ coalescing: { maxBytes: DEFAULT_FLUSH_BYTES, maxDelayMs: DEFAULT_FLUSH_MS } })
    expect(parseWebSocketConfig({ WS_FLUSH_BYTES: '1', WS_FLUSH_MS: '0', WEBSOCKET_MANAGEMENT_ENDPOINT: 'http://127.0.0.1:9/v1' })).toEqual({
      coalescing: { maxBytes: 1, maxDelayMs: 0 },
      managementEndpoint: 'http://127.0.0.1:9/v1',
    })
  })

  it.each([
    [{ WS_FLUSH_BYTES: String(MAX_POST_BYTES + 1) }, `WS_FLUSH_BYTES must be an integer from 1 to ${MAX_POST_BYTES}, got "${MAX_POST_BYTES + 1}"`],
    [{ WS_FLUSH_BYTES: 'lots' }, `WS_FLUSH_BYTES must be an integer from 1 to ${MAX_POST_BYTES}, got "lots"`],
    [{ WS_FLUSH_MS: '-1' }, 'WS_FLUSH_MS must be an integer from 0 to 10000, got "-1"'],
    [{ WEBSOCKET_MANAGEMENT_ENDPOINT: 'wss://example.com' }, 'WEBSOCKET_MANAGEMENT_ENDPOINT must be an http(s) URL, got "wss://example.com"'],
  ])('refuses %j with a ConfigError naming the variable, as the proxy does', (env, message) => {
    expect(() => parseWebSocketConfig(env)).toThrow(ConfigError)
    expect(() => parseWebSocketConfig(env)).toThrow(message)
  })

  it('names every bad variable at once', () => {
    expect(() => parseWebSocketConfig({ WS_FLUSH_BYTES: '0', WS_FLUSH_MS: 'soon' })).toThrow(
      `WS_FLUSH_BYTES must be an integer from 1 to ${MAX_POST_BYTES}, got "0"; WS_FLUSH_MS must be an integer from 0 to 10000, got "soon"`,
    )
  })
})
