import { describe, expect, it } from 'vitest'
import {
  cancelRequestSchema,
  countChars,
  DEFAULT_MAX_PROMPT_CHARS,
  invokeRequestSchema,
  isValidSessionId,
  maxBodyBytes,
  newSessionId,
  promptSchema,
  requestError,
  validateCancel,
  validateInvoke,
} from './request'

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

describe('the schemas the edge validates with (through @hono/zod-validator)', () => {
  const refusal = (schema: { safeParse(v: unknown): { success: boolean; error?: unknown } }, body: unknown) => {
    const r = schema.safeParse(body)
    expect(r.success).toBe(false)
    return requestError(r.error as Parameters<typeof requestError>[0])
  }

  it('maps each refusal to the status and code of the README table; the first field at fault wins', () => {
    const invoke = invokeRequestSchema(10)
    expect(refusal(invoke, [1])).toEqual({ status: 400, code: 'invalid_request', message: expect.stringContaining('"prompt"') })
    expect(refusal(invoke, {})).toMatchObject({ status: 400, code: 'prompt_required' })
    expect(refusal(invoke, { prompt: 42 })).toMatchObject({ status: 400, code: 'invalid_request', message: '"prompt" must be a string.' })
    expect(refusal(invoke, { prompt: 'x'.repeat(11) })).toEqual({ status: 413, code: 'prompt_too_large', message: '"prompt" is limited to 10 characters.' })
    expect(refusal(invoke, { prompt: 'x', sessionId: 'short' })).toMatchObject({ status: 400, code: 'invalid_session_id' })
    expect(refusal(invoke, { sessionId: 'short' })).toMatchObject({ code: 'prompt_required' })
    expect(refusal(cancelRequestSchema, 'x')).toMatchObject({ status: 400, code: 'invalid_request', message: expect.stringContaining('"sessionId"') })
    expect(refusal(cancelRequestSchema, {})).toMatchObject({ status: 400, code: 'invalid_session_id' })
  })

  it('an empty or null session id means a new session; other fields are dropped', () => {
    const invoke = invokeRequestSchema()
    expect(invoke.parse({ prompt: 'x', sessionId: '' })).toEqual({ prompt: 'x' })
    expect(invoke.parse({ prompt: 'x', sessionId: null, __proto__x: 1 })).toEqual({ prompt: 'x' })
  })

  it('promptSchema counts code points, as every hop does', () => {
    expect(promptSchema(2).safeParse('😀😀').success).toBe(true)
    expect(promptSchema(2).safeParse('😀😀😀').success).toBe(false)
    expect(countChars('a😀é')).toBe(3)
  })
})

describe('maxBodyBytes', () => {
  // The worst legal encodings of one character: both 12 bytes. The byte guard must let the longest
  // prompt through in either, so that the limit a user meets is the one in characters.
  const emoji = '😀'.repeat(DEFAULT_MAX_PROMPT_CHARS)
  it('fits the longest prompt as escaped JSON ("\\ud83d\\ude00" per character)', () => {
    const escaped = JSON.stringify({ prompt: emoji, sessionId: 's'.repeat(256) }).replace(/[\u{10000}-\u{10FFFF}]/gu, (c) =>
      c.split('').map((unit) => `\\u${unit.charCodeAt(0).toString(16)}`).join(''),
    )
    expect(escaped).toContain('\\ud83d\\ude00')
    expect(JSON.parse(escaped).prompt).toBe(emoji)
    expect(new TextEncoder().encode(escaped).byteLength).toBeLessThanOrEqual(maxBodyBytes(DEFAULT_MAX_PROMPT_CHARS))
  })
  it('fits the longest prompt as a urlencoded form (%F0%9F%98%80 per character)', () => {
    const form = new URLSearchParams({ prompt: emoji, sessionId: 's'.repeat(256) }).toString()
    expect(form).toContain('%F0%9F%98%80')
    expect(form.length).toBeLessThanOrEqual(maxBodyBytes(DEFAULT_MAX_PROMPT_CHARS))
  })
  it('fits a longest prompt and a longest `replaces` together, escaped', () => {
    const escaped = JSON.stringify({ prompt: emoji, replaces: emoji, sessionId: 's'.repeat(256) }).replace(/[\u{10000}-\u{10FFFF}]/gu, (c) =>
      c.split('').map((unit) => `\\u${unit.charCodeAt(0).toString(16)}`).join(''),
    )
    expect(new TextEncoder().encode(escaped).byteLength).toBeLessThanOrEqual(maxBodyBytes(DEFAULT_MAX_PROMPT_CHARS))
  })
  it('is still a bound: 12 bytes per character of each prompt field, plus 4 KB of the rest', () => {
    expect(maxBodyBytes(10)).toBe(2 * 10 * 12 + 4096)
  })
})

describe('replaces (edit, regenerate, retry)', () => {
  it('is an optional prompt with the prompt limit, passed on as given', () => {
    expect(validateInvoke({ prompt: 'new', replaces: 'old' })).toEqual({ ok: true, value: { prompt: 'new', replaces: 'old' } })
    expect(validateInvoke({ prompt: 'new' })).toEqual({ ok: true, value: { prompt: 'new' } })
    expect(validateInvoke({ prompt: 'new', replaces: 'x'.repeat(11) }, 10)).toMatchObject({ ok: false, status: 413, code: 'prompt_too_large' })
    expect(validateInvoke({ prompt: 'new', replaces: 42 })).toMatchObject({ ok: false, status: 400, code: 'invalid_request' })
  })
})
