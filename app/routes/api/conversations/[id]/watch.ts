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

const notAllowed = methodNotAllowed('GET')
export const POST = notAllowed
export const PUT = notAllowed
export const DELETE = notAllowed
export const PATCH = notAllowed
export const OPTIONS = notAllowed
