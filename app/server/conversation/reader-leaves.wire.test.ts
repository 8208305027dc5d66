/**
 * A reader that leaves a running answer, over real connections to workerd (test-support/api-worker.ts,
 * run with --verbose as the edge test pool runs it, its output collected): the answer goes on, and
 * workerd reports no promise rejection left unhandled. A reader's stream that its client cancels
 * fails the conversation's next write to it (app/server/conversation/fan-out.ts handles that as the
 * reader leaving); before, a JavaScript stream handed to RPC left workerd's own pump's rejection
 * unhandled, and every reader that left printed "Uncaught (in promise) Error: Network connection lost."
 */
import { afterAll, beforeAll, expect, it } from 'vitest'
import { readIdentifiedEvents, type IdentifiedEvent } from '../../client/identified-events'
import { startApiWorker } from '../../../test-support/api-worker'
import { startTestUpstream, testUpstreamVars, type TestUpstream } from '../../../test-support/test-upstream'
import { SESSION_HEADER } from '../../../protocol/events'

let upstream: TestUpstream
let worker: Awaited<ReturnType<typeof startApiWorker>>
const log: string[] = []

beforeAll(async () => {
  upstream = await startTestUpstream()
  worker = await startApiWorker(testUpstreamVars(upstream), { onLog: (line) => log.push(line) })
})
afterAll(async () => {
  await worker?.stop()
  await upstream?.stop()
})

/** Reads `count` events of `res`, then leaves (aborts the request, as a closed tab does). */
async function readThenLeave(res: Response, abort: AbortController, count: number): Promise<IdentifiedEvent[]> {
  const out: IdentifiedEvent[] = []
  for await (const e of readIdentifiedEvents(res.body!)) {
    out.push(e)
    if (out.length >= count) break
  }
  abort.abort()
  return out
}

it('readers leave a running answer (the first one and a resumed one): the answer ends whole and workerd reports no unhandled rejection', async () => {
  const words = Array.from({ length: 20 }, (_, i) => `w${i}`)
  const first = new AbortController()
  const res = await fetch(`${worker.url}/api/invoke`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ prompt: `paced:leave-${Date.now()}:25 ${words.join(' ')}` }),
    signal: first.signal,
  })
  expect(res.status).toBe(200)
  const id = res.headers.get(SESSION_HEADER)!
  const cookie = res.headers.getSetCookie().map((c) => c.split(';')[0]).join('; ')
  const seen = await readThenLeave(res, first, 4)
  // A second reader, resumed after the first one's last event, leaves too.
  const second = new AbortController()
  const resumed = await fetch(`${worker.url}/api/conversations/${id}/events?after=${seen.at(-1)!.id}`, { headers: { cookie }, signal: second.signal })
  const more = await readThenLeave(resumed, second, 2)
  expect(more[0].id).toBe(seen.at(-1)!.id! + 1)
  // The answer runs on without readers to its end; a last reader gets all of it.
  const all: IdentifiedEvent[] = []
  for await (const e of readIdentifiedEvents((await fetch(`${worker.url}/api/conversations/${id}/events?after=0`, { headers: { cookie } })).body!)) all.push(e)
  expect(all.at(-1)).toMatchObject({ type: 'done', data: { stopReason: 'end_turn' } })
  expect(all.filter((e) => e.type === 'text').map((e) => (e.data as { text: string }).text).join('')).toBe(words.join(' '))
  // workerd saw both readers go (the writes to them failed: "disconnected"), and nothing was left unhandled.
  await expect.poll(() => log.filter((l) => l.includes('disconnected')).length).toBeGreaterThanOrEqual(2)
  await new Promise((r) => setTimeout(r, 200))
  // JavaScript's unhandled rejections ("Uncaught (in promise) …"). Not workerd's info line about its
  // own native pump to a client that left ("info: uncaught exception; … writev … Broken pipe"), which
  // a first reader relayed natively (native-relay.ts) can cause: no JavaScript holds that write.
  expect(log.filter((l) => /uncaught/i.test(l) && !/info: uncaught exception; exception = kj\/async-io-unix\.c\+\+:\d+: disconnected: ::writev/.test(l))).toEqual([])
})
