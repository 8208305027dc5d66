/**
 * A local Lambda Function URL in `InvokeMode: RESPONSE_STREAM` with `AuthType: AWS_IAM`, on
 * 127.0.0.1, in front of a local Lambda pool (../lambda-runtime).
 *
 * Per request: check the caller (AWS_IAM: the SigV4 signature, service `lambda`, verified for real
 * against the principals' keys, and `lambda:InvokeFunctionUrl` on the function in their policy:
 * ../lambda-api/iam.ts; refused → 403 `{"Message":"Forbidden"}`), build the payload format 2.0 event (./event.ts), invoke
 * the function, read its HttpResponseStream prelude (the same framing as API Gateway's streaming
 * integration: ../api-gateway/prelude.ts), send its status and headers, then stream the payload as
 * it arrives. A function that fails before its prelude gives 502; after it, the stream is cut (no
 * terminating chunk). The limits are the function's: its timeout (up to 15 min) and a 200 MB
 * response (AWS docs: lambda/latest/dg/configuration-response-streaming.html); the request body is
 * at most 6 MB (Lambda quotas).
 *
 * A caller that goes away disconnects it from the function; the function runs on (the pool's
 * abortMode), as in AWS.
 */
import { randomBytes, randomUUID } from 'node:crypto'
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import { readPrelude } from '../api-gateway/prelude'
import { TooManyRequestsException, type LambdaPool } from '../lambda-runtime'
import { close, listen } from '../listen'
import { readBody } from '../read-body'
import { writeOrWait } from '../../node/write-or-wait'
import { checkLambdaIam, functionArnOf } from '../lambda-api/iam'
import type { LocalPrincipal } from '../sigv4/policy'
import { buildFunctionUrlEvent, type FunctionUrlIdentity } from './event'

export const MAX_REQUEST_BYTES = 6 * 1024 * 1024
export const MAX_RESPONSE_BYTES = 200 * 1024 * 1024

export interface FunctionUrlOptions {
  port?: number
  url?: Partial<FunctionUrlIdentity>
  fn: Pick<LambdaPool, 'invoke'>
  /** The function behind the URL (its ARN is what the callers' policies name). */
  functionName: string
  accountId: string
  /** AuthType AWS_IAM: the callers IAM knows (keys and Allow statements). */
  principals: readonly LocalPrincipal[]
  log?: (line: string) => void
}

export interface FunctionUrl {
  /** The URL's base (`http://127.0.0.1:{port}/`): the Worker's UPSTREAM_URL is this + `invoke`. */
  url: string
  port: number
  /** Requests that reached the function. */
  invocations: number
  stop(): Promise<void>
}

