/**
 * The part of IAM's identity-based policy evaluation the emulators need: a principal's Allow
 * statements (action, resource ARN with `*` and `?` wildcards), nothing allowed unless a statement
 * matches (IAM's implicit deny). No Deny statements, conditions or resource policies: the stack
 * grants its principals nothing but Allow statements (aws/lib/worker-principal.ts).
 */
import { notAuthorized, type SigV4Refusal } from './refusals'
import type { LocalCredential } from './verify'

export interface AllowStatement {
  /** e.g. `execute-api:Invoke` */
  action: string
  /** e.g. `arn:aws:execute-api:us-east-1:123456789012:abc123/v1/POST/invoke` (wildcards allowed) */
  resource: string
}

/** A key pair with its principal's identity-based policy. */
export interface LocalPrincipal extends LocalCredential {
  allow: readonly AllowStatement[]
}

/** undefined when one of the principal's statements allows `action` on `resource`; else AWS's 403. */
export function authorize(principal: LocalPrincipal, action: string, resource: string): SigV4Refusal | undefined {
  const allowed = principal.allow.some((s) => wildcardMatch(s.action.toLowerCase(), action.toLowerCase()) && wildcardMatch(s.resource, resource))
  return allowed ? undefined : notAuthorized(principal.principalArn, action, resource)
}

/** IAM's ARN matching: `*` any run of characters (slashes included), `?` one character. */
export function wildcardMatch(pattern: string, value: string): boolean {
  const source = pattern.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.')
  return new RegExp(`^${source}$`, 's').test(value)
}
