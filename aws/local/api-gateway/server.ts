/**
 * A local API Gateway REST API with Lambda proxy integrations in response streaming mode
 * (`responseTransferMode: STREAM`): the shape of the deployed stack, on 127.0.0.1.
 *
 * Per request: match the route (else 403 Missing Authentication Token), read the body, check the
 * SigV4 signature and the caller's `execute-api:Invoke` permission on methods with IAM authorization
 * (else 403 as API Gateway words it: ./iam-auth.ts), check `x-api-key` (else 403 Forbidden), validate
 * the body against the method's model (else 400: ./request-validation.ts), build the proxy event, invoke the function in streaming mode, wait for the metadata
 * (integration timeout → 504), send status and headers, then stream the payload as it arrives with
 * the idle timeout and the 15-minute cap. A rejected invocation (throttling) gives 500, a function
 * error or an invalid response before the metadata 502 (AWS Lambda docs: services-apigateway-
 * errors.html); after the metadata the stream is cut (no terminating chunk), which is what a client
 * of API Gateway sees.
 *
 * node:http rather than a framework: the emulator must control the socket itself (cut a chunked
 * response without ending it, write each chunk as it arrives) and see the raw header casing.
 */
import { randomBytes, randomUUID } from 'node:crypto'
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import { close, listen } from '../listen'
import { readBody } from '../read-body'
import { writeOrWait } from '../../node/write-or-wait'
import type { LocalPrincipal } from '../sigv4/policy'
import { GATEWAY_RESPONSES, gatewayResponseBody, type GatewayResponse } from './gateway-responses'
import { checkIam } from './iam-auth'
import { bodyValidator, type RequestModels } from './request-validation'
import { DEFAULT_LIMITS, type ApiGatewayLimits } from './limits'
import { createThrottle, type UsagePlanThrottle } from './usage-plan'
import { readPrelude, type Prelude } from './prelude'
import { buildProxyEvent, type RestApiIdentity } from './proxy-event'
import type { LambdaResponse } from '../lambda-runtime'

/** The function's streaming invocation: the Lambda pool's `invoke` (../lambda-runtime/types.ts). */
export type InvokeFunction = (event: unknown, opts: { signal: AbortSignal; traceId: string }) => Promise<LambdaInvocation>
export type LambdaInvocation = Pick<LambdaResponse, 'requestId' | 'body' | 'outcome'>

export interface Route {
  method: string
  /** Resource path without the stage, e.g. `/invoke`. */
  path: string
  apiKeyRequired: boolean
  /** The method's authorization (CloudFormation `AuthorizationType`); AWS_IAM needs SigV4. Default NONE. */
  authorizationType?: 'NONE' | 'AWS_IAM'
  /** Body validation: content type → JSON schema model (./request-validation.ts). Default none. */
  requestModels?: RequestModels
}

export interface ApiGatewayOptions {
  port?: number
  api?: Partial<RestApiIdentity>
  routes: Route[]
  /** Valid API keys (value → id). */
  apiKeys: Record<string, string>
  /** IAM principals (their keys and Allow statements) for methods with AWS_IAM authorization. */
  principals?: readonly LocalPrincipal[]
  invoke: InvokeFunction
  limits?: Partial<ApiGatewayLimits>
  /** The usage plan's throttle per API key (./usage-plan.ts); none when absent. */
  usagePlan?: UsagePlanThrottle
  /** One line per request and per notable event (like API Gateway's execution log). */
  log?: (line: string) => void
}

export interface ApiGateway {
  url: string
  port: number
  server: Server
  stop(): Promise<void>
}

export const DEFAULT_API: RestApiIdentity = {
  apiId: 'local0000a',
  accountId: '123456789012',
  region: 'us-east-1',
  stage: 'v1',
  binaryMediaTypes: [],
}

