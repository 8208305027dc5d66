/**
 * Builds the Lambda proxy integration event of a REST API (payload format 1.0) as API Gateway does.
 * Streaming integrations take the same input as buffered ones (AWS docs: apigateway/latest/
 * developerguide/response-transfer-mode-lambda.html, "the input format is the same as the Lambda
 * function input format for proxy integration"; set-up-lambda-proxy-integrations.html#api-gateway-
 * simple-proxy-for-lambda-input-format).
 */
import type { APIGatewayProxyEvent } from 'aws-lambda'

export interface RestApiIdentity {
  apiId: string
  accountId: string
  region: string
  stage: string
  /** binaryMediaTypes of the API: bodies of these content types reach the function base64-encoded. */
  binaryMediaTypes: readonly string[]
}

export interface IncomingRequest {
  method: string
  /** Path without the stage, e.g. `/invoke`. */
  path: string
  /** The resource that matched, e.g. `/invoke`. */
  resourcePath: string
  resourceId: string
  /** Query string without `?` (may be empty). */
  query: string
  /** Node's `req.rawHeaders`: name/value pairs in the order and casing the client sent. */
  rawHeaders: readonly string[]
  body: Uint8Array
  sourceIp: string
  /** The API key the caller presented and its id, when the method requires one. */
  apiKey: string | null
  apiKeyId: string | null
  /** The IAM caller, on methods with AWS_IAM authorization. */
  caller?: { accessKeyId: string; principalArn: string }
  requestId: string
  extendedRequestId: string
  traceId: string
  now: Date
}

export function buildProxyEvent(api: RestApiIdentity, req: IncomingRequest): APIGatewayProxyEvent {
  const host = headerValue(req.rawHeaders, 'host') ?? `${api.apiId}.execute-api.${api.region}.amazonaws.com`
  const userAgent = headerValue(req.rawHeaders, 'user-agent') ?? null
  const [hostname, port] = splitHost(host)
  const forwardedFor = headerValue(req.rawHeaders, 'x-forwarded-for')

  // API Gateway passes the client's headers with their casing, then sets its own forwarding headers.
  const pairs: Array<[string, string]> = []
  for (let i = 0; i + 1 < req.rawHeaders.length; i += 2) {
    const name = req.rawHeaders[i]
    if (/^(x-forwarded-(for|port|proto)|x-amzn-trace-id)$/i.test(name)) continue
    pairs.push([name, req.rawHeaders[i + 1]])
  }
  pairs.push(['X-Amzn-Trace-Id', req.traceId])
  pairs.push(['X-Forwarded-For', forwardedFor ? `${forwardedFor}, ${req.sourceIp}` : req.sourceIp])
  // Locally the client speaks plain HTTP to a loopback port; report what it actually used.
  pairs.push(['X-Forwarded-Port', port ?? '80'])
  pairs.push(['X-Forwarded-Proto', 'http'])

  const headers: Record<string, string> = {}
  const multiValueHeaders: Record<string, string[]> = {}
  for (const [name, value] of pairs) {
    const key = Object.keys(multiValueHeaders).find((k) => k.toLowerCase() === name.toLowerCase()) ?? name
    ;(multiValueHeaders[key] ??= []).push(value)
    headers[key] = value // `headers` keeps the last value of a repeated header
  }

  // An IAM user's ARN names its account: arn:aws:iam::<account>:user/<name>. AWS puts the user's
  // unique id (AIDA…) in caller and user; locally the user's name stands in for it.
  const callerAccount = req.caller ? (req.caller.principalArn.split(':')[4] ?? null) : null
  const { single: queryStringParameters, multi: multiValueQueryStringParameters } = parseQuery(req.query)
  const contentType = headerValue(req.rawHeaders, 'content-type')
  const binary = contentType !== undefined && isBinaryMediaType(contentType, api.binaryMediaTypes)
  const body = req.body.length === 0 ? null : binary ? Buffer.from(req.body).toString('base64') : new TextDecoder().decode(req.body)

  return {
    resource: req.resourcePath,
    path: req.path,
    httpMethod: req.method,
    headers,
    multiValueHeaders,
    queryStringParameters,
    multiValueQueryStringParameters,
    pathParameters: null,
    stageVariables: null,
    requestContext: {
      resourceId: req.resourceId,
      // The stage's current deployment (an id of 6 characters in AWS); the local API has one.
      deploymentId: LOCAL_DEPLOYMENT_ID,
      resourcePath: req.resourcePath,
      httpMethod: req.method,
      extendedRequestId: req.extendedRequestId,
      requestTime: formatRequestTime(req.now),
      path: `/${api.stage}${req.path}`,
      accountId: api.accountId,
      protocol: 'HTTP/1.1',
      stage: api.stage,
      domainPrefix: hostname.split('.')[0],
      requestTimeEpoch: req.now.getTime(),
      requestId: req.requestId,
      identity: {
        cognitoIdentityPoolId: null,
        accountId: callerAccount,
        cognitoIdentityId: null,
        caller: req.caller ? req.caller.principalArn.split('/').pop()! : null,
        apiKey: req.apiKey,
        apiKeyId: req.apiKeyId,
        sourceIp: req.sourceIp,
        principalOrgId: null,
        accessKey: req.caller?.accessKeyId ?? null,
        cognitoAuthenticationType: null,
        cognitoAuthenticationProvider: null,
        userArn: req.caller?.principalArn ?? null,
        userAgent,
        user: req.caller ? req.caller.principalArn.split('/').pop()! : null,
        clientCert: null,
      },
      domainName: hostname,
      apiId: api.apiId,
      // No authorizer on these methods: API Gateway omits the key; the type wants it present. And the
      // type lacks deploymentId, which AWS sends (../fixtures/proxy-event): hence the cast through unknown.
    } as unknown as APIGatewayProxyEvent['requestContext'],
    body,
    isBase64Encoded: binary,
  }
}

