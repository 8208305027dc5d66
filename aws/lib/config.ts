import { Period } from 'aws-cdk-lib/aws-apigateway'
import { RetentionDays } from 'aws-cdk-lib/aws-logs'
import { z } from 'zod'
import { DEFAULT_MAX_PROMPT_CHARS } from '../../protocol/request'
import { DEFAULT_HEARTBEAT_MS } from '../lambda/config'
import type { UpstreamKind } from '../../protocol/upstream-kinds'

/**
 * Everything a deployment may tune. Read from CDK context (`cdk.json` "context" or `-c key=value`)
 * by {@link readConfig}; tests and other apps can build it directly.
 */
/** Which agent image the runtime runs: aws/agent (TypeScript) or aws/agent-python. */
export type AgentImage = 'typescript' | 'python'

/** The streaming paths a stack can deploy (README "Choosing a path"; the others run locally only so far). */
export const DEPLOYABLE_PATHS = ['rest', 'function-url', 'invoke-stream', 'websocket', 'lambda-agent'] as const satisfies readonly UpstreamKind[]
export type DeployablePath = (typeof DEPLOYABLE_PATHS)[number]

export interface EdgeAgentChatConfig {
  /**
   * Which streaming paths to deploy, each a construct of its own: `-c paths=rest,function-url`
   * (cdk.json: a list). Any non-empty subset; default the REST API alone.
   */
  readonly paths: readonly DeployablePath[]
  /** The agent the runtime runs: `-c agent=python` deploys aws/agent-python instead of aws/agent. */
  readonly agent: AgentImage
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
  /** Whether the stage writes execution and access logs (sets the account-level API Gateway CloudWatch role). */
  readonly apiAccessLogs: boolean
  /** Whether a WAF web ACL with a per-IP rate-based rule guards the stage. */
  readonly wafWebAcl: boolean
  /** The web ACL's limit: requests per IP address in any 5 minutes. */
  readonly wafRateLimit: number
  /** Lambda env HEARTBEAT_MS: silence after which the Lambda sends `: ping`. */
  readonly heartbeatMs: number
  /** Lambda env AGENT_QUALIFIER: the runtime endpoint the Lambda invokes. */
  readonly agentQualifier: string
  /**
   * Longest prompt, in characters (code points): the Lambda's MAX_PROMPT_CHARS and the agent's
   * AGENT_MAX_PROMPT_CHARS (keep >= the Worker's MAX_PROMPT_CHARS).
   */
  readonly maxPromptChars: number
  /**
   * Reserved concurrency of the cancel function (POST cancel): executions kept for cancels alone, so a
   * cancel never waits for a free environment of the invoke function (which is what it must stop).
   * 0 reserves none (an account at Lambda's minimum of unreserved concurrency cannot reserve any).
   */
  readonly cancelReservedConcurrency: number
}

/** Context keys, exported so the README table and the tests name the same keys. */
export const CONTEXT_KEYS = [
  'paths',
  'agent',
  'modelId',
  'systemPrompt',
  'stageName',
  'throttleRateLimit',
  'throttleBurstLimit',
  'quotaLimit',
  'quotaPeriod',
  'logRetentionDays',
  'apiAccessLogs',
  'wafWebAcl',
  'wafRateLimit',
  'heartbeatMs',
  'agentQualifier',
  'maxPromptChars',
  'cancelReservedConcurrency',
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
  paths: ['rest'],
  agent: 'typescript',
  modelId: DEFAULT_MODEL_ID,
  stageName: 'v1',
  throttleRateLimit: 10,
  throttleBurstLimit: 20,
  quotaLimit: 10_000,
  quotaPeriod: Period.DAY,
  logRetention: RetentionDays.ONE_MONTH,
  apiAccessLogs: true,
  wafWebAcl: false,
  wafRateLimit: 1000,
  heartbeatMs: DEFAULT_HEARTBEAT_MS,
  agentQualifier: 'DEFAULT',
  maxPromptChars: DEFAULT_MAX_PROMPT_CHARS,
  cancelReservedConcurrency: 2,
}

