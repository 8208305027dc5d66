import { createRoute } from 'honox/factory'
import { deleteConversation, readConversation } from '../../../../server/conversation/routes'
import { identify } from '../../../../server/identity/identify'
import { methodNotAllowed } from '../../../../server/method-not-allowed'

/** GET /api/conversations/:id: its messages, and the running turn's last event id (resume after it). */
export const GET = createRoute(identify, readConversation)

/** DELETE /api/conversations/:id: stops a running turn and deletes the conversation. */
export const DELETE = createRoute(identify, deleteConversation)

export const { POST, PUT, PATCH, OPTIONS } = methodNotAllowed('GET', 'DELETE')
