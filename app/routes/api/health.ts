import { createRoute } from 'honox/factory'
import { methodNotAllowed } from '../../server/method-not-allowed'

/** GET /api/health: the Worker answers. */
export const GET = createRoute((c) => c.json({ status: 'ok' }, 200, { 'Cache-Control': 'no-store' }))

export const { POST, PUT, DELETE, PATCH, OPTIONS } = methodNotAllowed('GET')
