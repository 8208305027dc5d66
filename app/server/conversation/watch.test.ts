import { describe, expect, it } from 'vitest'
import { SESSION_HEADER, WATCH_CLOSE_DELETED, WATCH_PING, WATCH_PONG, type ErrorBody, type WatchMessage } from '../../../protocol/events'
import { newSessionId } from '../../../protocol/request'
import { marker, release } from '../../test/upstream-client'
import { collect, Visitor } from '../../test/visitor'

/** A watch socket of the conversation as `v`, with every message it gets, and its close. */
async function watch(v: Visitor, id: string) {
  const res = await v.fetch(`/api/conversations/${id}/watch`, { headers: { upgrade: 'websocket' } })
  expect(res.status).toBe(101)
  const ws = res.webSocket!
  const messages: Array<WatchMessage | string> = []
  let closed: { code: number; reason: string } | undefined
  ws.addEventListener('message', (e) => {
    const text = e.data as string
    messages.push(text === WATCH_PONG ? text : (JSON.parse(text) as WatchMessage))
  })
  ws.addEventListener('close', (e) => {
    closed = { code: e.code, reason: e.reason }
  })
  ws.accept()
  return { ws, messages, closed: () => closed }
}

async function started(v: Visitor, prompt: string): Promise<{ id: string; res: Response }> {
  const res = await v.invoke(prompt)
  expect(res.status).toBe(200)
  return { id: res.headers.get(SESSION_HEADER)!, res }
}

describe('the watch socket: a page learns of turns it did not start', () => {
  it('tells the latest turn when it opens, then every turn that starts and ends, from whichever client started it', async () => {
    const v = new Visitor()
    const first = await started(v, `answer:${marker()} one`)
    await collect(first.res)
    const w = await watch(v, first.id)
    await expect.poll(() => w.messages).toEqual([{ type: 'turn', turn: 1, running: false }])

    // Another client (a second tab, a script) starts turn 2: the watcher hears of it while it runs, then of its end.
    const m = marker()
    const second = await v.invoke(`gated:${m} two three`, first.id)
    await expect.poll(() => w.messages.length).toBe(2)
    expect(w.messages[1]).toEqual({ type: 'turn', turn: 2, running: true })
    // It carries no answer: the events route does.
    await release(m)
    await release(m)
    await collect(second)
    await expect.poll(() => w.messages.length).toBe(3)
    expect(w.messages[2]).toEqual({ type: 'turn', turn: 2, running: false })
    w.ws.close(1000, 'done')
  })

  it('a watcher that opens while a turn runs hears that it runs (the page then follows it on the events route)', async () => {
    const v = new Visitor()
    const m = marker()
    const { id, res } = await started(v, `gated:${m} a b`)
    const w = await watch(v, id)
    await expect.poll(() => w.messages).toEqual([{ type: 'turn', turn: 1, running: true }])
    await release(m)
    await release(m)
    await collect(res)
    await expect.poll(() => w.messages.at(-1)).toEqual({ type: 'turn', turn: 1, running: false })
    w.ws.close(1000, 'done')
  })

  it('answers the keepalive ping with pong', async () => {
    const v = new Visitor()
    const { id, res } = await started(v, `answer:${marker()} x`)
    await collect(res)
    const w = await watch(v, id)
    w.ws.send(WATCH_PING)
    await expect.poll(() => w.messages.includes(WATCH_PONG)).toBe(true)
    w.ws.close(1000, 'done')
  })

  it('closes with WATCH_CLOSE_DELETED when the conversation is deleted', async () => {
    const v = new Visitor()
    const { id, res } = await started(v, `answer:${marker()} x`)
    await collect(res)
    const w = await watch(v, id)
    await expect.poll(() => w.messages.length).toBe(1)
    expect((await v.fetch(`/api/conversations/${id}`, { method: 'DELETE' })).status).toBe(200)
    await expect.poll(() => w.closed()?.code).toBe(WATCH_CLOSE_DELETED)
  })

  it('only the owner may watch: another visitor and an unknown id get a 404, a plain GET a 426, all as error JSON', async () => {
    const owner = new Visitor()
    const { id, res } = await started(owner, `answer:${marker()} x`)
    await collect(res)
    const other = new Visitor()
    const foreign = await other.fetch(`/api/conversations/${id}/watch`, { headers: { upgrade: 'websocket' } })
    expect(foreign.status).toBe(404)
    expect(foreign.webSocket).toBeNull()
    expect((await foreign.json<ErrorBody>()).error.code).toBe('not_found')
    const unknown = await owner.fetch(`/api/conversations/${newSessionId()}/watch`, { headers: { upgrade: 'websocket' } })
    expect(unknown.status).toBe(404)
    expect((await unknown.json<ErrorBody>()).error.code).toBe('not_found')
    const plain = await owner.fetch(`/api/conversations/${id}/watch`)
    expect(plain.status).toBe(426)
    expect(plain.headers.get('upgrade')).toBe('websocket')
    expect((await plain.json<ErrorBody>()).error.code).toBe('invalid_request')
    // A forged owner header from the client changes nothing: the Worker names the owner itself.
    const forged = await other.fetch(`/api/conversations/${id}/watch`, { headers: { upgrade: 'websocket', 'x-conversation-owner': 'anything' } })
    expect(forged.status).toBe(404)
  })
})