export async function startApiGateway(opts: ApiGatewayOptions): Promise<ApiGateway> {
  const api: RestApiIdentity = { ...DEFAULT_API, ...opts.api }
  const limits: ApiGatewayLimits = { ...DEFAULT_LIMITS, ...opts.limits }
  const throttle = opts.usagePlan && createThrottle(opts.usagePlan)
  const log = opts.log ?? (() => {})
  const routes = opts.routes.map((r, i) => ({
    ...r,
    resourceId: `res${i.toString(36).padStart(3, '0')}`,
    validateBody: r.requestModels ? bodyValidator(r.requestModels) : undefined,
  }))

  const server = createServer((req, res) => {
    handle(req, res).catch((err) => {
      log(`internal emulator error: ${err instanceof Error ? err.message : String(err)}`)
      if (!res.headersSent) sendGatewayResponse(res, GATEWAY_RESPONSES.INTEGRATION_FAILURE, randomUUID())
      else res.destroy()
    })
  })
  // Streams may last 15 minutes: Node's own request/headers timeouts must not cut them first.
  server.requestTimeout = 0
  server.headersTimeout = 60_000
  // Longer than clients' pooled-connection idle time (workerd keeps connections open for a while),
  // so the server never closes a socket just as a client sends the next request on it.
  server.keepAliveTimeout = 65_000

  /** One request, in API Gateway's order: route, body, authorization, the integration, the stream. */
  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const startedAt = Date.now()
    const requestId = randomUUID()
    const url = new URL(req.url ?? '/', 'http://local')
    const matched = matchRoute(url.pathname, req.method)
    if (!matched) {
      req.resume()
      return sendGatewayResponse(res, GATEWAY_RESPONSES.MISSING_AUTHENTICATION_TOKEN, requestId)
    }
    const { route, path } = matched

    const body = await readBody(req, limits.maxRequestBytes).catch(() => 'aborted' as const)
    if (body === 'too_large') return sendGatewayResponse(res, GATEWAY_RESPONSES.REQUEST_TOO_LARGE, requestId)
    if (body === 'aborted') return

    const caller = await authorize(req, route, body)
    if (!caller.ok) {
      log(`${req.method} ${url.pathname} 403 (${caller.why}) ${requestId}`)
      return sendGatewayResponse(res, caller.response, requestId)
    }

    // The usage plan counts requests by their API key once the key is known, before validation.
    if (throttle && caller.apiKeyId !== null && !throttle.take(caller.apiKeyId)) {
      log(`${req.method} ${url.pathname} 429 (usage plan throttle) ${requestId}`)
      return sendGatewayResponse(res, GATEWAY_RESPONSES.THROTTLED, requestId)
    }

    // Request validation comes after authorization and the API key, before the integration.
    const invalid = route.validateBody?.(req.headers['content-type'], body)
    if (invalid) {
      log(`${req.method} ${url.pathname} 400 (request body fails the model) ${requestId}`)
      return sendGatewayResponse(res, invalid, requestId)
    }

    const traceId = `Root=1-${Math.floor(startedAt / 1000).toString(16)}-${randomBytes(12).toString('hex')}`
    const event = buildProxyEvent(api, {
      method: req.method ?? 'GET',
      path,
      resourcePath: route.path,
      resourceId: route.resourceId,
      query: url.search.slice(1),
      rawHeaders: req.rawHeaders,
      body,
      sourceIp: (req.socket.remoteAddress ?? '127.0.0.1').replace(/^::ffff:/, ''),
      apiKey: route.apiKeyRequired ? caller.apiKey : null,
      apiKeyId: route.apiKeyRequired ? caller.apiKeyId : null,
      caller: caller.principal,
      requestId,
      extendedRequestId: randomBytes(6).toString('base64url'),
      traceId,
      now: new Date(startedAt),
    })

    // Disconnecting from the function (client gone, timeout, cut) is all API Gateway can do: the
    // function itself runs on (streamifyResponse has no disconnect event).
    const integration = new AbortController()
    const outcome = (what: string) => log(`${req.method} ${url.pathname} ${what} ${requestId} ${Date.now() - startedAt}ms`)
    res.on('close', () => {
      if (!res.writableFinished && !integration.signal.aborted) {
        integration.abort(new Error('client disconnected'))
        outcome('client disconnected')
      }
    })

    const started = await integrate(event, integration, traceId)
    if (started.kind === 'gone') return
    if (started.kind === 'timeout') {
      if (!res.headersSent && !res.destroyed) {
        outcome(`504 (no response within the ${limits.integrationTimeoutMs} ms integration timeout)`)
        sendGatewayResponse(res, GATEWAY_RESPONSES.INTEGRATION_TIMEOUT, requestId)
      }
      return
    }
    if (started.kind === 'rejected') {
      // "If the Lambda API rejects the invocation request, API Gateway returns a 500 error code."
      const err = started.error
      outcome(`500 (Lambda rejected the invocation: ${err instanceof Error ? `${err.name}: ${err.message}` : String(err)})`)
      return sendGatewayResponse(res, GATEWAY_RESPONSES.INVOKE_REJECTED, requestId)
    }
    const { invocation, head } = started
    if (!head.ok) {
      const result = await invocation.outcome
      if (!result.ok) outcome(`502 (function error before the first byte: ${result.errorType}: ${result.errorMessage})`)
      else outcome(`502 (malformed streaming response: ${head.detail})`)
      return sendGatewayResponse(res, GATEWAY_RESPONSES.INTEGRATION_FAILURE, requestId)
    }

    res.writeHead(head.prelude.statusCode, responseHeaders(head.prelude, requestId, traceId))
    res.flushHeaders()
    await pump(head.rest, invocation, res, integration, limits, startedAt, outcome, head.prelude.statusCode)
  }

  /** The route a request path (under the stage) and method match, if any. */
  function matchRoute(pathname: string, method: string | undefined) {
    const prefix = `/${api.stage}`
    const path = pathname.startsWith(prefix + '/') ? pathname.slice(prefix.length) : undefined
    const route = path === undefined ? undefined : routes.find((r) => r.path === path && r.method === method)
    return route && path !== undefined ? { route, path } : undefined
  }

  /**
   * Authorization first, then the API key (API Gateway's order: the key only identifies a caller for
   * its usage plan).
   */
  async function authorize(req: IncomingMessage, route: (typeof routes)[number], body: Buffer) {
    const iam =
      route.authorizationType === 'AWS_IAM'
        ? await checkIam({ method: req.method ?? 'GET', url: req.url ?? '/', rawHeaders: req.rawHeaders, body }, api, route, opts.principals ?? [])
        : undefined
    if (iam && !iam.ok) return { ok: false as const, response: iam.response, why: `IAM: ${iam.response.errorType}` }
    const presentedKey = req.headers['x-api-key']
    const apiKey = typeof presentedKey === 'string' ? presentedKey : null
    const apiKeyId = apiKey !== null && Object.hasOwn(opts.apiKeys, apiKey) ? opts.apiKeys[apiKey] : null
    if (route.apiKeyRequired && apiKeyId === null) {
      return { ok: false as const, response: GATEWAY_RESPONSES.INVALID_API_KEY, why: `API key ${apiKey === null ? 'missing' : 'invalid'}` }
    }
    return { ok: true as const, apiKey, apiKeyId, principal: iam?.ok ? iam.principal : undefined }
  }

  /**
   * Invokes the function and waits for its metadata (the prelude) within the integration timeout:
   * `gone` when the client left first, `rejected` when the invocation failed.
   */
  async function integrate(
    event: unknown,
    integration: AbortController,
    traceId: string,
  ): Promise<{ kind: 'started'; invocation: LambdaInvocation; head: Awaited<ReturnType<typeof readPrelude>> } | { kind: 'timeout' } | { kind: 'gone' } | { kind: 'rejected'; error: unknown }> {
    let timedOut = false
    const timer = setTimeout(() => {
      timedOut = true
      integration.abort(new Error('integration timeout'))
    }, limits.integrationTimeoutMs)
    const aborted = new Promise<'aborted'>((resolve) => integration.signal.addEventListener('abort', () => resolve('aborted'), { once: true }))
    const ended = () => (timedOut ? { kind: 'timeout' as const } : { kind: 'gone' as const })
    try {
      const invoking = opts.invoke(event, { signal: integration.signal, traceId })
      const invocation = await Promise.race([invoking, aborted])
      if (invocation === 'aborted') {
        // Whatever the function sends later goes nowhere.
        invoking.then((late) => late.body.cancel().catch(() => {})).catch(() => {})
        return ended()
      }
      const head = await Promise.race([readPrelude(invocation.body), aborted])
      if (head === 'aborted') {
        invocation.body.cancel().catch(() => {})
        return ended()
      }
      return { kind: 'started', invocation, head }
    } catch (error) {
      return integration.signal.aborted ? ended() : { kind: 'rejected', error }
    } finally {
      clearTimeout(timer)
    }
  }

  const port = await listen(server, opts.port ?? 0, 'API Gateway emulator')
  return {
    url: `http://127.0.0.1:${port}/${api.stage}`,
    port,
    server,
    stop: () => close(server),
  }
}

