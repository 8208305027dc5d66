import { CfnOutput, Duration, Stack, type StackProps } from 'aws-cdk-lib'
import type { Construct } from 'constructs'
import { AgentRuntime } from './agent-runtime'
import type { EdgeAgentChatConfig } from './config'
import { FunctionUrlPath } from './function-url-path'
import { InvokeStreamPath } from './invoke-stream-path'
import { LambdaAgentPath } from './lambda-agent-path'
import { StreamingApi } from './streaming-api'
import { StreamingProxy, type StreamingProxyProps } from './streaming-proxy'
import { WebSocketPath } from './websocket-path'
import { WorkerPrincipal } from './worker-principal'

export interface EdgeAgentChatStackProps extends StackProps {
  readonly config: EdgeAgentChatConfig
  /** Directory with the agent's Dockerfile. */
  readonly agentDirectory: string
  /** The Lambda handler source file. */
  readonly lambdaEntry: string
  /** The agent-in-Lambda handler source file (the lambda-agent path). */
  readonly lambdaAgentEntry: string
  /** The project's package-lock.json (esbuild's working directory for the Lambda bundle). */
  readonly depsLockFilePath: string
  /** The WebSocket API's function source (the websocket path). */
  readonly webSocketEntry?: string
}

/**
 * The AWS side of edge-agent-chat: API Gateway (streaming) → Lambda proxy → AgentCore Runtime →
 * Bedrock model. Its outputs are what the Cloudflare Worker needs to reach it.
 */
