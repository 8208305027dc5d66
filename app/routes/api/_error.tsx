import type { ErrorHandler } from 'hono'
import { HTTPException } from 'hono/http-exception'
import { ConfigError } from '../../server/config'
import { errorResponse } from '../../server/errors'

/**
 * Errors of the /api routes (HonoX looks this file up by the name `_error.tsx`). Details go to the
 * Worker's log, never to the client.
 */
const onError: ErrorHandler = (err) => {
  // Our middleware's own refusals (app/server/receive-body.ts) carry their response.
  if (err instanceof HTTPException && err.res) return err.getResponse()
  if (err instanceof ConfigError) {
    console.error(err.message)
    return errorResponse(500, 'internal_error', 'The edge is misconfigured (its log names the setting).')
  }
  console.error('api error', err)
  return errorResponse(500, 'internal_error', 'Something went wrong at the edge.')
}
export default onError
