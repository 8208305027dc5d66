import { createRoute } from 'honox/factory'
import { cancelRequestSchema } from '../../../protocol/request'
import { stopConversation } from '../../server/conversation/routes'
import { identify } from '../../server/identity/identify'
import { limitBody } from '../../server/limit-body'
import { methodNotAllowed } from '../../server/method-not-allowed'
import { rateLimit } from '../../server/rate-limit'
import { receiveBody } from '../../server/receive-body'
import { validBody } from '../../server/valid-body'

/**
 * POST /api/cancel `{"sessionId"}`: the body form of POST /api/conversations/:id/stop, for scripts
 * that hold a session id. It stops the caller's own conversation only (404 for any other id).
 */
export const POST = createRoute(rateLimit, receiveBody, limitBody(4096), validBody(() => cancelRequestSchema), identify, (c) =>
  stopConversation(c, c.req.valid('json').sessionId),
)

export const { GET, PUT, DELETE, PATCH, OPTIONS } = methodNotAllowed('POST')
