/**
 * The agent's configuration, read once from the environment. Every knob has a documented default so
 * the agent starts with no configuration at all (offline model, 127.0.0.1 is the caller's choice).
 */

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
  /** Longest prompt accepted, in UTF-16 code units (the edge allows 16 000 code points). */
  maxPromptChars: number
  /** pino level for the framework's logger; 'silent' turns it off. */
  logLevel: string
}

export class ConfigError extends Error {}

type Env = Record<string, string | undefined>

export function loadConfig(env: Env = process.env): AgentConfig {
  const modelId = text(env.AGENT_MODEL_ID)
  return {
    // "offline" is accepted as an explicit way to say "no AWS model".
    modelId: modelId === 'offline' ? undefined : modelId,
    systemPrompt: text(env.AGENT_SYSTEM_PROMPT) ?? DEFAULT_SYSTEM_PROMPT,
    region: text(env.AWS_REGION) ?? text(env.AWS_DEFAULT_REGION),
    maxTokens: optionalInt(env, 'AGENT_MAX_TOKENS', 1),
    offline: {
      firstTokenMs: int(env, 'OFFLINE_FIRST_TOKEN_MS', 300, 0),
      tokensPerSecond: num(env, 'OFFLINE_TOKENS_PER_SECOND', 40, 0),
    },
    maxSessions: int(env, 'AGENT_MAX_SESSIONS', 1000, 1),
    sessionIdleMs: int(env, 'AGENT_SESSION_IDLE_MS', 15 * 60_000, 1),
    historyMessages: int(env, 'AGENT_HISTORY_MESSAGES', 40, 2),
    maxPromptChars: int(env, 'AGENT_MAX_PROMPT_CHARS', 32_000, 1),
    logLevel: text(env.LOG_LEVEL) ?? 'info',
  }
}

function text(value: string | undefined): string | undefined {
  const trimmed = value?.trim()
  return trimmed ? trimmed : undefined
}

function num(env: Env, name: string, fallback: number, min: number): number {
  const raw = text(env[name])
  if (raw === undefined) return fallback
  const value = Number(raw)
  // A typo in a pace or a limit should stop the agent at start, not surface as odd behaviour later.
  if (!Number.isFinite(value) || value < min) throw new ConfigError(`${name} must be a number >= ${min}, got "${raw}"`)
  return value
}

function int(env: Env, name: string, fallback: number, min: number): number {
  const value = num(env, name, fallback, min)
  if (!Number.isInteger(value)) throw new ConfigError(`${name} must be an integer, got "${env[name]}"`)
  return value
}

function optionalInt(env: Env, name: string, min: number): number | undefined {
  return text(env[name]) === undefined ? undefined : int(env, name, 0, min)
}
