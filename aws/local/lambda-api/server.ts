/**
 * A local Lambda service API (the data plane a client calls with SigV4) on 127.0.0.1, in front of
 * the local Lambda pools (../lambda-runtime): the function runs under aws-lambda-ric as it does behind
 * API Gateway, only the caller differs.
 *
 * - `POST /2021-11-15/functions/{name}/response-streaming-invocations` (InvokeWithResponseStream):
 *   200 `application/vnd.amazon.eventstream`, each piece of the function's output as a `PayloadChunk`
 *   message as it arrives, then `InvokeComplete` (with `ErrorCode`/`ErrorDetails` when the function
 *   failed mid-stream: ./frames.ts).
 * - `POST /2015-03-31/functions/{name}/invocations` (Invoke, RequestResponse): the whole output; a
 *   function error is still 200, flagged by `X-Amz-Function-Error: Unhandled`.
 * Errors of the service itself are restJson1 errors (`x-amzn-ErrorType` header, `{"Type","message"}`
 * body) with the statuses of the Lambda API reference (Invoke, InvokeWithResponseStream: Errors):
 * 404 ResourceNotFoundException, 429 TooManyRequestsException, 400 InvalidRequestContentException,
 * 413 RequestTooLargeException; 403 for a signature or a permission IAM refuses (./iam.ts:
 * `lambda:InvokeFunction` on the function).
 *
 * A caller that goes away does not stop the function (the pool's abortMode, 'drain' by default, as in
 * AWS): what keeps running and billing after a client leaves is the same here.
 *
 * node:http rather than a framework: each output chunk is written (and flushed) as its own frame.
 */
import { randomUUID } from 'node:crypto'
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import { close, listen } from '../listen'
import { readBody } from '../read-body'
import { writeOrWait } from '../../node/write-or-wait'
import { TooManyRequestsException, type LambdaPool, type LambdaResponse } from '../lambda-runtime'
import type { LocalPrincipal } from '../sigv4/policy'
import { invokeComplete, payloadChunk } from './frames'
import { checkLambdaIam, functionArnOf } from './iam'

/** Lambda's limit for a synchronous invocation's request payload (Lambda quotas: 6 MB). */
export const MAX_PAYLOAD_BYTES = 6 * 1024 * 1024

export interface LambdaApiOptions {
  port?: number
  region: string
  accountId: string
  /** The functions by name. */
  functions: Record<string, Pick<LambdaPool, 'invoke'>>
  /** The callers IAM knows (keys and Allow statements). Every request must be signed by one of them. */
  principals: readonly LocalPrincipal[]
  log?: (line: string) => void
}

export interface LambdaApi {
  /** The endpoint: what a client's `endpoint` setting or the Worker's UPSTREAM_LAMBDA_ENDPOINT is. */
  url: string
  port: number
  /** Requests served, by operation: how many upstream calls an answer cost. */
  calls: { invokeWithResponseStream: number; invoke: number }
  stop(): Promise<void>
}

const ROUTE = /^\/(2021-11-15|2015-03-31)\/functions\/([^/]+)\/(response-streaming-invocations|invocations)$/

