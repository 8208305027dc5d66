import { Duration, RemovalPolicy } from 'aws-cdk-lib'
import type * as agentcore from 'aws-cdk-lib/aws-bedrockagentcore'
import * as iam from 'aws-cdk-lib/aws-iam'
import * as lambda from 'aws-cdk-lib/aws-lambda'
import * as nodejs from 'aws-cdk-lib/aws-lambda-nodejs'
import * as logs from 'aws-cdk-lib/aws-logs'
import { Construct } from 'constructs'
import { lambdaBuildOptions } from '../lambda/bundle-options'
import { acknowledgeNag, acknowledgeRoleDependsOn, nagShown } from './nag'

export interface StreamingProxyProps {
  /** The Lambda handler source (exports `handler`). */
  readonly entry: string
  /** package-lock.json of the project: esbuild resolves modules from its directory. */
  readonly depsLockFilePath: string
  /** The runtime the Lambda invokes; the Lambda may invoke and stop sessions on it only. */
  readonly runtime: agentcore.IBedrockAgentRuntime
  readonly agentQualifier: string
  readonly heartbeatMs: number
  readonly maxPromptChars: number
  readonly logRetention: logs.RetentionDays
  /** The function's timeout; default 15 minutes (one stream may last as long as API Gateway's limit). */
  readonly timeout?: Duration
  /** Executions reserved for this function alone (the cancel function's); none by default. */
  readonly reservedConcurrentExecutions?: number
  /** What this instance serves, for the role's description. Default: invoke and stop sessions. */
  readonly purpose?: string
}

/**
 * IAM actions the proxy needs: stream an invocation on behalf of the conversation's owner
 * (runtimeUserId needs InvokeAgentRuntimeForUser besides InvokeAgentRuntime, AWS API reference), and
 * stop a session when the browser cancels (a stop must reach the agent, not only end the stream: the
 * Lambda's /v1/cancel, aws/lambda/cancel.ts).
 */
export const PROXY_AGENT_ACTIONS = ['bedrock-agentcore:InvokeAgentRuntime', 'bedrock-agentcore:InvokeAgentRuntimeForUser', 'bedrock-agentcore:StopRuntimeSession']

/**
 * The options aws/lambda/build.ts uses for local runs, so what runs locally is what deploys (the
 * agent-in-Lambda's function too: ./lambda-agent-path.ts). Local esbuild, not Docker: synth needs no
 * Docker engine.
 */
export const LAMBDA_BUNDLING: nodejs.BundlingOptions = {
  forceDockerBundling: false,
  format: lambdaBuildOptions.format === 'esm' ? nodejs.OutputFormat.ESM : nodejs.OutputFormat.CJS,
  target: lambdaBuildOptions.target,
  minify: lambdaBuildOptions.minify,
  sourceMap: lambdaBuildOptions.sourcemap,
  mainFields: [...lambdaBuildOptions.mainFields],
  banner: lambdaBuildOptions.banner.js,
  esbuildArgs: { '--legal-comments': lambdaBuildOptions.legalComments },
  // Everything bundled, the AWS SDK included: pinned clients, not the runtime's copy.
  bundleAwsSDK: true,
  externalModules: [],
}

/**
 * The Lambda between API Gateway and AgentCore: a response-streaming Node.js function, bundled
 * locally by esbuild into one minified ESM file that includes the AgentCore client.
 */
export class StreamingProxy extends Construct {
  readonly function: nodejs.NodejsFunction
  readonly logGroup: logs.LogGroup

  constructor(scope: Construct, id: string, props: StreamingProxyProps) {
    super(scope, id)

    this.logGroup = new logs.LogGroup(this, 'Logs', {
      retention: props.logRetention,
      removalPolicy: RemovalPolicy.DESTROY,
    })

    // An own role instead of the default one: the default attaches the AWSLambdaBasicExecutionRole
    // managed policy (logs:* on every log group); this one may write to its own log group only.
    const role = new iam.Role(this, 'Role', {
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
      description: `edge-agent-chat streaming proxy: ${props.purpose ?? 'invoke and stop sessions of one AgentCore runtime'}`,
    })
    this.logGroup.grantWrite(role)
    role.addToPrincipalPolicy(
      new iam.PolicyStatement({
        sid: 'InvokeAndStopAgentRuntime',
        actions: PROXY_AGENT_ACTIONS,
        // `ARN/*` covers the runtime's endpoints (the qualifier, e.g. DEFAULT).
        resources: [props.runtime.agentRuntimeArn, `${props.runtime.agentRuntimeArn}/*`],
      }),
    )
    acknowledgeNag(
      role,
      `AwsSolutions-IAM5[Resource::${nagShown(this, props.runtime.agentRuntimeArn)}/*]`,
      "InvokeAgentRuntime and StopRuntimeSession with a qualifier are authorized on the runtime's endpoint as well, whose " +
        'ARN is the runtime ARN followed by /runtime-endpoint/<name> (AWS docs: service-authorization/latest/reference/' +
        'list_amazonbedrockagentcore.html, resource type runtime-endpoint); "/*" covers this one runtime\'s endpoints only.',
    )

    this.function = new nodejs.NodejsFunction(this, 'Function', {
      entry: props.entry,
      handler: 'handler',
      depsLockFilePath: props.depsLockFilePath,
      // The newest Node.js runtime Lambda offers (aws-cdk-lib 2.276 lists nodejs24.x as the newest;
      // pinned rather than NODEJS_LATEST, which changes with the CDK version; streaming-paths.test.ts
      // fails when aws-cdk-lib lists a newer one).
      runtime: lambda.Runtime.NODEJS_24_X,
      architecture: lambda.Architecture.ARM_64,
      memorySize: 512,
      // One stream may last as long as API Gateway's streaming limit (15 min): the Lambda must not
      // be cut before it.
      timeout: props.timeout ?? Duration.minutes(15),
      reservedConcurrentExecutions: props.reservedConcurrentExecutions || undefined,
      role,
      logGroup: this.logGroup,
      environment: {
        AGENT_RUNTIME_ARN: props.runtime.agentRuntimeArn,
        AGENT_QUALIFIER: props.agentQualifier,
        HEARTBEAT_MS: String(props.heartbeatMs),
        MAX_PROMPT_CHARS: String(props.maxPromptChars),
      },
      bundling: LAMBDA_BUNDLING,
    })
    acknowledgeRoleDependsOn(this.function)
  }
}

