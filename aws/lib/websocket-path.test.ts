/**
 * The websocket path as a CDK construct (`-c paths=websocket`, alone or with others): the WebSocket
 * API, its routes and IAM authorizer, the function and its permissions, the Worker's single grant,
 * the output; and cdk-nag's AwsSolutions pack finds nothing unacknowledged (as aws/lib/nag.test.ts
 * checks the default stack).
 */
import { mkdtempSync, readFileSync, rmSync, existsSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { App, Validations } from 'aws-cdk-lib'
import { Match, Template } from 'aws-cdk-lib/assertions'
import { AwsSolutionsChecks } from 'cdk-nag'
import { afterAll, describe, expect, it } from 'vitest'
import { addEdgeAgentChat } from './app'
import { PROJECT_PATHS } from './paths'

const cdkJson = JSON.parse(readFileSync(join(PROJECT_PATHS.root, 'cdk.json'), 'utf8'))
const outdirs: string[] = []
afterAll(() => {
  for (const dir of outdirs) rmSync(dir, { recursive: true, force: true })
})

function synth(context: Record<string, unknown>, nag = false): { template: Template; violations: string[] } {
  const outdir = mkdtempSync(join(tmpdir(), 'edge-agent-chat-ws-'))
  outdirs.push(outdir)
  // No Lambda bundling: the template is what is checked, not the code.
  const app = new App({ outdir, context: { ...cdkJson.context, 'aws:cdk:bundling-stacks': [], ...context } })
  const stack = addEdgeAgentChat(app)
  if (nag) Validations.of(app).addPlugins(new AwsSolutionsChecks(app))
  let failure: unknown
  try {
    app.synth()
  } catch (err) {
    failure = err
  }
  const report = join(outdir, 'validation-report.json')
  let violations: string[] = []
  if (existsSync(report)) {
    const parsed = JSON.parse(readFileSync(report, 'utf8')) as { pluginReports: Array<{ violations: Array<{ ruleName: string; violatingConstructs: Array<{ constructPath: string }> }> }> }
    violations = parsed.pluginReports.flatMap((r) => r.violations).map((v) => `${v.ruleName} at ${v.violatingConstructs.map((c) => c.constructPath).join(', ')}`)
  } else if (failure) throw failure
  return { template: Template.fromStack(stack), violations }
}

describe('websocket path (CDK)', () => {
  const { template: t } = synth({ paths: 'websocket' })

  it('a WebSocket API routed by $request.body.action, with $connect, $disconnect, invoke and cancel on one Lambda proxy integration (29 s)', () => {
    t.resourceCountIs('AWS::ApiGateway::RestApi', 0)
    t.resourceCountIs('AWS::ApiGatewayV2::Api', 1)
    t.hasResourceProperties('AWS::ApiGatewayV2::Api', { ProtocolType: 'WEBSOCKET', RouteSelectionExpression: '$request.body.action' })
    const routes = Object.values(t.findResources('AWS::ApiGatewayV2::Route')).map((r) => r.Properties)
    expect(routes.map((r) => r.RouteKey).sort()).toEqual(['$connect', '$disconnect', 'cancel', 'invoke'])
    // IAM authorization on $connect only (only $connect takes an authorizer in a WebSocket API).
    expect(routes.find((r) => r.RouteKey === '$connect')!.AuthorizationType).toBe('AWS_IAM')
    for (const r of routes.filter((r) => r.RouteKey !== '$connect')) expect(r.AuthorizationType ?? 'NONE').toBe('NONE')
    const integrations = Object.values(t.findResources('AWS::ApiGatewayV2::Integration')).map((r) => r.Properties)
    expect(integrations).toHaveLength(1)
    expect(integrations[0]).toMatchObject({ IntegrationType: 'AWS_PROXY', TimeoutInMillis: 29000 })
  })

  it('a stage with throttling, deployed automatically', () => {
    t.hasResourceProperties('AWS::ApiGatewayV2::Stage', { StageName: 'v1', AutoDeploy: true, DefaultRouteSettings: { ThrottlingRateLimit: 10, ThrottlingBurstLimit: 20 } })
  })

  it('the function: the WebSocket handler, coalescing settings, may manage this stage’s @connections and invoke/stop its AgentCore runtime only', () => {
    const fns = Object.values(t.findResources('AWS::Lambda::Function')).filter((f) => JSON.stringify(f.Properties.Environment ?? {}).includes('WS_FLUSH_BYTES'))
    expect(fns).toHaveLength(1)
    expect(fns[0]!.Properties.Environment.Variables).toMatchObject({ WS_FLUSH_BYTES: '8192', WS_FLUSH_MS: '50' })
    expect(fns[0]!.Properties.Environment.Variables.WEBSOCKET_MANAGEMENT_ENDPOINT).toBeUndefined()
    const statements = Object.values(t.findResources('AWS::IAM::Policy')).flatMap((p) => p.Properties.PolicyDocument.Statement)
    const manage = statements.filter((s) => JSON.stringify(s.Action).includes('execute-api:ManageConnections'))
    expect(manage).toHaveLength(1)
    expect(JSON.stringify(manage[0].Resource)).toMatch(/\/v1\/\*\/@connections\/\*"\]\]\}$/)
    expect(statements.some((s) => JSON.stringify(s.Action).includes('bedrock-agentcore:InvokeAgentRuntime'))).toBe(true)
  })

  it('the Worker’s user may execute-api:Invoke the $connect route of this stage, nothing else', () => {
    const users = Object.keys(t.findResources('AWS::IAM::User'))
    const workerStatements = Object.values(t.findResources('AWS::IAM::Policy'))
      .filter((p) => JSON.stringify(p.Properties.Users ?? []).includes(users[0]!))
      .flatMap((p) => p.Properties.PolicyDocument.Statement)
    expect(workerStatements).toHaveLength(1)
    expect(workerStatements[0]).toMatchObject({ Action: 'execute-api:Invoke', Effect: 'Allow' })
    expect(JSON.stringify(workerStatements[0].Resource)).toMatch(/\/v1\/\$connect"\]\]\}$/)
  })

  it('outputs the wss:// stage URL as WebSocketUpstreamUrl', () => {
    const out = t.findOutputs('WebSocketUpstreamUrl')
    expect(JSON.stringify(out)).toContain('wss://')
    expect(Object.keys(t.findOutputs('*'))).not.toContain('UpstreamUrl')
  })

  it('cdk-nag AwsSolutions finds nothing unacknowledged: websocket alone, and with rest (access logs on)', () => {
    expect(synth({ paths: 'websocket' }, true).violations).toEqual([])
    const both = synth({ paths: 'rest,websocket' }, true)
    expect(both.violations).toEqual([])
    both.template.hasResourceProperties('AWS::ApiGatewayV2::Stage', { AccessLogSettings: { DestinationArn: Match.anyValue() } })
  })
})
