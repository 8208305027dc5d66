import { SELF } from 'cloudflare:test'
import { describe, expect, it } from 'vitest'
import { ip } from '../../test/client-ip'
import { marker } from '../../test/upstream-client'

const invoke = (body: string) =>
  SELF.fetch('http://edge.test/api/invoke', { method: 'POST', body, headers: { 'content-type': 'application/json', 'cf-connecting-ip': ip() } })

/** The Server-Timing metrics of a response, by name, in milliseconds. */
function metrics(res: Response): Record<string, number> {
  const out: Record<string, number> = {}
  for (const part of (res.headers.get('server-timing') ?? '').split(',')) {
    const [name, ...params] = part.trim().split(';')
    const dur = params.find((p) => p.startsWith('dur='))
    if (name && dur) out[name] = Number(dur.slice(4))
  }
  return out
}

describe('POST /api/invoke Server-Timing', () => {
  it("names the Worker's own part of an answer: total to the headers, and the upstream's share of it", async () => {
    const res = await invoke(JSON.stringify({ prompt: `answer:${marker()} timed` }))
    expect(res.status).toBe(200)
    const m = metrics(res)
    expect(Object.keys(m).sort()).toEqual(['total', 'upstream'])
    expect(m.upstream).toBeGreaterThanOrEqual(0)
    expect(m.total).toBeGreaterThanOrEqual(m.upstream)
    expect(res.headers.get('server-timing')).toContain('desc="upstream response headers"')
    await res.body?.cancel()
  })

  it('is there on a refused request too, with no upstream part', async () => {
    const res = await invoke(JSON.stringify({ prompt: ' ' }))
    expect(res.status).toBe(400)
    expect(Object.keys(metrics(res))).toEqual(['total'])
  })
})
