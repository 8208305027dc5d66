import { chatEvents } from './conversations-api'
import { readIdentifiedEvents, type IdentifiedEvent } from './identified-events'

/** Waits before each reconnect attempt (ms); after the last one the connection counts as lost. */
export const RECONNECT_DELAYS_MS: readonly number[] = [250, 500, 1_000, 2_000, 4_000, 8_000, 8_000, 8_000]

export interface FollowOptions {
  /** The conversation whose running turn this is: reconnects read its events route. */
  conversationId: () => string | undefined
  /** The last event id already shown (0: none). Events at or below it are never shown again. */
  after?: number
  signal: AbortSignal
  /** A reconnect is about to be tried (attempt 1, 2, ...), or succeeded: the events route answered (attempt 0). */
  onReconnect?: (attempt: number) => void
  delays?: readonly number[]
  win?: Window
}

/** The turn's events could not be read to their end: the server is gone or refused to resume. */
export class ConnectionLost extends Error {
  constructor(readonly status?: number) {
    super('The connection to the conversation was lost.')
  }
}

/**
 * The events of one running turn, each once and in order, from a first response (the POST that
 * started the turn, or a resume) to `done`, across dropped connections. A drop — the body ends
 * without `done`, a network error, or the browser going offline — is followed by a reconnect to
 * `GET /api/conversations/:id/events?after=<last id>`, after a wait that grows to a bound
 * (RECONNECT_DELAYS_MS) and is cut short when the browser comes back online. The server replays
 * what was missed, then the live rest; the ids make sure nothing is shown twice.
 */
export async function* followTurn(first: Response, options: FollowOptions): AsyncGenerator<IdentifiedEvent> {
  const delays = options.delays ?? RECONNECT_DELAYS_MS
  const win = options.win ?? globalThis.window
  let last = options.after ?? 0
  let res: Response | undefined = first
  let attempt = 0
  for (;;) {
    if (res && !res.ok && res.status < 500 && res.status !== 408 && res.status !== 429) throw new ConnectionLost(res.status)
    if (res?.ok && res.body) {
      // Reconnected once the events route answers, not at its first event: an agent that is silent
      // for a while (a long tool call) sends none, and the page said "reconnecting…" all that time.
      if (attempt > 0) options.onReconnect?.(0)
      // One read per connection; going offline ends it at once (an offline browser may otherwise
      // leave the read waiting for bytes that cannot come).
      const read = new AbortController()
      const offline = () => read.abort()
      const abort = () => read.abort()
      win?.addEventListener('offline', offline)
      options.signal.addEventListener('abort', abort)
      try {
        for await (const event of readIdentifiedEvents(res.body, read.signal)) {
          if (event.id !== undefined) {
            if (event.id <= last) continue
            last = event.id
          }
          // The bound counts attempts in a row that brought nothing.
          attempt = 0
          yield event
          if (event.type === 'done') return
        }
      } catch {
        // A network error mid-body: a drop like any other (below).
      } finally {
        win?.removeEventListener('offline', offline)
        options.signal.removeEventListener('abort', abort)
      }
    }
    if (options.signal.aborted) throw options.signal.reason
    const id = options.conversationId()
    if (!id) throw new ConnectionLost(res?.status)
    options.onReconnect?.(attempt + 1)
    // While the browser knows it is offline no attempt can succeed: wait for it to be back (only
    // attempts made online count against the bound).
    if (win && !win.navigator.onLine) await untilOnline(win, options.signal)
    if (attempt >= delays.length) throw new ConnectionLost(res?.status)
    attempt++
    await wait(delays[attempt - 1], options.signal, win)
    res = undefined
    try {
      const next = await chatEvents(id, last, options.signal)
      // 404 (the conversation is gone, deleted in another tab) and other 4xx end it at the loop's top.
      res = next
      if (!next.ok) await next.body?.cancel().catch(() => {})
    } catch (e) {
      if (options.signal.aborted) throw e
      // A network error: try again after the next wait.
    }
  }
}

function untilOnline(win: Window, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) return reject(signal.reason)
    const online = () => {
      signal.removeEventListener('abort', stop)
      resolve()
    }
    const stop = () => {
      win.removeEventListener('online', online)
      reject(signal.reason)
    }
    win.addEventListener('online', online, { once: true })
    signal.addEventListener('abort', stop, { once: true })
  })
}

/** Waits `ms`, less if the browser comes back online meanwhile; rejects when `signal` aborts. */
function wait(ms: number, signal: AbortSignal, win: Window | undefined): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) return reject(signal.reason)
    const done = () => {
      clearTimeout(timer)
      win?.removeEventListener('online', done)
      signal.removeEventListener('abort', stop)
      resolve()
    }
    const stop = () => {
      clearTimeout(timer)
      win?.removeEventListener('online', done)
      reject(signal.reason)
    }
    const timer = setTimeout(done, ms)
    win?.addEventListener('online', done)
    signal.addEventListener('abort', stop, { once: true })
  })
}