/** Streams the payload to the client chunk by chunk, enforcing the idle timeout and the 15-minute cap. */
async function pump(
  rest: ReadableStream<Uint8Array>,
  invocation: LambdaInvocation,
  res: ServerResponse,
  integration: AbortController,
  limits: ApiGatewayLimits,
  startedAt: number,
  outcome: (what: string) => void,
  status: number,
): Promise<void> {
  const reader = rest.getReader()
  let cutReason: string | undefined
  const cut = (reason: string) => {
    if (cutReason) return
    cutReason = reason
    integration.abort(new Error(reason))
    reader.cancel(new Error(reason)).catch(() => {})
    // Destroying the socket before the terminating chunk is how the client learns the stream broke.
    res.destroy()
  }
  const idleTimer = setTimeout(() => cut(`idle for ${limits.idleTimeoutMs} ms`), limits.idleTimeoutMs)
  const maxTimer = setTimeout(() => cut(`stream reached the ${limits.maxStreamMs} ms maximum`), Math.max(0, startedAt + limits.maxStreamMs - Date.now()))
  try {
    for (;;) {
      let chunk: Awaited<ReturnType<typeof reader.read>>
      try {
        chunk = await reader.read()
      } catch (err) {
        if (!cutReason) cut(`function stream failed: ${err instanceof Error ? err.message : String(err)}`)
        break
      }
      if (chunk.done || res.destroyed) break
      idleTimer.refresh()
      await writeOrWait(res, chunk.value)
    }
    if (!cutReason && !res.destroyed) {
      const result = await invocation.outcome
      if (!result.ok) cut(`function error mid-stream: ${result.errorType}: ${result.errorMessage}`)
      else {
        res.end()
        outcome(`${status} streamed`)
      }
    }
  } finally {
    clearTimeout(idleTimer)
    clearTimeout(maxTimer)
  }
  if (cutReason) outcome(`${status} stream cut (${cutReason})`)
}

