/**
 * One execution environment: a runtime process (./runtime-process.ts) and the Runtime API server it
 * talks to (./runtime-api.ts). One server per process, because the Runtime API has no way to tell
 * which process is asking for /next; and one invocation at a time, as in Lambda. This file holds the
 * environment's state: its init phase (./init-phase.ts), the invocation assigned to it, and the
 * process's GET /next waiting for it.
 *
 * Hand-written: no library implements the Runtime API's streaming side (the Lambda RIE buffers the
 * body, aws/aws-lambda-runtime-interface-emulator#175).
 */
import type { ChildProcess } from 'node:child_process'
import type { IncomingMessage, Server, ServerResponse } from 'node:http'
import { close, listen, LOCAL_HOST } from '../listen'
import { InitPhase } from './init-phase'
import type { Invocation } from './invocation'
import { functionArn, lambdaEnvironment } from './lambda-env'
import { createRuntimeApiServer, type ReportedError } from './runtime-api'
import { spawnRuntimeProcess } from './runtime-process'
import type { InvokeOutcome, LambdaPoolOptions } from './types'

export type WorkerState = 'starting' | 'idle' | 'busy' | 'dead'

/** The invocation given to this environment, from `assign` until its outcome. */
interface Assignment {
  inv: Invocation
  /** Kills the process at the invocation's deadline; set once the event is delivered. */
  deadline?: NodeJS.Timeout
  timedOut: boolean
  /** abortMode 'disconnect' before the function posted its response: cut it as soon as it does. */
  cutOnResponse: boolean
}

export class LambdaWorker {
  state: WorkerState = 'starting'
  readonly init = new InitPhase()

  private readonly server: Server
  private child?: ChildProcess
  private assignment?: Assignment
  /** The process's GET /next, while it waits for an event. */
  private waitingNext?: ServerResponse
  /** A response connection was cut: the process is only trusted again once it asks for /next. */
  private cut = false

  constructor(
    readonly id: number,
    private readonly options: LambdaPoolOptions,
    private readonly onStateChange: (w: LambdaWorker) => void,
  ) {
    this.server = createRuntimeApiServer({
      next: (res) => this.nextRequested(res),
      delivered: () => (this.assignment?.inv.delivered ? this.assignment.inv : undefined),
      response: (inv, req, accepted) => this.responsePosted(inv, req, accepted),
      error: (inv, e) => this.complete(inv, { ok: false, kind: 'function', ...e }),
      initError: (e) => this.init.errorPosted(e),
    })
  }

  /** Spawn → first GET /next (the init phase), once known. */
  get initMs(): number | undefined {
    return this.init.ms
  }

  /** Resolves at the first GET /next; rejects when the process fails before it. */
  get ready(): Promise<void> {
    return this.init.done
  }

  async start(): Promise<void> {
    const port = await listen(this.server, 0, `Lambda Runtime API #${this.id}`)
    this.init.started()
    this.child = spawnRuntimeProcess({
      nodePath: this.options.nodePath,
      codeDir: this.options.codeDir,
      env: lambdaEnvironment(this.options, `${LOCAL_HOST}:${port}`),
      onLine: (line, stream) => this.log(line, stream),
      onExit: (code, signal) => this.exited(code, signal),
    })
  }

  /**
   * Free to take an invocation: nothing assigned and alive. That includes a process that has just
   * finished a response and is about to ask for /next again: it gets the event then, rather than a
   * sequential caller paying a cold start.
   */
  get available(): boolean {
    return this.state !== 'dead' && !this.assignment && !this.cut
  }

  /** Hands an invocation to this process; it is delivered at the process's next GET /next. */
  assign(inv: Invocation): void {
    this.assignment = { inv, timedOut: false, cutOnResponse: false }
    this.state = 'busy'
    this.deliver()
  }

  /** The caller aborted. Undelivered: the process stays free. Delivered: see `abortMode`. */
  abort(inv: Invocation, reason: unknown): void {
    const a = this.assignment
    if (a?.inv !== inv) return
    inv.abort(reason)
    if (!inv.delivered) {
      this.assignment = undefined
      this.state = this.waitingNext ? 'idle' : 'starting'
      this.onStateChange(this)
    } else if (this.options.abortMode === 'disconnect') {
      if (inv.responseRequest) this.disconnect(inv)
      else a.cutOnResponse = true
    }
  }

  kill(): void {
    this.child?.kill('SIGKILL')
  }

  async close(): Promise<void> {
    this.kill()
    await close(this.server)
  }

  /** Cuts the function's response connection. */
  private disconnect(inv: Invocation): void {
    this.cut = true
    inv.responseRequest?.socket.destroy()
    this.complete(inv, { ok: false, kind: 'aborted', errorType: 'Client.Disconnected', errorMessage: 'The caller went away.' })
  }

  /** Answers the waiting GET /next with the assigned event, once both are there. */
  private deliver(): void {
    const a = this.assignment
    const res = this.waitingNext
    if (!a || !res || a.inv.delivered) return
    this.waitingNext = undefined
    const inv = a.inv
    inv.delivered = true
    a.deadline = setTimeout(
      () => {
        a.timedOut = true
        this.kill()
      },
      Math.max(0, inv.deadlineMs - Date.now()),
    )
    res.writeHead(200, {
      'Content-Type': 'application/json',
      'Lambda-Runtime-Aws-Request-Id': inv.requestId,
      'Lambda-Runtime-Deadline-Ms': String(inv.deadlineMs),
      'Lambda-Runtime-Invoked-Function-Arn': functionArn(this.options),
      'Lambda-Runtime-Trace-Id': inv.traceId,
    })
    res.end(JSON.stringify(inv.event ?? null))
  }

  private nextRequested(res: ServerResponse): void {
    this.cut = false
    this.init.reachedNext()
    this.waitingNext = res
    res.on('close', () => {
      if (this.waitingNext === res) this.waitingNext = undefined
    })
    if (!this.assignment) this.state = 'idle'
    this.onStateChange(this)
    this.deliver()
  }

  private responsePosted(inv: Invocation, req: IncomingMessage, accepted: () => void): void {
    const streaming = String(req.headers['lambda-runtime-function-response-mode'] ?? '').toLowerCase() === 'streaming'
    inv.startStreaming(req, streaming ? 'streaming' : 'buffered', (outcome) => {
      accepted()
      this.complete(inv, outcome)
    })
    if (this.assignment?.inv === inv && this.assignment.cutOnResponse) this.disconnect(inv)
  }

  private complete(inv: Invocation, outcome: InvokeOutcome): void {
    const a = this.assignment
    if (a?.inv !== inv) return
    clearTimeout(a.deadline)
    this.assignment = undefined
    inv.finish(outcome)
    // The process asks for its next event right after; until then it is still busy, as in Lambda.
    if (this.waitingNext) {
      this.state = 'idle'
      this.onStateChange(this)
    }
  }

  private exited(code: number | null, signal: NodeJS.Signals | null): void {
    const a = this.assignment
    clearTimeout(a?.deadline)
    this.state = 'dead'
    this.assignment = undefined
    const detail = signal ? `signal ${signal}` : `exit status ${code}`
    if (!this.init.over) {
      const e: ReportedError = this.init.exited(detail)
      a?.inv.finish({ ok: false, kind: 'init', ...e })
    } else if (a) {
      a.inv.finish(
        a.timedOut
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
