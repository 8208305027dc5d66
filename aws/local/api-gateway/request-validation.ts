/**
 * Request validation of a REST API method (a request validator with body validation and a model per
 * content type): a body whose content type has a model must be JSON that the model (JSON Schema
 * draft 4) accepts, else API Gateway answers 400 `{"message": "Invalid request body"}` before the
 * integration (gateway response BAD_REQUEST_BODY; AWS docs: apigateway/latest/developerguide/
 * api-gateway-method-request-validation.html). A content type without a model is not validated.
 * ajv-draft-04 is a draft-4 validator, the draft API Gateway's models are written in.
 */
import Ajv from 'ajv-draft-04'
import type { ValidateFunction } from 'ajv'
import type { GatewayResponse } from './gateway-responses'

/** Content type (e.g. `application/json`) → the model's JSON schema, as the stack declares it. */
export type RequestModels = Record<string, object>

export const INVALID_BODY: GatewayResponse = { status: 400, errorType: 'BadRequestException', message: 'Invalid request body' }

export type BodyValidator = (contentType: string | undefined, body: Uint8Array) => GatewayResponse | undefined

export function bodyValidator(models: RequestModels): BodyValidator {
  const ajv = new Ajv({ strict: false })
  const compiled = new Map<string, ValidateFunction>(Object.entries(models).map(([type, schema]) => [type.toLowerCase(), ajv.compile(schema)]))
  return (contentType, body) => {
    const validate = compiled.get((contentType ?? 'application/json').split(';')[0].trim().toLowerCase())
    if (!validate) return undefined
    let value: unknown
    try {
      value = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(body))
    } catch {
      return INVALID_BODY
    }
    return validate(value) ? undefined : INVALID_BODY
  }
}
