import * as iam from 'aws-cdk-lib/aws-iam'
import type * as lambda from 'aws-cdk-lib/aws-lambda'
import { Construct } from 'constructs'

export interface InvokeStreamPathProps {
  /** The streaming Lambda (the proxy): it serves direct invocations' raw payloads (aws/lambda/incoming.ts). */
  readonly handler: lambda.IFunction
  /** The cancel function (the same code, its own reserved concurrency): the Worker's cancel invokes it. */
  readonly cancelHandler: lambda.IFunction
  /** The Worker's identity. */
  readonly worker: iam.IGrantable
}

/**
 * The `invoke-stream` path: the Worker calls Lambda's own API, InvokeWithResponseStream of the proxy
 * to answer and Invoke of the cancel function to cancel (so a stop never waits for a free environment
 * of the proxy), SigV4-signed. Nothing to deploy but the permission: `lambda:InvokeFunction` (the
 * action of both operations: AWS docs, lambda/latest/dg/lambda-api-permissions-ref.html) on the two
 * unqualified function ARNs only — not `:*`, so no other version or alias.
 */
export class InvokeStreamPath extends Construct {
  readonly functionName: string
  readonly cancelFunctionName: string

  constructor(scope: Construct, id: string, props: InvokeStreamPathProps) {
    super(scope, id)
    this.functionName = props.handler.functionName
    this.cancelFunctionName = props.cancelHandler.functionName
    iam.Grant.addToPrincipal({
      grantee: props.worker,
      actions: ['lambda:InvokeFunction'],
      resourceArns: [props.handler.functionArn, props.cancelHandler.functionArn],
    })
  }
}
