/**
 * Requests to the deployed API signed as the Worker signs them (app/server/signing.ts: aws4fetch,
 * service `execute-api`), with the run's credentials, plus the API key. Unsigned and wrongly signed
 * variants exist for the contracts that check API Gateway's refusals.
 */
import { AwsClient } from 'aws4fetch'
import type { AwsCredentialIdentity } from '@smithy/types'

/** How a request is signed: properly, not at all, with a wrong secret, or with an access key no one has. */
export type Signing = 'signed' | 'unsigned' | 'wrong-secret' | 'unknown-key'

export interface SignedFetchOptions {
  credentials: AwsCredentialIdentity
  region: string
}

/** fetch for the API: signed with the given credentials (or deliberately not, or with a wrong secret). */
export function apiFetcher(opts: SignedFetchOptions) {
  const client = (secretAccessKey: string, accessKeyId = opts.credentials.accessKeyId) =>
    new AwsClient({
      accessKeyId,
      secretAccessKey,
      sessionToken: opts.credentials.sessionToken,
      service: 'execute-api',
      region: opts.region,
      retries: 0,
    })
  const right = client(opts.credentials.secretAccessKey)
  const wrong = client(opts.credentials.secretAccessKey + 'x')
  // An access key id of the right form that no account has issued.
  const unknown = client(opts.credentials.secretAccessKey, 'AKIAIOSFODNN7EXAMPLE')
  return (url: string, init: RequestInit, signing: Signing = 'signed'): Promise<Response> => {
    if (signing === 'unsigned') return fetch(url, init)
    return { signed: right, 'wrong-secret': wrong, 'unknown-key': unknown }[signing].fetch(url, init)
  }
}