/** The id the local API's single deployment goes by in `requestContext.deploymentId`. */
export const LOCAL_DEPLOYMENT_ID = 'local1'

/** API Gateway's `requestTime`: `21/Nov/2026:18:30:05 +0000`. */
export function formatRequestTime(d: Date): string {
  const months = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec']
  const p = (n: number) => String(n).padStart(2, '0')
  return `${p(d.getUTCDate())}/${months[d.getUTCMonth()]}/${d.getUTCFullYear()}:${p(d.getUTCHours())}:${p(d.getUTCMinutes())}:${p(d.getUTCSeconds())} +0000`
}

/** binaryMediaTypes entries are MIME types with optional wildcards (`image/*`, `*\/*`). */
export function isBinaryMediaType(contentType: string, binaryMediaTypes: readonly string[]): boolean {
  const mime = contentType.split(';')[0].trim().toLowerCase()
  const [type, sub] = mime.split('/')
  return binaryMediaTypes.some((entry) => {
    const [t, s] = entry.toLowerCase().split('/')
    return (t === '*' || t === type) && (s === '*' || s === sub)
  })
}

function parseQuery(query: string): {
  single: Record<string, string> | null
  multi: Record<string, string[]> | null
} {
  const params = new URLSearchParams(query)
  const multi: Record<string, string[]> = {}
  for (const [k, v] of params) (multi[k] ??= []).push(v)
  const keys = Object.keys(multi)
  if (keys.length === 0) return { single: null, multi: null }
  const single: Record<string, string> = {}
  for (const k of keys) single[k] = multi[k][multi[k].length - 1]
  return { single, multi }
}

function headerValue(rawHeaders: readonly string[], name: string): string | undefined {
  let found: string | undefined
  for (let i = 0; i + 1 < rawHeaders.length; i += 2) if (rawHeaders[i].toLowerCase() === name) found = rawHeaders[i + 1]
  return found
}

function splitHost(host: string): [string, string | undefined] {
  const m = /^(\[[^\]]+\]|[^:]+)(?::(\d+))?$/.exec(host)
  return m ? [m[1], m[2]] : [host, undefined]
}