export class EdgeAgentChatStack extends Stack {
  constructor(scope: Construct, id: string, props: EdgeAgentChatStackProps) {
    super(scope, id, props)
    const { config } = props

    // The AgentCore runtime and its proxy, made when the first path in front of them asks: the
    // lambda-agent path runs the agent itself, so `-c paths=lambda-agent` deploys neither.
    // What every function relaying AgentCore's answers is given: the proxy, the cancel proxy, the WebSocket function.
    const relayProps = (runtime: StreamingProxyProps['runtime']) => ({
      depsLockFilePath: props.depsLockFilePath,
      runtime,
      agentQualifier: config.agentQualifier,
      heartbeatMs: config.heartbeatMs,
      maxPromptChars: config.maxPromptChars,
      logRetention: config.logRetention,
    })
    let agentCore: { agent: AgentRuntime; proxy: StreamingProxy } | undefined
    const agentCoreSide = () => {
      if (agentCore) return agentCore
      const agent = new AgentRuntime(this, 'Agent', {
        agentDirectory: props.agentDirectory,
        modelId: config.modelId,
        systemPrompt: config.systemPrompt,
        maxPromptChars: config.maxPromptChars,
        logRetention: config.logRetention,
      })
      const proxy = new StreamingProxy(this, 'Proxy', {
        entry: props.lambdaEntry,
        ...relayProps(agent.runtime),
      })
      return (agentCore = { agent, proxy })
    }

    const worker = new WorkerPrincipal(this, 'Worker', {})
    let restApi: StreamingApi | undefined
    // Each path is a construct of its own; context `paths` picks which (config.ts, default rest).
    // The cancel of the rest and invoke-stream paths (POST cancel, Invoke) on a function of its own,
    // the same code, with reserved concurrency: with every execution environment of the invoke function
    // busy (the moment a stop matters most), a cancel still runs. Short timeout: a cancel takes seconds
    // (aws/lambda/cancel.ts).
    const cancelProxy =
      config.paths.includes('rest') || config.paths.includes('invoke-stream')
        ? new StreamingProxy(this, 'CancelProxy', {
            entry: props.lambdaEntry,
            ...relayProps(agentCoreSide().agent.runtime),
            timeout: Duration.seconds(30),
            reservedConcurrentExecutions: config.cancelReservedConcurrency,
            purpose: 'stop the answers of one AgentCore runtime (POST cancel, invoke-stream cancel)',
          })
        : undefined
    if (config.paths.includes('rest')) {
      const api = (restApi = new StreamingApi(this, 'Stream', {
        handler: agentCoreSide().proxy.function,
        cancelHandler: cancelProxy!.function,
        stageName: config.stageName,
        throttle: { rateLimit: config.throttleRateLimit, burstLimit: config.throttleBurstLimit },
        quota: { limit: config.quotaLimit, period: config.quotaPeriod },
        logRetention: config.logRetention,
        stageLogs: config.apiAccessLogs,
        maxPromptChars: config.maxPromptChars,
        webAcl: config.wafWebAcl ? { rateLimitPer5Min: config.wafRateLimit } : undefined,
      }))
      for (const method of api.methods) method.grantExecute(worker.user)
      new CfnOutput(this, 'InvokeUrl', {
        description: 'Stage URL of the streaming API; routes: POST invoke, POST cancel',
        value: api.stageUrl,
      })
      new CfnOutput(this, 'UpstreamUrl', {
        description: "rest: the Worker's UPSTREAM_URL (InvokeUrl + 'invoke')",
        value: `${api.stageUrl}invoke`,
      })
      new CfnOutput(this, 'ApiKeyId', {
        description: 'API key id; its value: aws apigateway get-api-key --api-key <id> --include-value',
        value: api.apiKey.keyId,
      })
    }
    if (config.paths.includes('function-url')) {
      const path = new FunctionUrlPath(this, 'FunctionUrlPath', { handler: agentCoreSide().proxy.function, worker: worker.user })
      new CfnOutput(this, 'FunctionUrlUpstreamUrl', {
        description: "function-url: the Worker's UPSTREAM_URL (the Function URL + 'invoke'; UPSTREAM_KIND=function-url)",
        value: `${path.url.url}invoke`,
      })
    }
    if (config.paths.includes('invoke-stream')) {
      const path = new InvokeStreamPath(this, 'InvokeStreamPath', { handler: agentCoreSide().proxy.function, cancelHandler: cancelProxy!.function, worker: worker.user })
      new CfnOutput(this, 'LambdaFunctionName', {
        description: "invoke-stream: the Worker's UPSTREAM_LAMBDA_FUNCTION (UPSTREAM_KIND=invoke-stream)",
        value: path.functionName,
      })
      new CfnOutput(this, 'LambdaCancelFunctionName', {
        description: "invoke-stream: the Worker's UPSTREAM_LAMBDA_CANCEL_FUNCTION (the cancel function, reserved concurrency)",
        value: path.cancelFunctionName,
      })
    }
    if (config.paths.includes('websocket')) {
      if (!props.webSocketEntry) throw new Error('paths includes websocket: webSocketEntry (aws/lambda/websocket/handler.ts) is required')
      const path = new WebSocketPath(this, 'WebSocketPath', {
        entry: props.webSocketEntry,
        ...relayProps(agentCoreSide().agent.runtime),
        stageName: config.stageName,
        throttle: { rateLimit: config.throttleRateLimit, burstLimit: config.throttleBurstLimit },
        accessLogs: config.apiAccessLogs && config.paths.includes('rest'),
        worker: worker.user,
      })
      new CfnOutput(this, 'WebSocketUpstreamUrl', {
        description: "websocket: the Worker's UPSTREAM_URL (the WebSocket API stage, wss://; UPSTREAM_KIND=websocket)",
        value: path.url,
      })
    }
    if (config.paths.includes('lambda-agent')) {
      const path = new LambdaAgentPath(this, 'LambdaAgentPath', {
        entry: props.lambdaAgentEntry,
        depsLockFilePath: props.depsLockFilePath,
        modelId: config.modelId,
        systemPrompt: config.systemPrompt,
        maxPromptChars: config.maxPromptChars,
        heartbeatMs: config.heartbeatMs,
        logRetention: config.logRetention,
        worker: worker.user,
        stageName: config.stageName,
        throttle: { rateLimit: config.throttleRateLimit, burstLimit: config.throttleBurstLimit },
        quota: { limit: config.quotaLimit, period: config.quotaPeriod },
        stageLogs: config.apiAccessLogs,
        webAcl: config.wafWebAcl ? { rateLimitPer5Min: config.wafRateLimit } : undefined,
        accountLogging: restApi?.logging,
      })
      new CfnOutput(this, 'LambdaAgentUpstreamUrl', {
        description: "lambda-agent: the Worker's UPSTREAM_URL (the agent-in-Lambda API's stage URL + 'invoke'; UPSTREAM_KIND=lambda-agent)",
        value: `${path.api.stageUrl}invoke`,
      })
      new CfnOutput(this, 'LambdaAgentApiKeyId', {
        description: "lambda-agent: its API key's id (the Worker's UPSTREAM_API_KEY on this path); aws apigateway get-api-key --api-key <id> --include-value",
        value: path.api.apiKey.keyId,
      })
    }
    new CfnOutput(this, 'WorkerUserName', {
      description:
        "The Worker's IAM user (only what the deployed paths need: execute-api:Invoke on POST invoke and cancel or on the WebSocket API's $connect, lambda:InvokeFunctionUrl, lambda:InvokeFunction); its key: aws iam create-access-key --user-name <name>",
      value: worker.user.userName,
    })
    if (agentCore) {
      new CfnOutput(this, 'AgentRuntimeArn', {
        description: 'The AgentCore Runtime the Lambda invokes',
        value: agentCore.agent.runtime.agentRuntimeArn,
      })
    }
  }
}
