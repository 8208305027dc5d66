import { z } from 'zod'
import { DEFAULT_MAX_PROMPT_CHARS } from '../../protocol/request'
import type { Bindings } from '../global'
import { UPSTREAM_KINDS, type UpstreamKind } from './upstream/types'

/** Matches `period` of the [[ratelimits]] binding in wrangler.toml: the binding does not say when a window ends. */
export const RATE_LIMIT_RETRY_AFTER_S = 60
export const DEFAULT_FIRST_BYTE_TIMEOUT_MS = 30_000
export const DEFAULT_REQUEST_BODY_TIMEOUT_MS = 10_000

/** A whole number >= 1 given as a string (wrangler.toml's vars are strings); absent or empty means the default. */
const positiveInt = (fallback: number) =>
  z
    .string()
    .optional()
    .transform((s, ctx) => {
      if (s === undefined || s.trim() === '') return fallback
      const n = Number(s)
      if (Number.isInteger(n) && n > 0) return n
      ctx.addIssue({ code: 'custom', message: `must be an integer >= 1, got "${s}"` })
      return z.NEVER
    })

const httpUrl = z.url({ protocol: /^https?$/, error: 'must be an http(s) URL' })
/** UPSTREAM_URL: http(s), or ws(s) for the websocket path (checked against the kind below). */
const upstreamUrl = z.url({ protocol: /^(https?|wss?)$/, error: 'must be an http(s) URL (ws(s) for UPSTREAM_KIND websocket)' })

/** SigV4 credentials of the edge's principal (function-url, invoke-stream, websocket): Wrangler secrets. */
export interface AwsSigning {
  accessKeyId: string
  secretAccessKey: string
  sessionToken?: string
  region: string
}

/** The paths that also send the API key (API Gateway's usage plan); every path signs with the AWS keys (app/server/signing.ts). */
const API_KEY_KINDS: readonly UpstreamKind[] = ['rest', 'lambda-agent']

const optionalText = z.string().optional()

/**
 * The Worker's vars and secrets (wrangler.toml `[vars]`, `wrangler secret`, .dev.vars), one schema.
 * A bad value, or one the chosen UPSTREAM_KIND needs and lacks, is an error naming the variable,
 * never a silent default.
 */
const workerVars = z.object({
  UPSTREAM_KIND: z
    .union([z.literal(''), z.enum(UPSTREAM_KINDS)], { error: `must be one of ${UPSTREAM_KINDS.join(', ')}` })
    .optional()
    .transform((kind): UpstreamKind => kind || 'rest'),
  UPSTREAM_URL: z.union([z.literal(''), upstreamUrl]).optional(),
  UPSTREAM_CANCEL_URL: z.union([z.literal(''), httpUrl]).optional(),
  UPSTREAM_API_KEY: optionalText,
  MAX_PROMPT_CHARS: positiveInt(DEFAULT_MAX_PROMPT_CHARS),
  UPSTREAM_FIRST_BYTE_TIMEOUT_MS: positiveInt(DEFAULT_FIRST_BYTE_TIMEOUT_MS),
  REQUEST_BODY_TIMEOUT_MS: positiveInt(DEFAULT_REQUEST_BODY_TIMEOUT_MS),
  UPSTREAM_AWS_ACCESS_KEY_ID: optionalText,
  UPSTREAM_AWS_SECRET_ACCESS_KEY: optionalText,
  UPSTREAM_AWS_SESSION_TOKEN: optionalText,
  UPSTREAM_AWS_REGION: z.string().regex(/^[a-z]{2}(-[a-z]+)+-\d+$/, { error: 'must be an AWS region such as us-east-1' }).or(z.literal('')).optional(),
  UPSTREAM_LAMBDA_FUNCTION: optionalText,
  UPSTREAM_LAMBDA_CANCEL_FUNCTION: optionalText,
  UPSTREAM_LAMBDA_ENDPOINT: z.union([z.literal(''), httpUrl]).optional(),
})

/** The names of every var and secret the Worker reads. */
export const WORKER_VAR_NAMES = workerVars.keyof().options

