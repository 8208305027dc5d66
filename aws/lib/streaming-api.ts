import { Aws, Duration, RemovalPolicy } from 'aws-cdk-lib'
import * as apigateway from 'aws-cdk-lib/aws-apigateway'
import * as iam from 'aws-cdk-lib/aws-iam'
import type * as lambda from 'aws-cdk-lib/aws-lambda'
import * as logs from 'aws-cdk-lib/aws-logs'
import { Construct } from 'constructs'
import { acknowledgeNag } from './nag'
import { cancelModelSchema, invokeModelSchema } from './request-models'
import { RateLimitedWebAcl } from './web-acl'

export interface StreamingApiProps {
  /** The streaming Lambda behind both routes. */
  readonly handler: lambda.IFunction
  /** The function behind POST cancel (its own reserved concurrency); default `handler`. */
  readonly cancelHandler?: lambda.IFunction
  readonly stageName: string
  readonly throttle: { readonly rateLimit: number; readonly burstLimit: number }
  readonly quota: { readonly limit: number; readonly period: apigateway.Period }
  readonly logRetention: logs.RetentionDays
  /**
   * Execution logs (errors) and JSON access logs on the stage, kept `logRetention`. API Gateway writes
   * both through the account-level CloudWatch role, which the stack then sets for the region
   * (AWS::ApiGateway::Account); false leaves that setting alone and the stage unlogged.
   */
  readonly stageLogs: boolean
  /** The protocol's prompt limit, for the invoke body's model. */
  readonly maxPromptChars: number
  /** A WAF web ACL with a per-IP rate-based rule in front of the stage; undefined: none. */
  readonly webAcl?: { readonly rateLimitPer5Min: number }
  /** The routes served; default both. The agent-in-Lambda has no cancel (./lambda-agent-path.ts). */
  readonly routes?: ReadonlyArray<(typeof ROUTES)[number]>
  /**
   * Another API's logging in this stack, when `stageLogs`: its account-level CloudWatch role and
   * setting serve this stage too (AWS::ApiGateway::Account is one per account and region).
   */
  readonly accountLogging?: ApiGatewayLogging
}

/** API Gateway's maximum integration timeout for a streamed response (15 minutes). */
export const STREAM_INTEGRATION_TIMEOUT = Duration.millis(900_000)

/** The routes, each `POST`, relative to the stage URL. */
export const ROUTES = ['invoke', 'cancel'] as const

/**
 * The public entry of the AWS side: a REST API whose routes stream the Lambda's response through
 * (`responseTransferMode: STREAM`). Each method needs IAM authorization (a SigV4 signature by a
 * principal allowed `execute-api:Invoke` on it: the Worker's user, ./worker-principal.ts) and the
 * API key (which only identifies the caller for the usage plan's throttle and quota: AWS's guidance
 * is not to rely on API keys for authorization). Bodies are validated against the protocol's models
 * before the Lambda runs.
 *
 * REGIONAL, not CDK's default EDGE: an edge-optimized endpoint closes a stream after 30 s of silence,
 * a regional one after 5 minutes (AWS docs: apigateway/latest/developerguide/response-transfer-mode.html),
 * and the caller is a Cloudflare Worker that is already at the edge.
 */
export class StreamingApi extends Construct {
  readonly api: apigateway.RestApi
  readonly apiKey: apigateway.IApiKey
  readonly usagePlan: apigateway.UsagePlan
  /** POST invoke and POST cancel: what the Worker may call. */
  readonly methods: apigateway.Method[]
  /** The stage's logging (with `stageLogs`). */
  readonly logging?: ApiGatewayLogging

