/**
 * Removes what identifies an AWS account or grants access from a recorded exchange before it becomes
 * a fixture: account ids (bare and inside ARNs), access key ids, the values of credentials, API keys
 * and session tokens (known ones wherever they appear, e.g. inside the canonical request an
 * InvalidSignatureException echoes), SigV4 signatures, and the ids in execute-api / Function URL
 * host names. What a fixture needs (statuses, header names, error types, message wording, timing)
 * stays. Hand-written: it is a handful of patterns over JSON, and the known secrets are the run's own.
 */

export const REDACTED = '<redacted>'
export const ACCOUNT = '000000000000'

/** Header names whose whole value is a credential or identifies the caller. */
const SECRET_HEADERS = new Set(['x-api-key', 'x-amz-security-token', 'cookie', 'set-cookie'])

const PATTERNS: Array<[RegExp, string]> = [
  // Access key ids: long-term (AKIA) and temporary (ASIA).
  [/\b(AKIA|ASIA)[A-Z0-9]{16}\b/g, '$1' + 'REDACTED'.padEnd(16, 'X')],
  // A SigV4 signature (Authorization header, query string, or echoed in a message).
  [/(Signature=)[0-9a-f]{64}/gi, `$1${REDACTED}`],
  [/(X-Amz-Signature=)[0-9a-f]{64}/gi, `$1${REDACTED}`],
  // Account ids: in ARNs (arn:partition:service:region:ACCOUNT:...) and standing alone.
  [/(arn:aws[a-z-]*:[a-z0-9-]*:[a-z0-9-]*:)\d{12}(?=:|\/)/g, `$1${ACCOUNT}`],
  [/(?<![\d.])\d{12}(?![\d.])/g, ACCOUNT],
  // Deployment ids in host names.
  [/\b[a-z0-9]{10}(\.execute-api\.[a-z0-9-]+\.amazonaws\.com)/g, `apiid00000$1`],
  [/(arn:aws[a-z-]*:execute-api:[a-z0-9-]+:\d{12}:)[a-z0-9]{10}(?=\/)/g, '$1apiid00000'],
  [/\b[a-z0-9]{32}(\.lambda-url\.[a-z0-9-]+\.on\.aws)/g, `${'0'.repeat(32)}$1`],
]

export interface RedactOptions {
  /** Values that must not appear anywhere: the run's secret key, session token, API key value. */
  secrets?: readonly (string | undefined)[]
}

/** A deep copy of `value` with every string redacted; header maps' secret values replaced whole. */
export function redact<T>(value: T, opts: RedactOptions = {}): T {
  const secrets = (opts.secrets ?? []).filter((s): s is string => typeof s === 'string' && s.length >= 4).sort((a, b) => b.length - a.length)
  const text = (s: string): string => {
    let out = s
    for (const secret of secrets) out = out.split(secret).join(REDACTED)
    for (const [re, by] of PATTERNS) out = out.replace(re, by)
    return out
  }
  const walk = (v: unknown, key?: string): unknown => {
    if (typeof v === 'string') return key !== undefined && SECRET_HEADERS.has(key.toLowerCase()) ? REDACTED : text(v)
    if (Array.isArray(v)) return v.map((x) => walk(x, key))
    if (v && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [text(k), walk(x, k)]))
    return v
  }
  return walk(value) as T
}
