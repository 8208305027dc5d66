/** The public contract of the local Lambda: what `startLambdaPool` and `invoke` return. */
import type { LambdaFunctionConfig } from './lambda-env'

export interface LambdaPoolOptions extends LambdaFunctionConfig {
  /** Most runtime processes alive at once (Lambda's concurrency limit). Default 10. */
  maxConcurrency?: number
  /** Processes started (and initialized) before `startLambdaPool` resolves. Default 0 (cold start on first invoke). */
  warm?: number
  /**
   * What a caller's abort (client disconnect) does to a running invocation.
   * - 'drain' (default, as in AWS: aws-lambda-nodejs-runtime-interface-client#145): the function keeps
   *   running; its further bytes are read and discarded.
   * - 'disconnect': the Runtime API drops the function's response connection, so the handler's
   *   response stream errors and closes (how the proxy's disconnect handling is exercised locally).
   */
  abortMode?: 'drain' | 'disconnect'
  /** Receives each line a runtime process prints. Default: process.stderr with a `[lambda#N]` prefix. */
  onLog?: (line: string, source: { worker: number; stream: 'stdout' | 'stderr' }) => void
  /** Node binary to run aws-lambda-ric with. Default: process.execPath. */
  nodePath?: string
}

export interface InvokeOptions {
  /** Aborting = the client went away (see `abortMode`). Before the response starts, `invoke` rejects with an AbortError. */
  signal?: AbortSignal
  /** Sent as Lambda-Runtime-Trace-Id. */
  traceId?: string
}

/**
 * How an invocation ended.
 * - kind 'function': the handler failed (streaming: the Lambda-Runtime-Function-Error-Type/-Body
 *   trailers; buffered: POST /error). Bytes already streamed stay delivered.
 * - kind 'init': the process failed to initialize (POST /init/error, e.g. Runtime.ImportModuleError).
 * - kind 'crash': the process exited during the invocation (errorType Runtime.ExitError).
 * - kind 'timeout': the invocation outlived the function timeout; the process was killed (Sandbox.Timedout).
 * - kind 'aborted': abortMode 'disconnect' cut the function's response connection after the caller aborted.
 */
export type InvokeOutcome =
  | { ok: true }
  | { ok: false; kind: 'function' | 'init' | 'crash' | 'timeout' | 'aborted'; errorType: string; errorMessage: string }

export interface LambdaResponse {
  /** The invocation's id: the handler's context.awsRequestId. */
  requestId: string
  /**
   * 'streaming': the function posted a streaming response (Lambda-Runtime-Function-Response-Mode: streaming).
   * 'buffered': a classic response (the handler's JSON-serialized return value).
   * 'error': the invocation failed before any response started; `body` is empty, see `outcome`.
   */
  mode: 'streaming' | 'buffered' | 'error'
  /**
   * The Content-Type the function declared. A handler using awslambda.HttpResponseStream.from declares
   * `application/vnd.awslambda.http-integration-response`: the body then begins with the JSON prelude
   * ({statusCode, headers, cookies}) followed by 8 NUL bytes, then the payload.
   */
  contentType?: string
  /**
   * The raw bytes the function sends, as they arrive (no decoding, prelude included). It always closes
   * (never errors): a failure shows in `outcome`. Cancelling it stops delivery (see `abortMode`).
   */
  body: ReadableStream<Uint8Array>
  /** Resolves when the invocation is over (after `body` closes). Never rejects. */
  outcome: Promise<InvokeOutcome>
}

export interface LambdaPoolStats {
  /** Runtime processes alive now. */
  workers: number
  /** Processes with no invocation (waiting at /next, starting, or about to ask for the next event). */
  idle: number
  /** Processes running an invocation. */
  busy: number
  /** Processes started since the pool started (grows on demand; a crashed one is replaced). */
  spawned: number
  invocations: number
  /** Milliseconds from spawn to the first GET /next, per process that got there. */
  initMs: number[]
}

export interface LambdaPool {
  /** Runs one invocation. Rejects with a TooManyRequestsException (statusCode 429) when every process is busy and the pool is at maxConcurrency. */
  invoke(event: unknown, options?: InvokeOptions): Promise<LambdaResponse>
  stats(): LambdaPoolStats
  /** Kills every runtime process and closes the Runtime API servers. */
  stop(): Promise<void>
}

export class TooManyRequestsException extends Error {
  readonly name = 'TooManyRequestsException'
  readonly statusCode = 429
  constructor() {
    super('Rate Exceeded.')
  }
}
