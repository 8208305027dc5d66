import * as iam from 'aws-cdk-lib/aws-iam'
import type * as lambda from 'aws-cdk-lib/aws-lambda'
import { Construct } from 'constructs'

export interface InvokeStreamPathProps {
  /** The streaming Lambda (the proxy): it serves direct invocations' raw payloads (aws/lambda/incoming.ts). */
  readonly handler: lambda.IFunction
  /** The Worker's identity. */
  readonly worker: iam.IGrantable
}

/**
 * The `invoke-stream` path: the Worker calls Lambda's own API, InvokeWithResponseStream to answer
 * and Invoke to cancel, SigV4-signed. Nothing to deploy but the permission: `lambda:InvokeFunction`
 * (the action of both operations: AWS docs, lambda/latest/dg/lambda-api-permissions-ref.html) on the
 * unqualified function ARN only — not `:*`, so no other version or alias.
 */
export class InvokeStreamPath extends Construct {
  readonly functionName: string

  constructor(scope: Construct, id: string, props: InvokeStreamPathProps) {
    super(scope, id)
    this.functionName = props.handler.functionName
    iam.Grant.addToPrincipal({
      grantee: props.worker,
      actions: ['lambda:InvokeFunction'],
      resourceArns: [props.handler.functionArn],
    })
  }
}
