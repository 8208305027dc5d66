/**
 * The contracts against a deployed stack: requests signed with the run's default-chain credentials
 * (./signing.ts) to the stack's stage URL, AgentCore called directly on the stack's runtime.
 */
import { BedrockAgentCoreClient } from '@aws-sdk/client-bedrock-agentcore'
import { CloudWatchLogsClient } from '@aws-sdk/client-cloudwatch-logs'
import { fromNodeProviderChain } from '@aws-sdk/credential-providers'
import { requireCredentials } from './credentials'
import { readInvocations, settledInvocations } from './function-logs'
import { apiFetcher } from './signing'
import type { StackConfig } from './stack-config'
import type { ApiRequest, ConformanceTarget } from './target'

export async function awsTarget(stack: StackConfig, apiKey: string): Promise<ConformanceTarget> {
  const { credentials, provider } = await requireCredentials(fromNodeProviderChain())
  const fetchApi = apiFetcher({ credentials, region: stack.region })
  const client = new BedrockAgentCoreClient({ region: stack.region, credentials: provider, maxAttempts: 1 })
  const logs = new CloudWatchLogsClient({ region: stack.region, credentials: provider })
  const logGroup = stack.invokeLogGroup
  return {
    kind: 'aws',
    label: `stack ${stack.stackName} in ${stack.region}`,
    stageUrl: stack.stageUrl,
    api: (req) => fetchApi(stack.stageUrl + req.path.slice(1), init(req, apiKey), req.signing),
    agentCore: { client, runtimeArn: stack.agentRuntimeArn, qualifier: 'DEFAULT' },
    secrets: [apiKey, credentials.secretAccessKey, credentials.sessionToken ?? ''].filter(Boolean),
    ...(logGroup && { countInvocations: (fromMs: number, toMs: number) => settledInvocations(() => readInvocations(logs, logGroup, fromMs, toMs)) }),
    async stop() {
      client.destroy()
      logs.destroy()
    },
  }
}

/** The request init both targets send: the body, its content type, and the API key as asked. */
export function init(req: ApiRequest, apiKey: string): RequestInit {
  const headers: Record<string, string> = { 'content-type': req.contentType ?? 'application/json', accept: 'text/event-stream' }
  if ((req.apiKey ?? 'valid') === 'valid') headers['x-api-key'] = apiKey
  if (req.apiKey === 'wrong') headers['x-api-key'] = 'not-the-api-key-' + apiKey.length
  return { method: 'POST', headers, body: req.body }
}
