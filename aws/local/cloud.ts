/**
 * The local cloud: the AWS side of the app on 127.0.0.1, every hop the project's real code.
 *
 *   API Gateway emulator (REST, stage v1, x-api-key, streaming)        ./api-gateway
 *     → Lambda: the real bundle (aws/lambda/dist) under aws-lambda-ric  ./lambda-runtime
 *     → AgentCore data-plane emulator (InvokeAgentRuntime, SigV4 check) ./agentcore
 *     → the agent on the offline model: aws/agent (TypeScript, in this process) or, with
 *       agentRuntime 'python', aws/agent-python (a child process: ./python/agent.ts)
 *
 * Nothing here reaches the network: the agent's model is the embedded offline one, the Lambda signs
 * with fake credentials for the local AgentCore endpoint, and every server binds to 127.0.0.1.
 */
import { randomBytes } from 'node:crypto'
import { startAgent, type RunningAgent } from '../agent/app'
import type { AgentConfig } from '../agent/config'
import { buildLambda, LAMBDA_DIST } from '../lambda/build'
import { LAMBDA_HANDLER } from '../lambda/bundle-options'
import { startAgentCore, type AgentCore } from './agentcore/server'
import type { ApiGatewayLimits } from './api-gateway/limits'
import { startApiGateway, type ApiGateway } from './api-gateway/server'
import { startLambdaPool, type LambdaPool, type LambdaPoolOptions } from './lambda-runtime'
import { assertPortFree } from './listen'
import { localProxyEnv } from './proxy-env'
import { startPythonAgent, type RunningPythonAgent } from './python/agent'

export const LOCAL_REGION = 'us-east-1'
export const LOCAL_ACCOUNT = '123456789012'
/** A well-formed runtime ARN (name-suffix id as AgentCore makes them); only the emulator knows it. */
export const LOCAL_AGENT_RUNTIME_ARN = `arn:aws:bedrock-agentcore:${LOCAL_REGION}:${LOCAL_ACCOUNT}:runtime/edge_agent_chat-L0ca1Dev00`
export const STAGE = 'v1'

export interface LocalCloudPorts {
  /** API Gateway emulator; the Worker's UPSTREAM_URL points here. */
  apiGateway?: number
  agentCore?: number
  agent?: number
}

export type AgentRuntimeKind = 'typescript' | 'python'

export interface LocalCloudOptions {
  /** The agent behind the AgentCore emulator. Default 'typescript'; 'python' needs `npm run setup:python`. */
  agentRuntime?: AgentRuntimeKind
  /** 0 (the default for each) picks a free port. */
  ports?: LocalCloudPorts
  /** The API key API Gateway requires; a random one when absent. */
  apiKey?: string
  limits?: Partial<ApiGatewayLimits>
  /** Agent settings on top of the offline defaults (e.g. the offline model's pace). */
  agent?: Partial<AgentConfig>
  /** Extra environment of the Lambda function (HEARTBEAT_MS, CANCEL_TIMEOUT_MS...). */
  lambdaEnv?: Record<string, string>
  /** Lambda concurrency (default 10) and execution environments started up front (default 1). */
  lambdaConcurrency?: number
  lambdaWarm?: number
  /** Rebuild aws/lambda/dist before starting (default true). */
  build?: boolean
  /** Receives every log line, tagged with its source. Default: silent. */
  log?: (source: 'api-gateway' | 'lambda' | 'agentcore' | 'agent', line: string) => void
}

export interface LocalCloud<Agent = RunningAgent> {
  agentRuntime: AgentRuntimeKind
  /** POST here: the Worker's UPSTREAM_URL. */
  invokeUrl: string
  cancelUrl: string
  apiKey: string
  agentUrl: string
  agentCoreEndpoint: string
  agentRuntimeArn: string
  agent: Agent
  agentCore: AgentCore
  lambda: LambdaPool
  apiGateway: ApiGateway
  stop(): Promise<void>
}

