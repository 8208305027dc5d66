/**
 * The local cloud: the AWS side of the app on 127.0.0.1, every hop the project's real code.
 *
 *   API Gateway emulator (REST, stage v1, IAM + x-api-key, streaming)  ./api-gateway
 *   Lambda API emulator (InvokeWithResponseStream, Invoke; SigV4)      ./lambda-api
 *   Function URL emulator (RESPONSE_STREAM, AWS_IAM)                   ./function-url
 *   WebSocket API emulator (IAM on $connect, @connections)             ./websocket-api
 *     → its own function (aws/lambda/websocket, posts to the connection)
 *   with `lambdaAgent`: a REST API of its own → the agent inside a Lambda ./lambda-agent.ts
 *     → Lambda: the real bundle (aws/lambda/dist) under aws-lambda-ric  ./lambda-runtime
 *     → AgentCore data-plane emulator (InvokeAgentRuntime, SigV4 check) ./agentcore
 *     → the agent on the offline model: aws/agent (TypeScript, in this process) or, with
 *       agentRuntime 'python', aws/agent-python (a child process: ./python/agent.ts)
 *
 * Nothing here reaches the network: the agent's model is the embedded offline one, the Lambda signs
 * with fake credentials for the local AgentCore endpoint, and every server binds to 127.0.0.1.
 */
import { randomBytes } from 'node:crypto'
import { AwsClient } from 'aws4fetch'
import { startAgent, type RunningAgent } from '../agent/app'
import type { AgentConfig } from '../agent/config'
import { buildLambda, LAMBDA_DIST } from '../lambda/build'
import { LAMBDA_HANDLER } from '../lambda/bundle-options'
import { startAgentCore, type AgentCore } from './agentcore/server'
import type { AgentCoreBehaviour } from './agentcore/behaviour'
import type { ApiGatewayLimits } from './api-gateway/limits'
import type { UsagePlanThrottle } from './api-gateway/usage-plan'
import { methodArn } from './api-gateway/iam-auth'
import { DEFAULT_API, startApiGateway, type ApiGateway } from './api-gateway/server'
import { startFunctionUrl, type FunctionUrl } from './function-url/server'
import { startLambdaApi, type LambdaApi } from './lambda-api/server'
import { startWebSocketApi, type WebSocketApi } from './websocket-api/server'
import { lambdaRoute } from './websocket-api/lambda-route'
import { buildWebSocketLambda, WEBSOCKET_DIST, WEBSOCKET_HANDLER } from '../lambda/websocket/build'
import { startLambdaAgentPath, type LambdaAgentPath } from './lambda-agent'
import { startLambdaPool, type LambdaPool, type LambdaPoolOptions } from './lambda-runtime'
import { DEFAULTS as LAMBDA_DEFAULTS } from './lambda-runtime/lambda-env'
import { assertPortFree } from './listen'
import { functionArnOf } from './lambda-api/iam'
import { LOCAL_PROXY_CREDENTIAL, localProxyEnv } from './proxy-env'
import { DEFAULT_MAX_PROMPT_CHARS } from '../../protocol/request'
import { cancelModelSchema, invokeModelSchema, toDraft4 } from '../lib/request-models'
import { startPythonAgent, type RunningPythonAgent } from './python/agent'
import { newWorkerKeys, type WorkerKeys } from './worker-keys'

export const LOCAL_REGION = 'us-east-1'
export const LOCAL_ACCOUNT = '123456789012'
/** A well-formed runtime ARN (name-suffix id as AgentCore makes them); only the emulator knows it. */
export const LOCAL_AGENT_RUNTIME_ARN = `arn:aws:bedrock-agentcore:${LOCAL_REGION}:${LOCAL_ACCOUNT}:runtime/edge_agent_chat-L0ca1Dev00`
export const STAGE = 'v1'
/** The cancel function's name (the invoke function's is aws/local/lambda-runtime/lambda-env.ts's default). */
export const CANCEL_FUNCTION_NAME = 'edge-agent-chat-cancel'
/** The Worker's IAM user (aws/lib/worker-principal.ts creates it in the stack). */
export const LOCAL_WORKER_ARN = `arn:aws:iam::${LOCAL_ACCOUNT}:user/edge-agent-chat-worker`

