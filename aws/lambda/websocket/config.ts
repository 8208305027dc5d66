/**
 * The WebSocket function's own settings, on top of the proxy's (aws/lambda/config.ts): how the answer
 * is coalesced into PostToConnection calls, and (locally only) where the @connections API is. Parsed
 * once with one zod schema; a bad value is a ConfigError naming the variable, as in the proxy.
 */
import { z } from 'zod'
import { httpUrl, integer, parseEnvironment } from '../config'
import { MAX_POST_BYTES, type CoalescingOptions } from './connection-writer'

/** 8 KB or 50 ms, whichever comes first (bench/websocket-coalescing.md measured the choices). */
export const DEFAULT_FLUSH_BYTES = 8 * 1024
export const DEFAULT_FLUSH_MS = 50

export interface WebSocketConfig {
  coalescing: CoalescingOptions
  /** The @connections endpoint (`http://127.0.0.1:…/v1` locally); undefined in AWS: `https://{domainName}/{stage}` from the event. */
  managementEndpoint: string | undefined
}

const schema = z.object({
  WS_FLUSH_BYTES: integer(1, DEFAULT_FLUSH_BYTES, MAX_POST_BYTES),
  WS_FLUSH_MS: integer(0, DEFAULT_FLUSH_MS, 10_000),
  WEBSOCKET_MANAGEMENT_ENDPOINT: httpUrl(),
})

/** Parses the environment; throws a ConfigError that names every bad variable (aws/lambda/config.ts parseEnvironment). */
export function parseWebSocketConfig(env: Record<string, string | undefined>): WebSocketConfig {
  const e = parseEnvironment(schema, env)
  return { coalescing: { maxBytes: e.WS_FLUSH_BYTES, maxDelayMs: e.WS_FLUSH_MS }, managementEndpoint: e.WEBSOCKET_MANAGEMENT_ENDPOINT }
}
