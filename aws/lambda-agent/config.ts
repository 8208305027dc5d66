/**
 * The agent-in-Lambda's configuration: the agent's own (aws/agent/config.ts: AGENT_MODEL_ID, the
 * system prompt, AGENT_MAX_TOKENS, the offline model's pace, AGENT_HISTORY_MESSAGES,
 * AGENT_MAX_PROMPT_CHARS; its host and port mean nothing here) plus what the streaming Lambda adds:
 * HEARTBEAT_MS and LOG_PROMPTS, as in aws/lambda/config.ts. Parsed once per execution environment; a
 * bad value is a ConfigError naming the variable (the handler answers 500 and logs it).
 */
import { ConfigError as AgentConfigError, loadConfig, type AgentConfig } from '../agent/config'
import { ConfigError, parseEnvironment, streamingSchema } from '../lambda/config'

export { ConfigError }

export interface LambdaAgentConfig {
  agent: AgentConfig
  /** Silence after which the stream gets a `: ping` comment (HEARTBEAT_MS). */
  heartbeatMs: number
  /** Whether logs may hold prompt text (LOG_PROMPTS). */
  logPrompts: boolean
}

/** Parses the environment; throws a ConfigError that names every bad variable, the agent's and the Lambda's alike. */
export function parseLambdaAgentConfig(env: Record<string, string | undefined>): LambdaAgentConfig {
  const problems: string[] = []
  let agent: AgentConfig | undefined
  try {
    // The agent's logger settings do not apply: this process logs JSON lines of its own (aws/lambda/log.ts).
    agent = loadConfig({ ...env, AGENT_HOST: undefined, PORT: undefined, LOG_LEVEL: undefined })
  } catch (err) {
    if (!(err instanceof AgentConfigError)) throw err
    problems.push(err.message)
  }
  let streaming: ReturnType<typeof parseEnvironment<typeof streamingSchema>> | undefined
  try {
    streaming = parseEnvironment(streamingSchema, env)
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err
    problems.push(err.message)
  }
  if (!agent || !streaming) throw new ConfigError(problems.join('; '))
  return { agent, heartbeatMs: streaming.HEARTBEAT_MS, logPrompts: streaming.LOG_PROMPTS === 'true' }
}
