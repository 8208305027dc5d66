/**
 * The Lambda proxy's configuration: its environment, parsed once with one zod schema. A missing or
 * bad value is a ConfigError naming the variable; the handler answers every request with a 500 and
 * logs that error (aws/lambda/handler.ts), so a typo never turns into a silent default.
 * The CDK app sets these variables (aws/lib/streaming-proxy.ts) from its own validated configuration.
 */
import { z } from 'zod'
import { DEFAULT_MAX_PROMPT_CHARS } from '../../protocol/request'

export const DEFAULT_HEARTBEAT_MS = 15_000
export const DEFAULT_CANCEL_TIMEOUT_MS = 3_000

export interface LambdaConfig {
  /** The AgentCore runtime the proxy invokes (AGENT_RUNTIME_ARN). */
  agentRuntimeArn: string
  /** Its endpoint (AGENT_QUALIFIER). */
  qualifier: string
  /** A local AgentCore emulator (AGENTCORE_ENDPOINT); undefined in AWS. */
  agentCoreEndpoint: string | undefined
  /** Longest prompt accepted, in characters (code points), as at the edge (MAX_PROMPT_CHARS). */
  maxPromptChars: number
  /** Silence after which the stream gets a `: ping` comment (HEARTBEAT_MS). */
  heartbeatMs: number
  /** How long the cancel invocation may take before StopRuntimeSession is used (CANCEL_TIMEOUT_MS). */
  cancelTimeoutMs: number
  /** Whether logs may hold prompt text (LOG_PROMPTS). */
  logPrompts: boolean
}

export class ConfigError extends Error {
  override name = 'ConfigError'
}

type Env = Record<string, string | undefined>

/** An unset or blank variable takes its default: the CDK app and the local cloud only set what they change. */
export const blankIsUnset = (v: unknown) => (typeof v === 'string' && v.trim() === '' ? undefined : typeof v === 'string' ? v.trim() : v)
/** A whole number from `min` to `max`, `fallback` when unset. */
export const integer = (min: number, fallback: number, max?: number) => {
  const n = z.coerce.number().int().min(min)
  return z
    .preprocess(blankIsUnset, (max === undefined ? n : n.max(max)).default(fallback))
    .meta({ description: max === undefined ? `an integer >= ${min}` : `an integer from ${min} to ${max}` })
}
/** `true` or `false`, false when unset. */
export const flag = () => z.preprocess(blankIsUnset, z.enum(['true', 'false']).default('false')).meta({ description: 'true or false' })
/** An http(s) URL, undefined when unset. */
export const httpUrl = () => z.preprocess(blankIsUnset, z.url({ protocol: /^https?$/ }).optional()).meta({ description: 'an http(s) URL' })

// The runtime ARN pattern of AgentCore's API reference (bedrock-agentcore-control, RuntimeTargetConfiguration.arn).
const RUNTIME_ARN = /^arn:aws(-[^:]+)?:bedrock-agentcore:[a-z0-9-]+:[0-9]{12}:runtime\/[a-zA-Z][a-zA-Z0-9_]{0,47}-[a-zA-Z0-9]{10}$/
// AgentCore endpoint names: a letter, then letters, digits and underscores, up to 48 characters.
const QUALIFIER = /^[A-Za-z][A-Za-z0-9_]{0,47}$/

const schema = z.object({
  AGENT_RUNTIME_ARN: z.preprocess(blankIsUnset, z.string().regex(RUNTIME_ARN)).meta({ description: 'an AgentCore runtime ARN' }),
  AGENT_QUALIFIER: z.preprocess(blankIsUnset, z.string().regex(QUALIFIER).default('DEFAULT')).meta({ description: 'a runtime endpoint name' }),
  AGENTCORE_ENDPOINT: httpUrl(),
  MAX_PROMPT_CHARS: integer(1, DEFAULT_MAX_PROMPT_CHARS),
  HEARTBEAT_MS: integer(1, DEFAULT_HEARTBEAT_MS),
  CANCEL_TIMEOUT_MS: integer(1, DEFAULT_CANCEL_TIMEOUT_MS),
  LOG_PROMPTS: flag(),
})

/** The streaming settings every function that streams an answer reads (the agent-in-Lambda too). */
export const streamingSchema = schema.pick({ HEARTBEAT_MS: true, LOG_PROMPTS: true })

/**
 * Parses `env` with `schema`, whose fields say what they want in `.meta({ description })`; throws a
 * ConfigError that names every bad variable, the same way for every function of aws/.
 */
export function parseEnvironment<S extends z.ZodObject>(schema: S, env: Env): z.output<S> {
  const parsed = schema.safeParse(env)
  if (!parsed.success) throw new ConfigError(describeIssues(schema, parsed.error, env))
  return parsed.data
}

/** Parses the environment; throws a ConfigError that names every bad variable. */
export function parseLambdaConfig(env: Env): LambdaConfig {
  const e = parseEnvironment(schema, env)
  return {
    agentRuntimeArn: e.AGENT_RUNTIME_ARN,
    qualifier: e.AGENT_QUALIFIER,
    agentCoreEndpoint: e.AGENTCORE_ENDPOINT,
    maxPromptChars: e.MAX_PROMPT_CHARS,
    heartbeatMs: e.HEARTBEAT_MS,
    cancelTimeoutMs: e.CANCEL_TIMEOUT_MS,
    logPrompts: e.LOG_PROMPTS === 'true',
  }
}

let loaded: { config: LambdaConfig } | { error: ConfigError } | undefined

/** The configuration of this process's environment, parsed on first use and kept (Lambda's environment does not change). */
export function lambdaConfig(): LambdaConfig {
  loaded ??= load()
  if ('error' in loaded) throw loaded.error
  return loaded.config
}

function load(): { config: LambdaConfig } | { error: ConfigError } {
  try {
    return { config: parseLambdaConfig(process.env) }
  } catch (error) {
    if (error instanceof ConfigError) return { error }
    throw error
  }
}

function describeIssues(schema: z.ZodObject, error: z.ZodError, env: Env): string {
  const shape = schema.shape as Record<string, z.ZodType>
  const names = [...new Set(error.issues.map((issue) => String(issue.path[0])))]
  return names
    .map((name) => {
      const raw = env[name]
      const wanted = shape[name]?.meta()?.description ?? 'valid'
      return raw === undefined || raw.trim() === '' ? `${name} is required (${wanted})` : `${name} must be ${wanted}, got ${JSON.stringify(raw)}`
    })
    .join('; ')
}
