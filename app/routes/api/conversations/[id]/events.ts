import { createRoute } from 'honox/factory'
import { resumeConversation } from '../../../../server/conversation/routes'
import { identify } from '../../../../server/identity/identify'
import { methodNotAllowed } from '../../../../server/method-not-allowed'

/**
 * GET /api/conversations/:id/events: the latest turn's events after `Last-Event-ID` or `?after=`,
 * then the live rest while it runs (SSE; EventSource reconnects here by itself).
 */
export const GET = createRoute(identify, resumeConversation)

export const { POST, PUT, DELETE, PATCH, OPTIONS } = methodNotAllowed('GET')
