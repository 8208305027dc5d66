import { timing } from 'hono/timing'
import { createRoute } from 'honox/factory'
import { invokeRequestSchema, newSessionId } from '../../../protocol/request'
import { limitPromptBody } from '../../server/limit-body'
import { methodNotAllowed } from '../../server/method-not-allowed'
import { rateLimit } from '../../server/rate-limit'
import { receiveBody } from '../../server/receive-body'
import { relayAnswer } from '../../server/relay-answer'
import { validBody } from '../../server/valid-body'

/**
 * POST /api/invoke `{"prompt", "sessionId"?}` (JSON or a form): streams the agent's answer as SSE.
 * Nothing reaches the upstream unless the input is valid; the rate limit runs before the body is read.
 * Server-Timing (hono's timing middleware) tells the Worker's own part: `total` up to the response
 * headers, and `upstream` of it, the wait for the upstream's headers (relayAnswer).
 */
export const POST = createRoute(
  timing({ crossOrigin: false }),
  rateLimit,
  receiveBody,
  limitPromptBody,
  validBody((config) => invokeRequestSchema(config.maxPromptChars)),
  (c) => {
    const { prompt, sessionId = newSessionId(), replaces } = c.req.valid('json')
    return relayAnswer(c, { prompt, sessionId, ...(replaces !== undefined && { replaces }) })
  },
)

const notAllowed = methodNotAllowed('POST')
export const GET = notAllowed
export const PUT = notAllowed
export const DELETE = notAllowed
export const PATCH = notAllowed
export const OPTIONS = notAllowed
