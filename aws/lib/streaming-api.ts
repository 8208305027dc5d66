import { Duration, RemovalPolicy } from 'aws-cdk-lib'
import * as apigateway from 'aws-cdk-lib/aws-apigateway'
import type * as lambda from 'aws-cdk-lib/aws-lambda'
import * as logs from 'aws-cdk-lib/aws-logs'
import { Construct } from 'constructs'

export interface StreamingApiProps {
  /** The streaming Lambda behind both routes. */
  readonly handler: lambda.IFunction
  readonly stageName: string
  readonly throttle: { readonly rateLimit: number; readonly burstLimit: number }
  readonly quota: { readonly limit: number; readonly period: apigateway.Period }
  readonly logRetention: logs.RetentionDays
  readonly accessLogs: boolean
}

/** API Gateway's maximum integration timeout for a streamed response (15 minutes). */
export const STREAM_INTEGRATION_TIMEOUT = Duration.millis(900_000)

/** The routes, each `POST`, relative to the stage URL. */
export const ROUTES = ['invoke', 'cancel'] as const

/**
 * The public entry of the AWS side: a REST API whose routes stream the Lambda's response through
 * (`responseTransferMode: STREAM`), callable only with the API key, throttled per key.
 *
 * REGIONAL, not CDK's default EDGE: an edge-optimized endpoint closes a stream after 30 s of silence,
 * a regional one after 5 minutes (AWS docs: apigateway/latest/developerguide/response-transfer-mode.html),
 * and the caller is a Cloudflare Worker that is already at the edge.
 */
export class StreamingApi extends Construct {
  readonly api: apigateway.RestApi
  readonly apiKey: apigateway.IApiKey
  readonly usagePlan: apigateway.UsagePlan

  constructor(scope: Construct, id: string, props: StreamingApiProps) {
    super(scope, id)

    const accessLogGroup = props.accessLogs
      ? new logs.LogGroup(this, 'AccessLogs', { retention: props.logRetention, removalPolicy: RemovalPolicy.DESTROY })
      : undefined

    this.api = new apigateway.RestApi(this, 'Api', {
      description: 'edge-agent-chat: streams the agent answer as text/event-stream',
      endpointConfiguration: { types: [apigateway.EndpointType.REGIONAL] },
      // Stage access logs need the account-level API Gateway role; without access logs, leave the
      // account setting alone.
      cloudWatchRole: props.accessLogs,
      deployOptions: {
        stageName: props.stageName,
        accessLogDestination: accessLogGroup && new apigateway.LogGroupLogDestination(accessLogGroup),
        accessLogFormat: accessLogGroup && accessLogFormat(),
      },
    })

    // RestApi adds an output of its own ("Endpoint") with a generated name; the stack publishes the
    // same URL under stable names.
    this.api.node.tryRemoveChild('Endpoint')

    const integration = new apigateway.LambdaIntegration(props.handler, {
      proxy: true,
      responseTransferMode: apigateway.ResponseTransferMode.STREAM,
      // CDK's default is 29 s, which would cut every longer answer.
      timeout: STREAM_INTEGRATION_TIMEOUT,
      // No console test-invoke permission: the Lambda may be invoked by the deployed stage only.
      allowTestInvoke: false,
    })
    for (const route of ROUTES) {
      this.api.root.addResource(route).addMethod('POST', integration, { apiKeyRequired: true })
    }

    this.apiKey = new apigateway.ApiKey(this, 'ApiKey', {
      description: 'edge-agent-chat: the Cloudflare Worker (UPSTREAM_API_KEY)',
    })
    this.usagePlan = new apigateway.UsagePlan(this, 'UsagePlan', {
      description: 'edge-agent-chat: per-key throttle and quota',
      throttle: props.throttle,
      quota: props.quota,
      apiStages: [{ api: this.api, stage: this.api.deploymentStage }],
    })
    this.usagePlan.addApiKey(this.apiKey)
  }

  /** The stage's base URL, ending in `/`: append a route (`invoke`, `cancel`). */
  get stageUrl(): string {
    return this.api.url
  }
}

// One JSON object per request. The key's id, never the key itself.
function accessLogFormat(): apigateway.AccessLogFormat {
  const f = apigateway.AccessLogField
  return apigateway.AccessLogFormat.custom(
    JSON.stringify({
      requestId: f.contextRequestId(),
      requestTime: f.contextRequestTime(),
      ip: f.contextIdentitySourceIp(),
      method: f.contextHttpMethod(),
      path: f.contextResourcePath(),
      status: f.contextStatus(),
      responseLength: f.contextResponseLength(),
      responseLatencyMs: f.contextResponseLatency(),
      integrationStatus: f.contextIntegrationStatus(),
      integrationLatencyMs: f.contextIntegrationLatency(),
      apiKeyId: f.contextIdentityApiKeyId(),
      error: f.contextErrorMessage(),
      errorType: f.contextErrorResponseType(),
    }),
  )
}
