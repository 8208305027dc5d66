/**
 * One execution environment: an aws-lambda-ric process and the Runtime API server it talks to
 * (https://docs.aws.amazon.com/lambda/latest/dg/runtimes-api.html). One server per process, because the
 * Runtime API has no way to tell which process is asking for /next; and one invocation at a time, as
 * in Lambda.
 *
 * Hand-written: no library implements the Runtime API's streaming side (the Lambda RIE buffers the
 * body, aws/aws-lambda-runtime-interface-emulator#175).
 */
import { spawn, type ChildProcess } from 'node:child_process'
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import { createRequire } from 'node:module'
import { createInterface } from 'node:readline'
import { close, listen, LOCAL_HOST } from '../listen'
import { readBody } from '../read-body'
import { functionArn, lambdaEnvironment } from './lambda-env'
import type { Invocation } from './invocation'
import { REGISTER_PATH } from './rapid-client'
import type { InvokeOutcome, LambdaPoolOptions } from './types'

const PREFIX = '/2018-06-01/runtime'
const ricEntry = createRequire(import.meta.url).resolve('aws-lambda-ric')

export type WorkerState = 'starting' | 'idle' | 'busy' | 'dead'

export class LambdaWorker {
  state: WorkerState = 'starting'
  /** Spawn → first GET /next (the init phase), once known. */
  initMs?: number
  /** Resolves at the first GET /next; rejects when the process fails before it. */
  readonly ready: Promise<void>

  private server: Server
  private child?: ChildProcess
  private current?: Invocation
  private waitingNext?: ServerResponse
  private initError?: { errorType: string; errorMessage: string }
  private deadlineTimer?: NodeJS.Timeout
  private timedOut = false
  private spawnedAt = 0
  private cutOnResponse?: Invocation
  /** A response connection was cut: the process is only trusted again once it asks for /next. */
  private cut = false
  private markReady!: () => void
  private failReady!: (e: Error) => void

  constructor(
    readonly id: number,
    private readonly options: LambdaPoolOptions,
    private readonly onStateChange: (w: LambdaWorker) => void,
  ) {
    this.ready = new Promise((resolve, reject) => {
      this.markReady = resolve
      this.failReady = reject
    })
    this.ready.catch(() => {}) // observed by whoever awaits it; never an unhandled rejection
    this.server = createServer((req, res) => this.route(req, res))
    // Long polls (/next) and 15-minute streams must not hit Node's default request timeouts.
    this.server.requestTimeout = 0
    this.server.headersTimeout = 0
    this.server.keepAliveTimeout = 0
    this.server.timeout = 0
  }

