/**
 * A deployed stack's outputs (CloudFormation DescribeStacks, read with
 * @aws-sdk/client-cloudformation and the default credential chain) as what the conformance run
 * needs: the API's stage URL, the API key's id, the AgentCore runtime. Output names are those
 * aws/lib/edge-agent-chat-stack.ts declares.
 */
import { CloudFormationClient, DescribeStackResourcesCommand, DescribeStacksCommand, type Stack, type StackResource } from '@aws-sdk/client-cloudformation'
import type { AwsCredentialIdentityProvider } from '@smithy/types'

export interface StackConfig {
  stackName: string
  region: string
  accountId: string
  /** The stage URL, ending in "/": POST {stageUrl}invoke, POST {stageUrl}cancel. */
  stageUrl: string
  apiKeyId: string
  agentRuntimeArn: string
  workerUserName?: string
  /** The invoke function's log group (the `Proxy` construct's `Logs`, aws/lib/streaming-proxy.ts), when readable. */
  invokeLogGroup?: string
}

/** The invoke function's log group among the stack's resources: logical id `ProxyLogs<hash>`. */
export function invokeLogGroupFrom(resources: readonly StackResource[]): string | undefined {
  return resources.find((r) => r.ResourceType === 'AWS::Logs::LogGroup' && /^ProxyLogs[0-9A-F]{8}$/.test(r.LogicalResourceId ?? ''))?.PhysicalResourceId
}

export class StackConfigError extends Error {}

const STAGE_URL = /^https:\/\/[a-z0-9]+\.execute-api\.([a-z0-9-]+)\.amazonaws\.com\/[A-Za-z0-9_-]+\/$/
const STACK_ARN = /^arn:aws[a-z-]*:cloudformation:([a-z0-9-]+):(\d{12}):stack\//

/** Maps one stack's description; throws naming what is missing (the rest path was not deployed, a failed stack). */
export function stackConfigFrom(stack: Stack): StackConfig {
  const name = stack.StackName ?? '?'
  if (!/_COMPLETE$/.test(stack.StackStatus ?? '') || /ROLLBACK|DELETE/.test(stack.StackStatus ?? '')) {
    throw new StackConfigError(`Stack ${name} is ${stack.StackStatus}: deploy it (npm run cdk -- deploy) before running the conformance suite against it.`)
  }
  const outputs = new Map((stack.Outputs ?? []).map((o) => [o.OutputKey, o.OutputValue]))
  const need = (key: string, why: string) => {
    const value = outputs.get(key)
    if (!value) throw new StackConfigError(`Stack ${name} has no ${key} output (${why}).`)
    return value
  }
  const stageUrl = need('InvokeUrl', 'the rest path: deploy with it among the paths')
  const stage = STAGE_URL.exec(stageUrl)
  if (!stage) throw new StackConfigError(`Stack ${name}'s InvokeUrl ${stageUrl} is not an API Gateway stage URL.`)
  const arn = STACK_ARN.exec(stack.StackId ?? '')
  if (!arn) throw new StackConfigError(`Stack ${name} has no stack ARN to read its account from.`)
  return {
    stackName: name,
    region: stage[1],
    accountId: arn[2],
    stageUrl,
    apiKeyId: need('ApiKeyId', 'the rest path creates the API key'),
    agentRuntimeArn: need('AgentRuntimeArn', 'every stack has it'),
    workerUserName: outputs.get('WorkerUserName'),
  }
}

/** DescribeStacks for one stack name; the SDK's own errors (no such stack, access denied) pass through with a hint. */
export async function readStackConfig(opts: { stackName: string; region?: string; credentials: AwsCredentialIdentityProvider; endpoint?: string }): Promise<StackConfig> {
  const client = new CloudFormationClient({ region: opts.region, credentials: opts.credentials, endpoint: opts.endpoint, maxAttempts: 2 })
  try {
    const out = await client.send(new DescribeStacksCommand({ StackName: opts.stackName }))
    const stack = out.Stacks?.[0]
    if (!stack) throw new StackConfigError(`DescribeStacks returned no stack named ${opts.stackName}.`)
    const config = stackConfigFrom(stack)
    // Optional: without it (no cloudformation:DescribeStackResources), the invocation count is not covered.
    const resources = await client.send(new DescribeStackResourcesCommand({ StackName: opts.stackName })).catch(() => undefined)
    const invokeLogGroup = invokeLogGroupFrom(resources?.StackResources ?? [])
    return invokeLogGroup ? { ...config, invokeLogGroup } : config
  } catch (err) {
    if (err instanceof StackConfigError) throw err
    const e = err as { name?: string; message?: string }
    throw new StackConfigError(`Could not read stack ${opts.stackName}${opts.region ? ` in ${opts.region}` : ''}: ${e.name}: ${e.message} (check --stack, --region and that your credentials may call cloudformation:DescribeStacks).`)
  } finally {
    client.destroy()
  }
}
