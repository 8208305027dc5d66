import { WATCH_CLOSE_DELETED, WATCH_PING, WATCH_PONG, type WatchMessage } from '../../../protocol/events'

/** The header on the Worker's request to the conversation that names the caller, already identified (routes.ts). */
export const WATCH_OWNER_HEADER = 'x-conversation-owner'

/**
 * The pages watching a conversation between turns (protocol/events.ts WatchMessage): one WebSocket
 * per open tab, accepted with the Durable Object's hibernation API. The object is not held in memory
 * by an idle socket: between turns it may be evicted while the sockets stay connected, and the
 * page's keepalive pings are answered by the runtime without waking it (setWebSocketAutoResponse).
 * That is why the sockets are looked up with `getWebSockets()` each time, never kept in a field:
 * a field would not survive hibernation. Messages go out only when a turn starts or ends, never per
 * chunk (the answer itself streams on the events route), so a watcher adds nothing to a turn's
 * per-event cost.
 */
export class Watchers {
  constructor(private readonly ctx: DurableObjectState) {
    ctx.setWebSocketAutoResponse(new WebSocketRequestResponsePair(WATCH_PING, WATCH_PONG))
  }

  /** Accepts a new watcher and tells it the conversation's state at once (so it misses nothing since it loaded the chat). */
  accept(now: WatchMessage): Response {
    const { 0: client, 1: server } = new WebSocketPair()
    this.ctx.acceptWebSocket(server)
    server.send(JSON.stringify(now))
    return new Response(null, { status: 101, webSocket: client })
  }

  tell(message: WatchMessage): void {
    const sockets = this.ctx.getWebSockets()
    if (sockets.length === 0) return
    const text = JSON.stringify(message)
    for (const ws of sockets) {
      try {
        ws.send(text)
      } catch {
        // A socket closing meanwhile: its close event ends it.
      }
    }
  }

  /** The conversation was deleted: every watcher is told so by the close code, and stops. */
  closeAll(): void {
    for (const ws of this.ctx.getWebSockets()) {
      try {
        ws.close(WATCH_CLOSE_DELETED, 'deleted')
      } catch {}
    }
  }
}
