/**
 * One invocation's life inside the local Runtime API: the event waiting for GET /next, the response
 * body as the function posts it, and the outcome.
 */
import { randomUUID } from 'node:crypto'
import type { IncomingMessage } from 'node:http'
import type { InvokeOutcome, LambdaResponse } from './types'

export class Invocation {
  readonly requestId = randomUUID()
  readonly response: Promise<LambdaResponse>
  readonly outcome: Promise<InvokeOutcome>
  /** Set once the event has been handed to the runtime (GET /next answered). */
  delivered = false
  /** Set once the outcome is known. */
  finished = false
  /** The function's POST /response request while it streams. */
  responseRequest?: IncomingMessage
  /** The client went away; further bytes are dropped. */
  clientGone = false

  private stopBody?: () => void
  private resolveResponse!: (r: LambdaResponse) => void
  private rejectResponse!: (e: unknown) => void
  private resolveOutcome!: (o: InvokeOutcome) => void
  private responded = false

  constructor(
    readonly event: unknown,
    readonly deadlineMs: number,
    readonly traceId: string,
  ) {
    this.response = new Promise((resolve, reject) => {
      this.resolveResponse = resolve
      this.rejectResponse = reject
    })
    this.outcome = new Promise((resolve) => (this.resolveOutcome = resolve))
  }

  /** Streams the function's POST body to the caller as it arrives, with backpressure on the socket. */
  startStreaming(req: IncomingMessage, mode: 'streaming' | 'buffered', onEnd: (outcome: InvokeOutcome) => void): void {
    this.responseRequest = req
    let controller!: ReadableStreamDefaultController<Uint8Array>
    const body = new ReadableStream<Uint8Array>(
      {
        start: (c) => {
          controller = c
        },
        pull: () => {
          req.resume()
        },
        cancel: () => {
          this.clientGone = true
          req.resume()
        },
      },
      new ByteLengthQueuingStrategy({ highWaterMark: 64 * 1024 }),
    )
    let closed = false
    const close = () => {
      if (closed) return
      closed = true
      if (!this.clientGone) controller.close()
    }
    this.stopBody = () => {
      if (closed) return
      closed = true
      try {
        controller.close()
      } catch {
        // already cancelled by the reader
      }
      req.resume()
    }
    req.on('data', (chunk: Buffer) => {
      if (this.clientGone || closed) return
      controller.enqueue(new Uint8Array(chunk))
      if ((controller.desiredSize ?? 1) <= 0) req.pause()
    })
    req.on('end', () => {
      close()
      onEnd(trailerOutcome(req))
    })
    // A connection that breaks before the end: the process crashed or was killed; the caller of
    // onEnd learns why from the process exit.
    req.on('close', close)
    this.respond({ mode, contentType: headerValue(req.headers['content-type']), body })
  }

  /** Ends the invocation. Before any response, the caller gets an empty `error` response. */
  finish(outcome: InvokeOutcome): void {
    if (this.finished) return
    this.finished = true
    if (!this.responded) this.respond({ mode: 'error', body: new ReadableStream({ start: (c) => c.close() }) })
    this.resolveOutcome(outcome)
  }

  /** The caller gave up before the response started. */
  abort(reason: unknown): void {
    this.clientGone = true
    if (!this.responded) {
      this.responded = true
      this.rejectResponse(reason)
    }
    this.stopBody?.()
  }

  private respond(r: Omit<LambdaResponse, 'requestId' | 'outcome'>): void {
    if (this.responded) return
    this.responded = true
    this.resolveResponse({ requestId: this.requestId, outcome: this.outcome, ...r })
  }
}

/** Reads the error trailers aws-lambda-ric adds when a streaming handler fails (its body is base64 JSON). */
function trailerOutcome(req: IncomingMessage): InvokeOutcome {
  const errorType = req.trailers['lambda-runtime-function-error-type']
  if (!errorType) return { ok: true }
  let errorMessage = ''
  const raw = req.trailers['lambda-runtime-function-error-body']
  if (raw) {
    try {
      const parsed = JSON.parse(Buffer.from(raw, 'base64').toString('utf8')) as { errorMessage?: unknown }
      if (typeof parsed.errorMessage === 'string') errorMessage = parsed.errorMessage
    } catch {
      errorMessage = 'unreadable Lambda-Runtime-Function-Error-Body trailer'
    }
  }
  return { ok: false, kind: 'function', errorType, errorMessage }
}

function headerValue(v: string | string[] | undefined): string | undefined {
  return Array.isArray(v) ? v[0] : v
}
