import { DEFAULT_MAX_PROMPT_CHARS } from '../../protocol/request'
import type { Bindings } from '../global'
import { UPSTREAM_KINDS, type UpstreamKind } from './upstream/types'

export interface EdgeConfig {
  /** Which path reaches the agent (app/server/upstream/types.ts); `undefined` when UPSTREAM_KIND names none. */
  upstreamKind: UpstreamKind | undefined
  upstreamUrl: string
  cancelUrl: string
  apiKey: string
  maxPromptChars: number
  firstByteTimeoutMs: number
  /** SigV4 credentials of the edge's principal (function-url, invoke-stream, websocket): Wrangler secrets. */
  aws: AwsSigning
  /** invoke-stream: the function's name or ARN, and Lambda's endpoint (`https://lambda.{region}.amazonaws.com` unless set). */
  lambdaFunction: string
  lambdaEndpoint: string
}

export interface AwsSigning {
  accessKeyId: string
  secretAccessKey: string
  sessionToken?: string
  region: string
}

export const DEFAULT_FIRST_BYTE_TIMEOUT_MS = 30_000
/** Matches `period` of the [[ratelimits]] binding in wrangler.toml: the binding does not say when a window ends. */
export const RATE_LIMIT_RETRY_AFTER_S = 60

/** Reads the Worker's vars and secrets once per request; strings from wrangler.toml become numbers here. */
export function readConfig(env: Partial<Bindings>): EdgeConfig {
  const upstreamUrl = env.UPSTREAM_URL ?? ''
  const kind = env.UPSTREAM_KIND || 'rest'
  const region = env.UPSTREAM_AWS_REGION || 'us-east-1'
  return {
    upstreamKind: (UPSTREAM_KINDS as readonly string[]).includes(kind) ? (kind as UpstreamKind) : undefined,
    upstreamUrl,
    cancelUrl: env.UPSTREAM_CANCEL_URL || defaultCancelUrl(upstreamUrl),
    apiKey: env.UPSTREAM_API_KEY ?? '',
    maxPromptChars: positiveInt(env.MAX_PROMPT_CHARS, DEFAULT_MAX_PROMPT_CHARS),
    firstByteTimeoutMs: positiveInt(env.UPSTREAM_FIRST_BYTE_TIMEOUT_MS, DEFAULT_FIRST_BYTE_TIMEOUT_MS),
    aws: {
      accessKeyId: env.UPSTREAM_AWS_ACCESS_KEY_ID ?? '',
      secretAccessKey: env.UPSTREAM_AWS_SECRET_ACCESS_KEY ?? '',
      ...(env.UPSTREAM_AWS_SESSION_TOKEN ? { sessionToken: env.UPSTREAM_AWS_SESSION_TOKEN } : {}),
      region,
    },
    lambdaFunction: env.UPSTREAM_LAMBDA_FUNCTION ?? '',
    lambdaEndpoint: (env.UPSTREAM_LAMBDA_ENDPOINT || `https://lambda.${region}.amazonaws.com`).replace(/\/+$/, ''),
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