export async function startLambdaApi(opts: LambdaApiOptions): Promise<LambdaApi> {
  const log = opts.log ?? (() => {})
  const calls = { invokeWithResponseStream: 0, invoke: 0 }

  const server = createServer((req, res) => {
    handle(req, res).catch((err) => {
      log(`internal emulator error: ${err instanceof Error ? err.message : String(err)}`)
      if (!res.headersSent) sendError(res, 500, 'ServiceException', 'Internal error', randomUUID())
      else res.destroy()
    })
  })
  server.requestTimeout = 0
  server.keepAliveTimeout = 65_000

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const requestId = randomUUID()
    const url = new URL(req.url ?? '/', 'http://local')
    const match = ROUTE.exec(url.pathname)
    const streaming = match?.[3] === 'response-streaming-invocations'
    if (!match || req.method !== 'POST' || (streaming ? match[1] !== '2021-11-15' : match[1] !== '2015-03-31')) {
      req.resume()
      return sendError(res, 404, 'UnknownOperationException', 'Unknown operation', requestId)
    }
    const body = await readBody(req, MAX_PAYLOAD_BYTES).catch(() => 'aborted' as const)
    if (body === 'aborted') return
    if (body === 'too_large') return sendError(res, 413, 'RequestTooLargeException', 'Request must be smaller than 6291456 bytes for the InvokeFunction operation', requestId)
    const name = functionNameOf(decodeURIComponent(match[2]))
    const arn = functionArnOf(opts.region, opts.accountId, name ?? match[2])
    // IAM before existence: an unauthorized caller learns nothing about which functions exist.
    const auth = await checkLambdaIam(req, body, opts.region, opts.principals, 'lambda:InvokeFunction', arn)
    if (!auth.ok) {
      log(`${match[3]} ${auth.status} ${auth.errorType}`)
      return sendError(res, auth.status, auth.errorType, auth.message, requestId)
    }
    const fn = name === undefined ? undefined : opts.functions[name]
    if (!fn) return sendError(res, 404, 'ResourceNotFoundException', `Function not found: ${arn}`, requestId)
    let event: unknown
    try {
      event = body.length === 0 ? {} : JSON.parse(body.toString('utf8'))
    } catch {
      return sendError(res, 400, 'InvalidRequestContentException', 'Could not parse request body into json: Unexpected character', requestId)
    }

    // The caller going away disconnects it from the function, nothing more (see above).
    const caller = new AbortController()
    res.on('close', () => {
      if (!res.writableFinished) caller.abort(new Error('client disconnected'))
    })
    let invocation: LambdaResponse
    try {
      invocation = await fn.invoke(event, { signal: caller.signal })
    } catch (err) {
      if (caller.signal.aborted) return
      if (err instanceof TooManyRequestsException) return sendError(res, 429, 'TooManyRequestsException', 'Rate Exceeded.', requestId)
      throw err
    }
    if (streaming) {
      calls.invokeWithResponseStream++
      await streamFrames(invocation, res)
    } else {
      calls.invoke++
      await sendBuffered(invocation, res)
    }
    log(`${streaming ? 'InvokeWithResponseStream' : 'Invoke'} ${name} ${invocation.requestId} ${(await invocation.outcome).ok ? 'ok' : 'function error'}`)
  }

  const port = await listen(server, opts.port ?? 0, 'Lambda API emulator')
  return { url: `http://127.0.0.1:${port}`, port, calls, stop: () => close(server) }
}

/** The output as event-stream frames, one PayloadChunk per piece as it arrives, then InvokeComplete. */
async function streamFrames(invocation: LambdaResponse, res: ServerResponse): Promise<void> {
  res.writeHead(200, {
    'Content-Type': 'application/vnd.amazon.eventstream',
    'X-Amz-Executed-Version': '$LATEST',
    'x-amzn-RequestId': invocation.requestId,
  })
  res.flushHeaders()
  const reader = invocation.body.getReader()
  res.on('close', () => void reader.cancel().catch(() => {}))
  for (;;) {
    const { value, done } = await reader.read()
    if (done || res.destroyed) break
    if (value.length) await writeOrWait(res, payloadChunk(value))
  }
  if (res.destroyed) return
  const outcome = await invocation.outcome
  res.end(outcome.ok ? invokeComplete() : invokeComplete({ ErrorCode: outcome.errorType, ErrorDetails: JSON.stringify({ errorType: outcome.errorType, errorMessage: outcome.errorMessage }) }))
}

/** Invoke (RequestResponse): the output whole; a failed function is 200 with X-Amz-Function-Error. */
async function sendBuffered(invocation: LambdaResponse, res: ServerResponse): Promise<void> {
  const output = Buffer.from(await new Response(invocation.body).arrayBuffer())
  const outcome = await invocation.outcome
  const headers: Record<string, string> = { 'X-Amz-Executed-Version': '$LATEST', 'x-amzn-RequestId': invocation.requestId }
  if (outcome.ok) {
    headers['Content-Type'] = invocation.contentType ?? 'application/json'
    res.writeHead(200, headers).end(output)
  } else {
    headers['Content-Type'] = 'application/json'
    headers['X-Amz-Function-Error'] = 'Unhandled'
    res.writeHead(200, headers).end(JSON.stringify({ errorType: outcome.errorType, errorMessage: outcome.errorMessage }))
  }
}

/** `name`, `name:qualifier`, `account:function:name` or a full ARN → the function's name. */
export function functionNameOf(id: string): string | undefined {
  const arn = /^arn:aws[a-z-]*:lambda:[a-z0-9-]+:\d{12}:function:([A-Za-z0-9_-]{1,64})(?::[A-Za-z0-9$_-]+)?$/.exec(id)
  if (arn) return arn[1]
  const partial = /^(?:\d{12}:function:)?([A-Za-z0-9_-]{1,64})(?::[A-Za-z0-9$_-]+)?$/.exec(id)
  return partial?.[1]
}

function sendError(res: ServerResponse, status: number, type: string, message: string, requestId: string): void {
  if (res.headersSent || res.destroyed) return
  const body = JSON.stringify({ Type: status < 500 ? 'User' : 'Service', message })
  res.writeHead(status, {
    'Content-Type': 'application/json',
    'Content-Length': String(Buffer.byteLength(body)),
    'x-amzn-ErrorType': type,
    'x-amzn-RequestId': requestId,
  })
  res.end(body)
}
