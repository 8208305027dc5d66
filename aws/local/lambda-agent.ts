/**
 * The `lambda-agent` path in the local cloud: its own REST API (API Gateway emulator, stage v1,
 * `POST /invoke` with IAM authorization, the API key and the invoke model, as aws/lib/lambda-agent-path.ts
 * deploys it) in front of the agent-in-Lambda bundle (aws/lambda-agent) under aws-lambda-ric. The
 * agent runs inside the Lambda on the offline model: no AgentCore on this path.
 *
 * A caller that goes away cuts the function's response connection here (abortMode 'disconnect'), the
 * one signal the handler stops its agent loop on. AWS does not promise that signal
 * (aws-lambda-nodejs-runtime-interface-client#145): README "Choosing a path" says what that costs.
 */
import type { AgentConfig } from '../agent/config'
import { buildLambdaAgent, LAMBDA_AGENT_DIST } from '../lambda-agent/build'
import { LAMBDA_HANDLER } from '../lambda/bundle-options'
import { invokeModelSchema, toDraft4 } from '../lib/request-models'
import { DEFAULT_MAX_PROMPT_CHARS } from '../../protocol/request'
import type { ApiGatewayLimits } from './api-gateway/limits'
import { methodArn } from './api-gateway/iam-auth'
import { DEFAULT_API, startApiGateway, type ApiGateway } from './api-gateway/server'
import { startLambdaPool, type LambdaPool } from './lambda-runtime'
import type { WorkerKeys } from './worker-keys'

export const LAMBDA_AGENT_FUNCTION = 'edge-agent-chat-lambda-agent'

export interface LambdaAgentPathOptions {
  region: string
  accountId: string
  stage: string
  apiKey: string
  workerKeys: WorkerKeys
  workerArn: string
  port?: number
  /** The agent's settings (the offline model's pace...), passed to the function as its environment. */
  agent?: Partial<AgentConfig>
  /** Extra environment of the function (HEARTBEAT_MS, AGENT_MAX_PROMPT_CHARS...). */
  env?: Record<string, string>
  concurrency?: number
  warm?: number
  limits?: Partial<ApiGatewayLimits>
  build?: boolean
  log?: (source: 'api-gateway' | 'lambda', line: string) => void
}

export interface LambdaAgentPath {
  /** The Worker's UPSTREAM_URL on this path. */
  invokeUrl: string
  lambda: LambdaPool
  apiGateway: ApiGateway
  /** The function's log lines (JSON), newest last: tests read `invoke_end` from them. */
  logs: string[]
  stop(): Promise<void>
}

/** The agent's settings as the environment variables aws/agent/config.ts reads. */
function agentEnv(agent: Partial<AgentConfig> = {}): Record<string, string> {
  const env: Record<string, string> = {}
  if (agent.offline) {
    env.OFFLINE_FIRST_TOKEN_MS = String(agent.offline.firstTokenMs)
    env.OFFLINE_TOKENS_PER_SECOND = String(agent.offline.tokensPerSecond)
  }
  if (agent.maxTokens !== undefined) env.AGENT_MAX_TOKENS = String(agent.maxTokens)
  if (agent.historyMessages !== undefined) env.AGENT_HISTORY_MESSAGES = String(agent.historyMessages)
  if (agent.maxPromptChars !== undefined) env.AGENT_MAX_PROMPT_CHARS = String(agent.maxPromptChars)
  if (agent.systemPrompt !== undefined) env.AGENT_SYSTEM_PROMPT = agent.systemPrompt
  return env
}

export async function startLambdaAgentPath(options: LambdaAgentPathOptions): Promise<LambdaAgentPath> {
  const log = options.log ?? (() => {})
  const logs: string[] = []
  const stops: Array<() => Promise<void>> = []
  const stop = async () => {
    for (const s of stops.splice(0).reverse()) await s().catch(() => {})
  }
  try {
    if (options.build ?? true) await buildLambdaAgent()
    const lambda = await startLambdaPool({
      codeDir: LAMBDA_AGENT_DIST,
      handler: LAMBDA_HANDLER,
      functionName: LAMBDA_AGENT_FUNCTION,
      region: options.region,
      maxConcurrency: options.concurrency ?? 10,
      warm: options.warm ?? 1,
      abortMode: 'disconnect',
      // The offline model (no AGENT_MODEL_ID): nothing reaches AWS.
      env: { ...agentEnv(options.agent), ...options.env },
      onLog: (line) => {
        logs.push(line)
        if (logs.length > 5000) logs.splice(0, 1000)
        log('lambda', line)
      },
    })
    stops.push(() => lambda.stop())
    const api = { ...DEFAULT_API, apiId: 'local0000b', region: options.region, accountId: options.accountId, stage: options.stage }
    const maxPromptChars = Number(options.env?.AGENT_MAX_PROMPT_CHARS ?? options.agent?.maxPromptChars ?? DEFAULT_MAX_PROMPT_CHARS)
    const apiGateway = await startApiGateway({
      port: options.port ?? 0,
      api,
      routes: [{ method: 'POST', path: '/invoke', apiKeyRequired: true, authorizationType: 'AWS_IAM', requestModels: { 'application/json': toDraft4(invokeModelSchema(maxPromptChars)) } }],
      apiKeys: { [options.apiKey]: 'local-api-key' },
      principals: [{ ...options.workerKeys, principalArn: options.workerArn, allow: [{ action: 'execute-api:Invoke', resource: methodArn(api, 'POST', '/invoke') }] }],
      invoke: (event, o) => lambda.invoke(event, o),
      limits: options.limits,
      log: (l) => log('api-gateway', l),
    })
    stops.push(() => apiGateway.stop())
    return { invokeUrl: `${apiGateway.url}/invoke`, lambda, apiGateway, logs, stop }
  } catch (err) {
    await stop()
    throw err
  }
}
