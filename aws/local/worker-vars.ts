/**
 * The Worker's vars and secrets that point it at the local cloud over one path: what `npm run dev
 * -- --upstream <kind>` writes for the dev server, and what the browser tests and benchmarks pass to
 * the built Worker. One place, so every caller reaches a path the same way.
 */
import type { UpstreamKind } from '../../protocol/upstream-kinds'
import { LOCAL_REGION, type LocalCloud } from './cloud'

/** The paths the local cloud serves (the rest follow as their emulators land). */
export const LOCAL_PATHS: readonly UpstreamKind[] = ['rest', 'invoke-stream', 'function-url']

export function workerVarsFor(cloud: LocalCloud, kind: UpstreamKind): Record<string, string> {
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
      return { UPSTREAM_KIND: kind, UPSTREAM_LAMBDA_ENDPOINT: cloud.lambdaEndpoint, UPSTREAM_LAMBDA_FUNCTION: cloud.functionName, ...signing }
    case 'function-url':
      return { UPSTREAM_KIND: kind, UPSTREAM_URL: cloud.functionUrlInvoke, ...signing }
    default:
      throw new Error(`The local cloud does not serve the ${kind} path yet.`)
  }
}
