import { fileURLToPath } from 'node:url'

// The files the stack is built from, resolved from this module so the app and the tests use the same
// ones whatever the working directory.
const fromRoot = (path: string) => fileURLToPath(new URL(`../../${path}`, import.meta.url))

export const PROJECT_PATHS = {
  root: fromRoot(''),
  /** The agent's Docker build context (its Dockerfile sits at the top). */
  agentDirectory: fromRoot('aws/agent'),
  lambdaEntry: fromRoot('aws/lambda/handler.ts'),
  depsLockFilePath: fromRoot('package-lock.json'),
} as const
