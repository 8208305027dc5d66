import { zValidator } from '@hono/zod-validator'
import type { Context, MiddlewareHandler } from 'hono'
import { createMiddleware } from 'hono/factory'
import { HTTPException } from 'hono/http-exception'
import type { z } from 'zod'
import { requestError } from '../../protocol/request'
import type { EdgeConfig } from './config'
import { errorResponse } from './errors'

type BodyTarget = 'json' | 'form'

/** Which of hono's validation targets a body of this Content-Type is (the media types hono's validator reads). */
export function bodyTarget(contentType: string | undefined): BodyTarget | undefined {
  const type = (contentType ?? '').split(';')[0]!.trim().toLowerCase()
  if (/^application\/([\w.-]+\+)?json$/.test(type)) return 'json'
  if (type === 'application/x-www-form-urlencoded' || type === 'multipart/form-data') return 'form'
  return undefined
}

/**
 * Validates the request body, JSON or a form, with @hono/zod-validator against the schema that
 * `schemaFor` builds from the config (schemas live in protocol/request.ts, shared with the Lambda).
 * Refusals are ours: 415 for another media type, 400 `invalid_json` for JSON that does not parse,
 * and protocol/request.ts `requestError` for a body the schema refuses. The handler reads the value
 * with `c.req.valid('json')` whichever was sent.
 */
export function validBody<S extends z.ZodType>(
  schemaFor: (config: EdgeConfig) => S,
): MiddlewareHandler<any, string, { in: { json: z.input<S>; form: z.input<S> }; out: { json: z.output<S> } }> {
  const validators = new WeakMap<EdgeConfig, Record<BodyTarget, MiddlewareHandler>>()
  const build = (config: EdgeConfig) => {
    const schema = schemaFor(config)
    const hook = (result: { success: boolean; error?: z.core.$ZodError; data: unknown; target: string }, c: Context) => {
      if (!result.success) {
        const refusal = requestError(result.error!)
        return errorResponse(refusal.status, refusal.code, refusal.message)
      }
      // A form's fields land under 'form': give the handler one place to read them.
      if (result.target === 'form') c.req.addValidatedData('json', result.data as object)
    }
    return { json: zValidator('json', schema, hook), form: zValidator('form', schema, hook) }
  }
  return createMiddleware(async (c, next) => {
    const target = bodyTarget(c.req.header('content-type'))
    if (!target) {
      return errorResponse(415, 'unsupported_media_type', 'Send application/json or a form (application/x-www-form-urlencoded, multipart/form-data).')
    }
    let forConfig = validators.get(c.var.config)
    if (!forConfig) validators.set(c.var.config, (forConfig = build(c.var.config)))
    let validated = false
    try {
      return await forConfig[target](c, () => {
        validated = true
        return next()
      })
    } catch (err) {
      // hono's validator throws an HTTPException(400) for a body it cannot decode; after `next` the error is the handler's.
      if (validated || !(err instanceof HTTPException)) throw err
      return target === 'json'
        ? errorResponse(400, 'invalid_json', 'The body is not valid JSON.')
        : errorResponse(400, 'invalid_request', 'The form body could not be read.')
    }
  })
}