export interface LocalCloudPorts {
  /** API Gateway emulator; the Worker's UPSTREAM_URL points here. */
  apiGateway?: number
  /** Lambda API emulator (the invoke-stream path). */
  lambdaApi?: number
  /** Function URL emulator (the function-url path). */
  functionUrl?: number
  /** WebSocket API emulator (the websocket path). */
  webSocketApi?: number
  /** The lambda-agent path's own API Gateway emulator. */
  lambdaAgentApi?: number
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
  /** The Worker's access key, which the signed paths' emulators accept; a random one when absent. */
  workerKeys?: WorkerKeys
  limits?: Partial<ApiGatewayLimits>
  /** The usage plan's throttle on the API key (the stack's is 10/s, burst 20); off when absent, so
   *  local load runs are not throttled. */
  usagePlan?: UsagePlanThrottle
  /** Agent settings on top of the offline defaults (e.g. the offline model's pace). */
  agent?: Partial<AgentConfig>
  /** Extra environment of the Lambda function (HEARTBEAT_MS, CANCEL_TIMEOUT_MS...). */
  lambdaEnv?: Record<string, string>
  /** Extra environment of the WebSocket API's function (WS_FLUSH_BYTES, WS_FLUSH_MS), on top of lambdaEnv. */
  webSocketEnv?: Record<string, string>
  /** Lambda concurrency (default 10) and execution environments started up front (default 1). */
  lambdaConcurrency?: number
  lambdaWarm?: number
  /** Concurrency of the cancel function: its own pool, as its reserved concurrency in AWS
   *  (aws/lib/streaming-proxy.ts), so a cancel never waits for a busy invoke function. Default 4. */
  cancelConcurrency?: number
  /** The AgentCore emulator's switches for unsettled behaviours (agentcore/behaviour.ts); default run, terminate. */
  agentCoreBehaviour?: Partial<AgentCoreBehaviour>
  /** Also serve the lambda-agent path (its own API and Lambda: ./lambda-agent.ts). Default false: it costs a build and a warm process. */
  lambdaAgent?: boolean
  /** Rebuild aws/lambda/dist before starting (default true). */
  build?: boolean
  /** Receives every log line, tagged with its source. Default: silent. */
  log?: (source: 'api-gateway' | 'lambda-api' | 'function-url' | 'websocket-api' | 'lambda' | 'agentcore' | 'agent' | 'lambda-agent', line: string) => void
}


export interface LocalCloud<Agent = RunningAgent> {
  agentRuntime: AgentRuntimeKind
  /** POST here: the Worker's UPSTREAM_URL. */
  invokeUrl: string
  cancelUrl: string
  apiKey: string
  workerKeys: WorkerKeys
  /** `fetch` as the Worker calls API Gateway: SigV4-signed for execute-api with its keys (aws4fetch,
   *  no retries), plus the API key unless `init` has one. For tests and scripts that play the Worker's part. */
  workerFetch(url: string, init: RequestInit): Promise<Response>
  /** The Worker's vars for this cloud: URL, API key, the edge principal's keys and region. */
  workerVars: { UPSTREAM_URL: string; UPSTREAM_API_KEY: string; UPSTREAM_AWS_ACCESS_KEY_ID: string; UPSTREAM_AWS_SECRET_ACCESS_KEY: string; UPSTREAM_AWS_REGION: string }
  agentUrl: string
  agentCoreEndpoint: string
  agentRuntimeArn: string
  /** The Lambda API emulator's endpoint and the proxy function's name there (invoke-stream). */
  lambdaEndpoint: string
  functionName: string
  /** The cancel function's name there: invoke-stream's cancel runs on its own environments too. */
  cancelFunctionName: string
  /** The proxy's Function URL + `invoke` (function-url's UPSTREAM_URL). */
  functionUrlInvoke: string
  agent: Agent
  agentCore: AgentCore
  /** Every event API Gateway gave a function, newest last (the last 1000): what one request costs in invocations. */
  functionEvents: Array<{ function: 'invoke' | 'cancel'; event: unknown; at: number }>
  lambda: LambdaPool
  /** The cancel function's own execution environments (the same code; API Gateway's POST /cancel). */
  cancelLambda: LambdaPool
  apiGateway: ApiGateway
  lambdaApi: LambdaApi
  functionUrl: FunctionUrl
  /** The WebSocket API (`ws://…/v1`: the websocket path's UPSTREAM_URL) and its function's environments. */
  webSocketApi: WebSocketApi
  webSocketLambda: LambdaPool
  /** The lambda-agent path, when `lambdaAgent` asked for it. */
  lambdaAgent?: LambdaAgentPath
  stop(): Promise<void>
}

