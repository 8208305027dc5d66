import { fileURLToPath } from 'node:url'
import { LAMBDA_ENTRY } from '../lambda/bundle-options'
import { WEBSOCKET_ENTRY } from '../lambda/websocket/build'

// The files the stack is built from, resolved from this module so the app and the tests use the same
// ones whatever the working directory.
const fromRoot = (path: string) => fileURLToPath(new URL(`../../${path}`, import.meta.url))

export const PROJECT_PATHS = {
  root: fromRoot(''),
  /** The agent's Docker build context (its Dockerfile sits at the top). */
  agentDirectory: fromRoot('aws/agent'),
  /** The Python agent's build context (`-c agent=python`). */
  pythonAgentDirectory: fromRoot('aws/agent-python'),
  lambdaEntry: LAMBDA_ENTRY,
  /** The WebSocket API's function (the websocket path). */
  webSocketEntry: WEBSOCKET_ENTRY,
  lambdaAgentEntry: fromRoot('aws/lambda-agent/handler.ts'),
  depsLockFilePath: fromRoot('package-lock.json'),
} as const