/**
 * The function's headers as API Gateway passes them on: hop-by-hop headers dropped, the ones it
 * reserves remapped to `x-amzn-Remapped-*` (AWS docs: apigateway/latest/developerguide/api-gateway-
 * known-issues.html), cookies as Set-Cookie, Content-Type defaulting to JSON, plus its own ids.
 */
function responseHeaders(prelude: Prelude, requestId: string, traceId: string): Array<[string, string]> {
  const out: Array<[string, string]> = []
  for (const [name, value] of prelude.headers) {
    const lower = name.toLowerCase()
    if (lower === 'transfer-encoding' || lower === 'keep-alive') continue
    if (['connection', 'content-length', 'date', 'server', 'authorization', 'www-authenticate', 'x-amzn-requestid'].includes(lower)) {
      out.push([`x-amzn-Remapped-${name}`, value])
    } else out.push([name, value])
  }
  for (const c of prelude.cookies) out.push(['Set-Cookie', c])
  if (!out.some(([n]) => n.toLowerCase() === 'content-type')) out.push(['Content-Type', 'application/json'])
  out.push(['x-amzn-RequestId', requestId], ['x-amz-apigw-id', randomBytes(6).toString('base64url')], ['X-Amzn-Trace-Id', traceId])
  return out
}

function sendGatewayResponse(res: ServerResponse, r: GatewayResponse, requestId: string): void {
  if (res.headersSent || res.destroyed) return
  const body = gatewayResponseBody(r)
  const headers: Record<string, string> = {
    'Content-Type': 'application/json',
    'Content-Length': String(Buffer.byteLength(body)),
    'x-amzn-RequestId': requestId,
    'x-amz-apigw-id': randomBytes(6).toString('base64url'),
  }
  if (r.errorType) headers['x-amzn-ErrorType'] = r.errorType
  res.writeHead(r.status, headers)
  res.end(body)
}
