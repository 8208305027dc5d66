import { createRoute } from 'honox/factory'
import { cancelRequestSchema } from '../../../protocol/request'
import { errorResponse } from '../../server/errors'
import { limitBody } from '../../server/limit-body'
import { methodNotAllowed } from '../../server/method-not-allowed'
import { rateLimit } from '../../server/rate-limit'
import { receiveBody } from '../../server/receive-body'
import { upstreamFor } from '../../server/upstream'
import { validBody } from '../../server/valid-body'

/** POST /api/cancel `{"sessionId"}`: asks the upstream to stop that session's generation. */
export const POST = createRoute(rateLimit, receiveBody, limitBody(4096), validBody(() => cancelRequestSchema), async (c) => {
  const outcome = await upstreamFor(c.var.config).cancel(c.req.valid('json').sessionId)
  if (outcome.status === 0) return errorResponse(502, 'upstream_unreachable', 'The agent service could not be reached.')
  if (outcome.status === 401 || outcome.status === 403) {
    return errorResponse(502, 'upstream_auth', 'The agent service refused the edge’s credentials.')
  }
  if (outcome.status >= 500) return errorResponse(502, 'upstream_error', 'The agent service failed to cancel.')
  return c.json({ cancelled: outcome.cancelled, ...(outcome.method ? { method: outcome.method } : {}) })
})

const notAllowed = methodNotAllowed('POST')
export const GET = notAllowed
export const PUT = notAllowed
export const DELETE = notAllowed
export const PATCH = notAllowed
export const OPTIONS = notAllowed
