/**
 * The format of an API Gateway fixture (aws/local/fixtures/api-gateway/*.json and what a conformance
 * run records into <dir>/api-gateway/): the request described by what matters to the gateway (how it
 * is signed, which API key it carries) rather than by literal headers, so a recording made against
 * AWS replays against the emulator with the emulator's own keys.
 */
import type { Signing } from './signing'

export interface GatewayFixture {
  /** A public page, issue or pull request (with its date), or "recorded against AWS on <date> …". */
  source: string
  request: {
    method: 'POST'
    /** Under the stage: /invoke, /cancel, or a path the API does not have. */
    path: string
    signing: Signing
    apiKey: 'valid' | 'missing' | 'wrong'
    contentType: string
    body: string
  }
  response: {
    status: number
    /** Only headers a client can rely on (error type, content type), lower-case names. */
    headers: Record<string, string>
    body: unknown
    /** `prefix`: each string in `body` must start the answer's (messages that echo the request). Default exact. */
    match?: 'exact' | 'prefix'
    /** With `prefix`: the whole answer as recorded (redacted), for the reader; not compared. */
    observedBody?: unknown
  }
  notes: string
}

/** Whether `actual` answers `expected` under the fixture's match rule. */
export function bodyMatches(expected: unknown, actual: unknown, match: 'exact' | 'prefix' = 'exact'): boolean {
  if (match === 'exact' || typeof expected !== 'object' || expected === null) return JSON.stringify(expected) === JSON.stringify(actual)
  if (typeof actual !== 'object' || actual === null) return false
  return Object.entries(expected).every(([k, v]) => {
    const a = (actual as Record<string, unknown>)[k]
    return typeof v === 'string' ? typeof a === 'string' && a.startsWith(v) : JSON.stringify(v) === JSON.stringify(a)
  })
}