/** The part of a construct node this module needs, so tests can pass a plain lookup. */
export interface ContextSource {
  tryGetContext(key: string): unknown
}

export class ConfigError extends Error {
  override name = 'ConfigError'
}

/**
 * Reads and validates the configuration, parsed once with one zod schema. Values given with
 * `-c key=value` arrive as strings, values in cdk.json as JSON types: both are accepted. Invalid
 * values fail synth with a ConfigError naming every bad key, instead of surfacing later as a
 * CloudFormation deploy error; an unset or empty key takes its default.
 */
export function readConfig(node: ContextSource): EdgeAgentChatConfig {
  const context = Object.fromEntries(CONTEXT_KEYS.map((key) => [key, node.tryGetContext(key)]))
  const parsed = contextSchema.safeParse(context)
  if (!parsed.success) throw new ConfigError(describeIssues(parsed.error, context))
  const { logRetentionDays, ...rest } = parsed.data
  return { ...rest, logRetention: logRetentionDays }
}

const unsetIfEmpty = (v: unknown) => (v === '' || v === null ? undefined : v)
/** A key whose value, when given, must pass `schema`; `description` completes "<key> must be …". */
const key = <T extends z.ZodType>(schema: T, description: string) => z.preprocess(unsetIfEmpty, schema).meta({ description })
const fromString = (v: unknown) => (typeof v === 'string' && v.trim() !== '' ? Number(v) : v)
const numberKey = (fallback: number, rule: { min: number; integer?: boolean }) => {
  const n = z.number().min(rule.min)
  return key(z.preprocess(fromString, (rule.integer ? n.int() : n).default(fallback)), `${rule.integer ? 'an integer' : 'a number'} >= ${rule.min}`)
}

// Model ids and system-defined inference profile ids (`us.`, `eu.`, `global.` ... prefixes). ARNs are
// refused: the IAM policy is derived from the id, and an ARN (application profile, provisioned
// throughput) would need its underlying model ARNs spelled out as well.
const MODEL_ID = /^[a-z0-9-]+(\.[a-z0-9-]+)+(:[a-z0-9.:-]+)?$/i
const PERIODS = Object.values(Period) as string[]
// CloudWatch accepts only a fixed set of retention periods; RetentionDays lists them.
const RETENTION_DAYS = Object.values(RetentionDays).filter((v): v is number => typeof v === 'number' && v > 0)
const d = DEFAULT_CONFIG