  async start(): Promise<void> {
    const port = await listen(this.server, 0, `Lambda Runtime API #${this.id}`)
    const env = lambdaEnvironment(this.options, `${LOCAL_HOST}:${port}`)
    this.spawnedAt = performance.now()
    // The runtime client's addon calls go over node:http (./rapid-client): no native build needed.
    const child = spawn(this.options.nodePath ?? process.execPath, ['--require', REGISTER_PATH, ricEntry], {
      cwd: this.options.codeDir,
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    this.child = child
    for (const stream of ['stdout', 'stderr'] as const) {
      createInterface({ input: child[stream]! }).on('line', (line) => this.log(line, stream))
    }
    child.on('exit', (code, signal) => this.onExit(code, signal))
  }

  /**
   * Free to take an invocation: nothing assigned and alive. That includes a process that has just
   * finished a response and is about to ask for /next again: it gets the event then, rather than a
   * sequential caller paying a cold start.
   */
  get available(): boolean {
    return this.state !== 'dead' && !this.current && !this.cut
  }

  /** Hands an invocation to this process; it is delivered at the process's next GET /next. */
  assign(inv: Invocation): void {
    this.current = inv
    this.state = 'busy'
    this.timedOut = false
    this.deliver()
  }

  /** The caller aborted. Undelivered: the process stays free. Delivered: see `abortMode`. */
  abort(inv: Invocation, reason: unknown): void {
    if (this.current !== inv) return
    inv.abort(reason)
    if (!inv.delivered) {
      this.current = undefined
      this.state = this.waitingNext ? 'idle' : 'starting'
      this.onStateChange(this)
    } else if (this.options.abortMode === 'disconnect') {
      this.disconnect(inv)
    }
  }

  /** Cuts the function's response connection (now, or as soon as it posts one). */
  private disconnect(inv: Invocation): void {
    const cut = () => {
      this.cut = true
      inv.responseRequest?.socket.destroy()
      this.complete(inv, { ok: false, kind: 'aborted', errorType: 'Client.Disconnected', errorMessage: 'The caller went away.' })
    }
    if (inv.responseRequest) cut()
    else this.cutOnResponse = inv
  }

  kill(): void {
    this.child?.kill('SIGKILL')
  }

  async close(): Promise<void> {
    this.kill()
    await close(this.server)
  }

  private deliver(): void {
    const inv = this.current
    const res = this.waitingNext
    if (!inv || !res || inv.delivered) return
    this.waitingNext = undefined
    inv.delivered = true
    const timeoutMs = inv.deadlineMs - Date.now()
    this.deadlineTimer = setTimeout(() => {
      this.timedOut = true
      this.kill()
    }, Math.max(0, timeoutMs))
    res.writeHead(200, {
      'Content-Type': 'application/json',
      'Lambda-Runtime-Aws-Request-Id': inv.requestId,
      'Lambda-Runtime-Deadline-Ms': String(inv.deadlineMs),
      'Lambda-Runtime-Invoked-Function-Arn': functionArn(this.options),
      'Lambda-Runtime-Trace-Id': inv.traceId,
    })
    res.end(JSON.stringify(inv.event ?? null))
  }

  private route(req: IncomingMessage, res: ServerResponse): void {
    const url = req.url ?? ''
    if (req.method === 'GET' && url === `${PREFIX}/invocation/next`) return this.next(res)
    if (req.method === 'POST' && url === `${PREFIX}/init/error`) return this.initErrorPosted(req, res)
    const m = /^\/2018-06-01\/runtime\/invocation\/([^/]+)\/(response|error)$/.exec(url)
    if (req.method === 'POST' && m) {
      const inv = this.current
      if (!inv || !inv.delivered || inv.requestId !== decodeURIComponent(m[1]!)) {
        return sendJson(res, 400, { errorType: 'InvalidRequestID', errorMessage: 'Invalid request ID' })
      }
      return m[2] === 'response' ? this.responsePosted(inv, req, res) : this.errorPosted(inv, req, res)
    }
    sendJson(res, 404, { errorType: 'NotFound', errorMessage: 'Not found' })
  }

  private next(res: ServerResponse): void {
    this.cut = false
    if (this.initMs === undefined) {
      this.initMs = performance.now() - this.spawnedAt
      this.markReady()
    }
    this.waitingNext = res
    res.on('close', () => {
      if (this.waitingNext === res) this.waitingNext = undefined
    })
    if (!this.current) this.state = 'idle'
    this.onStateChange(this)
    this.deliver()
  }

  private responsePosted(inv: Invocation, req: IncomingMessage, res: ServerResponse): void {
    const streaming = String(req.headers['lambda-runtime-function-response-mode'] ?? '').toLowerCase() === 'streaming'
    inv.startStreaming(req, streaming ? 'streaming' : 'buffered', (outcome) => {
      sendJson(res, 202, { status: 'OK' })
      this.complete(inv, outcome)
    })
    if (this.cutOnResponse === inv) {
      this.cutOnResponse = undefined
      this.disconnect(inv)
    }
  }

  private errorPosted(inv: Invocation, req: IncomingMessage, res: ServerResponse): void {
    readJson(req).then((body) => {
      sendJson(res, 202, { status: 'OK' })
      this.complete(inv, {
        ok: false,
        kind: 'function',
        errorType: String(req.headers['lambda-runtime-function-error-type'] ?? body?.errorType ?? 'Unhandled'),
        errorMessage: typeof body?.errorMessage === 'string' ? body.errorMessage : '',
      })
    })
  }

  private initErrorPosted(req: IncomingMessage, res: ServerResponse): void {
    readJson(req).then((body) => {
      this.initError = {
        errorType: String(req.headers['lambda-runtime-function-error-type'] ?? body?.errorType ?? 'Runtime.Unknown'),
        errorMessage: typeof body?.errorMessage === 'string' ? body.errorMessage : '',
      }
      sendJson(res, 202, { status: 'OK' })
    })
  }

  private complete(inv: Invocation, outcome: InvokeOutcome): void {
    if (this.current !== inv) return
    clearTimeout(this.deadlineTimer)
    this.current = undefined
    inv.finish(outcome)
    // The process asks for its next event right after; until then it is still busy, as in Lambda.
    if (this.waitingNext) {
      this.state = 'idle'
      this.onStateChange(this)
    }
  }

  private onExit(code: number | null, signal: NodeJS.Signals | null): void {
    clearTimeout(this.deadlineTimer)
    this.state = 'dead'
    const inv = this.current
    this.current = undefined
    const initFailed = this.initMs === undefined
    const detail = signal ? `signal ${signal}` : `exit status ${code}`
    if (initFailed) {
      const e = this.initError ?? { errorType: 'Runtime.ExitError', errorMessage: `Runtime exited during init: ${detail}` }
      this.failReady(Object.assign(new Error(`${e.errorType}: ${e.errorMessage}`), { errorType: e.errorType }))
      inv?.finish({ ok: false, kind: 'init', ...e })
    } else if (inv) {
      inv.finish(
        this.timedOut
          ? {
              ok: false,
              kind: 'timeout',
              errorType: 'Sandbox.Timedout',
              errorMessage: `Task timed out after ${((this.options.timeoutMs ?? 0) / 1000).toFixed(2)} seconds`,
            }
          : { ok: false, kind: 'crash', errorType: 'Runtime.ExitError', errorMessage: `Runtime exited with error: ${detail}` },
      )
    }
    this.server.closeAllConnections()
    this.server.close()
    this.onStateChange(this)
  }

  private log(line: string, stream: 'stdout' | 'stderr'): void {
    if (this.options.onLog) this.options.onLog(line, { worker: this.id, stream })
    else process.stderr.write(`[lambda#${this.id}] ${line}\n`)
  }
}

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body)
  res.writeHead(status, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(text) })
  res.end(text)
}

async function readJson(req: IncomingMessage): Promise<Record<string, unknown> | undefined> {
  try {
    // No limit given: never 'too_large'.
    const v = JSON.parse(((await readBody(req)) as Buffer).toString('utf8')) as unknown
    return typeof v === 'object' && v !== null ? (v as Record<string, unknown>) : undefined
  } catch {
    return undefined
  }
}