  constructor(scope: Construct, id: string, props: StreamingApiProps) {
    super(scope, id)

    const accessLogGroup = props.stageLogs
      ? new logs.LogGroup(this, 'AccessLogs', { retention: props.logRetention, removalPolicy: RemovalPolicy.DESTROY })
      : undefined

    this.api = new apigateway.RestApi(this, 'Api', {
      description: 'edge-agent-chat: streams the agent answer as text/event-stream',
      endpointConfiguration: { types: [apigateway.EndpointType.REGIONAL] },
      // The account-level role is the stack's own (accountSetting below), not CDK's, which
      // carries an AWS managed policy.
      cloudWatchRole: false,
      deployOptions: {
        stageName: props.stageName,
        accessLogDestination: accessLogGroup && new apigateway.LogGroupLogDestination(accessLogGroup),
        accessLogFormat: accessLogGroup && accessLogFormat(),
        // Errors only, and never the bodies: prompts and answers are the users'.
        loggingLevel: props.stageLogs ? apigateway.MethodLoggingLevel.ERROR : apigateway.MethodLoggingLevel.OFF,
        dataTraceEnabled: false,
      },
    })
    if (props.stageLogs) {
      this.logging = new ApiGatewayLogging(this, 'Logging', { api: this.api, stageName: props.stageName, retention: props.logRetention, shared: props.accountLogging })
    } else {
      const reason =
        'The context key apiAccessLogs=false leaves the account-level API Gateway CloudWatch role alone, and without it ' +
        'API Gateway can write neither execution nor access logs (AWS docs: apigateway/latest/developerguide/set-up-logging.html).'
      acknowledgeNag(this.api.deploymentStage, 'AwsSolutions-APIG1', reason)
      acknowledgeNag(this.api.deploymentStage, 'AwsSolutions-APIG6', reason)
    }

    // RestApi adds an output of its own ("Endpoint") with a generated name; the stack publishes the
    // same URL under stable names.
    this.api.node.tryRemoveChild('Endpoint')

    const integrationOf = (handler: lambda.IFunction) =>
      new apigateway.LambdaIntegration(handler, {
        proxy: true,
        responseTransferMode: apigateway.ResponseTransferMode.STREAM,
        // CDK's default is 29 s, which would cut every longer answer.
        timeout: STREAM_INTEGRATION_TIMEOUT,
        // No console test-invoke permission: the Lambda may be invoked by the deployed stage only.
        allowTestInvoke: false,
      })
    const invokeIntegration = integrationOf(props.handler)
    const integrations = { invoke: invokeIntegration, cancel: props.cancelHandler ? integrationOf(props.cancelHandler) : invokeIntegration }
    // Parameters too: none is required today, and any a method declares later is checked.
    const validator = this.api.addRequestValidator('Validator', { validateRequestBody: true, validateRequestParameters: true })
    const models = {
      invoke: this.api.addModel('InvokeModel', { contentType: 'application/json', schema: invokeModelSchema(props.maxPromptChars) }),
      cancel: this.api.addModel('CancelModel', { contentType: 'application/json', schema: cancelModelSchema() }),
    }
    this.methods = (props.routes ?? ROUTES).map((route) => {
      const method = this.api.root.addResource(route).addMethod('POST', integrations[route], {
        apiKeyRequired: true,
        authorizationType: apigateway.AuthorizationType.IAM,
        requestValidator: validator,
        requestModels: { 'application/json': models[route] },
      })
      acknowledgeNag(
        method,
        'AwsSolutions-COG4',
        'The only caller is the Cloudflare Worker, a machine that signs its requests with SigV4 (IAM authorization on this ' +
          'method); Cognito user pool authorizers authenticate end users, whom the Worker serves itself ' +
          '(AWS docs: apigateway/latest/developerguide/permissions.html).',
      )
      return method
    })

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

    if (props.webAcl) {
      new RateLimitedWebAcl(this, 'WebAcl', { stage: this.api.deploymentStage, rateLimitPer5Min: props.webAcl.rateLimitPer5Min })
    } else {
      acknowledgeNag(
        this.api.deploymentStage,
        'AwsSolutions-APIG3',
        'No WAF web ACL by default (context wafWebAcl=false): every method needs a SigV4 signature of the Worker and the ' +
          "API key, and the usage plan throttles the key; a web ACL costs a monthly fee per ACL and rule. Set wafWebAcl=true " +
          'for a per-IP rate-based rule in front of the stage (AWS docs: apigateway/latest/developerguide/apigateway-control-access-aws-waf.html).',
      )
    }
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
      // The IAM caller (the Worker's user) of a signed request.
      caller: f.contextIdentityUserArn(),
      error: f.contextErrorMessage(),
      errorType: f.contextErrorResponseType(),
    }),
  )
}

