/**
 * The agent's configuration: its environment, parsed once with one zod schema when the agent starts
 * (aws/agent/app.ts startAgent). Every knob has a documented default, so the agent starts with no
 * configuration at all (offline model, 127.0.0.1:8080); a bad value stops it at start with a
 * ConfigError naming the variable, never a silent default.
 */
import { z } from 'zod'
import { DEFAULT_MAX_PROMPT_CHARS } from './prompt-limit'

export const DEFAULT_SYSTEM_PROMPT =
  'You are a helpful assistant in a chat web app. Answer in Markdown: short paragraphs, lists where they help, ' +
  'and fenced code blocks with a language tag for code.'

export interface OfflinePace {
  /** Delay before the first token, ms. */
  firstTokenMs: number
  /** Tokens per second after the first; 0 means as fast as possible. */
  tokensPerSecond: number
}

export interface AgentConfig {
  /** Interface to listen on (AGENT_HOST); the image sets 0.0.0.0. */
  host: string
  /** Port (PORT); 0 picks a free one. AgentCore calls 8080. */
  port: number
  /** Bedrock model id; undefined selects the embedded offline model. */
  modelId: string | undefined
  systemPrompt: string
  /** Region for Bedrock; undefined lets the AWS SDK's default chain decide (AWS_REGION in AgentCore). */
  region: string | undefined
  /** Output cap per answer (Bedrock maxTokens; the offline model honours it too). */
  maxTokens: number | undefined
  offline: OfflinePace
  /** Most sessions kept in memory; the least recently used goes first. */
  maxSessions: number
  /** A session idle this long is forgotten (AgentCore ends idle sessions after 15 min). */
  sessionIdleMs: number
  /** Messages kept per conversation (Strands' sliding window). */
  historyMessages: number
  /** Longest prompt accepted, in characters (code points), as at the edge and in the Lambda. */
  maxPromptChars: number
  /** pino level for the framework's logger; 'silent' turns it off. */
  logLevel: string
}

export class ConfigError extends Error {
  override name = 'ConfigError'
}

type Env = Record<string, string | undefined>

const blankIsUnset = (v: unknown) => (typeof v === 'string' ? (v.trim() === '' ? undefined : v.trim()) : v)
const optionalText = () => z.preprocess(blankIsUnset, z.string().optional())
const textOr = (fallback: string) => z.preprocess(blankIsUnset, z.string().default(fallback))
const number = (min: number, fallback: number) =>
  z.preprocess(blankIsUnset, z.coerce.number().min(min).default(fallback)).meta({ description: `a number >= ${min}` })
const integer = (min: number, max = Number.MAX_SAFE_INTEGER) =>
  z.coerce.number().int().min(min).max(max).meta({ description: max === Number.MAX_SAFE_INTEGER ? `an integer >= ${min}` : `an integer from ${min} to ${max}` })
const integerOr = (min: number, fallback: number, max?: number) =>
  z.preprocess(blankIsUnset, integer(min, max).default(fallback)).meta({ description: integer(min, max).meta()!.description })

const PINO_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const

const schema = z.object({
  AGENT_HOST: textOr('127.0.0.1'),
  PORT: integerOr(0, 8080, 65_535),
  AGENT_MODEL_ID: optionalText(),
  AGENT_SYSTEM_PROMPT: textOr(DEFAULT_SYSTEM_PROMPT),
  AWS_REGION: optionalText(),
  AWS_DEFAULT_REGION: optionalText(),
  AGENT_MAX_TOKENS: z.preprocess(blankIsUnset, integer(1).optional()).meta({ description: 'an integer >= 1' }),
  OFFLINE_FIRST_TOKEN_MS: integerOr(0, 300),
  OFFLINE_TOKENS_PER_SECOND: number(0, 40),
  AGENT_MAX_SESSIONS: integerOr(1, 1000),
  AGENT_SESSION_IDLE_MS: integerOr(1, 15 * 60_000),
  AGENT_HISTORY_MESSAGES: integerOr(2, 40),
  AGENT_MAX_PROMPT_CHARS: integerOr(1, DEFAULT_MAX_PROMPT_CHARS),
  LOG_LEVEL: z.preprocess(blankIsUnset, z.enum(PINO_LEVELS).default('info')).meta({ description: `one of ${PINO_LEVELS.join(', ')}` }),
})

/** Parses the environment; throws a ConfigError that names every bad variable. */
export function loadConfig(env: Env = process.env): AgentConfig {
  const parsed = schema.safeParse(env)
  if (!parsed.success) throw new ConfigError(describeIssues(parsed.error, env))
  const e = parsed.data
  return {
    host: e.AGENT_HOST,
    port: e.PORT,
    // "offline" is accepted as an explicit way to say "no AWS model".
    modelId: e.AGENT_MODEL_ID === 'offline' ? undefined : e.AGENT_MODEL_ID,
    systemPrompt: e.AGENT_SYSTEM_PROMPT,
    region: e.AWS_REGION ?? e.AWS_DEFAULT_REGION,
    maxTokens: e.AGENT_MAX_TOKENS,
    offline: { firstTokenMs: e.OFFLINE_FIRST_TOKEN_MS, tokensPerSecond: e.OFFLINE_TOKENS_PER_SECOND },
    maxSessions: e.AGENT_MAX_SESSIONS,
    sessionIdleMs: e.AGENT_SESSION_IDLE_MS,
    historyMessages: e.AGENT_HISTORY_MESSAGES,
    maxPromptChars: e.AGENT_MAX_PROMPT_CHARS,
    logLevel: e.LOG_LEVEL,
  }
}

function describeIssues(error: z.ZodError, env: Env): string {
  const shape = schema.shape as Record<string, z.ZodType>
  return error.issues
    .map((issue) => {
      const name = String(issue.path[0])
      return `${name} must be ${shape[name]?.meta()?.description ?? 'valid'}, got ${JSON.stringify(env[name])}`
    })
    .join('; ')
}
