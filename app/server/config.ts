import { DEFAULT_MAX_PROMPT_CHARS } from '../../protocol/request'
import type { Bindings } from '../global'

export interface EdgeConfig {
  upstreamUrl: string
  cancelUrl: string
  apiKey: string
  maxPromptChars: number
  firstByteTimeoutMs: number
}

export const DEFAULT_FIRST_BYTE_TIMEOUT_MS = 30_000
/** Matches `period` of the [[ratelimits]] binding in wrangler.toml: the binding does not say when a window ends. */
export const RATE_LIMIT_RETRY_AFTER_S = 60

/** Reads the Worker's vars and secrets once per request; strings from wrangler.toml become numbers here. */
export function readConfig(env: Partial<Bindings>): EdgeConfig {
  const upstreamUrl = env.UPSTREAM_URL ?? ''
  return {
    upstreamUrl,
    cancelUrl: env.UPSTREAM_CANCEL_URL || defaultCancelUrl(upstreamUrl),
    apiKey: env.UPSTREAM_API_KEY ?? '',
    maxPromptChars: positiveInt(env.MAX_PROMPT_CHARS, DEFAULT_MAX_PROMPT_CHARS),
    firstByteTimeoutMs: positiveInt(env.UPSTREAM_FIRST_BYTE_TIMEOUT_MS, DEFAULT_FIRST_BYTE_TIMEOUT_MS),
  }
}

/** `…/v1/invoke` → `…/v1/cancel` (the shared contract); any other URL gets `/cancel` appended. */
export function defaultCancelUrl(upstreamUrl: string): string {
  if (!upstreamUrl) return ''
  const url = new URL(upstreamUrl)
  const path = url.pathname.replace(/\/+$/, '')
  url.pathname = /\/invoke$/.test(path) ? path.replace(/invoke$/, 'cancel') : `${path}/cancel`
  return url.toString()
}

function positiveInt(value: string | undefined, fallback: number): number {
  const n = Number(value)
  return Number.isInteger(n) && n > 0 ? n : fallback
}
