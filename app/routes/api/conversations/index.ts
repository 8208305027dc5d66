import { createRoute } from 'honox/factory'
import { listConversations } from '../../../server/conversation/routes'
import { identify } from '../../../server/identity/identify'
import { methodNotAllowed } from '../../../server/method-not-allowed'

/** GET /api/conversations: the caller's conversations (id, title, created, updated), newest first. */
export const GET = createRoute(identify, listConversations)

export const { POST, PUT, DELETE, PATCH, OPTIONS } = methodNotAllowed('GET')
