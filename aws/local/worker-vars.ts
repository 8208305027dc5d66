/**
 * The Worker's vars and secrets that point it at the local cloud over one path: what `npm run dev
 * -- --upstream <kind>` writes for the dev server, and what the browser tests and benchmarks pass to
 * the built Worker. One place, so every caller reaches a path the same way.
 */
import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { UpstreamKind } from '../../protocol/upstream-kinds'
import { LOCAL_REGION, type LocalCloud } from './cloud'

/** What each path is, in one line (npm run dev says it at start). */
export const PATH_LABELS: Record<UpstreamKind, string> = {
  rest: 'API Gateway REST API (response streaming, IAM + API key) → Lambda',
  'function-url': 'Lambda Function URL (RESPONSE_STREAM, AWS_IAM) → Lambda',
  'invoke-stream': "Lambda's InvokeWithResponseStream API (SigV4, event-stream frames) → Lambda",
  websocket: 'API Gateway WebSocket API → Lambda posting to the connection',
  'lambda-agent': 'API Gateway REST API → the agent inside a streaming Lambda (no AgentCore)',
}

/** The paths the local cloud serves (the rest follow as their emulators land). */
export const LOCAL_PATHS: readonly UpstreamKind[] = ['rest', 'invoke-stream', 'function-url', 'websocket', 'lambda-agent']

export function workerVarsFor(cloud: LocalCloud<unknown>, kind: UpstreamKind): Record<string, string> {
  const signing = {
    UPSTREAM_AWS_ACCESS_KEY_ID: cloud.workerKeys.accessKeyId,
    UPSTREAM_AWS_SECRET_ACCESS_KEY: cloud.workerKeys.secretAccessKey,
    UPSTREAM_AWS_REGION: LOCAL_REGION,
  }
  switch (kind) {
    case 'rest':
      // IAM-authorized methods plus the API key (the usage plan): cloud.ts's workerVars.
      return { UPSTREAM_KIND: kind, ...cloud.workerVars }
    case 'invoke-stream':
      return {
        UPSTREAM_KIND: kind,
        UPSTREAM_LAMBDA_ENDPOINT: cloud.lambdaEndpoint,
        UPSTREAM_LAMBDA_FUNCTION: cloud.functionName,
        UPSTREAM_LAMBDA_CANCEL_FUNCTION: cloud.cancelFunctionName,
        ...signing,
      }
    case 'function-url':
      return { UPSTREAM_KIND: kind, UPSTREAM_URL: cloud.functionUrlInvoke, ...signing }
    case 'websocket':
      return { UPSTREAM_KIND: kind, UPSTREAM_URL: cloud.webSocketApi.url, ...signing }
    case 'lambda-agent':
      // Its own REST API (same API key and IAM user as rest's): the cloud must start it (`lambdaAgent: true`).
      if (!cloud.lambdaAgent) throw new Error('This local cloud was started without the lambda-agent path (startLocalCloud({ lambdaAgent: true })).')
      return { UPSTREAM_KIND: kind, UPSTREAM_URL: cloud.lambdaAgent.invokeUrl, UPSTREAM_API_KEY: cloud.apiKey, ...signing }
    default:
      throw new Error(`The local cloud does not serve the ${kind} path yet.`)
  }
}

/** The vars as a file the Worker reads after .dev.vars (values there win); in a fresh private directory. */
export function writeWorkerVarsFile(vars: Record<string, string>): string {
  const path = join(mkdtempSync(join(tmpdir(), 'edge-dev-vars-')), 'local-upstream.vars')
  writeFileSync(path, Object.entries(vars).map(([k, v]) => `${k}=${v}\n`).join(''), { mode: 0o600 })
  return path
}
