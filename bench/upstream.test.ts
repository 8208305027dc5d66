import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { makeAgent, runStream } from './client'
import { parsePrompt, promptFor, startUpstream, type Upstream } from './upstream'

describe('the synthetic upstream', () => {
  let up: Upstream
  const agent = makeAgent()
  const direct = () => ({ url: up.invokeUrl, headers: { 'x-api-key': up.apiKey } })

  beforeAll(async () => {
    up = await startUpstream()
  })
  afterAll(async () => {
    agent.destroy()
    await up.stop()
  })

  it('reads the stream spec, the pair id included, from the prompt', () => {
    expect(parsePrompt(promptFor({ n: 3, size: 40, intervalMs: 5 }))).toEqual({ n: 3, size: 40, intervalMs: 5 })
    expect(parsePrompt(promptFor({ n: 3, size: 40, intervalMs: 5, pair: 'r0:floor' }))).toEqual({ n: 3, size: 40, intervalMs: 5, pair: 'r0:floor' })
    expect(parsePrompt('bench {"n":3,"size":40,"intervalMs":5,"pair":7}')).toBeNull()
    expect(parsePrompt('bench {"n":-1,"size":40,"intervalMs":5}')).toBeNull()
    expect(parsePrompt('hello')).toBeNull()
  })

  it('sends the two streams of a pair the same events with the same stamps, whichever arrives first', async () => {
    const spec = { n: 20, size: 64, intervalMs: 2, pair: 'twins' }
    const first = runStream(direct(), spec, agent)
    // The twin comes later, as a proxied request would: the first one waits for it.
    await new Promise((r) => setTimeout(r, 30))
    const [a, b] = await Promise.all([first, runStream(direct(), spec, agent)])
    for (const r of [a, b]) expect(r.inOrder).toBe(true)
    expect(a.chunks.map((c) => c.sentAt)).toEqual(b.chunks.map((c) => c.sentAt))
    // Its first event was not sent before the twin was there.
    expect(a.chunks[0].sentAt).toBeGreaterThan(b.startedAt)
  })

  it('streams unpaired requests on their own schedules', async () => {
    const [a, b] = await Promise.all([runStream(direct(), { n: 10, size: 64, intervalMs: 3 }, agent), runStream(direct(), { n: 10, size: 64, intervalMs: 3 }, agent)])
    for (const r of [a, b]) expect(r.inOrder).toBe(true)
    expect(a.chunks.map((c) => c.sentAt)).not.toEqual(b.chunks.map((c) => c.sentAt))
  })
})
