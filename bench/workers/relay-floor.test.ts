import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startTestUpstream, TEST_API_KEY, type TestUpstream } from '../../e2e/test-upstream'
import { workerFrom, type Variant } from '../variants'

// Why the route cannot be the floor (bench/relay-floor.md): a Worker that hands the upstream body to
// workerd as it is never learns that its client left, so it could not cancel the agent; one that
// pipes the body through an IdentityTransformStream does. A canary as much as a test: if a workerd
// update makes the passthrough case see the disconnect, this fails, and the route can become the
// floor (bench/proposals/passthrough.patch).
describe('what a Worker learns when its client leaves mid-answer', () => {
  let upstream: TestUpstream
  let probe: Variant

  beforeAll(async () => {
    upstream = await startTestUpstream()
    probe = await workerFrom('disconnect-probe', new URL('./disconnect-probe.ts', import.meta.url).pathname, { ...upstream, apiKey: TEST_API_KEY })
  })
  afterAll(async () => {
    await probe?.stop()
    await upstream?.stop()
  })

  /** Starts an endless answer through the probe, reads its first bytes, then goes away. */
  async function leaveMidAnswer(via: string, sessionId: string): Promise<void> {
    const client = new AbortController()
    const res = await fetch(`${probe.url}?via=${via}`, { method: 'POST', body: JSON.stringify({ prompt: 'forever', sessionId }), signal: client.signal })
    const reader = res.body!.getReader()
    const first = await reader.read()
    expect(new TextDecoder().decode(first.value)).toContain('event: meta')
    client.abort()
  }

  const invokeOf = (sessionId: string) => upstream.seen.find((r) => r.path === '/v1/invoke' && r.sessionId === sessionId)
  const cancelsOf = (sessionId: string) => upstream.seen.filter((r) => r.path === '/v1/cancel' && r.sessionId === sessionId)

  async function until(done: () => boolean, ms: number): Promise<void> {
    for (const end = Date.now() + ms; !done() && Date.now() < end; ) await new Promise((r) => setTimeout(r, 25))
  }

  it('through a native pipe: the pipe fails, the Worker cancels upstream', async () => {
    const sessionId = 'relay-'.padEnd(40, 'r')
    await leaveMidAnswer('relay', sessionId)
    await until(() => cancelsOf(sessionId).length > 0 && invokeOf(sessionId)!.aborted, 10_000)
    expect(invokeOf(sessionId)!.aborted).toBe(true)
    expect(cancelsOf(sessionId)).toHaveLength(1)
  })

  it('handed over as it is: the upstream connection closes, but request.signal never fires', async () => {
    const sessionId = 'pass-'.padEnd(40, 'p')
    await leaveMidAnswer('passthrough', sessionId)
    // workerd drops the upstream fetch natively when the client leaves…
    await until(() => invokeOf(sessionId)!.aborted, 10_000)
    expect(invokeOf(sessionId)!.aborted).toBe(true)
    // …and the Worker, still alive (waitUntil), is not told: no cancel in the next 2 s, where the relay's came at once.
    await new Promise((r) => setTimeout(r, 2_000))
    expect(cancelsOf(sessionId)).toHaveLength(0)
  })
})
