/**
 * API Gateway's own responses (its default "gateway responses") for the cases the local cloud can
 * produce. Bodies and status codes as a REST API returns them with no customization (AWS docs:
 * apigateway/latest/developerguide/supported-gateway-response-types.html). The error type header is
 * what API Gateway adds so clients can tell its errors from the function's.
 */
export interface GatewayResponse {
  status: number
  errorType?: string
  message: string
  /** IAM's access-denied body spells it `Message`; every other response `message`. */
  messageKey?: 'message' | 'Message'
}

export const GATEWAY_RESPONSES = {
  /** Unknown resource or method (REST APIs answer 403, not 404). */
  MISSING_AUTHENTICATION_TOKEN: { status: 403, errorType: 'MissingAuthenticationTokenException', message: 'Missing Authentication Token' },
  /** Missing or wrong `x-api-key` on a method that requires one. */
  INVALID_API_KEY: { status: 403, errorType: 'ForbiddenException', message: 'Forbidden' },
  /** The integration did not answer within its timeout. */
  INTEGRATION_TIMEOUT: { status: 504, errorType: 'InternalServerErrorException', message: 'Endpoint request timed out' },
  /** Lambda rejected the invocation (throttled, ...): AWS Lambda docs, services-apigateway-errors.html. */
  INVOKE_REJECTED: { status: 500, errorType: 'InternalServerErrorException', message: 'Internal server error' },
  /** The function failed, or its response was not a valid proxy response (same page: 502). */
  INTEGRATION_FAILURE: { status: 502, errorType: 'InternalServerErrorException', message: 'Internal server error' },
  /** The usage plan's throttle (THROTTLED; the account and stage throttles answer the same). */
  THROTTLED: { status: 429, errorType: 'TooManyRequestsException', message: 'Too Many Requests' },
  REQUEST_TOO_LARGE: { status: 413, errorType: 'RequestTooLargeException', message: 'Request Too Long' },
} as const satisfies Record<string, GatewayResponse>

export function gatewayResponseBody(r: GatewayResponse): string {
  return JSON.stringify({ [r.messageKey ?? 'message']: r.message })
}
