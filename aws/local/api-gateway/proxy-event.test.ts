import { describe, expect, it } from 'vitest'
import { buildProxyEvent, formatRequestTime, isBinaryMediaType, type IncomingRequest, type RestApiIdentity } from './proxy-event'

const api: RestApiIdentity = { apiId: 'abc123', accountId: '123456789012', region: 'us-east-1', stage: 'v1', binaryMediaTypes: ['application/octet-stream', 'image/*'] }

function request(over: Partial<IncomingRequest> = {}): IncomingRequest {
  return {
    method: 'POST',
    path: '/invoke',
    resourcePath: '/invoke',
    resourceId: 'res000',
    query: '',
    rawHeaders: ['Host', '127.0.0.1:4010', 'Content-Type', 'application/json', 'x-api-key', 'k', 'Accept', 'a', 'accept', 'b', 'User-Agent', 'ua/1'],
    body: new TextEncoder().encode('{"prompt":"hi"}'),
    sourceIp: '127.0.0.1',
    apiKey: 'k',
    apiKeyId: 'key-id',
    requestId: 'req-1',
    extendedRequestId: 'ext-1',
    traceId: 'Root=1-abc-def',
    now: new Date(Date.UTC(2026, 10, 21, 18, 5, 9)),
    ...over,
  }
}

describe('buildProxyEvent', () => {
  it('builds the REST proxy event: path without stage, requestContext with stage path and identity', () => {
    const e = buildProxyEvent(api, request())
    expect(e).toMatchObject({
      resource: '/invoke',
      path: '/invoke',
      httpMethod: 'POST',
      body: '{"prompt":"hi"}',
      isBase64Encoded: false,
      queryStringParameters: null,
      multiValueQueryStringParameters: null,
      pathParameters: null,
      stageVariables: null,
    })
    expect(e.requestContext).toMatchObject({
      resourceId: 'res000',
      resourcePath: '/invoke',
      httpMethod: 'POST',
      path: '/v1/invoke',
      stage: 'v1',
      accountId: '123456789012',
      apiId: 'abc123',
      requestId: 'req-1',
      extendedRequestId: 'ext-1',
      protocol: 'HTTP/1.1',
      requestTime: '21/Nov/2026:18:05:09 +0000',
      requestTimeEpoch: Date.UTC(2026, 10, 21, 18, 5, 9),
      domainName: '127.0.0.1',
      identity: { sourceIp: '127.0.0.1', apiKey: 'k', apiKeyId: 'key-id', userAgent: 'ua/1', user: null, caller: null },
    })
  })

  it('keeps header casing, the last value in headers and every value in multiValueHeaders, and adds forwarding headers', () => {
    const e = buildProxyEvent(api, request())
    expect(e.headers['Content-Type']).toBe('application/json')
    expect(e.headers.Accept).toBe('b')
    expect(e.multiValueHeaders.Accept).toEqual(['a', 'b'])
    expect(e.headers['X-Forwarded-For']).toBe('127.0.0.1')
    expect(e.headers['X-Forwarded-Port']).toBe('4010')
    expect(e.headers['X-Forwarded-Proto']).toBe('http')
    expect(e.headers['X-Amzn-Trace-Id']).toBe('Root=1-abc-def')
    expect(e.multiValueHeaders['X-Forwarded-For']).toEqual(['127.0.0.1'])
  })

  it('appends the caller to an incoming X-Forwarded-For and replaces a client trace id', () => {
    const e = buildProxyEvent(api, request({ rawHeaders: ['Host', 'h', 'X-Forwarded-For', '10.0.0.1', 'X-Amzn-Trace-Id', 'spoofed'] }))
    expect(e.headers['X-Forwarded-For']).toBe('10.0.0.1, 127.0.0.1')
    expect(e.multiValueHeaders['X-Amzn-Trace-Id']).toEqual(['Root=1-abc-def'])
  })

  it('parses the query string into single and multi-value maps', () => {
    const e = buildProxyEvent(api, request({ query: 'a=1&b=x%20y&a=2' }))
    expect(e.queryStringParameters).toEqual({ a: '2', b: 'x y' })
    expect(e.multiValueQueryStringParameters).toEqual({ a: ['1', '2'], b: ['x y'] })
  })

  it('base64-encodes bodies of binary media types only, and gives null for an empty body', () => {
    const bytes = new Uint8Array([0, 255, 1, 2])
    const bin = buildProxyEvent(api, request({ body: bytes, rawHeaders: ['Content-Type', 'image/png'] }))
    expect(bin.isBase64Encoded).toBe(true)
    expect(Buffer.from(bin.body!, 'base64')).toEqual(Buffer.from(bytes))
    const form = buildProxyEvent(api, request({ body: new TextEncoder().encode('prompt=hi'), rawHeaders: ['Content-Type', 'application/x-www-form-urlencoded'] }))
    expect(form).toMatchObject({ isBase64Encoded: false, body: 'prompt=hi' })
    expect(buildProxyEvent(api, request({ body: new Uint8Array(0) })).body).toBeNull()
  })

  it('omits the API key from identity when the method needs none', () => {
    const e = buildProxyEvent(api, request({ apiKey: null, apiKeyId: null }))
    expect(e.requestContext.identity).toMatchObject({ apiKey: null, apiKeyId: null })
  })
})

describe('isBinaryMediaType', () => {
  it('matches exact types, wildcards and ignores parameters', () => {
    expect(isBinaryMediaType('application/octet-stream; x=1', ['application/octet-stream'])).toBe(true)
    expect(isBinaryMediaType('image/png', ['image/*'])).toBe(true)
    expect(isBinaryMediaType('text/plain', ['*/*'])).toBe(true)
    expect(isBinaryMediaType('application/json', ['image/*'])).toBe(false)
  })
})

describe('formatRequestTime', () => {
  it('pads day and time', () => {
    expect(formatRequestTime(new Date(Date.UTC(2026, 0, 2, 3, 4, 5)))).toBe('02/Jan/2026:03:04:05 +0000')
  })
})
