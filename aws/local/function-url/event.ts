/**
 * The event a Lambda Function URL passes its function: payload format 2.0 (AWS docs:
 * lambda/latest/dg/urls-invocation.html, "Request payload format"). Header names are lower-cased and
 * repeated headers joined with commas; cookies travel apart; a body whose content type is not text is
 * base64-encoded; with AuthType AWS_IAM `requestContext.authorizer.iam` names the signer.
 */
import type { APIGatewayProxyEventV2 } from 'aws-lambda'

export interface FunctionUrlIdentity {
  /** The URL id: `https://{urlId}.lambda-url.{region}.on.aws/`. */
  urlId: string
  region: string
}

export interface FunctionUrlRequest {
  method: string
  path: string
  /** Without `?`; may be empty. */
  query: string
  /** Node's `req.rawHeaders`. */
  rawHeaders: readonly string[]
  body: Uint8Array
  sourceIp: string
  requestId: string
  now: Date
  /** The signer (AuthType AWS_IAM), as the verifier established it. */
  iam?: { accessKey: string; accountId: string; callerId: string; userArn: string; userId: string }
}

export function buildFunctionUrlEvent(url: FunctionUrlIdentity, req: FunctionUrlRequest): APIGatewayProxyEventV2 & { requestContext: Record<string, unknown> } {
  const headers: Record<string, string> = {}
  const cookies: string[] = []
  for (let i = 0; i + 1 < req.rawHeaders.length; i += 2) {
    const name = req.rawHeaders[i].toLowerCase()
    const value = req.rawHeaders[i + 1]
    if (name === 'cookie') cookies.push(...value.split(/;\s*/).filter(Boolean))
    else headers[name] = name in headers ? `${headers[name]},${value}` : value
  }
  const domainName = `${url.urlId}.lambda-url.${url.region}.on.aws`
  const query = new URLSearchParams(req.query)
  const queryStringParameters: Record<string, string> = {}
  for (const key of new Set(query.keys())) queryStringParameters[key] = query.getAll(key).join(',')
  const binary = !isTextType(headers['content-type'])
  const body = req.body.length === 0 ? undefined : binary ? Buffer.from(req.body).toString('base64') : new TextDecoder().decode(req.body)
  return {
    version: '2.0',
    routeKey: '$default',
    rawPath: req.path,
    rawQueryString: req.query,
    ...(cookies.length ? { cookies } : {}),
    headers,
    ...(req.query ? { queryStringParameters } : {}),
    requestContext: {
      accountId: req.iam?.accountId ?? 'anonymous',
      apiId: url.urlId,
      ...(req.iam ? { authorizer: { iam: { ...req.iam, cognitoIdentity: null, principalOrgId: null } } } : {}),
      domainName,
      domainPrefix: url.urlId,
      http: { method: req.method, path: req.path, protocol: 'HTTP/1.1', sourceIp: req.sourceIp, userAgent: headers['user-agent'] ?? '' },
      requestId: req.requestId,
      routeKey: '$default',
      stage: '$default',
      time: clfTime(req.now),
      timeEpoch: req.now.getTime(),
    },
    ...(body === undefined ? {} : { body }),
    isBase64Encoded: body !== undefined && binary,
  } as APIGatewayProxyEventV2 & { requestContext: Record<string, unknown> }
}

/** Function URLs pass text bodies as they are: text/*, JSON, XML, form data, JavaScript (same page). */
function isTextType(type: string | undefined): boolean {
  if (!type) return false
  const t = type.split(';')[0].trim().toLowerCase()
  return t.startsWith('text/') || /^application\/(json|.+\+json|xml|.+\+xml|javascript|x-www-form-urlencoded)$/.test(t)
}

/** `12/Mar/2020:19:03:58 +0000`, the time format of requestContext.time. */
function clfTime(d: Date): string {
  const months = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec']
  const p = (n: number) => String(n).padStart(2, '0')
  return `${p(d.getUTCDate())}/${months[d.getUTCMonth()]}/${d.getUTCFullYear()}:${p(d.getUTCHours())}:${p(d.getUTCMinutes())}:${p(d.getUTCSeconds())} +0000`
}
