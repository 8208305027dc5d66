import type * as apigateway from 'aws-cdk-lib/aws-apigateway'
import * as iam from 'aws-cdk-lib/aws-iam'
import { Construct } from 'constructs'

export interface WorkerPrincipalProps {
  /** The REST API methods the Worker calls (the `rest` path); it may invoke these and nothing else. */
  readonly methods?: readonly apigateway.Method[]
}

/**
 * The Cloudflare Worker's AWS identity: an IAM user whose only permission is `execute-api:Invoke` on
 * the stage's methods it calls (`arn:aws:execute-api:{region}:{account}:{api}/{stage}/POST/invoke`
 * and `…/POST/cancel`). The Worker signs its requests with this user's access key (Wrangler secrets
 * UPSTREAM_AWS_ACCESS_KEY_ID and UPSTREAM_AWS_SECRET_ACCESS_KEY; app/server/signing.ts).
 *
 * A user, not a role: a Worker has no AWS identity to assume a role from. The stack creates no
 * access key: a key made by CloudFormation would put its secret in the stack (an output, or a
 * Secrets Manager secret that anyone who may read the stack's secrets can read), and replacing it
 * would delete the old key in the same deployment, cutting the Worker off until its secret is
 * updated. Created with `aws iam create-access-key`, the secret goes from IAM straight into
 * `wrangler secret put`, and a rotation can overlap two keys (README: Deploy).
 */
export class WorkerPrincipal extends Construct {
  readonly user: iam.User

  constructor(scope: Construct, id: string, props: WorkerPrincipalProps) {
    super(scope, id)
    this.user = new iam.User(this, 'User')
    for (const method of props.methods ?? []) method.grantExecute(this.user)
    // The other paths add their own grants (function-url-path.ts, invoke-stream-path.ts).
  }
}
