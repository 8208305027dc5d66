/**
 * Requests to the deployed API signed as the Worker signs them (app/server/signing.ts: aws4fetch,
 * service `execute-api`), with the run's credentials, plus the API key. Unsigned and wrongly signed
 * variants exist for the contracts that check API Gateway's refusals.
 */
import { AwsClient } from 'aws4fetch'
import type { AwsCredentialIdentity } from '@smithy/types'

export type Signing = 'signed' | 'unsigned' | 'wrong-secret'

export interface SignedFetchOptions {
  credentials: AwsCredentialIdentity
  region: string
}

/** fetch for the API: signed with the given credentials (or deliberately not, or with a wrong secret). */
export function apiFetcher(opts: SignedFetchOptions) {
  const client = (secretAccessKey: string) =>
    new AwsClient({
      accessKeyId: opts.credentials.accessKeyId,
      secretAccessKey,
      sessionToken: opts.credentials.sessionToken,
      service: 'execute-api',
      region: opts.region,
      retries: 0,
    })
  const right = client(opts.credentials.secretAccessKey)
  const wrong = client(opts.credentials.secretAccessKey + 'x')
  return (url: string, init: RequestInit, signing: Signing = 'signed'): Promise<Response> => {
    if (signing === 'unsigned') return fetch(url, init)
    return (signing === 'signed' ? right : wrong).fetch(url, init)
  }
}
