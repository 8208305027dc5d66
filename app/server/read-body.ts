import type { Context } from 'hono'
import { bodyLimit } from 'hono/body-limit'
import type { MiddlewareHandler } from 'hono'
import type { ErrorCode } from '../../protocol/events'
import type { ErrorStatus } from './errors'
import { errorResponse } from './errors'

export type BodyResult = { ok: true; value: unknown } | { ok: false; status: ErrorStatus; code: ErrorCode; message: string }

/** hono's bodyLimit with our 413 body; checks Content-Length and counts streamed bodies. */
export function limitBody(maxBytes: number): MiddlewareHandler {
  return bodyLimit({
    maxSize: maxBytes,
    onError: () => errorResponse(413, 'payload_too_large', 'The request body is too large.'),
  })
}

/** Decodes a JSON or form body; any other media type is a 415. The fields are checked by validateInvoke. */
export async function readBody(c: Context): Promise<BodyResult> {
  const type = (c.req.header('content-type') ?? '').split(';')[0].trim().toLowerCase()
  if (type === 'application/json' || type.endsWith('+json')) {
    try {
      return { ok: true, value: JSON.parse(await c.req.text()) }
    } catch {
      return { ok: false, status: 400, code: 'invalid_json', message: 'The body is not valid JSON.' }
    }
  }
  if (type === 'application/x-www-form-urlencoded' || type === 'multipart/form-data') {
    try {
      return { ok: true, value: await c.req.parseBody() }
    } catch {
      return { ok: false, status: 400, code: 'invalid_request', message: 'The form body could not be read.' }
    }
  }
  return {
    ok: false,
    status: 415,
    code: 'unsupported_media_type',
    message: 'Send application/json or a form (application/x-www-form-urlencoded, multipart/form-data).',
  }
}
