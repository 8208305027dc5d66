import { describe, expect, it } from 'vitest'
import { authorize, wildcardMatch, type LocalPrincipal } from './policy'

const API = 'arn:aws:execute-api:us-east-1:123456789012:abc123'
const WORKER: LocalPrincipal = {
  accessKeyId: 'AKIALOCALTEST0000001',
  secretAccessKey: 'x',
  principalArn: 'arn:aws:iam::123456789012:user/edge-worker',
  allow: [
    { action: 'execute-api:Invoke', resource: `${API}/v1/POST/invoke` },
    { action: 'execute-api:Invoke', resource: `${API}/v1/POST/cancel` },
  ],
}

describe('authorize', () => {
  it('allows exactly the granted methods and refuses others as IAM does', () => {
    expect(authorize(WORKER, 'execute-api:Invoke', `${API}/v1/POST/invoke`)).toBeUndefined()
    expect(authorize(WORKER, 'execute-api:Invoke', `${API}/v1/POST/cancel`)).toBeUndefined()
    expect(authorize(WORKER, 'execute-api:Invoke', `${API}/v1/GET/invoke`)).toEqual({
      ok: false,
      status: 403,
      errorType: 'AccessDeniedException',
      message:
        `User: arn:aws:iam::123456789012:user/edge-worker is not authorized to perform: execute-api:Invoke on resource: ${API}/v1/GET/invoke ` +
        'because no identity-based policy allows the execute-api:Invoke action',
    })
    expect(authorize(WORKER, 'execute-api:ManageConnections', `${API}/v1/POST/invoke`)).toMatchObject({ errorType: 'AccessDeniedException' })
  })

  it('matches IAM wildcards: * across slashes, ? one character, actions case-insensitively', () => {
    expect(wildcardMatch(`${API}/*`, `${API}/v1/POST/invoke`)).toBe(true)
    expect(wildcardMatch(`${API}/v?/POST/invoke`, `${API}/v1/POST/invoke`)).toBe(true)
    expect(wildcardMatch(`${API}/v?/POST/invoke`, `${API}/v12/POST/invoke`)).toBe(false)
    expect(wildcardMatch('arn:aws:execute-api:*:*:abc123/v1/POST/invoke', `${API}/v1/POST/invoke`)).toBe(true)
    expect(wildcardMatch(`${API}/v1/POST/invoke`, `${API}/v1/POST/invoke/more`)).toBe(false)
    expect(authorize({ ...WORKER, allow: [{ action: 'Execute-API:*', resource: '*' }] }, 'execute-api:Invoke', `${API}/x`)).toBeUndefined()
  })
})
