import { Period } from 'aws-cdk-lib/aws-apigateway'
import { RetentionDays } from 'aws-cdk-lib/aws-logs'
import { DEFAULT_MAX_PROMPT_CHARS } from '../../protocol/request'
import { DEFAULT_HEARTBEAT_MS } from '../lambda/heartbeat'

/**
 * Everything a deployment may tune. Read from CDK context (`cdk.json` "context" or `-c key=value`)
 * by {@link readConfig}; tests and other apps can build it directly.
 */
export interface EdgeAgentChatConfig {
  /** Bedrock model id or system-defined inference profile id (e.g. `us.anthropic...`) the agent calls. */
  readonly modelId: string
  /** System prompt handed to the agent as AGENT_SYSTEM_PROMPT; undefined = the agent's built-in one. */
  readonly systemPrompt?: string
  /** API Gateway stage name: the first path segment of the invoke URL. */
  readonly stageName: string
  /** Usage-plan steady-state rate, requests per second per API key. */
  readonly throttleRateLimit: number
  /** Usage-plan burst, requests per API key. */
  readonly throttleBurstLimit: number
  /** Usage-plan quota: requests per {@link quotaPeriod} per API key. */
  readonly quotaLimit: number
  readonly quotaPeriod: Period
  /** Retention of every log group the stack owns (Lambda, API access logs, agent runtime). */
  readonly logRetention: RetentionDays
  /** Whether the stage writes access logs (needs the account-level API Gateway CloudWatch role). */
  readonly apiAccessLogs: boolean
  /** Lambda env HEARTBEAT_MS: silence after which the Lambda sends `: ping`. */
  readonly heartbeatMs: number
  /** Lambda env AGENT_QUALIFIER: the runtime endpoint the Lambda invokes. */
  readonly agentQualifier: string
  /** Lambda env MAX_PROMPT_CHARS: longest prompt the Lambda accepts (keep >= the Worker's). */
  readonly maxPromptChars: number
}

/** Context keys, exported so the README table and the tests name the same keys. */
export const CONTEXT_KEYS = [
  'modelId',
  'systemPrompt',
  'stageName',
  'throttleRateLimit',
  'throttleBurstLimit',
  'quotaLimit',
  'quotaPeriod',
  'logRetentionDays',
  'apiAccessLogs',
  'heartbeatMs',
  'agentQualifier',
  'maxPromptChars',
] as const
export type ContextKey = (typeof CONTEXT_KEYS)[number]

/**
 * Claude Haiku 4.5 through the global cross-region inference profile: fast and cheap for chat, and
 * offered from every commercial region that has AgentCore. (The agent itself defaults to its offline
 * model; the stack always sets AGENT_MODEL_ID.)
 * To keep inference inside a geography use the `us.`/`eu.`/`apac.` profile id, or any other
 * Converse-capable model id.
 */
export const DEFAULT_MODEL_ID = 'global.anthropic.claude-haiku-4-5-20251001-v1:0'

export const DEFAULT_CONFIG: EdgeAgentChatConfig = {
  modelId: DEFAULT_MODEL_ID,
  stageName: 'v1',
  throttleRateLimit: 10,
  throttleBurstLimit: 20,
  quotaLimit: 10_000,
  quotaPeriod: Period.DAY,
  logRetention: RetentionDays.ONE_MONTH,
  apiAccessLogs: true,
  heartbeatMs: DEFAULT_HEARTBEAT_MS,
  agentQualifier: 'DEFAULT',
  maxPromptChars: DEFAULT_MAX_PROMPT_CHARS,
}

/** The part of a construct node this module needs, so tests can pass a plain lookup. */
export interface ContextSource {
  tryGetContext(key: string): unknown
}

export class ConfigError extends Error {
  override name = 'ConfigError'
}

/**
 * Reads and validates the configuration. Values given with `-c key=value` arrive as strings, values
 * in cdk.json as JSON types: both are accepted. Invalid values fail synth with a message that names
 * the key, instead of surfacing later as a CloudFormation deploy error.
 */
