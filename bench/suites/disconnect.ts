/**
 * What a Worker learns when its client leaves mid-answer (bench/relay-floor.md): the reason the route
 * cannot be the floor. bench/workers/disconnect-probe.ts runs in workerd; a client reads the first
 * bytes of an endless answer and goes away. Handed over as it is (`passthrough`, the floor's way),
 * workerd closes the upstream connection but the Worker is never told; piped through an
 * IdentityTransformStream (`relay`, the relay floor's way), the pipe fails and the Worker's cancel call
 * reaches the upstream. This is workerd's behaviour, not the project's, so it is measured here rather
 * than tested by `npm test`: if a workerd update lets `passthrough` learn of the disconnect, the report
 * says so, and the route can hand its body over as it is.
 */
import { setTimeout as sleep } from 'node:timers/promises'
import { startTestUpstream, TEST_API_KEY, type TestUpstream } from '../../test-support/test-upstream'
import type { BenchConfig } from '../config'
import { workerFrom } from '../variants'

export type DisconnectWay = 'relay' | 'passthrough'

export interface DisconnectFigures {
  /** How long the Worker was given to send its cancel after its client left. */
  waitMs: number
  by: Record<DisconnectWay, {
    /** workerd dropped the upstream request once the client left. */
    upstreamClosed: boolean
    /** The Worker learned of the disconnect and called the upstream's cancel. */
    cancelled: boolean
    /** From the client leaving to the cancel call, when there was one. */
    cancelMs: number | null
  }>
}

const WAYS: DisconnectWay[] = ['relay', 'passthrough']
/** workerd closes the upstream connection of a dropped answer within a few ms; this only bounds a broken run. */
const UPSTREAM_CLOSE_BOUND_MS = 10_000

export async function disconnectSuite(config: BenchConfig, log: (m: string) => void): Promise<DisconnectFigures> {
  // The probe Worker sends plain requests (it measures disconnects, not signing): no IAM check.
  const upstream = await startTestUpstream({ iam: false })
  const probe = await workerFrom('disconnect-probe', new URL('../workers/disconnect-probe.ts', import.meta.url).pathname, { ...upstream, apiKey: TEST_API_KEY })
  try {
    const by = {} as DisconnectFigures['by']
    for (const way of WAYS) {
      by[way] = await leaveMidAnswer(upstream, probe.url, way, config.disconnect.waitMs)
      log(`disconnect ${way}: ${JSON.stringify(by[way])}`)
    }
    return { waitMs: config.disconnect.waitMs, by }
  } finally {
    await probe.stop()
    await upstream.stop()
  }
}

async function leaveMidAnswer(upstream: TestUpstream, probeUrl: string, way: DisconnectWay, waitMs: number): Promise<DisconnectFigures['by'][DisconnectWay]> {
  const sessionId = `${way}-`.padEnd(40, 'x')
  const invoke = () => upstream.seen.find((r) => r.path === '/v1/invoke' && r.sessionId === sessionId)
  const cancelled = () => upstream.seen.some((r) => r.path === '/v1/cancel' && r.sessionId === sessionId)
  const client = new AbortController()
  const res = await fetch(`${probeUrl}?via=${way}`, { method: 'POST', body: JSON.stringify({ prompt: 'forever', sessionId }), signal: client.signal })
  const first = await res.body!.getReader().read()
  if (!new TextDecoder().decode(first.value).includes('event: meta')) throw new Error(`the probe's ${way} answer did not start with meta`)
  client.abort()
  const left = performance.now()
  let cancelMs: number | null = null
  let upstreamClosed = false
  // The upstream records what it sees as it happens; nothing signals a cancel that never comes, so look again every few ms.
  for (;;) {
    if (cancelMs === null && cancelled()) cancelMs = performance.now() - left
    upstreamClosed ||= invoke()?.aborted === true
    const waited = performance.now() - left
    if ((cancelMs !== null || waited >= waitMs) && (upstreamClosed || waited >= UPSTREAM_CLOSE_BOUND_MS)) break
    await sleep(5)
  }
  return { upstreamClosed, cancelled: cancelMs !== null, cancelMs }
}
