/**
 * The HTTP side of one execution environment's Runtime API
 * (https://docs.aws.amazon.com/lambda/latest/dg/runtimes-api.html): routes the four calls a runtime
 * makes and reads their error bodies; what they mean for the invocation is ./worker.ts's job.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import { text } from 'node:stream/consumers'
import type { Invocation } from './invocation'

const PREFIX = '/2018-06-01/runtime'
const INVOCATION_POST = /^\/2018-06-01\/runtime\/invocation\/([^/]+)\/(response|error)$/

/** An error a runtime reports: Lambda-Runtime-Function-Error-Type when sent, else the body's errorType. */
export interface ReportedError {
  errorType: string
  errorMessage: string
}

export interface RuntimeApiCalls {
  /** GET /invocation/next: answer `res` when there is an event (a long poll). */
  next(res: ServerResponse): void
  /** The invocation a POST may name: the one delivered and not yet over. */
  delivered(): Invocation | undefined
  /** POST /invocation/{id}/response: the body streams; call `accepted` once it ended. */
  response(inv: Invocation, req: IncomingMessage, accepted: () => void): void
  /** POST /invocation/{id}/error (already answered 202). */
  error(inv: Invocation, error: ReportedError): void
  /** POST /init/error (answered 202 right after). */
  initError(error: ReportedError): void
}

export function createRuntimeApiServer(calls: RuntimeApiCalls): Server {
  const server = createServer((req, res) => route(calls, req, res))
  // Long polls (/next) and 15-minute streams must not hit Node's default request timeouts.
  server.requestTimeout = 0
  server.headersTimeout = 0
  server.keepAliveTimeout = 0
  server.timeout = 0
  return server
}

function route(calls: RuntimeApiCalls, req: IncomingMessage, res: ServerResponse): void {
  const url = req.url ?? ''
  if (req.method === 'GET' && url === `${PREFIX}/invocation/next`) return calls.next(res)
  if (req.method === 'POST' && url === `${PREFIX}/init/error`) {
    return void reportedError(req, 'Runtime.Unknown').then((error) => {
      calls.initError(error)
      sendJson(res, 202, { status: 'OK' })
    })
  }
  const m = INVOCATION_POST.exec(url)
  if (req.method === 'POST' && m) {
    const inv = calls.delivered()
    if (!inv || inv.requestId !== decodeURIComponent(m[1]!)) {
      return sendJson(res, 400, { errorType: 'InvalidRequestID', errorMessage: 'Invalid request ID' })
    }
    if (m[2] === 'response') return calls.response(inv, req, () => sendJson(res, 202, { status: 'OK' }))
    return void reportedError(req, 'Unhandled').then((error) => {
      sendJson(res, 202, { status: 'OK' })
      calls.error(inv, error)
    })
  }
  sendJson(res, 404, { errorType: 'NotFound', errorMessage: 'Not found' })
}

/**
 * The error a runtime posts. aws-lambda-ric sends Lambda-Runtime-Function-Error-Type with an init
 * error; its buffered invocation errors (aws-lambda-cpp's post) carry the type only in the body
 * (fixtures/native-client-4.0.2.json).
 */
async function reportedError(req: IncomingMessage, fallbackType: string): Promise<ReportedError> {
  const body = await text(req).then(
    (t) => {
      try {
        const v = JSON.parse(t) as unknown
        return typeof v === 'object' && v !== null ? (v as Record<string, unknown>) : undefined
      } catch {
        return undefined
      }
    },
    () => undefined,
  )
  return {
    errorType: String(req.headers['lambda-runtime-function-error-type'] ?? body?.errorType ?? fallbackType),
    errorMessage: typeof body?.errorMessage === 'string' ? body.errorMessage : '',
  }
}

export function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const json = JSON.stringify(body)
  res.writeHead(status, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(json) })
  res.end(json)
}
