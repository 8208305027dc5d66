import { afterEach, describe, expect, it, vi } from 'vitest'
import { WATCH_CLOSE_DELETED, WATCH_PING, type WatchTurn } from '../../protocol/events'
import { ChatWatch } from './watch-chat'

/**
 * The browser's WebSocket, replaced at the page's edge: it records the sockets the watch opens and
 * lets the test play the server's part (open, a message, a close with a code). The real socket
 * against the real conversation is in e2e/conversations.test.ts and app/server/conversation/watch.test.ts.
 */
class FakeSocket extends EventTarget {
  static made: FakeSocket[] = []
  readonly OPEN = 1
  readyState = 0
  readonly sent: string[] = []
  closedWith: number | undefined
  constructor(readonly url: string) {
    super()
    FakeSocket.made.push(this)
  }
  send(data: string) {
    this.sent.push(data)
  }
  close(code = 1000) {
    this.closedWith = code
    this.readyState = 3
  }
  serverOpens() {
    this.readyState = 1
    this.dispatchEvent(new Event('open'))
  }
  serverSays(message: WatchTurn) {
    this.dispatchEvent(new MessageEvent('message', { data: JSON.stringify(message) }))
  }
  serverCloses(code: number) {
    this.readyState = 3
    this.dispatchEvent(Object.assign(new Event('close'), { code, reason: '' }))
  }
}

afterEach(() => {
  vi.unstubAllGlobals()
  vi.useRealTimers()
  FakeSocket.made = []
})

function start(delays = [10, 20]) {
  vi.useFakeTimers()
  vi.stubGlobal('WebSocket', FakeSocket)
  const heard: WatchTurn[] = []
  let gone = 0
  const watch = new ChatWatch('conv_abc', { win: window, delays, pingMs: 1000, onTurn: (m) => heard.push(m), onGone: () => gone++ })
  return { watch, heard, gone: () => gone }
}

describe('ChatWatch', () => {
  it('opens ws(s)://<host>/api/conversations/:id/watch, passes on turn messages and pings while open', () => {
    const { watch, heard } = start()
    const [socket] = FakeSocket.made
    expect(new URL(socket.url).pathname).toBe('/api/conversations/conv_abc/watch')
    expect(new URL(socket.url).protocol).toMatch(/^wss?:$/)
    socket.serverOpens()
    socket.serverSays({ type: 'turn', turn: 2, running: true })
    expect(heard).toEqual([{ type: 'turn', turn: 2, running: true }])
    vi.advanceTimersByTime(2500)
    expect(socket.sent).toEqual([WATCH_PING, WATCH_PING])
    watch.close()
    expect(socket.closedWith).toBe(1000)
  })

  it('reconnects by itself after a drop, and its first message after the reconnect is passed on', () => {
    const { watch, heard } = start()
    FakeSocket.made[0].serverOpens()
    FakeSocket.made[0].serverCloses(1006)
    expect(FakeSocket.made).toHaveLength(1)
    vi.advanceTimersByTime(10)
    expect(FakeSocket.made).toHaveLength(2)
    FakeSocket.made[1].serverOpens()
    FakeSocket.made[1].serverSays({ type: 'turn', turn: 3, running: false })
    expect(heard).toEqual([{ type: 'turn', turn: 3, running: false }])
    watch.close()
  })

  it('stops when the conversation was deleted (close code 4404), and after the reconnects run out', () => {
    const deleted = start()
    FakeSocket.made[0].serverOpens()
    FakeSocket.made[0].serverCloses(WATCH_CLOSE_DELETED)
    expect(deleted.gone()).toBe(1)
    vi.advanceTimersByTime(1000)
    expect(FakeSocket.made).toHaveLength(1)
    vi.useRealTimers()
    FakeSocket.made = []

    const refused = start([10, 20])
    // Never opened (a 404 looks like this to a page): two more tries, then no more.
    FakeSocket.made[0].serverCloses(1006)
    vi.advanceTimersByTime(10)
    FakeSocket.made[1].serverCloses(1006)
    vi.advanceTimersByTime(20)
    FakeSocket.made[2].serverCloses(1006)
    vi.advanceTimersByTime(1000)
    expect(FakeSocket.made).toHaveLength(3)
    expect(refused.gone()).toBe(0)
  })
})