export const workerConfigSchema = workerVars
  .superRefine((v, ctx) => {
    const need = (name: keyof typeof v, why: string) => {
      if (!v[name]) ctx.addIssue({ code: 'custom', path: [name], message: `is not set (${why})` })
    }
    if (v.UPSTREAM_KIND !== 'invoke-stream') need('UPSTREAM_URL', `UPSTREAM_KIND ${v.UPSTREAM_KIND} sends to it`)
    if (v.UPSTREAM_URL && /^wss?:/i.test(v.UPSTREAM_URL) !== (v.UPSTREAM_KIND === 'websocket')) {
      const want = v.UPSTREAM_KIND === 'websocket' ? 'a wss:// (ws:// locally) WebSocket API URL' : 'an http(s) URL'
      ctx.addIssue({ code: 'custom', path: ['UPSTREAM_URL'], message: `must be ${want} for UPSTREAM_KIND ${v.UPSTREAM_KIND}` })
    }
    if (API_KEY_KINDS.includes(v.UPSTREAM_KIND)) {
      need('UPSTREAM_API_KEY', 'a secret: `wrangler secret put UPSTREAM_API_KEY`, locally in .dev.vars')
    }
    // A signature for another region than the endpoint's is refused by AWS on every request (403
    // "Credential should be scoped to a valid region"): caught here, at the first request, instead.
    const urlRegion = regionOfAwsUrl(v.UPSTREAM_URL)
    if (urlRegion && v.UPSTREAM_AWS_REGION && v.UPSTREAM_AWS_REGION !== urlRegion) {
      ctx.addIssue({
        code: 'custom',
        path: ['UPSTREAM_AWS_REGION'],
        message: `is ${v.UPSTREAM_AWS_REGION} but UPSTREAM_URL is in ${urlRegion}: AWS would refuse every signature (leave it unset to take the URL's)`,
      })
    }
    const signs = 'the Worker signs its upstream requests with it: `wrangler secret put`, locally in .dev.vars'
    need('UPSTREAM_AWS_ACCESS_KEY_ID', signs)
    need('UPSTREAM_AWS_SECRET_ACCESS_KEY', signs)
    if (v.UPSTREAM_KIND === 'invoke-stream') {
      need('UPSTREAM_LAMBDA_FUNCTION', 'UPSTREAM_KIND invoke-stream calls it')
      // A cancel must not wait for a free environment of the function whose answers it stops (issue 11).
      need('UPSTREAM_LAMBDA_CANCEL_FUNCTION', "UPSTREAM_KIND invoke-stream cancels through it: the stack's LambdaCancelFunctionName output")
    }
  })
  .transform((v) => {
    const upstreamUrl = v.UPSTREAM_URL ?? ''
    const region = v.UPSTREAM_AWS_REGION || regionOfAwsUrl(upstreamUrl) || 'us-east-1'
    return {
      /** Which path reaches the agent (app/server/upstream/types.ts). */
      upstreamKind: v.UPSTREAM_KIND,
      upstreamUrl,
      cancelUrl: v.UPSTREAM_CANCEL_URL || (upstreamUrl && defaultCancelUrl(upstreamUrl)),
      apiKey: v.UPSTREAM_API_KEY ?? '',
      maxPromptChars: v.MAX_PROMPT_CHARS,
      firstByteTimeoutMs: v.UPSTREAM_FIRST_BYTE_TIMEOUT_MS,
      /** How long a request body may take to arrive, from the start of the request: 408 after. */
      bodyTimeoutMs: v.REQUEST_BODY_TIMEOUT_MS,
      aws: {
        accessKeyId: v.UPSTREAM_AWS_ACCESS_KEY_ID ?? '',
        secretAccessKey: v.UPSTREAM_AWS_SECRET_ACCESS_KEY ?? '',
        ...(v.UPSTREAM_AWS_SESSION_TOKEN ? { sessionToken: v.UPSTREAM_AWS_SESSION_TOKEN } : {}),
        region,
      } satisfies AwsSigning as AwsSigning,
      /** invoke-stream: the function's name or ARN, and Lambda's endpoint (`https://lambda.{region}.amazonaws.com` unless set). */
      lambdaFunction: v.UPSTREAM_LAMBDA_FUNCTION ?? '',
      /** invoke-stream: the cancel function (the same code, its own reserved concurrency: aws/lib/edge-agent-chat-stack.ts). */
      lambdaCancelFunction: v.UPSTREAM_LAMBDA_CANCEL_FUNCTION ?? '',
      lambdaEndpoint: (v.UPSTREAM_LAMBDA_ENDPOINT || `https://lambda.${region}.amazonaws.com`).replace(/\/+$/, ''),
    }
  })

export type EdgeConfig = z.output<typeof workerConfigSchema>

/**
 * The region an AWS endpoint's host name carries: an API Gateway stage (REST or WebSocket,
 * `{id}.execute-api.{region}.amazonaws.com`) or a Lambda Function URL (`{id}.lambda-url.{region}.on.aws`).
 * Undefined for any other URL (the local cloud, a custom domain).
 */
export function regionOfAwsUrl(url: string | undefined): string | undefined {
  if (!url || !URL.canParse(url)) return undefined
  const host = new URL(url).hostname
  return /\.(?:execute-api|lambda-url)\.([a-z]{2}(?:-[a-z]+)+-\d+)\.(?:amazonaws\.com(?:\.cn)?|on\.aws)$/.exec(host)?.[1]
}

/** A bad Worker configuration; the message names every variable at fault. */
export class ConfigError extends Error {
  override name = 'ConfigError'
}

/** Parses the Worker's configuration; throws a ConfigError naming each bad variable. */
export function readConfig(env: Partial<Bindings>): EdgeConfig {
  const result = workerConfigSchema.safeParse(env)
  if (result.success) return result.data
  const problems = result.error.issues.map((i) => `${i.path.join('.') || 'env'} ${i.message}`)
  throw new ConfigError(`Worker configuration: ${problems.join('; ')}.`)
}

// An isolate sees the same env object on every request: parse it once.
const parsed = new WeakMap<object, EdgeConfig>()

/** `readConfig`, once per env object. */
export function configOf(env: Partial<Bindings>): EdgeConfig {
  let config = parsed.get(env)
  if (!config) parsed.set(env, (config = readConfig(env)))
  return config
}

/** `…/v1/invoke` → `…/v1/cancel` (the shared contract); any other URL gets `/cancel` appended. */
export function defaultCancelUrl(upstreamUrl: string): string {
  const url = new URL(upstreamUrl)
  const path = url.pathname.replace(/\/+$/, '')
  url.pathname = /\/invoke$/.test(path) ? path.replace(/invoke$/, 'cancel') : `${path}/cancel`
  return url.toString()
}