export function startLocalCloud(options?: LocalCloudOptions & { agentRuntime?: 'typescript' }): Promise<LocalCloud>
export function startLocalCloud(options: LocalCloudOptions & { agentRuntime: 'python' }): Promise<LocalCloud<RunningPythonAgent>>
export function startLocalCloud(options: LocalCloudOptions): Promise<LocalCloud<RunningAgent | RunningPythonAgent>>
export async function startLocalCloud(options: LocalCloudOptions = {}): Promise<LocalCloud<RunningAgent | RunningPythonAgent>> {
  const ports = options.ports ?? {}
  const apiKey = options.apiKey ?? randomBytes(20).toString('base64url')
  const log = options.log ?? (() => {})
  const stops: Array<() => Promise<void>> = []
  const stop = async () => {
    for (const s of stops.splice(0).reverse()) await s().catch(() => {})
  }

  try {
    // BedrockAgentCoreApp exits the process when it cannot listen: find out first, with a clear error.
    if (ports.agent) await assertPortFree(ports.agent, 'agent')
    // The offline model unless a caller asks otherwise: a fresh machine has no AWS account.
    const agentConfig: Partial<AgentConfig> = { modelId: undefined, region: LOCAL_REGION, logLevel: 'warn', ...options.agent }
    const agentRuntime = options.agentRuntime ?? 'typescript'
    const agent =
      agentRuntime === 'python'
        ? await startPythonAgent({ port: ports.agent ?? 0, config: agentConfig, log: (l) => log('agent', l) })
        : await startAgent({ host: '127.0.0.1', port: ports.agent ?? 0, env: {}, config: agentConfig })
    stops.push(() => agent.close())

    const agentCore = await startAgentCore({
      port: ports.agentCore ?? 0,
      region: LOCAL_REGION,
      runtimes: { [LOCAL_AGENT_RUNTIME_ARN]: { url: agent.url } },
      log: (l) => log('agentcore', l),
    })
    stops.push(() => agentCore.stop())

    if (options.build ?? true) await buildLambda()
    const poolOptions: LambdaPoolOptions = {
      codeDir: LAMBDA_DIST,
      handler: LAMBDA_HANDLER,
      region: LOCAL_REGION,
      maxConcurrency: options.lambdaConcurrency ?? 10,
      warm: options.lambdaWarm ?? 1,
      env: { ...localProxyEnv(agentCore.endpoint, LOCAL_AGENT_RUNTIME_ARN), AGENT_QUALIFIER: 'DEFAULT', ...options.lambdaEnv },
      onLog: (line) => log('lambda', line),
    }
    const lambda = await startLambdaPool(poolOptions)
    stops.push(() => lambda.stop())

    const apiGateway = await startApiGateway({
      port: ports.apiGateway ?? 0,
      api: { region: LOCAL_REGION, accountId: LOCAL_ACCOUNT, stage: STAGE },
      // The stack's routes (aws/lib/streaming-api.ts): both methods require the API key.
      routes: [
        { method: 'POST', path: '/invoke', apiKeyRequired: true },
        { method: 'POST', path: '/cancel', apiKeyRequired: true },
      ],
      apiKeys: { [apiKey]: 'local-api-key' },
      invoke: (event, o) => lambda.invoke(event, o),
      limits: options.limits,
      log: (l) => log('api-gateway', l),
    })
    stops.push(() => apiGateway.stop())

    return {
      agentRuntime,
      invokeUrl: `${apiGateway.url}/invoke`,
      cancelUrl: `${apiGateway.url}/cancel`,
      apiKey,
      agentUrl: agent.url,
      agentCoreEndpoint: agentCore.endpoint,
      agentRuntimeArn: LOCAL_AGENT_RUNTIME_ARN,
      agent,
      agentCore,
      lambda,
      apiGateway,
      stop,
    }
  } catch (err) {
    await stop()
    throw err
  }
}
