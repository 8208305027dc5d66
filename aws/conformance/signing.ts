/**
 * Requests to the deployed API signed as the Worker signs them (app/server/signing.ts: aws4fetch,
 * service `execute-api`), with the run's credentials, plus the API key. Unsigned and wrongly signed
 * variants exist for the contracts that check API Gateway's refusals: each is one signing mistake
 * the Worker could make (or an attacker could try), so a recording shows how AWS answers it and the
 * emulator (aws/local/sigv4/verify.ts) must answer the same.
 */
import { AwsClient } from 'aws4fetch'
import type { AwsCredentialIdentity } from '@smithy/types'

/**
 * How a request is signed: properly; not at all; with a wrong secret; with an access key no one has;
 * for another region; dated longer ago than AWS's 5 minutes; or properly, with the body changed after
 * signing.
 */
export type Signing = 'signed' | 'unsigned' | 'wrong-secret' | 'unknown-key' | 'wrong-region' | 'expired' | 'tampered-body'

export interface SignedFetchOptions {
  credentials: AwsCredentialIdentity
  region: string
}

/** How long before now the `expired` variant is dated: twice AWS's 5-minute window, so clock skew cannot save it. */
export const EXPIRED_BY_MS = 10 * 60_000

/** A real region other than `region`, the same for every region but one (so recordings replay anywhere). */
export function otherRegion(region: string): string {
  return region === 'us-west-1' ? 'us-west-2' : 'us-west-1'
}

/** SigV4's basic ISO-8601 date-time (20261201T101500Z). */
const amzDate = (date: Date) => date.toISOString().replace(/[-:]|\.\d{3}/g, '')

/** fetch for the API: signed with the given credentials (or deliberately not, or wrongly: see {@link Signing}). */
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
  return async (url: string, init: RequestInit, signing: Signing = 'signed'): Promise<Response> => {
    switch (signing) {
      case 'unsigned':
        return fetch(url, init)
      case 'wrong-region':
        return right.fetch(url, { ...init, aws: { region: otherRegion(opts.region) } })
      case 'expired':
        return right.fetch(url, { ...init, aws: { datetime: amzDate(new Date(Date.now() - EXPIRED_BY_MS)) } })
      case 'tampered-body': {
        // Signed over the body as given, sent with one more character: still JSON, meaning the same.
        if (typeof init.body !== 'string') throw new Error('tampered-body needs a string body')
        const signed = await right.sign(url, init)
        return fetch(signed.url, { method: signed.method, headers: signed.headers, body: `${init.body} ` })
      }
      default:
        return { signed: right, 'wrong-secret': wrong, 'unknown-key': unknown }[signing].fetch(url, init)
    }
  }
}