export function startLocalCloud(options?: LocalCloudOptions & { agentRuntime?: 'typescript' }): Promise<LocalCloud>
export function startLocalCloud(options: LocalCloudOptions & { agentRuntime: 'python' }): Promise<LocalCloud<RunningPythonAgent>>
export function startLocalCloud(options: LocalCloudOptions): Promise<LocalCloud<RunningAgent | RunningPythonAgent>>
export async function startLocalCloud(options: LocalCloudOptions = {}): Promise<LocalCloud<RunningAgent | RunningPythonAgent>> {
  const ports = options.ports ?? {}
  const apiKey = options.apiKey ?? randomBytes(20).toString('base64url')
  const workerKeys = options.workerKeys ?? newWorkerKeys()
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
      // The Lambda's signatures are verified with its local credentials; its role's policy as the
      // stack writes it (aws/lib/streaming-proxy.ts: invoke and stop sessions of this runtime).
      principals: [
        {
          ...LOCAL_PROXY_CREDENTIAL,
          allow: ['InvokeAgentRuntime', 'InvokeAgentRuntimeForUser', 'StopRuntimeSession'].flatMap((op) => [
            { action: `bedrock-agentcore:${op}`, resource: LOCAL_AGENT_RUNTIME_ARN },
            { action: `bedrock-agentcore:${op}`, resource: `${LOCAL_AGENT_RUNTIME_ARN}/*` },
          ]),
        },
      ],
      port: ports.agentCore ?? 0,
      region: LOCAL_REGION,
      behaviour: options.agentCoreBehaviour,
      // A terminated session's memory goes with its microVM: the TypeScript agent's store is in this
      // process, the Python agent is told over its local control channel (./python/agent.ts).
      runtimes: {
        [LOCAL_AGENT_RUNTIME_ARN]: { url: agent.url, forgetSession: 'sessions' in agent ? (id: string) => void agent.sessions.forget(id) : (id: string) => agent.forgetSession(id) },
      },
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
    const cancelLambda = await startLambdaPool({ ...poolOptions, functionName: CANCEL_FUNCTION_NAME, maxConcurrency: options.cancelConcurrency ?? 4, warm: 1 })
    stops.push(() => cancelLambda.stop())

    const functionEvents: LocalCloud['functionEvents'] = []
    const api = { ...DEFAULT_API, region: LOCAL_REGION, accountId: LOCAL_ACCOUNT, stage: STAGE }
    // The stack gives the invoke model the same limit as the Lambda (aws/lib/config.ts maxPromptChars).
    const maxPromptChars = Number(options.lambdaEnv?.MAX_PROMPT_CHARS ?? DEFAULT_MAX_PROMPT_CHARS)
    const apiGateway = await startApiGateway({
      port: ports.apiGateway ?? 0,
      api,
      // The stack's routes (aws/lib/streaming-api.ts): IAM authorization, the API key and the request
      // models (aws/lib/request-models.ts) on both,
      // and the Worker's user may invoke exactly these two methods (aws/lib/worker-principal.ts).
      routes: [
        { method: 'POST', path: '/invoke', apiKeyRequired: true, authorizationType: 'AWS_IAM', requestModels: { 'application/json': toDraft4(invokeModelSchema(maxPromptChars)) } },
        { method: 'POST', path: '/cancel', apiKeyRequired: true, authorizationType: 'AWS_IAM', requestModels: { 'application/json': toDraft4(cancelModelSchema()) } },
      ],
      apiKeys: { [apiKey]: 'local-api-key' },
      principals: [
        {
          ...workerKeys,
          principalArn: LOCAL_WORKER_ARN,
          allow: ['/invoke', '/cancel'].map((path) => ({ action: 'execute-api:Invoke', resource: methodArn(api, 'POST', path) })),
        },
      ],
      // POST /cancel is integrated with the cancel function (its own execution environments).
      invoke: (event, o) => {
        const fn = (event as { resource?: string }).resource === '/cancel' ? 'cancel' : 'invoke'
        functionEvents.push({ function: fn, event, at: Date.now() })
        if (functionEvents.length > 1000) functionEvents.shift()
        return (fn === 'cancel' ? cancelLambda : lambda).invoke(event, o)
      },
      limits: options.limits,
      usagePlan: options.usagePlan,
      log: (l) => log('api-gateway', l),
    })
    stops.push(() => apiGateway.stop())

    // The same function reached without API Gateway: Lambda's own API (InvokeWithResponseStream).
    // The cancel function is there too: invoke-stream's cancel is an Invoke of it (its own environments).
    const functionName = LAMBDA_DEFAULTS.functionName
    const lambdaApi = await startLambdaApi({
      port: ports.lambdaApi ?? 0,
      region: LOCAL_REGION,
      accountId: LOCAL_ACCOUNT,
      functions: { [functionName]: lambda, [CANCEL_FUNCTION_NAME]: cancelLambda },
      // The Worker's user may invoke these two functions (aws/lib/invoke-stream-path.ts: lambda:InvokeFunction on their ARNs).
      principals: [
        {
          ...workerKeys,
          principalArn: LOCAL_WORKER_ARN,
          allow: [functionName, CANCEL_FUNCTION_NAME].map((name) => ({ action: 'lambda:InvokeFunction', resource: functionArnOf(LOCAL_REGION, LOCAL_ACCOUNT, name) })),
        },
      ],
      log: (l) => log('lambda-api', l),
    })
    stops.push(() => lambdaApi.stop())

    // And through a Function URL (RESPONSE_STREAM, AWS_IAM) of the same function.
    const functionUrl = await startFunctionUrl({
      port: ports.functionUrl ?? 0,
      url: { region: LOCAL_REGION },
      fn: lambda,
      functionName,
      accountId: LOCAL_ACCOUNT,
      principals: [
        {
          ...workerKeys,
          principalArn: LOCAL_WORKER_ARN,
          allow: [{ action: 'lambda:InvokeFunctionUrl', resource: functionArnOf(LOCAL_REGION, LOCAL_ACCOUNT, functionName) }],
        },
      ],
      log: (l) => log('function-url', l),
    })
    stops.push(() => functionUrl.stop())

    // And behind a WebSocket API: its own function (aws/lambda/websocket), which posts the answer to the
    // connection through the emulator's @connections API. Built and started on first use only.
    let webSocketPool: LambdaPool | undefined
    let webSocketReady: Promise<LambdaPool> | undefined
    const webSocketApi = await startWebSocketApi({
      port: ports.webSocketApi ?? 0,
      api: { region: LOCAL_REGION, accountId: LOCAL_ACCOUNT, stage: STAGE },
      routes: ['$connect', '$disconnect', 'invoke', 'cancel'],
      invoke: async (event) => lambdaRoute(await (webSocketReady ??= startWebSocketPool()))(event),
      // The stack's policies (aws/lib/websocket-path.ts): the Worker may connect ($connect only), the
      // function may manage this API's connections.
      principals: [
        { ...workerKeys, principalArn: LOCAL_WORKER_ARN, allow: [{ action: 'execute-api:Invoke', resource: `arn:aws:execute-api:${LOCAL_REGION}:${LOCAL_ACCOUNT}:l0ca1ws000/${STAGE}/$connect` }] },
        { ...LOCAL_PROXY_CREDENTIAL, allow: [{ action: 'execute-api:ManageConnections', resource: `arn:aws:execute-api:${LOCAL_REGION}:${LOCAL_ACCOUNT}:l0ca1ws000/${STAGE}/POST/@connections/*` }] },
      ],
      log: (l) => log('websocket-api', l),
    })
    stops.push(async () => {
      await webSocketApi.stop()
      await (webSocketReady?.then((p) => p.stop()) ?? Promise.resolve())
    })
    async function startWebSocketPool(): Promise<LambdaPool> {
      if (options.build ?? true) await buildWebSocketLambda()
      webSocketPool = await startLambdaPool({
        ...poolOptions,
        codeDir: WEBSOCKET_DIST,
        handler: WEBSOCKET_HANDLER,
        functionName: 'edge-agent-chat-websocket',
        warm: 0,
        env: { ...poolOptions.env, WEBSOCKET_MANAGEMENT_ENDPOINT: webSocketApi.managementEndpoint, ...options.webSocketEnv },
      })
      return webSocketPool
    }
    const lambdaAgent = options.lambdaAgent
      ? await startLambdaAgentPath({
          region: LOCAL_REGION,
          accountId: LOCAL_ACCOUNT,
          stage: STAGE,
          apiKey,
          workerKeys,
          workerArn: LOCAL_WORKER_ARN,
          port: ports.lambdaAgentApi ?? 0,
          agent: options.agent,
          // The proxy's settings that mean the same here (the agent's prompt limit has its own name).
          env: Object.fromEntries(
            Object.entries({ HEARTBEAT_MS: options.lambdaEnv?.HEARTBEAT_MS, AGENT_MAX_PROMPT_CHARS: options.lambdaEnv?.MAX_PROMPT_CHARS }).filter(
              (e): e is [string, string] => e[1] !== undefined,
            ),
          ),
          concurrency: options.lambdaConcurrency,
          limits: options.limits,
          build: options.build,
          log: (source, line) => log('lambda-agent', `[${source}] ${line}`),
        })
      : undefined
    if (lambdaAgent) stops.push(() => lambdaAgent.stop())

    return {
      agentRuntime,
      invokeUrl: `${apiGateway.url}/invoke`,
      cancelUrl: `${apiGateway.url}/cancel`,
      apiKey,
      workerKeys,
      workerFetch: (url, init) => {
        const headers = new Headers(init.headers)
        if (!headers.has('x-api-key')) headers.set('x-api-key', apiKey)
        return new AwsClient({ ...workerKeys, service: 'execute-api', region: LOCAL_REGION, retries: 0 }).fetch(url, { ...init, headers })
      },
      workerVars: {
        UPSTREAM_URL: `${apiGateway.url}/invoke`,
        UPSTREAM_API_KEY: apiKey,
        UPSTREAM_AWS_ACCESS_KEY_ID: workerKeys.accessKeyId,
        UPSTREAM_AWS_SECRET_ACCESS_KEY: workerKeys.secretAccessKey,
        UPSTREAM_AWS_REGION: LOCAL_REGION,
      },
      agentUrl: agent.url,
      agentCoreEndpoint: agentCore.endpoint,
      agentRuntimeArn: LOCAL_AGENT_RUNTIME_ARN,
      lambdaEndpoint: lambdaApi.url,
      functionName,
      cancelFunctionName: CANCEL_FUNCTION_NAME,
      functionUrlInvoke: `${functionUrl.url}invoke`,
      agent,
      agentCore,
      functionEvents,
      lambda,
      cancelLambda,
      apiGateway,
      lambdaApi,
      functionUrl,
      webSocketApi,
      get webSocketLambda(): LambdaPool {
        if (!webSocketPool) throw new Error('The WebSocket function has not run yet.')
        return webSocketPool
      },
      lambdaAgent,
      stop,
    }
  } catch (err) {
    await stop()
    throw err
  }
}
