import type { EdgeConfig } from '../config'
import { signedFetch } from '../signing'
import { restUpstream } from './rest'
import type { Upstream } from './types'

/**
 * A Lambda Function URL (`InvokeMode: RESPONSE_STREAM`, `AuthType: AWS_IAM`) in front of the same
 * Lambda: the REST path's requests (`POST …/invoke`, `POST …/cancel`, the function's prelude carries
 * the status) sent straight to the URL, SigV4-signed for service `lambda` with the edge principal's
 * keys (its policy allows lambda:InvokeFunctionUrl on that function only). No API key, usage plan or
 * WAF in between: throttling is the function's reserved concurrency.
 */
export function functionUrlUpstream(config: EdgeConfig): Upstream {
  return restUpstream(config, 'function-url', signedFetch(config.aws, 'lambda'), {})
}
