import { afterEach, describe, expect, it, vi } from 'vitest'
import { ConnectionLost, followTurn } from './follow-turn'
import type { IdentifiedEvent } from './identified-events'

// The server side of these exchanges is the conversation's events route as
// app/server/conversation/conversation.test.ts pins it down (ids, replay after `after`); here a
// stand-in for fetch plays it, so the reconnect rules can be checked one by one. The browser tests
// (e2e/conversations.test.ts) run the same code against the real route.

const enc = new TextEncoder()
const frame = (id: number, type: string, data: object) => `id: ${id}\nevent: ${type}\ndata: ${JSON.stringify(data)}\n\n`

/** A 200 SSE response whose body is `parts`, then ends (cleanly, or with an error when `fail`). */
function sse(parts: string[], fail = false): Response {
  const body = new ReadableStream<Uint8Array>({
    start(c) {
      for (const p of parts) c.enqueue(enc.encode(p))
      if (fail) c.error(new TypeError('network error'))
      else c.close()
    },
  })
  return new Response(body, { headers: { 'content-type': 'text/event-stream' } })
}

/** A window that is online, with the events followTurn listens to. */
function onlineWindow(): Window {
  const win = new EventTarget() as unknown as Window & { navigator: { onLine: boolean } }
  Object.defineProperty(win, 'navigator', { value: { onLine: true } })
  return win
}

async function collect(gen: AsyncGenerator<IdentifiedEvent>): Promise<IdentifiedEvent[]> {
  const out: IdentifiedEvent[] = []
  for await (const e of gen) out.push(e)
  return out
}

afterEach(() => vi.unstubAllGlobals())

describe('followTurn', () => {
  it('reconnects after a cut with ?after=<last id>, shows each event once, and ends at done', async () => {
    const urls: string[] = []
    const answers = [
      // The replay repeats event 3 (as a server may after a cut mid-event): it is not shown twice.
      sse([frame(3, 'text', { text: 'c' }), frame(4, 'text', { text: 'd' }), frame(5, 'done', { stopReason: 'end_turn' })]),
    ]
    vi.stubGlobal('fetch', async (url: string) => (urls.push(url), answers.shift()!))
    const reconnects: number[] = []
    const first = sse([frame(1, 'meta', { sessionId: 's' }), frame(2, 'text', { text: 'a' }), frame(3, 'text', { text: 'b' }), 'id: 4\nevent: te'])
    const events = await collect(
      followTurn(first, { conversationId: () => 'conv-1', signal: new AbortController().signal, delays: [0, 0], win: onlineWindow(), onReconnect: (n) => reconnects.push(n) }),
    )
    expect(events.map((e) => e.id)).toEqual([1, 2, 3, 4, 5])
    expect(events.filter((e) => e.type === 'text').map((e) => (e.data as { text: string }).text)).toEqual(['a', 'b', 'd'])
    expect(urls).toEqual(['/api/conversations/conv-1/events?after=3'])
    expect(reconnects).toEqual([1, 0])
  })

  it('counts as reconnected once the events route answers, before any event comes (a silent agent sends none for a while)', async () => {
    let push!: (text: string) => void
    const silent = new ReadableStream<Uint8Array>({ start: (c) => void (push = (text) => c.enqueue(enc.encode(text))) })
    vi.stubGlobal('fetch', async () => new Response(silent, { headers: { 'content-type': 'text/event-stream' } }))
    const reconnects: number[] = []
    let answered!: () => void
    const reconnected = new Promise<void>((resolve) => (answered = resolve))
    const events = collect(
      followTurn(sse([frame(1, 'text', { text: 'a' })]), {
        conversationId: () => 'conv-6',
        signal: new AbortController().signal,
        delays: [0],
        win: onlineWindow(),
        onReconnect: (n) => {
          reconnects.push(n)
          if (n === 0) answered()
        },
      }),
    )
    await reconnected
    // Nothing has come on the new connection yet, and the page knows it is connected again.
    expect(reconnects).toEqual([1, 0])
    push(frame(2, 'done', { stopReason: 'end_turn' }))
    expect((await events).map((e) => e.id)).toEqual([1, 2])
  })

  it('retries a network error and a 5xx, within the bound, then gives up with ConnectionLost', async () => {
    let calls = 0
    vi.stubGlobal('fetch', async () => {
      calls++
      if (calls === 1) throw new TypeError('Failed to fetch')
      return new Response('{"error":{"code":"internal_error","message":"x"}}', { status: 503 })
    })
    const first = sse([frame(7, 'text', { text: 'x' })], true)
    const gen = followTurn(first, { conversationId: () => 'conv-2', signal: new AbortController().signal, delays: [0, 0, 0], win: onlineWindow() })
    await expect(collect(gen)).rejects.toBeInstanceOf(ConnectionLost)
    expect(calls).toBe(3)
  })

  it('stops at once on a 404 (the chat was deleted, or is not this visitor’s)', async () => {
    let calls = 0
    vi.stubGlobal('fetch', async () => (calls++, new Response('{"error":{"code":"not_found","message":"No such conversation."}}', { status: 404 })))
    const gen = followTurn(sse([frame(1, 'text', { text: 'x' })]), { conversationId: () => 'conv-3', signal: new AbortController().signal, delays: [0, 0, 0], win: onlineWindow() })
    const error = await collect(gen).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(ConnectionLost)
    expect((error as ConnectionLost).status).toBe(404)
    expect(calls).toBe(1)
  })

  it('while the browser is offline, waits for it to be online before trying again', async () => {
    const win = onlineWindow() as Window & { navigator: { onLine: boolean } }
    win.navigator.onLine = false
    const urls: string[] = []
    vi.stubGlobal('fetch', async (url: string) => (urls.push(url), sse([frame(2, 'done', { stopReason: 'end_turn' })])))
    const gen = followTurn(sse([frame(1, 'text', { text: 'x' })]), { conversationId: () => 'conv-4', signal: new AbortController().signal, delays: [0], win })
    const done = collect(gen)
    // Many turns of the event loop go by offline: no request.
    for (let i = 0; i < 20; i++) await new Promise((r) => setTimeout(r, 0))
    expect(urls).toEqual([])
    win.navigator.onLine = true
    win.dispatchEvent(new Event('online'))
    expect((await done).map((e) => e.id)).toEqual([1, 2])
    expect(urls).toEqual(['/api/conversations/conv-4/events?after=1'])
  })

  it('an abort (the page moved on) ends it with the abort, no reconnect', async () => {
    let calls = 0
    vi.stubGlobal('fetch', async () => (calls++, sse([])))
    const abort = new AbortController()
    const stream = new ReadableStream<Uint8Array>({
      start(c) {
        c.enqueue(enc.encode(frame(1, 'text', { text: 'x' })))
      },
    })
    const gen = followTurn(new Response(stream), { conversationId: () => 'conv-5', signal: abort.signal, delays: [0], win: onlineWindow() })
    expect((await gen.next()).value?.id).toBe(1)
    abort.abort(new Error('moved on'))
    await expect(gen.next()).rejects.toThrow('moved on')
    expect(calls).toBe(0)
  })
})
