/**
 * The streaming paths as CDK constructs (context `paths`, config.ts): every non-empty subset
 * synthesizes offline (no credentials, no Docker, Lambda bundling skipped), each path brings exactly
 * its resources, its outputs and the Worker user's permissions for it, and nothing else.
 */
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { App } from 'aws-cdk-lib'
import { Template } from 'aws-cdk-lib/assertions'
import { Runtime, RuntimeFamily } from 'aws-cdk-lib/aws-lambda'
import { describe, expect, it } from 'vitest'
import { addEdgeAgentChat } from './app'
import { pathSubsets } from './combinations'
import { ConfigError, DEPLOYABLE_PATHS, readConfig, type DeployablePath } from './config'
import { LAMBDA_AGENT_MODEL_ACTIONS } from './lambda-agent-path'
import { PROJECT_PATHS } from './paths'

const cdkJson = JSON.parse(readFileSync(join(PROJECT_PATHS.root, 'cdk.json'), 'utf8'))

function synth(paths?: string | readonly string[]): Template {
  const app = new App({ context: { ...cdkJson.context, 'aws:cdk:bundling-stacks': [], ...(paths === undefined ? {} : { paths }) } })
  return Template.fromStack(addEdgeAgentChat(app))
}

/** Every statement of the policies attached to the Worker's IAM user. */
function workerStatements(template: Template): Array<{ Action: string | string[]; Resource: unknown; Condition?: unknown }> {
  const users = Object.keys(template.findResources('AWS::IAM::User'))
  expect(users).toHaveLength(1)
  return Object.values(template.findResources('AWS::IAM::Policy'))
    .filter((p) => JSON.stringify(p.Properties.Users ?? []).includes(users[0]))
    .flatMap((p) => p.Properties.PolicyDocument.Statement)
}
const actionsOf = (statements: ReturnType<typeof workerStatements>) => statements.flatMap((s) => (Array.isArray(s.Action) ? s.Action : [s.Action])).sort()

/**
 * The newest Node.js runtime in aws-cdk-lib's list of the runtimes Lambda offers (Runtime's static
 * members; NODEJS_LATEST aside, a moving alias). A newer aws-cdk-lib that lists a newer one fails the
 * test below until the functions move to it.
 */
function newestNodeRuntime(): string {
  const versions = Object.values(Runtime)
    .filter((r): r is Runtime => r instanceof Runtime && r.family === RuntimeFamily.NODEJS && !r.isVariable)
    .map((r) => /^nodejs(\d+)\.x$/.exec(r.name))
    .filter((m) => m !== null)
    .map((m) => Number(m[1]))
  return `nodejs${Math.max(...versions)}.x`
}

