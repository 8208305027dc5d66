import { createRoute } from 'honox/factory'
import { listConversations } from '../../../server/conversation/routes'
import { identify } from '../../../server/identity/identify'
import { methodNotAllowed } from '../../../server/method-not-allowed'

/** GET /api/conversations: the caller's conversations (id, title, created, updated), newest first. */
export const GET = createRoute(identify, listConversations)

const notAllowed = methodNotAllowed('GET')
export const POST = notAllowed
export const PUT = notAllowed
export const DELETE = notAllowed
export const PATCH = notAllowed
export const OPTIONS = notAllowed
