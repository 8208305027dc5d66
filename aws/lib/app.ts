import type { App } from 'aws-cdk-lib'
import { readConfig } from './config'
import { EdgeAgentChatStack } from './edge-agent-chat-stack'
import { PROJECT_PATHS } from './paths'

export const STACK_NAME = 'EdgeAgentChat'

/**
 * Adds the project's stack to `app`, configured from the app's context. aws/bin/app.ts and the tests
 * share it, so the tests synthesize exactly what `cdk synth` / `cdk deploy` do.
 *
 * Environment-agnostic on purpose: synth needs no credentials and no account lookups, and
 * `cdk deploy` targets the account and region of the caller's AWS profile.
 */
export function addEdgeAgentChat(app: App): EdgeAgentChatStack {
  const config = readConfig(app.node)
  return new EdgeAgentChatStack(app, STACK_NAME, {
    description: 'edge-agent-chat: streaming API Gateway -> Lambda -> Bedrock AgentCore Runtime',
    config,
    agentDirectory: config.agent === 'python' ? PROJECT_PATHS.pythonAgentDirectory : PROJECT_PATHS.agentDirectory,
    lambdaEntry: PROJECT_PATHS.lambdaEntry,
    webSocketEntry: PROJECT_PATHS.webSocketEntry,
    lambdaAgentEntry: PROJECT_PATHS.lambdaAgentEntry,
    depsLockFilePath: PROJECT_PATHS.depsLockFilePath,
  })
}
