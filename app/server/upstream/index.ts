import type { EdgeConfig } from '../config'
import { fail } from './http'
import { restUpstream } from './rest'
import type { Upstream } from './types'

export type { CancelOutcome, InvokePayload, OpenResult, Upstream, UpstreamKind } from './types'
export { UPSTREAM_KINDS } from './types'

/** The path `UPSTREAM_KIND` chose. Every one gives the browser the same events. */
export function upstreamFor(config: EdgeConfig): Upstream {
  switch (config.upstreamKind) {
    case 'rest':
      return restUpstream(config)
    case 'lambda-agent':
      // The agent runs in the Lambda itself, behind the same REST contract.
      return restUpstream(config, 'lambda-agent')
    default:
      return misconfigured()
  }
}

/** An UPSTREAM_KIND the edge does not know: every request says so, none is forwarded anywhere. */
function misconfigured(): Upstream {
  const error = fail(500, 'internal_error', 'The edge is not configured: UPSTREAM_KIND names no known path.')
  return {
    kind: 'rest',
    open: async () => error,
    cancel: async () => ({ status: 500, cancelled: false }),
  }
}
