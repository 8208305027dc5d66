import { Annotations, Aws, RemovalPolicy } from 'aws-cdk-lib'
import * as agentcore from 'aws-cdk-lib/aws-bedrockagentcore'
import { Platform } from 'aws-cdk-lib/aws-ecr-assets'
import * as iam from 'aws-cdk-lib/aws-iam'
import * as logs from 'aws-cdk-lib/aws-logs'
import { Construct } from 'constructs'
import { MODEL_INVOKE_ACTIONS, modelResourceArns } from './model-arns'
import { acknowledgeNag, acknowledgeRoleDependsOn } from './nag'

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

    acknowledgeExecutionRoleWildcards(this.runtime, props.modelId)
    acknowledgeRoleDependsOn(this.runtime)

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

// The AgentCore execution role's statements that cdk-nag's IAM5 finds wildcards in, each with why
// it is as wide as it is. The role and its statements are aws-cdk-lib's Runtime construct's, which
// follow the execution role AWS documents for AgentCore Runtime (AWS docs: bedrock-agentcore/latest/
// devguide/runtime-permissions.html, "Execution role for running an agent in AgentCore Runtime").
const RUNTIME_LOGS = 'arn:<AWS::Partition>:logs:<AWS::Region>:<AWS::AccountId>:log-group:/aws/bedrock-agentcore/runtimes/*'
const EXECUTION_ROLE_WILDCARDS: Record<string, string> = {
  [RUNTIME_LOGS]:
    'AgentCore creates and describes the log groups of the runtime and its endpoints under /aws/bedrock-agentcore/runtimes/, ' +
    'named after the runtime id, which exists only once the runtime does (AWS docs: bedrock-agentcore/latest/devguide/runtime-permissions.html grants this prefix).',
  [`${RUNTIME_LOGS}:log-stream:*`]:
    'The log streams of the log groups under /aws/bedrock-agentcore/runtimes/ (AWS docs: bedrock-agentcore/latest/devguide/runtime-permissions.html).',
  'arn:<AWS::Partition>:logs:<AWS::Region>:<AWS::AccountId>:log-group:*':
    "logs:DescribeLogGroups only: a list call, authorized on the account's log groups (AWS docs: bedrock-agentcore/latest/devguide/runtime-permissions.html).",
  '*':
    'X-Ray (PutTraceSegments, PutTelemetryRecords, GetSamplingRules, GetSamplingTargets), cloudwatch:PutMetricData ' +
    '(limited by a condition to the bedrock-agentcore namespace) and ecr:GetAuthorizationToken support no resource-level ' +
    'permissions: the Service Authorization Reference lists no resource type for them, so "*" is the only resource ' +
    '(AWS docs: bedrock-agentcore/latest/devguide/runtime-permissions.html; service-authorization/latest/reference/list_awsxray.html).',
  'arn:<AWS::Partition>:bedrock-agentcore:<AWS::Region>:<AWS::AccountId>:workload-identity-directory/default/workload-identity/*':
    "The runtime's workload identity, created by AgentCore with the runtime under the default directory " +
    '(AWS docs: bedrock-agentcore/latest/devguide/runtime-permissions.html).',
}

function acknowledgeExecutionRoleWildcards(runtime: agentcore.Runtime, modelId: string): void {
  for (const [resource, reason] of Object.entries(EXECUTION_ROLE_WILDCARDS)) {
    acknowledgeNag(runtime, `AwsSolutions-IAM5[Resource::${resource}]`, reason)
  }
  // A cross-region inference profile routes to the model in whichever region it chooses, so the
  // model ARN's region is "*" (model-arns.ts; AWS docs: bedrock/latest/userguide/inference-profiles-prereq.html).
  const shown = { partition: '<AWS::Partition>', region: '<AWS::Region>', account: '<AWS::AccountId>' }
  for (const arn of modelResourceArns(modelId, shown).filter((a) => a.includes('*'))) {
    acknowledgeNag(
      runtime,
      `AwsSolutions-IAM5[Resource::${arn}]`,
      'The configured model through a cross-region inference profile: Bedrock invokes the model in a region the profile ' +
        'picks, so the role needs the model ARN in every region (AWS docs: bedrock/latest/userguide/inference-profiles-prereq.html).',
    )
  }
}
