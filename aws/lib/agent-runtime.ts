import { Annotations, Aws, RemovalPolicy } from 'aws-cdk-lib'
import * as agentcore from 'aws-cdk-lib/aws-bedrockagentcore'
import { Platform } from 'aws-cdk-lib/aws-ecr-assets'
import * as iam from 'aws-cdk-lib/aws-iam'
import * as logs from 'aws-cdk-lib/aws-logs'
import { Construct } from 'constructs'
import { MODEL_INVOKE_ACTIONS, modelResourceArns } from './model-arns'

export interface AgentRuntimeProps {
  /** Directory with the agent's Dockerfile (the Docker build context). */
  readonly agentDirectory: string
  /** The only model the agent may invoke. */
  readonly modelId: string
  readonly systemPrompt?: string
  /** The agent's AGENT_MAX_PROMPT_CHARS: the same limit, in characters, as the Lambda's. */
  readonly maxPromptChars: number
  readonly logRetention: logs.RetentionDays
}

/**
 * The agent container on Bedrock AgentCore Runtime: built from the agent's Dockerfile for arm64 (the
 * only architecture AgentCore runs), public network, HTTP protocol, IAM-authorized invocations, and
 * a role that may call exactly one model.
 */
export class AgentRuntime extends Construct {
  readonly runtime: agentcore.Runtime

  constructor(scope: Construct, id: string, props: AgentRuntimeProps) {
    super(scope, id)

    const environmentVariables: Record<string, string> = { AGENT_MODEL_ID: props.modelId, AGENT_MAX_PROMPT_CHARS: String(props.maxPromptChars) }
    if (props.systemPrompt !== undefined) environmentVariables.AGENT_SYSTEM_PROMPT = props.systemPrompt

    this.runtime = new agentcore.Runtime(this, 'Runtime', {
      description: 'edge-agent-chat agent',
      // fromAsset only stages the directory at synth; the image is built (needs Docker) by
      // `cdk deploy`. Without `platform` the image would get the build machine's architecture.
      agentRuntimeArtifact: agentcore.AgentRuntimeArtifact.fromAsset(props.agentDirectory, {
        platform: Platform.LINUX_ARM64,
      }),
      protocolConfiguration: agentcore.ProtocolType.HTTP,
      networkConfiguration: agentcore.RuntimeNetworkConfiguration.usingPublicNetwork(),
      environmentVariables,
    })

    // The container URI is an asset token until deploy, so the construct can't check it at synth.
    Annotations.of(this.runtime).acknowledgeInfo(
      'aws-cdk-lib.aws-bedrockagentcore:containerUriValidationSkipped',
      'the URI is the CDK image asset, resolved at deploy',
    )

    this.runtime.addToRolePolicy(
      new iam.PolicyStatement({
        sid: 'InvokeConfiguredModel',
        actions: MODEL_INVOKE_ACTIONS,
        resources: modelResourceArns(props.modelId, {
          partition: Aws.PARTITION,
          region: Aws.REGION,
          account: Aws.ACCOUNT_ID,
        }),
      }),
    )

    // AgentCore creates the DEFAULT endpoint's log group on the first invocation, without a
    // retention. Creating it here first, under the same name, gives it one and deletes it with the
    // stack.
    new logs.LogGroup(this, 'ApplicationLogs', {
      logGroupName: `/aws/bedrock-agentcore/runtimes/${this.runtime.agentRuntimeId}-DEFAULT`,
      retention: props.logRetention,
      removalPolicy: RemovalPolicy.DESTROY,
    })
  }
}
