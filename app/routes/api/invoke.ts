import { timing } from 'hono/timing'
import { createRoute } from 'honox/factory'
import { invokeRequestSchema } from '../../../protocol/request'
import { invokeTurn } from '../../server/conversation/routes'
import { identify } from '../../server/identity/identify'
import { limitPromptBody } from '../../server/limit-body'
import { methodNotAllowed } from '../../server/method-not-allowed'
import { rateLimit } from '../../server/rate-limit'
import { receiveBody } from '../../server/receive-body'
import { validBody } from '../../server/valid-body'

/**
 * POST /api/invoke `{"prompt", "sessionId"?}` (JSON or a form): a turn of the caller's conversation
 * (a new one without `sessionId`), streamed as SSE with event ids. Nothing reaches the upstream
 * unless the input is valid and the conversation the caller's; the rate limit runs before the body is read.
 * Server-Timing (hono's timing middleware) tells the Worker's own part: `total` up to the response
 * headers, and `upstream` of it, the wait for the conversation to open the upstream (invokeTurn).
 */
export const POST = createRoute(
  timing({ crossOrigin: false }),
  rateLimit,
  receiveBody,
  limitPromptBody,
  validBody((config) => invokeRequestSchema(config.maxPromptChars)),
  identify,
  (c) => invokeTurn(c, c.req.valid('json')),
)

export const { GET, PUT, DELETE, PATCH, OPTIONS } = methodNotAllowed('POST')
