import { encodeEvent } from '../../../protocol/events'
import type { EdgeConfig } from '../config'
import { signedFetch, type SignedFetch } from '../signing'
import { CANCEL_TIMEOUT_MS, cancelWithRetry } from './cancel'
import { fail, failureFor } from './http'
import type { CancelOutcome, OpenResult, Upstream } from './types'

/**
 * An API Gateway WebSocket API (aws/lib/websocket-path.ts): the Worker opens a WebSocket as a client
 * (`fetch` with `Upgrade: websocket`, then `webSocket.accept()`: developers.cloudflare.com/workers/
 * examples/websockets), SigV4-signed for `execute-api` (../signing.ts; the API authorizes `$connect`
 * with IAM and the edge principal may invoke that route only), sends `{"action":"invoke", …}` and
 * re-streams what the function posts to the connection: the project's SSE events, coalesced by the
 * function into messages of up to 8 KB (aws/lambda/websocket/connection-writer.ts). The browser gets
 * the same bytes as on every other path.
 *
 * - A message that begins with `{` is not SSE: API Gateway's own notice (`{"message": …,
 *   "connectionId", "requestId"}`: no route, or the integration failed) or the cancel route's reply
 *   (`{"cancelled", "method"}` / `{"error"}`). An integration failure ends the answer with an error
 *   event; "Endpoint request timed out" only says API Gateway stopped waiting (29 s) for a function
 *   that runs on and keeps posting, so it is skipped.
 * - The socket closing before `done` ends the answer with an error event and `done`.
 * - Aborting (the client or the conversation went away) sends `{"action":"cancel"}` on the socket and
 *   closes it once the cancel route has answered (at most CANCEL_TIMEOUT_MS); `cancel(sessionId)`
 *   waits for that answer, or opens a connection of its own when no answer's socket is open.
 */
export function webSocketUpstream(config: EdgeConfig, send: SignedFetch = signedFetch(config.aws, 'execute-api')): Upstream {
  // Workers' fetch speaks http(s) and upgrades; the API's URL is wss:// (ws:// locally).
  const url = config.upstreamUrl.replace(/^ws/, 'http')

  /**
   * The signed upgrade. `signal` and `timeoutMs` bound the handshake only: workerd ties an accepted
   * socket to its request's signal (aborting it later aborts the socket), so the request gets a
   * signal of its own that nothing aborts once the socket is open.
   */
  async function connect(signal: AbortSignal, timeoutMs: number): Promise<{ ok: true; socket: WebSocket } | Extract<OpenResult, { ok: false }>> {
    const handshake = new AbortController()
    const abort = () => handshake.abort()
    const timer = setTimeout(abort, timeoutMs)
    signal.addEventListener('abort', abort, { once: true })
    let response: Response
    try {
      response = await send(url, { method: 'GET', headers: { upgrade: 'websocket' }, signal: handshake.signal })
    } catch {
      if (handshake.signal.aborted && !signal.aborted) return { ...fail(504, 'upstream_timeout', 'The agent did not start answering in time.'), retryable: true }
      return fail(502, 'upstream_unreachable', 'The agent service could not be reached.')
    } finally {
      clearTimeout(timer)
      signal.removeEventListener('abort', abort)
    }
    const socket = response.webSocket
    if (response.status !== 101 || !socket) {
      await response.body?.cancel().catch(() => {})
      return failureFor(response.status === 200 ? 502 : response.status)
    }
    socket.accept()
    return { ok: true, socket }
  }

  return {
    kind: 'websocket',
    async open(payload, signal) {
      const connected = await connect(signal, config.firstByteTimeoutMs)
      if (!connected.ok) return connected
      const answer = new AnswerSocket(connected.socket, payload.sessionId)
      answer.socket.send(JSON.stringify({ action: 'invoke', ...payload }))
      signal.addEventListener('abort', () => answer.stop(), { once: true })
      const first = await answer.firstMessage(config.firstByteTimeoutMs)
      if (first === 'timeout') {
        answer.stop()
        return { ...fail(504, 'upstream_timeout', 'The agent did not start answering in time.'), retryable: true, mayRun: true }
      }
      if (first === 'failed') {
        answer.close()
        return { ...fail(502, 'upstream_error', 'The agent service failed.'), mayRun: true }
      }
      return { ok: true, body: answer.body }
    },
    cancel(sessionId) {
      const live = liveAnswers.get(sessionId)
      if (live) return live.stop()
      return cancelWithRetry(() => cancelOnce(sessionId))
    },
  }

  /** A connection of its own for one cancel: send it, read the route's reply, close. */
  async function cancelOnce(sessionId: string): Promise<CancelOutcome> {
    const timeout = AbortSignal.timeout(CANCEL_TIMEOUT_MS)
    const connected = await connect(new AbortController().signal, CANCEL_TIMEOUT_MS)
    if (!connected.ok) return { status: connected.code === 'upstream_unreachable' || connected.code === 'upstream_timeout' ? 0 : connected.status, cancelled: false }
    const { socket } = connected
    const reply = new Promise<CancelOutcome>((resolve) => {
      socket.addEventListener('message', (e) => resolve(cancelOutcomeOf(textOf(e.data)) ?? { status: 502, cancelled: false }))
      socket.addEventListener('close', () => resolve({ status: 0, cancelled: false }))
      timeout.addEventListener('abort', () => resolve({ status: 0, cancelled: false }))
    })
    socket.send(JSON.stringify({ action: 'cancel', sessionId }))
    const outcome = await reply
    closeQuietly(socket)
    return outcome
  }
}

