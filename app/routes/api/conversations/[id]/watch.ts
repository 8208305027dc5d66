import { createRoute } from 'honox/factory'
import { watchConversation } from '../../../../server/conversation/routes'
import { identify } from '../../../../server/identity/identify'
import { methodNotAllowed } from '../../../../server/method-not-allowed'

/**
 * GET /api/conversations/:id/watch: a WebSocket that hears of every turn of the conversation that
 * starts or ends (protocol/events.ts WatchMessage), so a page open on the chat shows a turn another
 * tab started.
 */
export const GET = createRoute(identify, watchConversation)

export const { POST, PUT, DELETE, PATCH, OPTIONS } = methodNotAllowed('GET')