export async function startFunctionUrl(opts: FunctionUrlOptions): Promise<FunctionUrl> {
  const identity: FunctionUrlIdentity = { urlId: 'l0ca1funct10nur1000000000000000', region: 'us-east-1', ...opts.url }
  const log = opts.log ?? (() => {})
  const state = { invocations: 0 }

  const server = createServer((req, res) => {
    handle(req, res).catch((err) => {
      log(`internal emulator error: ${err instanceof Error ? err.message : String(err)}`)
      if (!res.headersSent) sendError(res, 502, 'Internal Server Error', randomUUID())
      else res.destroy()
    })
  })
  server.requestTimeout = 0
  server.keepAliveTimeout = 65_000

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const requestId = randomUUID()
    const startedAt = Date.now()
    const url = new URL(req.url ?? '/', 'http://local')
    const line = (what: string) => log(`${req.method} ${url.pathname} ${what} ${requestId} ${Date.now() - startedAt}ms`)
    const body = await readBody(req, MAX_REQUEST_BYTES).catch(() => 'aborted' as const)
    if (body === 'aborted') return
    if (body === 'too_large') return sendError(res, 413, 'Request Entity Too Large', requestId)
    const caller = await checkLambdaIam(req, body, identity.region, opts.principals, 'lambda:InvokeFunctionUrl', functionArnOf(identity.region, opts.accountId, opts.functionName))
    if (!caller.ok) {
      // Function URLs answer every IAM refusal with the same body; the reason goes to the log only.
      line(`403 (${caller.errorType}: ${caller.message.split('\n')[0]})`)
      return sendError(res, 403, 'Forbidden', requestId, 'AccessDeniedException')
    }
    const principal = caller.principal
    const iamUser = principal.principalArn.split(':').pop() ?? ''

    const event = buildFunctionUrlEvent(identity, {
      method: req.method ?? 'GET',
      path: url.pathname,
      query: url.search.slice(1),
      rawHeaders: req.rawHeaders,
      body,
      sourceIp: (req.socket.remoteAddress ?? '127.0.0.1').replace(/^::ffff:/, ''),
      requestId,
      now: new Date(startedAt),
      iam: {
        accessKey: principal.accessKeyId,
        accountId: opts.accountId,
        callerId: `AIDA${principal.accessKeyId.slice(4)}`,
        userArn: principal.principalArn,
        userId: iamUser,
      },
    })
    const disconnect = new AbortController()
    res.on('close', () => {
      if (!res.writableFinished) disconnect.abort(new Error('client disconnected'))
    })
    let invocation
    try {
      invocation = await opts.fn.invoke(event, { signal: disconnect.signal })
    } catch (err) {
      if (disconnect.signal.aborted) return
      if (err instanceof TooManyRequestsException) return sendError(res, 429, 'Rate Exceeded.', requestId, 'TooManyRequestsException')
      throw err
    }
    state.invocations++
    const head = await readPrelude(invocation.body)
    if (!head.ok) {
      const outcome = await invocation.outcome
      line(`502 (${outcome.ok ? head.detail : `${outcome.errorType}: ${outcome.errorMessage}`})`)
      return sendError(res, 502, 'Internal Server Error', requestId)
    }
    const headers: Array<[string, string]> = head.prelude.headers.filter(([n]) => !/^(transfer-encoding|connection|content-length)$/i.test(n))
    for (const c of head.prelude.cookies) headers.push(['Set-Cookie', c])
    if (!headers.some(([n]) => n.toLowerCase() === 'content-type')) headers.push(['Content-Type', 'application/octet-stream'])
    headers.push(['x-amzn-RequestId', requestId], ['X-Amzn-Trace-Id', `Root=1-${Math.floor(startedAt / 1000).toString(16)}-${randomBytes(12).toString('hex')}`])
    res.writeHead(head.prelude.statusCode, headers)
    res.flushHeaders()

    const reader = head.rest.getReader()
    res.on('close', () => void reader.cancel().catch(() => {}))
    let sent = 0
    for (;;) {
      const chunk = await reader.read().catch(() => ({ done: true as const, value: undefined }))
      if (chunk.done || res.destroyed) break
      sent += chunk.value.length
      if (sent > MAX_RESPONSE_BYTES) {
        line('stream cut (over the 200 MB response limit)')
        return void res.destroy()
      }
      await writeOrWait(res, chunk.value)
    }
    if (res.destroyed) return line('client disconnected')
    const outcome = await invocation.outcome
    if (!outcome.ok) {
      line(`stream cut (function error mid-stream: ${outcome.errorType})`)
      return void res.destroy()
    }
    res.end()
    line(`${head.prelude.statusCode} streamed`)
  }

  const port = await listen(server, opts.port ?? 0, 'Function URL emulator')
  return {
    url: `http://127.0.0.1:${port}/`,
    port,
    get invocations() {
      return state.invocations
    },
    stop: () => close(server),
  }
}

function sendError(res: ServerResponse, status: number, message: string, requestId: string, errorType?: string): void {
  if (res.headersSent || res.destroyed) return
  const body = JSON.stringify({ Message: message })
  res.writeHead(status, {
    'Content-Type': 'application/json',
    'Content-Length': String(Buffer.byteLength(body)),
    'x-amzn-RequestId': requestId,
    ...(errorType ? { 'x-amzn-ErrorType': errorType } : {}),
  })
  res.end(body)
}