const contextSchema = z.object({
  paths: key(
    z.preprocess(
      (v) => (typeof v === 'string' ? v.split(',').map((p) => p.trim()).filter(Boolean) : v),
      z
        .array(z.enum(DEPLOYABLE_PATHS))
        .min(1)
        .transform((list) => DEPLOYABLE_PATHS.filter((p) => list.includes(p)))
        .default([...d.paths]),
    ),
    `a comma-separated list of ${DEPLOYABLE_PATHS.join(', ')}`,
  ),
  agent: key(z.enum(['typescript', 'python']).default(d.agent), 'typescript or python'),
  modelId: key(z.string().regex(MODEL_ID).default(d.modelId), 'a Bedrock model id or inference profile id'),
  // AgentCore environment variable values are limited to 2048 characters.
  systemPrompt: key(z.string().max(2048).optional(), 'a string of at most 2048 characters'),
  // API Gateway stage names: letters, digits, hyphens and underscores, up to 128 characters.
  stageName: key(z.string().regex(/^[A-Za-z0-9_-]{1,128}$/).default(d.stageName), 'a stage name matching [A-Za-z0-9_-]{1,128}'),
  throttleRateLimit: numberKey(d.throttleRateLimit, { min: 0 }),
  throttleBurstLimit: numberKey(d.throttleBurstLimit, { min: 0, integer: true }),
  quotaLimit: numberKey(d.quotaLimit, { min: 1, integer: true }),
  quotaPeriod: key(
    z.preprocess((v) => (typeof v === 'string' ? v.toUpperCase() : v), z.enum(Period).default(d.quotaPeriod)),
    `one of ${PERIODS.join(', ')}`,
  ),
  logRetentionDays: key(
    z.preprocess(fromString, z.number().refine((n) => RETENTION_DAYS.includes(n)).transform((n) => n as RetentionDays).default(d.logRetention)),
    `one of ${RETENTION_DAYS.join(', ')}`,
  ),
  apiAccessLogs: key(
    z.preprocess((v) => (v === 'true' ? true : v === 'false' ? false : v), z.boolean().default(d.apiAccessLogs)),
    'true or false',
  ),
  wafWebAcl: key(z.preprocess((v) => (v === 'true' ? true : v === 'false' ? false : v), z.boolean().default(d.wafWebAcl)), 'true or false'),
  // AWS WAF's rate-based rules take 10 to 2 000 000 000 requests per evaluation window.
  wafRateLimit: key(z.preprocess(fromString, z.number().int().min(10).max(2_000_000_000).default(d.wafRateLimit)), 'an integer from 10 to 2000000000'),
  heartbeatMs: numberKey(d.heartbeatMs, { min: 1000, integer: true }),
  // AgentCore endpoint names: a letter, then letters, digits and underscores, up to 48 characters.
  agentQualifier: key(z.string().regex(/^[A-Za-z][A-Za-z0-9_]{0,47}$/).default(d.agentQualifier), 'a runtime endpoint name'),
  maxPromptChars: numberKey(d.maxPromptChars, { min: 1, integer: true }),
  cancelReservedConcurrency: numberKey(d.cancelReservedConcurrency, { min: 0, integer: true }),
} satisfies Record<ContextKey, z.ZodType>)

/**
 * The values of each context key that takes one of a few (booleans, enums): with them, the stack
 * combinations the app can synthesize (nag.test.ts runs cdk-nag on each). Found in the schema, so a
 * choice added there is covered without further ado.
 */
export function contextChoices(): Partial<Record<ContextKey, readonly unknown[]>> {
  const choices: Partial<Record<ContextKey, readonly unknown[]>> = {}
  for (const [k, schema] of Object.entries(contextSchema.shape) as [ContextKey, z.ZodType][]) {
    const values = finiteValues(schema)
    if (values) choices[k] = values
  }
  return choices
}

function finiteValues(schema: z.core.$ZodType): unknown[] | undefined {
  const def = schema._zod.def
  switch (def.type) {
    case 'boolean':
      return [true, false]
    case 'enum':
      return Object.values((def as z.core.$ZodEnumDef).entries)
    case 'literal':
      return [...(def as z.core.$ZodLiteralDef<z.core.util.Literal>).values]
    case 'pipe':
      return finiteValues((def as z.core.$ZodPipeDef).out) ?? finiteValues((def as z.core.$ZodPipeDef).in)
    case 'default':
    case 'prefault':
    case 'optional':
    case 'nullable':
      return finiteValues((def as z.core.$ZodDefaultDef).innerType)
    case 'union': {
      const parts = (def as z.core.$ZodUnionDef).options.map(finiteValues)
      return parts.every((p) => p !== undefined) ? parts.flat() : undefined
    }
    default:
      return undefined
  }
}

function describeIssues(error: z.ZodError, context: Record<string, unknown>): string {
  const shape = contextSchema.shape as Record<string, z.ZodType>
  const keys = [...new Set(error.issues.map((issue) => String(issue.path[0])))]
  return keys
    .map((k) => {
      const shown = JSON.stringify(context[k]) ?? 'undefined'
      return `${k} must be ${shape[k]?.meta()?.description ?? 'valid'}, got ${shown.length > 80 ? `${shown.slice(0, 80)}…` : shown}`
    })
    .join('; ')
}
