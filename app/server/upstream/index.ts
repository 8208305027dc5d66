import type { EdgeConfig } from '../config'
import { fail } from './http'
import { functionUrlUpstream } from './function-url'
import { invokeStreamUpstream } from './invoke-stream'
import { lambdaAgentUpstream } from './lambda-agent'
import { restUpstream } from './rest'
import { webSocketUpstream } from './websocket'
import type { Upstream, UpstreamKind } from './types'

export type { CancelOutcome, InvokePayload, OpenResult, Upstream, UpstreamKind } from './types'
export { UPSTREAM_KINDS } from './types'

/** The path `UPSTREAM_KIND` chose. Every one gives the browser the same events. */
export function upstreamFor(config: EdgeConfig): Upstream {
  switch (config.upstreamKind) {
    case 'rest':
      return restUpstream(config)
    case 'lambda-agent':
      return lambdaAgentUpstream(config)
    case 'invoke-stream':
      return invokeStreamUpstream(config)
    case 'function-url':
      return functionUrlUpstream(config)
    case 'websocket':
      return webSocketUpstream(config)
    default:
      return notServed(config.upstreamKind)
  }
}

/** A path this build does not serve yet: every request says so, none is forwarded anywhere. */
function notServed(kind: UpstreamKind): Upstream {
  const error = fail(500, 'internal_error', `The edge is not configured: UPSTREAM_KIND ${kind} is not served by this build.`)
  return {
    kind,
    open: async () => error,
    cancel: async () => ({ status: 500, cancelled: false }),
  }
}
