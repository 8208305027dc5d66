import { SELF } from 'cloudflare:test'
import { describe, expect, it } from 'vitest'

describe('the page and its security headers', () => {
  it('serves the chat page with a nonce CSP whose nonce is on the island script, and no inline script without it', async () => {
    const res = await SELF.fetch('http://edge.test/')
    expect(res.status).toBe(200)
    const csp = res.headers.get('content-security-policy')!
    const nonce = /script-src 'self' 'nonce-([^']+)'/.exec(csp)?.[1]
    expect(nonce).toBeTruthy()
    expect(csp).not.toContain('unsafe-inline')
    expect(csp).toContain("object-src 'none'")
    expect(csp).toContain("frame-ancestors 'none'")
    expect(res.headers.get('x-content-type-options')).toBe('nosniff')
    expect(res.headers.get('referrer-policy')).toBe('no-referrer')
    const html = await res.text()
    const scripts = [...html.matchAll(/<script\b[^>]*>/g)].map((m) => m[0])
    expect(scripts.length).toBeGreaterThan(0)
    for (const tag of scripts) expect(tag).toContain(`nonce="${nonce}"`)
    expect(html).toContain('role="log"')
    expect(html).toContain('aria-live="polite"')
  })

  it('uses a fresh nonce for every response', async () => {
    const a = (await SELF.fetch('http://edge.test/')).headers.get('content-security-policy')
    const b = (await SELF.fetch('http://edge.test/')).headers.get('content-security-policy')
    expect(a).not.toBe(b)
  })
})
