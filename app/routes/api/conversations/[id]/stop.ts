import { createRoute } from 'honox/factory'
import { stopConversation } from '../../../../server/conversation/routes'
import { identify } from '../../../../server/identity/identify'
import { methodNotAllowed } from '../../../../server/method-not-allowed'
import { rateLimit } from '../../../../server/rate-limit'

/** POST /api/conversations/:id/stop: ends the running turn as cancelled; the upstream is told to cancel. */
export const POST = createRoute(rateLimit, identify, (c) => stopConversation(c))

export const { GET, PUT, DELETE, PATCH, OPTIONS } = methodNotAllowed('POST')
