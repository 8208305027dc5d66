import { Aws, Duration, RemovalPolicy } from 'aws-cdk-lib'
import type * as apigateway from 'aws-cdk-lib/aws-apigateway'
import * as iam from 'aws-cdk-lib/aws-iam'
import * as lambda from 'aws-cdk-lib/aws-lambda'
import * as nodejs from 'aws-cdk-lib/aws-lambda-nodejs'
import * as logs from 'aws-cdk-lib/aws-logs'
import { Construct } from 'constructs'
import { modelResourceArns } from './model-arns'
import { acknowledgeNag, acknowledgeRoleDependsOn } from './nag'
import { StreamingApi, type ApiGatewayLogging } from './streaming-api'
import { LAMBDA_BUNDLING } from './streaming-proxy'

export interface LambdaAgentPathProps {
  /** The agent-in-Lambda handler (aws/lambda-agent/handler.ts). */
  readonly entry: string
  readonly depsLockFilePath: string
  /** The only model the agent may call. */
  readonly modelId: string
  readonly systemPrompt?: string
  readonly maxPromptChars: number
  readonly heartbeatMs: number
  readonly logRetention: logs.RetentionDays
  /** The Worker's identity: it may call this API's POST invoke and nothing else of it. */
  readonly worker: iam.IGrantable
  /** The API's stage, usage plan, logs and WAF: the same settings as the `rest` path's API. */
  readonly stageName: string
  readonly throttle: { readonly rateLimit: number; readonly burstLimit: number }
  readonly quota: { readonly limit: number; readonly period: apigateway.Period }
  readonly stageLogs: boolean
  readonly webAcl?: { readonly rateLimitPer5Min: number }
  /** The `rest` API's logging when both are deployed (one account-level setting per region). */
  readonly accountLogging?: ApiGatewayLogging
}

/** Converse and ConverseStream through the Strands agent's BedrockModel: streaming only (ConverseStream). */
export const LAMBDA_AGENT_MODEL_ACTIONS = ['bedrock:InvokeModelWithResponseStream']

/**
 * The `lambda-agent` path: the agent itself (aws/agent's Strands agent, tools and model, bundled from
 * aws/lambda-agent) in a response-streaming Lambda, behind a REST API of its own with the `rest`
 * path's protections (SigV4 of the Worker's user, API key and usage plan, request model, optional
 * WAF). No AgentCore runtime: the function calls the model itself and may call that one model only.
 *
 * Its own API rather than resources on the `rest` API: any subset of paths deploys (this one needs no
 * AgentCore, so `-c paths=lambda-agent` deploys no runtime and no image), its usage plan and throttle
 * are its own, and the Worker's UPSTREAM_URL simply names another stage. Only `POST invoke`: a cancel
 * request would reach another execution environment, not the one running the agent
 * (aws/lambda-agent/answer.ts).
 */
export class LambdaAgentPath extends Construct {
  readonly function: nodejs.NodejsFunction
  readonly api: StreamingApi

  constructor(scope: Construct, id: string, props: LambdaAgentPathProps) {
    super(scope, id)
    const logGroup = new logs.LogGroup(this, 'Logs', { retention: props.logRetention, removalPolicy: RemovalPolicy.DESTROY })
    const role = new iam.Role(this, 'Role', {
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
      description: 'edge-agent-chat agent-in-Lambda: streams answers of one Bedrock model',
    })
    logGroup.grantWrite(role)
    const models = modelResourceArns(props.modelId, { partition: Aws.PARTITION, region: Aws.REGION, account: Aws.ACCOUNT_ID })
    role.addToPrincipalPolicy(new iam.PolicyStatement({ sid: 'StreamConfiguredModel', actions: LAMBDA_AGENT_MODEL_ACTIONS, resources: models }))
    const shown = { partition: '<AWS::Partition>', region: '<AWS::Region>', account: '<AWS::AccountId>' }
    for (const arn of modelResourceArns(props.modelId, shown).filter((a) => a.includes('*'))) {
      acknowledgeNag(
        role,
        `AwsSolutions-IAM5[Resource::${arn}]`,
        'The configured model through a cross-region inference profile: Bedrock invokes the model in a region the profile ' +
          'picks, so the role needs the model ARN in every region (AWS docs: bedrock/latest/userguide/inference-profiles-prereq.html).',
      )
    }

    const environment: Record<string, string> = {
      AGENT_MODEL_ID: props.modelId,
      AGENT_MAX_PROMPT_CHARS: String(props.maxPromptChars),
      HEARTBEAT_MS: String(props.heartbeatMs),
    }
    if (props.systemPrompt !== undefined) environment.AGENT_SYSTEM_PROMPT = props.systemPrompt
    this.function = new nodejs.NodejsFunction(this, 'Function', {
      entry: props.entry,
      handler: 'handler',
      depsLockFilePath: props.depsLockFilePath,
      runtime: lambda.Runtime.NODEJS_24_X,
      architecture: lambda.Architecture.ARM_64,
      // The agent loop waits on the model most of the time: the proxy's size.
      memorySize: 512,
      // API Gateway's streaming limit (15 min): the function must not be cut before it.
      timeout: Duration.minutes(15),
      role,
      logGroup,
      environment,
      bundling: LAMBDA_BUNDLING,
    })
    acknowledgeRoleDependsOn(this.function)

    this.api = new StreamingApi(this, 'Api', {
      handler: this.function,
      routes: ['invoke'],
      stageName: props.stageName,
      throttle: props.throttle,
      quota: props.quota,
      logRetention: props.logRetention,
      stageLogs: props.stageLogs,
      maxPromptChars: props.maxPromptChars,
      webAcl: props.webAcl,
      accountLogging: props.accountLogging,
    })
    for (const method of this.api.methods) method.grantExecute(props.worker)
  }
}
