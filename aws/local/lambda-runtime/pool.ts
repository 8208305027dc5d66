/**
 * The local Lambda service: a pool of execution environments (aws-lambda-ric processes) that grows
 * on demand up to `maxConcurrency`, reuses idle ones, and runs one invocation per process at a time.
 */
import { randomBytes } from 'node:crypto'
import { DEFAULTS } from './lambda-env'
import { Invocation } from './invocation'
import { TooManyRequestsException, type InvokeOptions, type LambdaPool, type LambdaPoolOptions, type LambdaResponse } from './types'
import { LambdaWorker } from './worker'

export async function startLambdaPool(options: LambdaPoolOptions): Promise<LambdaPool> {
  const maxConcurrency = options.maxConcurrency ?? 10
  const timeoutMs = options.timeoutMs ?? DEFAULTS.timeoutMs
  const workers = new Set<LambdaWorker>()
  const initMs: number[] = []
  let spawned = 0
  let invocations = 0
  let stopped = false

  const onStateChange = (w: LambdaWorker) => {
    if (w.state === 'dead') workers.delete(w)
  }

  const spawnWorker = (): LambdaWorker => {
    const w = new LambdaWorker(++spawned, { ...options, timeoutMs }, onStateChange)
    workers.add(w)
    // Once per process, when it first asks for an event (a failed init has no init time).
    w.ready.then(() => initMs.push(w.initMs!), () => {})
    return w
  }

  /** Chooses (and reserves, synchronously, so concurrent calls never share one) a process. */
  const pick = (): { worker: LambdaWorker; started?: Promise<void> } => {
    for (const w of workers) if (w.state === 'idle' && w.available) return { worker: w }
    for (const w of workers) if (w.available) return { worker: w }
    if (workers.size >= maxConcurrency) throw new TooManyRequestsException()
    const worker = spawnWorker()
    return { worker, started: worker.start() }
  }

  const warm = Array.from({ length: Math.min(options.warm ?? 0, maxConcurrency) }, spawnWorker)
  try {
    await Promise.all(warm.map((w) => w.start()))
    await Promise.all(warm.map((w) => w.ready))
  } catch (e) {
    await Promise.all([...workers].map((w) => w.close()))
    throw e
  }

  return {
    async invoke(event: unknown, opts: InvokeOptions = {}): Promise<LambdaResponse> {
      if (stopped) throw new Error('The Lambda pool is stopped.')
      opts.signal?.throwIfAborted()
      const inv = new Invocation(event, Date.now() + timeoutMs, opts.traceId ?? traceId())
      const { worker, started } = pick()
      worker.assign(inv)
      invocations++
      const signal = opts.signal
      if (signal) {
        const onAbort = () => worker.abort(inv, signal.reason)
        signal.addEventListener('abort', onAbort, { once: true })
        void inv.outcome.then(() => signal.removeEventListener('abort', onAbort))
      }
      await started
      return inv.response
    },
    stats() {
      const list = [...workers]
      return {
        workers: list.length,
        idle: list.filter((w) => w.available).length,
        busy: list.filter((w) => !w.available).length,
        spawned,
        invocations,
        initMs: [...initMs],
      }
    },
    async stop() {
      stopped = true
      await Promise.all([...workers].map((w) => w.close()))
      workers.clear()
    },
  }
}

/** An X-Ray trace header in the format Lambda passes (Root=1-<8 hex time>-<24 hex>). */
function traceId(): string {
  const time = Math.floor(Date.now() / 1000).toString(16).padStart(8, '0')
  return `Root=1-${time}-${randomBytes(12).toString('hex')};Parent=${randomBytes(8).toString('hex')};Sampled=0`
}