export interface ApiGatewayLoggingProps {
  readonly api: apigateway.RestApi
  /** The stage's name as a plain string (the Stage's own `stageName` is a reference to the stage). */
  readonly stageName: string
  readonly retention: logs.RetentionDays
  /** An earlier API's logging in the stack: its account-level role and setting are reused, not made again. */
  readonly shared?: ApiGatewayLogging
}

/**
 * What API Gateway needs to log a stage: the account-level CloudWatch role (one per region: the
 * AWS::ApiGateway::Account resource), and the stage's execution log group, created here with a
 * retention before the stage exists (API Gateway would otherwise create
 * `API-Gateway-Execution-Logs_{api-id}/{stage}` itself, kept forever).
 *
 * The role has an inline policy with the write actions of AWS's managed policy
 * AmazonAPIGatewayPushToCloudWatchLogs, narrowed from `*` to this account and region's log groups.
 */
export class ApiGatewayLogging extends Construct {
  readonly role: iam.Role
  readonly account: apigateway.CfnAccount

  constructor(scope: Construct, id: string, props: ApiGatewayLoggingProps) {
    super(scope, id)
    if (props.shared) {
      this.role = props.shared.role
      this.account = props.shared.account
    } else {
      ;({ role: this.role, account: this.account } = this.accountSetting())
    }

    const stage = props.api.deploymentStage
    const executionLogs = new logs.LogGroup(this, 'ExecutionLogs', {
      logGroupName: `API-Gateway-Execution-Logs_${props.api.restApiId}/${props.stageName}`,
      retention: props.retention,
      removalPolicy: RemovalPolicy.DESTROY,
    })
    // The stage logs from its creation on: the role must be set and the group must exist by then.
    stage.node.addDependency(this.account, executionLogs)
  }

  private accountSetting(): { role: iam.Role; account: apigateway.CfnAccount } {
    const logGroups = `arn:${Aws.PARTITION}:logs:${Aws.REGION}:${Aws.ACCOUNT_ID}:log-group:*`
    const role = new iam.Role(this, 'CloudWatchRole', {
      assumedBy: new iam.ServicePrincipal('apigateway.amazonaws.com'),
      description: 'API Gateway (account-level): writes execution and access logs of REST APIs to CloudWatch Logs',
      inlinePolicies: {
        PushToCloudWatchLogs: new iam.PolicyDocument({
          statements: [
            new iam.PolicyStatement({
              actions: ['logs:CreateLogGroup', 'logs:CreateLogStream', 'logs:DescribeLogGroups', 'logs:DescribeLogStreams', 'logs:PutLogEvents'],
              resources: [logGroups],
            }),
          ],
        }),
      },
    })
    acknowledgeNag(
      role,
      'AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:logs:<AWS::Region>:<AWS::AccountId>:log-group:*]',
      "API Gateway uses one CloudWatch role per account and region for every REST API's execution and access logs " +
        '(AWS::ApiGateway::Account; AWS docs: apigateway/latest/developerguide/set-up-logging.html, whose managed policy ' +
        "AmazonAPIGatewayPushToCloudWatchLogs grants these actions on \"*\"). Narrowed to this account and region's log groups; " +
        "narrower would stop other APIs' logs in the account.",
    )
    const account = new apigateway.CfnAccount(this, 'Account', { cloudWatchRoleArn: role.roleArn })
    // Kept when the stack goes, as CDK keeps its own: the setting is the account's, and other APIs
    // may log through it by then.
    role.applyRemovalPolicy(RemovalPolicy.RETAIN)
    account.applyRemovalPolicy(RemovalPolicy.RETAIN)
    return { role, account }
  }
}
