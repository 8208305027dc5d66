import { describe, expect, it } from 'vitest'
import { maxBodyBytes, parseCancel, parseInvoke, routeOf } from './parse-request'
import { proxyEvent } from './test/proxy-event'

const SESSION = 'abcdefghij-abcdefghij-abcdefghij-123'

describe('routing', () => {
  it('routes by resource, else by the last path segment', () => {
    expect(routeOf(proxyEvent({ resource: '/invoke' }))).toEqual({ ok: true, value: 'invoke' })
    expect(routeOf(proxyEvent({ resource: '/cancel' }))).toEqual({ ok: true, value: 'cancel' })
    expect(routeOf({ resource: '/{proxy+}', path: '/v1/cancel/', httpMethod: 'POST' })).toEqual({ ok: true, value: 'cancel' })
  })
  it('404 for other paths, 405 for other methods', () => {
    expect(routeOf(proxyEvent({ resource: '/other' }))).toMatchObject({ ok: false, status: 404, code: 'not_found' })
    expect(routeOf(proxyEvent({ httpMethod: 'GET' }))).toMatchObject({ ok: false, status: 405, code: 'method_not_allowed' })
  })
})

describe('POST /invoke bodies', () => {
  it('accepts JSON, base64 JSON and form bodies', () => {
    expect(parseInvoke(proxyEvent({ json: { prompt: 'hi', sessionId: SESSION } }))).toEqual({ ok: true, value: { prompt: 'hi', sessionId: SESSION } })
    const b64 = proxyEvent({ body: Buffer.from(JSON.stringify({ prompt: 'héllo' })).toString('base64'), isBase64Encoded: true })
    expect(parseInvoke(b64)).toEqual({ ok: true, value: { prompt: 'héllo', sessionId: undefined } })
    const form = proxyEvent({ headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'prompt=a+b%21' })
    expect(parseInvoke(form)).toEqual({ ok: true, value: { prompt: 'a b!', sessionId: undefined } })
  })

  it('refuses like the edge does', () => {
    expect(parseInvoke(proxyEvent({ body: '{nope' }))).toMatchObject({ status: 400, code: 'invalid_json' })
    expect(parseInvoke(proxyEvent({ json: { prompt: '  ' } }))).toMatchObject({ status: 400, code: 'prompt_required' })
    expect(parseInvoke(proxyEvent({ json: { prompt: 7 } }))).toMatchObject({ status: 400, code: 'invalid_request' })
    expect(parseInvoke(proxyEvent({ json: ['x'] }))).toMatchObject({ status: 400, code: 'invalid_request' })
    expect(parseInvoke(proxyEvent({ json: { prompt: 'x'.repeat(16_001) } }))).toMatchObject({ status: 413, code: 'prompt_too_large' })
    expect(parseInvoke(proxyEvent({ json: { prompt: 'x', sessionId: 'short' } }))).toMatchObject({ status: 400, code: 'invalid_session_id' })
    expect(parseInvoke(proxyEvent({ headers: { 'content-type': 'text/plain' }, body: 'hi' }))).toMatchObject({ status: 415, code: 'unsupported_media_type' })
    expect(parseInvoke(proxyEvent({ headers: {}, body: '{"prompt":"x"}' }))).toMatchObject({ status: 415 })
    expect(parseInvoke(proxyEvent({ body: 'x'.repeat(maxBodyBytes() + 1) }))).toMatchObject({ status: 413, code: 'payload_too_large' })
    const badUtf8 = proxyEvent({ body: Buffer.from([0x7b, 0xff, 0x7d]).toString('base64'), isBase64Encoded: true })
    expect(parseInvoke(badUtf8)).toMatchObject({ status: 400, code: 'invalid_request' })
  })

  it('MAX_PROMPT_CHARS narrows the prompt limit', () => {
    process.env.MAX_PROMPT_CHARS = '5'
    try {
      expect(parseInvoke(proxyEvent({ json: { prompt: '123456' } }))).toMatchObject({ status: 413, code: 'prompt_too_large' })
      expect(parseInvoke(proxyEvent({ json: { prompt: '👋👋👋👋👋' } }))).toMatchObject({ ok: true })
    } finally {
      delete process.env.MAX_PROMPT_CHARS
    }
  })
})

describe('POST /cancel bodies', () => {
  it('needs a valid session id', () => {
    expect(parseCancel(proxyEvent({ resource: '/cancel', json: { sessionId: SESSION } }))).toEqual({ ok: true, value: { sessionId: SESSION } })
    expect(parseCancel(proxyEvent({ resource: '/cancel', json: {} }))).toMatchObject({ status: 400, code: 'invalid_session_id' })
    expect(parseCancel(proxyEvent({ resource: '/cancel', json: 'x' }))).toMatchObject({ status: 400, code: 'invalid_request' })
  })
})
