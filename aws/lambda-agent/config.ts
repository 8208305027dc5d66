/**
 * The agent-in-Lambda's configuration: the agent's own (aws/agent/config.ts: AGENT_MODEL_ID, the
 * system prompt, AGENT_MAX_TOKENS, the offline model's pace, AGENT_HISTORY_MESSAGES,
 * AGENT_MAX_PROMPT_CHARS; its host and port mean nothing here) plus what the streaming Lambda adds:
 * HEARTBEAT_MS and LOG_PROMPTS, as in aws/lambda/config.ts. Parsed once per execution environment; a
 * bad value is a ConfigError naming the variable (the handler answers 500 and logs it).
 */
import { z } from 'zod'
import { ConfigError, loadConfig, type AgentConfig } from '../agent/config'
import { DEFAULT_HEARTBEAT_MS } from '../lambda/config'

export { ConfigError }

export interface LambdaAgentConfig {
  agent: AgentConfig
  /** Silence after which the stream gets a `: ping` comment (HEARTBEAT_MS). */
  heartbeatMs: number
  /** Whether logs may hold prompt text (LOG_PROMPTS). */
  logPrompts: boolean
}

const lambdaSchema = z.object({
  HEARTBEAT_MS: z.preprocess((v) => (typeof v === 'string' && v.trim() === '' ? undefined : v), z.coerce.number().int().min(1).default(DEFAULT_HEARTBEAT_MS)),
  LOG_PROMPTS: z.preprocess((v) => (typeof v === 'string' && v.trim() === '' ? undefined : v), z.enum(['true', 'false']).default('false')),
})

export function parseLambdaAgentConfig(env: Record<string, string | undefined>): LambdaAgentConfig {
  // The agent's logger settings do not apply: this process logs JSON lines of its own (aws/lambda/log.ts).
  const agent = loadConfig({ ...env, AGENT_HOST: undefined, PORT: undefined, LOG_LEVEL: undefined })
  const parsed = lambdaSchema.safeParse(env)
  if (!parsed.success) {
    const name = String(parsed.error.issues[0]?.path[0])
    throw new ConfigError(`${name} must be ${name === 'LOG_PROMPTS' ? 'true or false' : 'an integer >= 1'}, got ${JSON.stringify(env[name])}`)
  }
  return { agent, heartbeatMs: parsed.data.HEARTBEAT_MS, logPrompts: parsed.data.LOG_PROMPTS === 'true' }
}
