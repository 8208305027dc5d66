import { AwsClient } from 'aws4fetch'
import type { AwsSigning } from './config'

/** The services the Worker signs for: API Gateway (`execute-api`) and Lambda (`lambda`). */
export type SigningService = 'execute-api' | 'lambda'

export type SignedFetch = (url: string, init: RequestInit) => Promise<Response>

/**
 * A `fetch` that signs each request with SigV4 for `service`, with the edge principal's keys
 * (Wrangler secrets UPSTREAM_AWS_ACCESS_KEY_ID, UPSTREAM_AWS_SECRET_ACCESS_KEY, optional
 * UPSTREAM_AWS_SESSION_TOKEN; UPSTREAM_AWS_REGION). aws4fetch is the signer Cloudflare's own docs use
 * in Workers (Web Crypto, no Node APIs).
 *
 * - A string or byte body (the invoke and cancel JSON) is hashed into the signature: a body changed
 *   on the way is refused.
 * - A streamed body (ReadableStream) cannot be hashed before it is sent: it goes out as
 *   `X-Amz-Content-Sha256: UNSIGNED-PAYLOAD`, the SigV4 form for that case.
 * - No retries: aws4fetch's AwsClient retries 5xx and 429 up to 10 times by default, which here
 *   would start the agent again on every retry and hide throttling from the user.
 * - The request is signed when it is sent, so its X-Amz-Date is fresh (AWS refuses a signature more
 *   than 5 minutes from its clock).
 */
export function signedFetch(aws: AwsSigning, service: SigningService, send: typeof fetch = fetch): SignedFetch {
  const client = new AwsClient({
    accessKeyId: aws.accessKeyId,
    secretAccessKey: aws.secretAccessKey,
    sessionToken: aws.sessionToken,
    region: aws.region,
    service,
    retries: 0,
  })
  return async (url, init) => {
    const headers = new Headers(init.headers)
    if (init.body instanceof ReadableStream) headers.set('x-amz-content-sha256', 'UNSIGNED-PAYLOAD')
    const request = await client.sign(url, { ...init, headers })
    return send(request)
  }
}