export function readConfig(node: ContextSource): EdgeAgentChatConfig {
  const raw = (key: ContextKey): unknown => {
    const value = node.tryGetContext(key)
    return value === '' || value === null ? undefined : value
  }
  const d = DEFAULT_CONFIG
  return {
    modelId: modelIdOf(raw('modelId') ?? d.modelId),
    systemPrompt: systemPromptOf(raw('systemPrompt')),
    stageName: stageNameOf(raw('stageName') ?? d.stageName),
    throttleRateLimit: numberOf('throttleRateLimit', raw('throttleRateLimit') ?? d.throttleRateLimit, { min: 0 }),
    throttleBurstLimit: numberOf('throttleBurstLimit', raw('throttleBurstLimit') ?? d.throttleBurstLimit, {
      min: 0,
      integer: true,
    }),
    quotaLimit: numberOf('quotaLimit', raw('quotaLimit') ?? d.quotaLimit, { min: 1, integer: true }),
    quotaPeriod: periodOf(raw('quotaPeriod') ?? d.quotaPeriod),
    logRetention: retentionOf(raw('logRetentionDays') ?? d.logRetention),
    apiAccessLogs: booleanOf('apiAccessLogs', raw('apiAccessLogs') ?? d.apiAccessLogs),
    heartbeatMs: numberOf('heartbeatMs', raw('heartbeatMs') ?? d.heartbeatMs, { min: 1000, integer: true }),
    agentQualifier: qualifierOf(raw('agentQualifier') ?? d.agentQualifier),
    maxPromptChars: numberOf('maxPromptChars', raw('maxPromptChars') ?? d.maxPromptChars, { min: 1, integer: true }),
  }
}

// Model ids and system-defined inference profile ids (`us.`, `eu.`, `global.` ... prefixes). ARNs are
// refused: the IAM policy is derived from the id, and an ARN (application profile, provisioned
// throughput) would need its underlying model ARNs spelled out as well.
const MODEL_ID = /^[a-z0-9-]+(\.[a-z0-9-]+)+(:[a-z0-9.:-]+)?$/i

function modelIdOf(value: unknown): string {
  if (typeof value !== 'string' || !MODEL_ID.test(value)) {
    throw new ConfigError(`modelId must be a Bedrock model id or inference profile id, got ${JSON.stringify(value)}`)
  }
  return value
}

// AgentCore environment variable values are limited to 2048 characters.
function systemPromptOf(value: unknown): string | undefined {
  if (value === undefined) return undefined
  if (typeof value !== 'string' || value.length > 2048) {
    throw new ConfigError('systemPrompt must be a string of at most 2048 characters')
  }
  return value
}

// API Gateway stage names: letters, digits, hyphens and underscores, up to 128 characters.
function stageNameOf(value: unknown): string {
  if (typeof value !== 'string' || !/^[A-Za-z0-9_-]{1,128}$/.test(value)) {
    throw new ConfigError(`stageName must match [A-Za-z0-9_-]{1,128}, got ${JSON.stringify(value)}`)
  }
  return value
}

// AgentCore endpoint names: a letter, then letters, digits and underscores, up to 48 characters.
function qualifierOf(value: unknown): string {
  if (typeof value !== 'string' || !/^[A-Za-z][A-Za-z0-9_]{0,47}$/.test(value)) {
    throw new ConfigError(`agentQualifier must be a runtime endpoint name, got ${JSON.stringify(value)}`)
  }
  return value
}

function numberOf(key: ContextKey, value: unknown, rule: { min: number; integer?: boolean }): number {
  const n = typeof value === 'string' && value.trim() !== '' ? Number(value) : value
  if (typeof n !== 'number' || !Number.isFinite(n) || n < rule.min || (rule.integer && !Number.isInteger(n))) {
    const kind = rule.integer ? 'an integer' : 'a number'
    throw new ConfigError(`${key} must be ${kind} >= ${rule.min}, got ${JSON.stringify(value)}`)
  }
  return n
}

function booleanOf(key: ContextKey, value: unknown): boolean {
  if (value === true || value === 'true') return true
  if (value === false || value === 'false') return false
  throw new ConfigError(`${key} must be true or false, got ${JSON.stringify(value)}`)
}

function periodOf(value: unknown): Period {
  const periods = Object.values(Period) as string[]
  const upper = typeof value === 'string' ? value.toUpperCase() : value
  if (typeof upper !== 'string' || !periods.includes(upper)) {
    throw new ConfigError(`quotaPeriod must be one of ${periods.join(', ')}, got ${JSON.stringify(value)}`)
  }
  return upper as Period
}

// CloudWatch accepts only a fixed set of retention periods; RetentionDays lists them.
function retentionOf(value: unknown): RetentionDays {
  const n = typeof value === 'string' ? Number(value) : value
  const allowed = Object.values(RetentionDays).filter((v): v is number => typeof v === 'number' && v > 0)
  if (typeof n !== 'number' || !allowed.includes(n)) {
    throw new ConfigError(`logRetentionDays must be one of ${allowed.join(', ')}, got ${JSON.stringify(value)}`)
  }
  return n as RetentionDays
}
