import { describe, expect, it } from 'vitest'
import { isValidSessionId, newSessionId, validateCancel, validateInvoke } from './request'

describe('validateInvoke', () => {
  it('accepts a prompt and no session id', () => {
    expect(validateInvoke({ prompt: 'hi' })).toEqual({ ok: true, value: { prompt: 'hi', sessionId: undefined } })
  })
  it('rejects a missing or blank prompt', () => {
    for (const body of [{}, { prompt: '' }, { prompt: ' \n\t' }, { prompt: null }]) {
      const r = validateInvoke(body)
      expect(r.ok).toBe(false)
      if (!r.ok) expect([r.status, r.code]).toEqual([400, 'prompt_required'])
    }
  })
  it('rejects a non-object body and a non-string prompt', () => {
    for (const body of [null, 'hi', [1], 3]) expect(validateInvoke(body)).toMatchObject({ ok: false, code: 'invalid_request' })
    expect(validateInvoke({ prompt: 42 })).toMatchObject({ ok: false, status: 400, code: 'invalid_request' })
  })
  it('counts characters, not UTF-16 units, against the limit', () => {
    expect(validateInvoke({ prompt: '😀'.repeat(10) }, 10).ok).toBe(true)
    expect(validateInvoke({ prompt: '😀'.repeat(11) }, 10)).toMatchObject({ ok: false, status: 413, code: 'prompt_too_large' })
    expect(validateInvoke({ prompt: 'a'.repeat(16_001) })).toMatchObject({ ok: false, status: 413 })
    expect(validateInvoke({ prompt: 'a'.repeat(16_000) }).ok).toBe(true)
  })
  it('checks the session id bounds and alphabet', () => {
    expect(validateInvoke({ prompt: 'x', sessionId: 'a'.repeat(33) }).ok).toBe(true)
    expect(validateInvoke({ prompt: 'x', sessionId: 'a'.repeat(256) }).ok).toBe(true)
    for (const sessionId of ['a'.repeat(32), 'a'.repeat(257), 'a'.repeat(32) + '/', 'a'.repeat(40) + ' ', 7]) {
      expect(validateInvoke({ prompt: 'x', sessionId })).toMatchObject({ ok: false, status: 400, code: 'invalid_session_id' })
    }
  })
})

describe('session ids', () => {
  it('generates valid, distinct ids', () => {
    const a = newSessionId()
    expect(isValidSessionId(a)).toBe(true)
    expect(newSessionId()).not.toBe(a)
  })
})

describe('validateCancel', () => {
  it('needs an object with a valid session id', () => {
    const sessionId = 'c'.repeat(40)
    expect(validateCancel({ sessionId })).toEqual({ ok: true, value: { sessionId } })
    for (const body of [null, 'x', [sessionId]]) expect(validateCancel(body)).toMatchObject({ ok: false, status: 400, code: 'invalid_request' })
    for (const body of [{}, { sessionId: 'short' }, { sessionId: 7 }]) {
      expect(validateCancel(body)).toMatchObject({ ok: false, status: 400, code: 'invalid_session_id' })
    }
  })
})
