import { Duration, RemovalPolicy, Stack } from 'aws-cdk-lib'
import { AccessLogFormat } from 'aws-cdk-lib/aws-apigateway'
import * as apigwv2 from 'aws-cdk-lib/aws-apigatewayv2'
import { WebSocketIamAuthorizer } from 'aws-cdk-lib/aws-apigatewayv2-authorizers'
import { WebSocketLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations'
import * as iam from 'aws-cdk-lib/aws-iam'
import * as logs from 'aws-cdk-lib/aws-logs'
import { Construct } from 'constructs'
import { DEFAULT_FLUSH_BYTES, DEFAULT_FLUSH_MS } from '../lambda/websocket/config'
import { acknowledgeNag } from './nag'
import { StreamingProxy, type StreamingProxyProps } from './streaming-proxy'

export interface WebSocketPathProps
  extends Pick<StreamingProxyProps, 'depsLockFilePath' | 'runtime' | 'agentQualifier' | 'heartbeatMs' | 'maxPromptChars' | 'logRetention'> {
  /** The WebSocket function's source (aws/lambda/websocket/handler.ts). */
  readonly entry: string
  readonly stageName: string
  readonly throttle: { rateLimit: number; burstLimit: number }
  /** Access logs on the stage; they need the account-level API Gateway CloudWatch role (the REST path's logging creates it). */
  readonly accessLogs: boolean
  /** The Worker's identity: it may connect (`$connect`) and do nothing else on this API. */
  readonly worker: iam.IGrantable
  /** How the function coalesces the answer into posts (WS_FLUSH_BYTES / WS_FLUSH_MS). */
  readonly flushBytes?: number
  readonly flushMs?: number
}

/**
 * The `websocket` path: an API Gateway WebSocket API (route selection `$request.body.action`) whose
 * routes `$connect`, `$disconnect`, `invoke` and `cancel` are integrated with one function
 * (aws/lambda/websocket/handler.ts: the streaming proxy's relay, posting the answer to the connection).
 *
 * - `$connect` uses IAM authorization: the Worker signs the upgrade with SigV4, and its user may
 *   `execute-api:Invoke` the `$connect` route of this stage only
 *   (`arn:aws:execute-api:{region}:{account}:{api-id}/{stage}/$connect`; AWS docs:
 *   apigateway/latest/developerguide/apigateway-websocket-control-access-iam.html). Messages on an
 *   authorized connection need no further authorization (only $connect takes an authorizer).
 * - The function may `execute-api:ManageConnections` on this stage's `@connections` only
 *   (WebSocketStage.grantManagementApiAccess: `…/{api-id}/{stage}/POST/@connections/*`), besides the
 *   proxy's AgentCore actions on its runtime (./streaming-proxy.ts).
 * - Limits (apigateway-execution-service-websocket-limits-table.html): 2 h per connection, 10 min idle,
 *   128 KB per message in 32 KB frames, 29 s integration timeout (the function runs on after it: an
 *   answer keeps posting; README "Choosing a path").
 * - No AWS WAF: WebSocket APIs cannot be associated with a web ACL (apigateway-control-access-aws-waf.html
 *   names REST APIs only); throttling is the stage's.
 */
export class WebSocketPath extends Construct {
  readonly api: apigwv2.WebSocketApi
  readonly stage: apigwv2.WebSocketStage
  readonly function: StreamingProxy

  constructor(scope: Construct, id: string, props: WebSocketPathProps) {
    super(scope, id)
    this.function = new StreamingProxy(this, 'Function', {
      entry: props.entry,
      depsLockFilePath: props.depsLockFilePath,
      runtime: props.runtime,
      agentQualifier: props.agentQualifier,
      heartbeatMs: props.heartbeatMs,
      maxPromptChars: props.maxPromptChars,
      logRetention: props.logRetention,
      purpose: 'the WebSocket API: invoke and stop sessions of one AgentCore runtime, post answers to its connections',
    })
    const fn = this.function.function
    fn.addEnvironment('WS_FLUSH_BYTES', String(props.flushBytes ?? DEFAULT_FLUSH_BYTES))
    fn.addEnvironment('WS_FLUSH_MS', String(props.flushMs ?? DEFAULT_FLUSH_MS))

    // One integration for every route: API Gateway waits up to 29 s (the most it allows) for each.
    const integration = new WebSocketLambdaIntegration('Integration', fn, { timeout: Duration.seconds(29) })
    this.api = new apigwv2.WebSocketApi(this, 'Api', {
      description: 'edge-agent-chat: the websocket path (the answer posted to the connection)',
      routeSelectionExpression: '$request.body.action',
      connectRouteOptions: { integration, authorizer: new WebSocketIamAuthorizer() },
      disconnectRouteOptions: { integration },
    })
    const messageRoutes = [this.api.addRoute('invoke', { integration }), this.api.addRoute('cancel', { integration }), this.api.node.findChild('$disconnect-Route')]
    for (const route of messageRoutes) {
      acknowledgeNag(
        route,
        'AwsSolutions-APIG4',
        'In a WebSocket API only the $connect route takes an authorizer; every later message and the disconnect travel on the ' +
          'connection that $connect authorized with IAM (AWS docs: apigateway/latest/developerguide/apigateway-websocket-api-route-keys-connect-disconnect.html).',
      )
    }

    const accessLogGroup = props.accessLogs
      ? new logs.LogGroup(this, 'AccessLogs', { retention: props.logRetention, removalPolicy: RemovalPolicy.DESTROY })
      : undefined
    this.stage = new apigwv2.WebSocketStage(this, 'Stage', {
      webSocketApi: this.api,
      stageName: props.stageName,
      autoDeploy: true,
      throttle: props.throttle,
      accessLogSettings: accessLogGroup && {
        destination: new apigwv2.LogGroupLogDestination(accessLogGroup),
        // One JSON object per event; ids and statuses, never the messages (prompts and answers are the users').
        format: AccessLogFormat.custom(
          JSON.stringify({
            requestId: '$context.requestId',
            connectionId: '$context.connectionId',
            routeKey: '$context.routeKey',
            eventType: '$context.eventType',
            status: '$context.status',
            caller: '$context.identity.userArn',
            integrationStatus: '$context.integration.status',
            integrationLatencyMs: '$context.integration.latency',
            error: '$context.error.message',
          }),
        ),
      },
    })
    if (!accessLogGroup) {
      acknowledgeNag(
        this.stage,
        'AwsSolutions-APIG1',
        'WebSocket API access logs need the account-level API Gateway CloudWatch role (AWS docs: apigateway/latest/developerguide/' +
          'websocket-api-logging.html); the stack creates that role with the REST path\'s logging (context apiAccessLogs with paths including rest), ' +
          'and leaves the account alone otherwise.',
      )
    }

    // The function posts to this stage's connections and nothing else.
    this.stage.grantManagementApiAccess(fn)
    acknowledgeNag(
      this.function,
      `AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:execute-api:<AWS::Region>:<AWS::AccountId>:<${Stack.of(this).getLogicalId(this.api.node.defaultChild as apigwv2.CfnApi)}>/${props.stageName}/*/@connections/*]`,
      'PostToConnection names the connection in the resource (…/@connections/{connectionId}); connections are made at run time, so ' +
        "the function may manage this stage's connections, any of them, and nothing else (AWS docs: apigateway/latest/developerguide/" +
        'apigateway-websocket-control-access-iam.html).',
    )
    // The Worker may open a connection ($connect on this stage) and nothing else.
    iam.Grant.addToPrincipal({
      grantee: props.worker,
      actions: ['execute-api:Invoke'],
      resourceArns: [this.api.arnForExecuteApiV2('$connect', props.stageName)],
    })
  }

  /** `wss://{api-id}.execute-api.{region}.amazonaws.com/{stage}`: the Worker's UPSTREAM_URL. */
  get url(): string {
    return this.stage.url
  }
}
