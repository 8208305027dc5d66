import { Hono } from 'hono'
import type { AppEnv } from '../global'
import { cancel } from './cancel-route'
import { errorResponse } from './errors'
import { invoke } from './invoke'
import { rateLimit } from './rate-limit'

/**
 * The JSON/SSE API under /api. HonoX mounts it from app/routes/api/index.ts; tests and benchmarks
 * can call `api.fetch()` directly.
 */
export const api = new Hono<AppEnv>()

api.post('/invoke', rateLimit, invoke)
api.post('/cancel', rateLimit, cancel)
api.get('/health', (c) => c.json({ status: 'ok' }, 200, { 'Cache-Control': 'no-store' }))

const notAllowed = () => errorResponse(405, 'method_not_allowed', 'Method not allowed.')
api.all('/invoke', () => withAllow(notAllowed(), 'POST'))
api.all('/cancel', () => withAllow(notAllowed(), 'POST'))
api.all('/health', () => withAllow(notAllowed(), 'GET'))
api.all('*', () => errorResponse(404, 'not_found', 'No such API route.'))

// Details go to the Worker's log, never to the client.
api.onError((err) => {
  console.error('api error', err)
  return errorResponse(500, 'internal_error', 'Something went wrong at the edge.')
})

function withAllow(res: Response, allow: string): Response {
  res.headers.set('Allow', allow)
  return res
}
