/** API Gateway REST proxy events as the proxy receives them (test support). */
import type { APIGatewayProxyEvent } from 'aws-lambda'

export function proxyEvent(overrides: Partial<APIGatewayProxyEvent> & { json?: unknown } = {}): APIGatewayProxyEvent {
  const { json, ...rest } = overrides
  const resource = rest.resource ?? '/invoke'
  return {
    resource,
    path: resource,
    httpMethod: 'POST',
    headers: { 'Content-Type': 'application/json', accept: 'text/event-stream' },
    multiValueHeaders: {},
    queryStringParameters: null,
    multiValueQueryStringParameters: null,
    pathParameters: null,
    stageVariables: null,
    body: json === undefined ? null : JSON.stringify(json),
    isBase64Encoded: false,
    requestContext: {
      accountId: '000000000000',
      apiId: 'local',
      stage: 'v1',
      resourcePath: resource,
      path: `/v1${resource}`,
      httpMethod: 'POST',
      requestId: 'apigw-request-id',
      requestTimeEpoch: Date.now(),
      resourceId: 'r',
      protocol: 'HTTP/1.1',
      identity: { sourceIp: '127.0.0.1', apiKey: 'k' },
      authorizer: null,
    } as unknown as APIGatewayProxyEvent['requestContext'],
    ...rest,
  }
}
