/**
 * Lambda kills a function at its timeout, mid-stream. The proxy ends the answer shortly before (error
 * upstream_timeout, then done) and cancels the agent's session, so the stream still ends with `done`.
 */
import { afterAll, beforeAll, expect, it } from 'vitest'
import { DEADLINE_RESERVE_MS } from './answer-guards'
import { proxyEvent } from './test/proxy-event'
import { collect } from './test/read-function-response'
import { startProxy, type RunningProxy } from './test/start-proxy'

let proxy: RunningProxy
beforeAll(async () => {
  proxy = await startProxy({ timeoutMs: DEADLINE_RESERVE_MS + 1500 })
})
afterAll(() => proxy?.stop())

it('ends the stream with error + done before the function timeout, and cancels the session', async () => {
  const session = 'deadline-session-0123456789-0123456789'
  proxy.agent.scripts.set('endless', { steps: [{ send: 'event: text\ndata: {"text":"start"}\n\n' }, { gate: 'never' }] })
  const res = await proxy.pool.invoke(proxyEvent({ json: { prompt: 'endless', sessionId: session } }))
  const { events } = await collect(res.body)
  expect(events[0]?.type).toBe('meta')
  expect(events.slice(-2)).toEqual([
    { type: 'error', data: { code: 'upstream_timeout', message: expect.any(String), retryable: false } },
    { type: 'done', data: { stopReason: 'error' } },
  ])
  expect(await res.outcome).toEqual({ ok: true })
  // (On a loaded machine the deadline may come before the invocation reached the agent.) The cancel goes
  // out as the stream ends and the handler waits for it before returning: it may still be on its way here.
  await expect.poll(() => proxy.agent.calls.filter((c) => c.sessionId === session).map((c) => c.op).at(-1)).toBe('cancel')
})
