/**
 * Validation of an invoke request, shared by the edge (Worker) and the Lambda so both reject the
 * same input with the same code.
 */
import type { ErrorCode } from './events'

/** AgentCore's runtimeSessionId: 33–256 characters; the edge narrows it to a URL- and header-safe set. */
export const SESSION_ID_PATTERN = /^[A-Za-z0-9_-]{33,256}$/
export const DEFAULT_MAX_PROMPT_CHARS = 16_000

/**
 * Bytes allowed for a request body holding a prompt of `maxPromptChars` characters: JSON may escape
 * a character as `\uXXXX\uXXXX` (12 bytes for 2 UTF-16 units), plus room for the session id.
 */
export function maxBodyBytes(maxPromptChars: number): number {
  return maxPromptChars * 6 + 4096
}

export interface InvokeRequest {
  prompt: string
  sessionId?: string
}

export type Validation<T> = { ok: true; value: T } | { ok: false; status: 400 | 413; code: ErrorCode; message: string }

export function isValidSessionId(id: unknown): id is string {
  return typeof id === 'string' && SESSION_ID_PATTERN.test(id)
}

/** A fresh session id: 36 characters of [0-9a-f-] from crypto.randomUUID (Web Crypto in Workers and Node). */
export function newSessionId(): string {
  return crypto.randomUUID()
}

/**
 * Checks `prompt` and `sessionId` from an already-decoded body (JSON object or form fields).
 * The prompt is counted in characters (code points), not bytes.
 */
export function validateInvoke(body: unknown, maxPromptChars = DEFAULT_MAX_PROMPT_CHARS): Validation<InvokeRequest> {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    return { ok: false, status: 400, code: 'invalid_request', message: 'The body must be a JSON object or form with a "prompt" field.' }
  }
  const { prompt, sessionId } = body as Record<string, unknown>
  if (prompt === undefined || prompt === null || (typeof prompt === 'string' && prompt.trim() === '')) {
    return { ok: false, status: 400, code: 'prompt_required', message: 'A non-blank "prompt" is required.' }
  }
  if (typeof prompt !== 'string') {
    return { ok: false, status: 400, code: 'invalid_request', message: '"prompt" must be a string.' }
  }
  // Characters are code points: an emoji counts once, as a user would count it.
  if (prompt.length > maxPromptChars && countChars(prompt) > maxPromptChars) {
    return { ok: false, status: 413, code: 'prompt_too_large', message: `"prompt" is limited to ${maxPromptChars} characters.` }
  }
  if (sessionId !== undefined && sessionId !== null && sessionId !== '' && !isValidSessionId(sessionId)) return INVALID_SESSION_ID
  return { ok: true, value: { prompt, sessionId: typeof sessionId === 'string' && sessionId !== '' ? sessionId : undefined } }
}

/** Checks a cancel body (JSON object or form fields): `sessionId` is required and valid. */
export function validateCancel(body: unknown): Validation<{ sessionId: string }> {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    return { ok: false, status: 400, code: 'invalid_request', message: 'The body must be a JSON object or form with a "sessionId" field.' }
  }
  const { sessionId } = body as Record<string, unknown>
  return isValidSessionId(sessionId) ? { ok: true, value: { sessionId } } : INVALID_SESSION_ID
}

const INVALID_SESSION_ID = {
  ok: false,
  status: 400,
  code: 'invalid_session_id',
  message: '"sessionId" must be 33–256 characters of A–Z, a–z, 0–9, "_" or "-".',
} as const satisfies Validation<never>

function countChars(s: string): number {
  let n = 0
  for (const _ of s) n++
  return n
}
