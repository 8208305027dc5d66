/**
 * The settings `npm run dev` / `npm run preview` read from the environment for the local cloud, besides
 * the ports: the local Lambda's concurrency and the agent's own settings (aws/agent/config.ts), which
 * reach the agent as they would in AgentCore. A bad value stops the start with an error naming it.
 */
import { loadConfig, type AgentConfig } from '../agent/config'

/**
 * Execution environments the local Lambda may run at once (LOCAL_LAMBDA_CONCURRENCY). Lambda's own
 * default account limit is 1,000; locally each one is a Node process (~50 MB, started on demand), so
 * the default is what a person trying dozens of parallel requests does not reach. Above it the local
 * Lambda throttles as AWS does (TooManyRequestsException; API Gateway answers 500 and the edge 503).
 */
export const DEFAULT_LOCAL_LAMBDA_CONCURRENCY = 100

/** Executions kept for the cancel function (LOCAL_CANCEL_CONCURRENCY), its own pool as its reserved concurrency in AWS. */
export const DEFAULT_LOCAL_CANCEL_CONCURRENCY = 4

export function positiveIntegerFromEnv(env: NodeJS.ProcessEnv, name: string, fallback: number, max = 10_000): number {
  const raw = env[name]
  if (raw === undefined || raw.trim() === '') return fallback
  const n = Number(raw)
  if (!Number.isInteger(n) || n < 1 || n > max) throw new Error(`${name} must be an integer from 1 to ${max}, got "${raw}"`)
  return n
}

/** The agent's variables the local cloud passes on (its host, port and model are the local cloud's to choose). */
const AGENT_VARIABLE = /^(AGENT_(?!HOST$|MODEL_ID$)|OFFLINE_)/

/**
 * The agent's settings from the environment, validated by the agent's own schema. LOG_LEVEL defaults
 * to `warn` here (the dev console is shared with the web server).
 */
export function agentSettingsFromEnv(env: NodeJS.ProcessEnv): Partial<AgentConfig> {
  const picked: Record<string, string> = { LOG_LEVEL: env.LOG_LEVEL || 'warn' }
  for (const [name, value] of Object.entries(env)) if (AGENT_VARIABLE.test(name) && value !== undefined) picked[name] = value
  const { host: _host, port: _port, modelId: _modelId, region: _region, ...settings } = loadConfig(picked)
  return settings
}
