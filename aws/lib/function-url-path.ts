import * as iam from 'aws-cdk-lib/aws-iam'
import * as lambda from 'aws-cdk-lib/aws-lambda'
import { Construct } from 'constructs'

export interface FunctionUrlPathProps {
  /** The streaming Lambda (the proxy): it serves payload format 2.0 events (aws/lambda/incoming.ts). */
  readonly handler: lambda.IFunction
  /** The Worker's identity: it may call this URL and nothing else of the function. */
  readonly worker: iam.IGrantable
}

/**
 * The `function-url` path: a Lambda Function URL with `InvokeMode: RESPONSE_STREAM` (the function's
 * HttpResponseStream prelude becomes the HTTP status and headers) and `AuthType: AWS_IAM`, so only a
 * SigV4-signed caller whose policy allows `lambda:InvokeFunctionUrl` on this function gets through
 * (AWS docs: lambda/latest/dg/urls-auth.html). No API Gateway in between: no API key, usage plan or
 * WAF; the function's timeout (15 min) is the stream's limit.
 */
export class FunctionUrlPath extends Construct {
  readonly url: lambda.FunctionUrl

  constructor(scope: Construct, id: string, props: FunctionUrlPathProps) {
    super(scope, id)
    this.url = new lambda.FunctionUrl(this, 'Url', {
      function: props.handler,
      authType: lambda.FunctionUrlAuthType.AWS_IAM,
      invokeMode: lambda.InvokeMode.RESPONSE_STREAM,
      // The Worker calls it server to server: no browser ever does, so no CORS.
    })
    // lambda:InvokeFunctionUrl on this function's ARN only (FunctionUrl.grantInvokeUrl).
    this.url.grantInvokeUrl(props.worker)
  }
}
