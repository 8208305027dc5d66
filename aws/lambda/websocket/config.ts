/**
 * The WebSocket function's own settings, on top of the proxy's (aws/lambda/config.ts): how the answer
 * is coalesced into PostToConnection calls, and (locally only) where the @connections API is. Parsed
 * once with one zod schema; a bad value is a ConfigError naming the variable, as in the proxy.
 */
import { z } from 'zod'
import { ConfigError } from '../config'
import { MAX_POST_BYTES, type CoalescingOptions } from './connection-writer'

/** 8 KB or 50 ms, whichever comes first (bench/websocket-coalescing.md measured the choices). */
export const DEFAULT_FLUSH_BYTES = 8 * 1024
export const DEFAULT_FLUSH_MS = 50

export interface WebSocketConfig {
  coalescing: CoalescingOptions
  /** The @connections endpoint (`http://127.0.0.1:…/v1` locally); undefined in AWS: `https://{domainName}/{stage}` from the event. */
  managementEndpoint: string | undefined
}

const blankIsUnset = (v: unknown) => (typeof v === 'string' && v.trim() === '' ? undefined : v)

const schema = z.object({
  WS_FLUSH_BYTES: z.preprocess(blankIsUnset, z.coerce.number().int().min(1).max(MAX_POST_BYTES).default(DEFAULT_FLUSH_BYTES)),
  WS_FLUSH_MS: z.preprocess(blankIsUnset, z.coerce.number().int().min(0).max(10_000).default(DEFAULT_FLUSH_MS)),
  WEBSOCKET_MANAGEMENT_ENDPOINT: z.preprocess(blankIsUnset, z.url({ protocol: /^https?$/ }).optional()),
})

export function parseWebSocketConfig(env: Record<string, string | undefined>): WebSocketConfig {
  const parsed = schema.safeParse(env)
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${String(i.path[0])} ${i.message} (got ${JSON.stringify(env[String(i.path[0])])})`)
    throw new ConfigError(problems.join('; '))
  }
  const e = parsed.data
  return { coalescing: { maxBytes: e.WS_FLUSH_BYTES, maxDelayMs: e.WS_FLUSH_MS }, managementEndpoint: e.WEBSOCKET_MANAGEMENT_ENDPOINT }
}
