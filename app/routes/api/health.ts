import { createRoute } from 'honox/factory'
import { methodNotAllowed } from '../../server/method-not-allowed'

/** GET /api/health: the Worker answers. */
export const GET = createRoute((c) => c.json({ status: 'ok' }, 200, { 'Cache-Control': 'no-store' }))

const notAllowed = methodNotAllowed('GET')
export const POST = notAllowed
export const PUT = notAllowed
export const DELETE = notAllowed
export const PATCH = notAllowed
export const OPTIONS = notAllowed
