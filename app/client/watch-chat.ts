import { WATCH_CLOSE_DELETED, WATCH_PING, WATCH_PONG, type WatchTurn } from '../../protocol/events'
import { RECONNECT_DELAYS_MS } from './follow-turn'

export interface WatchOptions {
  /** The conversation's latest turn and whether it runs: on every (re)connect, and when a turn starts or ends. */
  onTurn: (message: WatchTurn) => void
  /** The conversation was deleted (elsewhere): watching it ends. */
  onGone: () => void
  win: Window
  /** Waits before each reconnect attempt; when they run out without a connection, watching ends. */
  delays?: readonly number[]
  /** How often a keepalive goes out while connected (an idle connection may otherwise be closed along the way). */
  pingMs?: number
}

/** Keepalive period: well under the idle timeouts of proxies in between (Cloudflare's is 100 s). */
const PING_MS = 30_000

/**
 * The page's watch socket on the open chat (GET /api/conversations/:id/watch, protocol/events.ts
 * WatchMessage): how an idle tab learns that another tab (or a script) started a turn. One socket
 * per tab, only while a chat is open. The conversation accepts it with the Durable Object
 * hibernation API, so between turns it costs the server no memory time; the keepalive ping is
 * answered by the runtime without waking the object. A dropped socket reconnects by itself (after
 * RECONNECT_DELAYS_MS-style waits, at once when the browser comes back online), and the first
 * message after each connect says the conversation's state then, so nothing that happened while it
 * was away is missed.
 */
export class ChatWatch {
  private ws: WebSocket | undefined
  private closed = false
  private attempt = 0
  private retry: ReturnType<typeof setTimeout> | undefined
  private ping: ReturnType<typeof setInterval> | undefined
  private readonly delays: readonly number[]
  private readonly online = () => {
    if (this.closed || this.ws) return
    clearTimeout(this.retry)
    this.connect()
  }

  constructor(
    readonly id: string,
    private readonly options: WatchOptions,
  ) {
    this.delays = options.delays ?? RECONNECT_DELAYS_MS
    options.win.addEventListener('online', this.online)
    this.connect()
  }

  close(): void {
    if (this.closed) return
    this.closed = true
    clearTimeout(this.retry)
    clearInterval(this.ping)
    this.options.win.removeEventListener('online', this.online)
    const ws = this.ws
    this.ws = undefined
    ws?.close(1000, 'closed')
  }

  private connect(): void {
    const { win } = this.options
    const url = new URL(`/api/conversations/${encodeURIComponent(this.id)}/watch`, win.location.href)
    url.protocol = url.protocol === 'https:' ? 'wss:' : 'ws:'
    const ws = new WebSocket(url.href)
    this.ws = ws
    ws.addEventListener('open', () => {
      this.attempt = 0
      this.ping = setInterval(() => ws.readyState === ws.OPEN && ws.send(WATCH_PING), this.options.pingMs ?? PING_MS)
    })
    ws.addEventListener('message', (e) => {
      if (this.closed || typeof e.data !== 'string' || e.data === WATCH_PONG) return
      let message: WatchTurn | undefined
      try {
        message = JSON.parse(e.data) as WatchTurn
      } catch {
        return
      }
      if (message?.type === 'turn' && typeof message.turn === 'number') this.options.onTurn(message)
    })
    ws.addEventListener('close', (e) => {
      clearInterval(this.ping)
      if (this.closed || this.ws !== ws) return
      this.ws = undefined
      if (e.code === WATCH_CLOSE_DELETED) {
        this.close()
        this.options.onGone()
        return
      }
      this.reconnectLater()
    })
  }

  private reconnectLater(): void {
    // Offline: the `online` listener reconnects; attempts made offline would only fail.
    if (!this.options.win.navigator.onLine) return
    // Refused every time (the chat is gone, or not this visitor's): stop; the page works on without it.
    if (this.attempt >= this.delays.length) return this.close()
    this.retry = setTimeout(() => this.connect(), this.delays[this.attempt++])
  }
}