describe('streaming paths in the CDK app', () => {
  it('runs every function of every path on the newest Node.js runtime Lambda offers (per aws-cdk-lib)', () => {
    const t = synth(DEPLOYABLE_PATHS.join(','))
    const runtimes = Object.values(t.findResources('AWS::Lambda::Function')).map((f) => f.Properties.Runtime)
    // The proxy, the cancel function, the WebSocket function, the agent-in-Lambda.
    expect(runtimes).toHaveLength(4)
    expect(new Set(runtimes)).toEqual(new Set([newestNodeRuntime()]))
  })

  it('defaults to the REST API alone', () => {
    const t = synth()
    t.resourceCountIs('AWS::ApiGateway::RestApi', 1)
    t.resourceCountIs('AWS::Lambda::Url', 0)
    expect(actionsOf(workerStatements(t))).toEqual(['execute-api:Invoke'])
    expect(Object.keys(t.findOutputs('*'))).not.toContain('LambdaFunctionName')
  })

  it('function-url: a RESPONSE_STREAM, AWS_IAM Function URL on the proxy; the Worker may call that URL only', () => {
    const t = synth('function-url')
    t.resourceCountIs('AWS::ApiGateway::RestApi', 0)
    const urls = Object.values(t.findResources('AWS::Lambda::Url'))
    expect(urls).toHaveLength(1)
    expect(urls[0].Properties).toMatchObject({ AuthType: 'AWS_IAM', InvokeMode: 'RESPONSE_STREAM' })
    expect(urls[0].Properties.Cors).toBeUndefined()
    // Both actions Function URLs check, each bound to the URL by its condition: the Worker cannot
    // invoke the function any other way (CDK's FunctionUrl.grantInvokeUrl).
    expect(workerStatements(t)).toEqual([
      { Action: 'lambda:InvokeFunctionUrl', Condition: { StringEquals: { 'lambda:FunctionUrlAuthType': 'AWS_IAM' } }, Effect: 'Allow', Resource: urls[0].Properties.TargetFunctionArn },
      { Action: 'lambda:InvokeFunction', Condition: { Bool: { 'lambda:InvokedViaFunctionUrl': true } }, Effect: 'Allow', Resource: urls[0].Properties.TargetFunctionArn },
    ])
    expect(t.findOutputs('FunctionUrlUpstreamUrl')).toBeDefined()
    expect(JSON.stringify(t.findOutputs('FunctionUrlUpstreamUrl'))).toContain('invoke')
  })

  it('invoke-stream: only lambda:InvokeFunction on the unqualified ARNs (no versions or aliases) of the proxy and of the cancel function, whose concurrency is reserved; both names as outputs', () => {
    const t = synth(['invoke-stream'])
    t.resourceCountIs('AWS::ApiGateway::RestApi', 0)
    t.resourceCountIs('AWS::Lambda::Url', 0)
    const functions = Object.entries(t.findResources('AWS::Lambda::Function'))
    const cancel = functions.filter(([, f]) => f.Properties.ReservedConcurrentExecutions !== undefined).map(([id]) => id)
    const proxy = functions.filter(([, f]) => f.Properties.ReservedConcurrentExecutions === undefined && f.Properties.Handler === functions[0][1].Properties.Handler).map(([id]) => id)
    expect([cancel.length, proxy.length]).toEqual([1, 1])
    const statements = workerStatements(t)
    expect(statements).toHaveLength(1)
    expect(statements[0]).toMatchObject({ Action: 'lambda:InvokeFunction', Effect: 'Allow' })
    // A cancel never needs a free environment of the function whose answer it stops (issue 11).
    expect(statements[0].Resource).toHaveLength(2)
    expect(statements[0].Resource).toEqual(expect.arrayContaining([{ 'Fn::GetAtt': [proxy[0], 'Arn'] }, { 'Fn::GetAtt': [cancel[0], 'Arn'] }]))
    expect(JSON.stringify(statements[0].Resource)).not.toContain(':*')
    expect(t.findOutputs('LambdaFunctionName').LambdaFunctionName.Value).toEqual({ Ref: proxy[0] })
    expect(t.findOutputs('LambdaCancelFunctionName').LambdaCancelFunctionName.Value).toEqual({ Ref: cancel[0] })
  })

  it('lambda-agent: the agent in a streaming Lambda behind a REST API of its own (POST invoke only), no AgentCore, one model, streaming only', () => {
    const t = synth('lambda-agent')
    t.resourceCountIs('AWS::BedrockAgentCore::Runtime', 0)
    t.resourceCountIs('AWS::ApiGateway::RestApi', 1)
    expect(Object.values(t.findResources('AWS::ApiGateway::Resource')).map((r) => r.Properties.PathPart)).toEqual(['invoke'])
    const [method] = Object.values(t.findResources('AWS::ApiGateway::Method'))
    expect(method.Properties).toMatchObject({ HttpMethod: 'POST', AuthorizationType: 'AWS_IAM', ApiKeyRequired: true })
    expect(method.Properties.Integration).toMatchObject({ ResponseTransferMode: 'STREAM', TimeoutInMillis: 900_000 })
    expect(JSON.stringify(method.Properties.Integration.Uri)).toContain('response-streaming-invocations')
    // The function: Node 24 on arm64, 15 minutes, the agent's model settings; no AgentCore variables.
    const fns = Object.values(t.findResources('AWS::Lambda::Function'))
    expect(fns).toHaveLength(1)
    expect(fns[0].Properties).toMatchObject({ Runtime: 'nodejs24.x', Architectures: ['arm64'], Timeout: 900 })
    expect(Object.keys(fns[0].Properties.Environment.Variables).sort()).toEqual(['AGENT_MAX_PROMPT_CHARS', 'AGENT_MODEL_ID', 'HEARTBEAT_MS'])
    const { modelId } = readConfig({ tryGetContext: (k: string) => cdkJson.context[k] })
    expect(fns[0].Properties.Environment.Variables.AGENT_MODEL_ID).toBe(modelId)
    // Its role: logs of its own group, and InvokeModelWithResponseStream on the configured model only.
    const roleStatements = Object.values(t.findResources('AWS::IAM::Policy'))
      .filter((p) => JSON.stringify(p.Properties.Roles ?? []).includes('LambdaAgentPathRole'))
      .flatMap((p) => p.Properties.PolicyDocument.Statement as Array<{ Sid?: string; Action: string | string[]; Resource: unknown }>)
    const bedrock = roleStatements.filter((s) => JSON.stringify(s.Action).includes('bedrock'))
    expect(bedrock).toHaveLength(1)
    expect(bedrock[0].Action).toEqual(LAMBDA_AGENT_MODEL_ACTIONS[0])
    const resources = JSON.stringify(bedrock[0].Resource)
    const model = modelId.replace(/^(us|eu|apac|global)\./, '')
    expect(resources).toContain(`inference-profile/${modelId}`)
    expect(resources).toContain(`foundation-model/${model}`)
    expect(roleStatements.flatMap((s) => [s.Action].flat()).some((a) => a.startsWith('bedrock-agentcore:'))).toBe(false)
    // The Worker may call that one method.
    expect(actionsOf(workerStatements(t))).toEqual(['execute-api:Invoke'])
    expect(Object.keys(t.findOutputs('*')).sort()).toEqual(['LambdaAgentApiKeyId', 'LambdaAgentUpstreamUrl', 'WorkerUserName'])
  })

  it('rest and lambda-agent together: two APIs, one account-level logging setting', () => {
    const t = synth('rest,lambda-agent')
    t.resourceCountIs('AWS::ApiGateway::RestApi', 2)
    t.resourceCountIs('AWS::ApiGateway::Account', 1)
    t.resourceCountIs('AWS::BedrockAgentCore::Runtime', 1)
  })

  it('synthesizes every subset of the paths offline, each with exactly its resources and permissions', () => {
    const combos = pathSubsets()
    expect(combos).toHaveLength(2 ** DEPLOYABLE_PATHS.length - 1)
    for (const paths of combos) {
      const t = synth(paths.join(','))
      const has = (p: DeployablePath) => paths.includes(p)
      t.resourceCountIs('AWS::ApiGateway::RestApi', (has('rest') ? 1 : 0) + (has('lambda-agent') ? 1 : 0))
      t.resourceCountIs('AWS::Lambda::Url', has('function-url') ? 1 : 0)
      // AgentCore only behind the paths that use it.
      t.resourceCountIs('AWS::BedrockAgentCore::Runtime', paths.some((p) => p !== 'lambda-agent') ? 1 : 0)
      const statements = workerStatements(t)
      const expected = [
        // One execute-api:Invoke statement for every API's methods (CDK merges the grants): rest's POST
        // invoke and cancel, lambda-agent's POST invoke, websocket's $connect.
        ...(has('rest') || has('lambda-agent') || has('websocket') ? ['execute-api:Invoke'] : []),
        ...(has('function-url') ? ['lambda:InvokeFunctionUrl', 'lambda:InvokeFunction'] : []),
        ...(has('invoke-stream') ? ['lambda:InvokeFunction'] : []),
      ].sort()
      expect(actionsOf(statements), paths.join(',')).toEqual(expected)
      const methods = statements.filter((s) => s.Action === 'execute-api:Invoke').flatMap((s) => [s.Resource].flat())
      expect(methods, paths.join(',')).toHaveLength((has('rest') ? 2 : 0) + (has('lambda-agent') ? 1 : 0) + (has('websocket') ? 1 : 0))
      // An unconditioned lambda:InvokeFunction only with invoke-stream.
      expect(statements.some((s) => s.Action === 'lambda:InvokeFunction' && !('Condition' in s)), paths.join(',')).toBe(has('invoke-stream'))
    }
  })

  it('reads `paths` from -c (comma-separated) or cdk.json (a list), and refuses unknown or not-yet-deployable paths', () => {
    const ctx = (paths: unknown) => ({ tryGetContext: (k: string) => (k === 'paths' ? paths : undefined) })
    expect(readConfig(ctx('function-url, rest')).paths).toEqual(['rest', 'function-url'])
    expect(readConfig(ctx(['invoke-stream'])).paths).toEqual(['invoke-stream'])
    expect(readConfig(ctx('')).paths).toEqual(['rest'])
    for (const bad of ['carrier-pigeon', []]) {
      expect(() => readConfig(ctx(bad))).toThrow(ConfigError)
    }
    expect(() => readConfig(ctx('carrier-pigeon'))).toThrow(/paths/)
  })
})