/** The answers whose sockets are open in this isolate, by session: `cancel` finds them here. */
const liveAnswers = new Map<string, AnswerSocket>()

/** One answer's socket: its messages as the SSE body, and the stop (cancel, then close). */
class AnswerSocket {
  readonly body: ReadableStream<Uint8Array>
  private controller!: ReadableStreamDefaultController<Uint8Array>
  private sawDone = false
  private ended = false
  private first: ((what: 'message' | 'failed') => void) | undefined
  private firstSeen: Promise<'message' | 'failed'>
  private cancelReply: ((outcome: CancelOutcome) => void) | undefined
  private stopping: Promise<CancelOutcome> | undefined

  constructor(
    readonly socket: WebSocket,
    private readonly sessionId: string,
  ) {
    liveAnswers.set(sessionId, this)
    this.firstSeen = new Promise((resolve) => (this.first = resolve))
    const encoder = new TextEncoder()
    this.body = new ReadableStream<Uint8Array>(
      {
        start: (controller) => {
          this.controller = controller
        },
        // The reader went away (the conversation stopped reading): cancel upstream too.
        cancel: () => void this.stop(),
      },
      // Messages are up to 32 KB; a few of them may wait for a slow reader.
      { highWaterMark: 4 },
    )
    socket.addEventListener('message', (e) => {
      const text = textOf(e.data)
      if (text.startsWith('{')) return this.onJson(text)
      this.first?.('message')
      if (this.ended) return
      this.controller.enqueue(encoder.encode(text))
      // `done` is the answer's last event: the answer is complete, and the socket is no longer needed.
      if (/(^|\n)event: done\n/.test(text)) {
        this.sawDone = true
        this.close()
      }
    })
    socket.addEventListener('close', () => this.onClose())
    socket.addEventListener('error', () => this.onClose())
  }

  firstMessage(timeoutMs: number): Promise<'message' | 'failed' | 'timeout'> {
    let timer: ReturnType<typeof setTimeout> | undefined
    const timeout = new Promise<'timeout'>((resolve) => (timer = setTimeout(() => resolve('timeout'), timeoutMs)))
    return Promise.race([this.firstSeen, timeout]).finally(() => clearTimeout(timer))
  }

  /** Sends cancel (once) and closes the socket when the cancel route answered, or after CANCEL_TIMEOUT_MS. */
  stop(): Promise<CancelOutcome> {
    if (this.stopping) return this.stopping
    this.end()
    if (this.socket.readyState !== WebSocket.OPEN) return (this.stopping = Promise.resolve({ status: 0, cancelled: false }))
    this.stopping = new Promise<CancelOutcome>((resolve) => {
      const timer = setTimeout(() => resolve({ status: 0, cancelled: false }), CANCEL_TIMEOUT_MS)
      this.cancelReply = (outcome) => {
        clearTimeout(timer)
        resolve(outcome)
      }
      this.socket.send(JSON.stringify({ action: 'cancel', sessionId: this.sessionId }))
    }).finally(() => this.close())
    return this.stopping
  }

  close(): void {
    this.end()
    if (liveAnswers.get(this.sessionId) === this) liveAnswers.delete(this.sessionId)
    closeQuietly(this.socket)
  }

  private onJson(text: string): void {
    const outcome = cancelOutcomeOf(text)
    if (outcome) return this.cancelReply?.(outcome)
    const notice = safeParse(text) as { message?: unknown } | undefined
    // API Gateway stopped waiting for the function (29 s), which runs on and keeps posting.
    if (notice?.message === 'Endpoint request timed out') return
    this.first?.('failed')
    this.fail('The agent service failed.')
  }

  private onClose(): void {
    this.cancelReply?.({ status: 0, cancelled: false })
    if (!this.sawDone) this.fail('The connection to the agent closed before the answer ended.')
    this.close()
  }

  /** Ends the answer with an error and done, unless it has ended already. */
  private fail(message: string): void {
    if (this.ended || this.sawDone) return
    this.controller.enqueue(encodeEvent('error', { code: 'upstream_error', message, retryable: true }))
    this.controller.enqueue(encodeEvent('done', { stopReason: 'error' }))
    this.sawDone = true
    this.close()
  }

  /** Closes the body (the answer is over for the reader); the socket may stay open for a cancel's reply. */
  private end(): void {
    if (this.ended) return
    this.ended = true
    try {
      this.controller.close()
    } catch {}
  }
}

/** The cancel route's reply (aws/lambda/websocket/handler.ts), or undefined for any other message. */
function cancelOutcomeOf(text: string): CancelOutcome | undefined {
  const body = safeParse(text) as { cancelled?: unknown; method?: unknown; error?: unknown } | undefined
  if (!body) return undefined
  if (typeof body.cancelled === 'boolean') {
    return { status: body.cancelled ? 200 : 404, cancelled: body.cancelled, method: typeof body.method === 'string' ? body.method : undefined }
  }
  if (typeof body.error === 'object' && body.error !== null) return { status: 502, cancelled: false }
  return undefined
}

function safeParse(text: string): unknown {
  try {
    return JSON.parse(text)
  } catch {
    return undefined
  }
}

function textOf(data: unknown): string {
  return typeof data === 'string' ? data : new TextDecoder().decode(data as ArrayBuffer)
}

function closeQuietly(socket: WebSocket): void {
  try {
    socket.close(1000, 'done')
  } catch {}
}
