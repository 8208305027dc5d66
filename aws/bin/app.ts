#!/usr/bin/env node
// The CDK app (cdk.json "app"). Environment-agnostic on purpose: synth needs no credentials and no
// account lookups, and `cdk deploy` targets the account and region of the caller's AWS profile.
import { App } from 'aws-cdk-lib'
import { readConfig } from '../lib/config'
import { EdgeAgentChatStack } from '../lib/edge-agent-chat-stack'
import { PROJECT_PATHS } from '../lib/paths'

const app = new App()
new EdgeAgentChatStack(app, 'EdgeAgentChat', {
  description: 'edge-agent-chat: streaming API Gateway -> Lambda -> Bedrock AgentCore Runtime',
  config: readConfig(app.node),
  agentDirectory: PROJECT_PATHS.agentDirectory,
  lambdaEntry: PROJECT_PATHS.lambdaEntry,
  depsLockFilePath: PROJECT_PATHS.depsLockFilePath,
})
