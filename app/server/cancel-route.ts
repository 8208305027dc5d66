import type { Context } from 'hono'
import { validateCancel } from '../../protocol/request'
import type { AppEnv } from '../global'
import { readConfig } from './config'
import { errorResponse } from './errors'
import { limitBody, readBody } from './read-body'
import { upstreamFor } from './upstream'

/** POST /api/cancel `{"sessionId"}`: asks the upstream to stop that session's generation. */
export async function cancel(c: Context<AppEnv>): Promise<Response> {
  const limited = await limitBody(4096)(c, async () => {})
  if (limited) return limited
  const body = await readBody(c)
  if (!body.ok) return errorResponse(body.status, body.code, body.message)
  const input = validateCancel(body.value)
  if (!input.ok) return errorResponse(input.status, input.code, input.message)
  const { sessionId } = input.value
  const outcome = await upstreamFor(readConfig(c.env ?? {})).cancel(sessionId)
  if (outcome.status === 0) return errorResponse(502, 'upstream_unreachable', 'The agent service could not be reached.')
  if (outcome.status === 401 || outcome.status === 403) {
    return errorResponse(502, 'upstream_auth', 'The agent service refused the edge’s credentials.')
  }
  if (outcome.status >= 500) return errorResponse(502, 'upstream_error', 'The agent service failed to cancel.')
  return c.json({ cancelled: outcome.cancelled, ...(outcome.method ? { method: outcome.method } : {}) })
}
