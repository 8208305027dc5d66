/**
 * A runtime process's init phase: from spawn to its first GET /invocation/next, or a failure before
 * it (the error it posted to /init/error, else how it exited).
 */
import type { ReportedError } from './runtime-api'

export class InitPhase {
  /** Spawn → first GET /next, once known. */
  ms?: number
  /** Resolves at the first GET /next; rejects when the process fails before it. */
  readonly done: Promise<void>

  private startedAt = 0
  private posted?: ReportedError
  private resolve!: () => void
  private reject!: (e: Error) => void

  constructor() {
    this.done = new Promise((resolve, reject) => {
      this.resolve = resolve
      this.reject = reject
    })
    this.done.catch(() => {}) // observed by whoever awaits it; never an unhandled rejection
  }

  get over(): boolean {
    return this.ms !== undefined
  }

  started(): void {
    this.startedAt = performance.now()
  }

  /** The first GET /next (later ones change nothing). */
  reachedNext(): void {
    if (this.ms !== undefined) return
    this.ms = performance.now() - this.startedAt
    this.resolve()
  }

  /** POST /init/error: the reason the exit that follows will be reported with. */
  errorPosted(error: ReportedError): void {
    this.posted = error
  }

  /** The process exited before its first GET /next; returns the error the invocation fails with. */
  exited(detail: string): ReportedError {
    const e = this.posted ?? { errorType: 'Runtime.ExitError', errorMessage: `Runtime exited during init: ${detail}` }
    this.reject(Object.assign(new Error(`${e.errorType}: ${e.errorMessage}`), { errorType: e.errorType }))
    return e
  }
}
