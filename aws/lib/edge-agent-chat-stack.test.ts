import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { builtinModules } from 'node:module'
import { join } from 'node:path'
import { App } from 'aws-cdk-lib'
import { Match, Template } from 'aws-cdk-lib/assertions'
import { build } from 'esbuild'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { LAMBDA_HANDLER, lambdaBuildOptions } from '../lambda/bundle-options'
import { addEdgeAgentChat } from './app'
import { DEFAULT_MODEL_ID } from './config'
import { PROJECT_PATHS } from './paths'

// The stack as `cdk synth` builds it: the same entry point, with cdk.json's context (feature flags).
const cdkJson = JSON.parse(readFileSync(join(PROJECT_PATHS.root, 'cdk.json'), 'utf8'))

interface Synthesized {
  template: Template
  assemblyDir: string
  assets: {
    files: Record<string, { source: { path: string } }>
    dockerImages: Record<string, { source: { directory: string; platform?: string } }>
  }
}

// Each synth writes a cloud assembly (with the staged agent source and the Lambda bundle): into a
// temporary directory that the tests remove.
const outdirs: string[] = []
afterAll(() => {
  for (const dir of outdirs) rmSync(dir, { recursive: true, force: true })
})

function synthesize(context: Record<string, unknown> = {}): Synthesized {
  const outdir = mkdtempSync(join(tmpdir(), 'edge-agent-chat-cdk-'))
  outdirs.push(outdir)
  const app = new App({ outdir, context: { ...cdkJson.context, ...context } })
  const stack = addEdgeAgentChat(app)
  const template = Template.fromStack(stack)
  const assemblyDir = app.synth().directory
  const assets = JSON.parse(readFileSync(join(assemblyDir, `${stack.artifactId}.assets.json`), 'utf8'))
  return { template, assemblyDir, assets }
}

type Resource = { Type: string; Properties: Record<string, any>; DependsOn?: string[] }

const only = (template: Template, type: string): [string, Resource] => {
  const found = Object.entries(template.findResources(type)) as [string, Resource][]
  expect(found, type).toHaveLength(1)
  return found[0]
}

/** Statements of every IAM policy, or of those attached to the role with this logical id. */
const statementsOf = (template: Template, roleId?: string): any[] =>
  Object.values(template.findResources('AWS::IAM::Policy'))
    .filter((p) => roleId === undefined || JSON.stringify(p.Properties.Roles) === JSON.stringify([{ Ref: roleId }]))
    .flatMap((p) => p.Properties.PolicyDocument.Statement)

/** The statements that grant a Bedrock (model) action. */
const bedrockStatements = (statements: any[]): any[] => statements.filter((st) => asList(st.Action).some((a: string) => a.startsWith('bedrock:')))

/**
 * What a bundle still imports from outside itself, Node built-ins aside. esbuild reads the import
 * statements (a text search would also find module names quoted in the SDK's error messages).
 */
async function externalImportsOf(file: string): Promise<string[]> {
  const result = await build({
    entryPoints: [file],
    bundle: true,
    write: false,
    metafile: true,
    platform: 'node',
    format: 'esm',
    packages: 'external',
    logLevel: 'silent',
  })
  const imports = Object.values(result.metafile.inputs).flatMap((input) => input.imports)
  return imports
    .filter((i) => i.external && !builtinModules.includes(i.path.replace(/^node:/, '')))
    .map((i) => i.path)
}

const asList = <T>(value: T | T[]): T[] => (Array.isArray(value) ? value : [value])

describe('EdgeAgentChat stack (defaults)', () => {
  let s: Synthesized
  let runtimeId: string
  let functionId: string
  let fn: Resource['Properties']
  let cancelFunctionId: string
  let cancelFn: Resource['Properties']
  let apiId: string

  beforeAll(() => {
    s = synthesize()
    runtimeId = only(s.template, 'AWS::BedrockAgentCore::Runtime')[0]
    // Two functions of the same code: the invoke function, and the cancel function with reserved concurrency.
    const functions = Object.entries(s.template.findResources('AWS::Lambda::Function')) as [string, Resource][]
    expect(functions).toHaveLength(2)
    const lambda = functions.find(([, f]) => f.Properties.ReservedConcurrentExecutions === undefined)!
    const cancel = functions.find(([, f]) => f.Properties.ReservedConcurrentExecutions !== undefined)!
    functionId = lambda[0]
    fn = lambda[1].Properties
    cancelFunctionId = cancel[0]
    cancelFn = cancel[1].Properties
    apiId = only(s.template, 'AWS::ApiGateway::RestApi')[0]
  })

  describe('AgentCore Runtime', () => {
    it('runs the agent image on the public network over HTTP with the model id in its environment', () => {
      s.template.hasResourceProperties('AWS::BedrockAgentCore::Runtime', {
        NetworkConfiguration: { NetworkMode: 'PUBLIC' },
        ProtocolConfiguration: 'HTTP',
        EnvironmentVariables: { AGENT_MODEL_ID: DEFAULT_MODEL_ID, AGENT_MAX_PROMPT_CHARS: '16000' },
        AgentRuntimeArtifact: {
          ContainerConfiguration: { ContainerUri: { 'Fn::Sub': Match.stringLikeRegexp('container-assets') } },
        },
      })
      const env = only(s.template, 'AWS::BedrockAgentCore::Runtime')[1].Properties.EnvironmentVariables
      expect(env).not.toHaveProperty('AGENT_SYSTEM_PROMPT')
    })

    it('builds the image from the agent Dockerfile for linux/arm64', () => {
      const images = Object.values(s.assets.dockerImages)
      expect(images).toHaveLength(1)
      expect(images[0].source.platform).toBe('linux/arm64')
      const staged = join(s.assemblyDir, images[0].source.directory, 'Dockerfile')
      expect(readFileSync(staged, 'utf8')).toBe(readFileSync(join(PROJECT_PATHS.agentDirectory, 'Dockerfile'), 'utf8'))
    })

    it('may invoke the configured model only (Converse and ConverseStream actions)', () => {
      const roleArn = only(s.template, 'AWS::BedrockAgentCore::Runtime')[1].Properties.RoleArn
      const bedrock = bedrockStatements(statementsOf(s.template, roleArn['Fn::GetAtt'][0]))
      expect(bedrock).toHaveLength(1)
      expect(asList(bedrock[0].Action).sort()).toEqual(['bedrock:InvokeModel', 'bedrock:InvokeModelWithResponseStream'])
      const resources = JSON.stringify(bedrock[0].Resource)
      expect(resources).toContain(`:inference-profile/${DEFAULT_MODEL_ID}`)
      expect(resources).toContain(':bedrock:*::foundation-model/anthropic.claude-haiku-4-5-20251001-v1:0')
      expect(asList(bedrock[0].Resource)).toHaveLength(2)
    })
  })

  describe('Lambda proxy', () => {
    it('is an arm64 function on the newest Node.js runtime (nodejs24.x) with a 15 minute timeout and the runtime wiring in its env', () => {
      expect(fn.Runtime).toBe('nodejs24.x')
      expect(fn.Architectures).toEqual(['arm64'])
      expect(fn.Timeout).toBe(900)
      expect(fn.Handler).toBe(LAMBDA_HANDLER)
      expect(fn.Environment.Variables).toEqual({
        AGENT_RUNTIME_ARN: { 'Fn::GetAtt': [runtimeId, 'AgentRuntimeArn'] },
        AGENT_QUALIFIER: 'DEFAULT',
        HEARTBEAT_MS: '15000',
        MAX_PROMPT_CHARS: '16000',
      })
    })

    it('ships one minified ESM bundle that includes the AgentCore client', async () => {
      const key: string = fn.Code.S3Key
      const asset = s.assets.files[key.replace(/\.zip$/, '')]
      const dir = join(s.assemblyDir, asset.source.path)
      expect(existsSync(join(dir, 'index.mjs'))).toBe(true)
      const code = readFileSync(join(dir, 'index.mjs'), 'utf8')
      // The banner that gives bundled CommonJS modules a require() in ESM.
      expect(code.startsWith(lambdaBuildOptions.banner.js)).toBe(true)
      // Bundled, not left to the Lambda runtime's SDK copy.
      expect(code).toContain('InvokeAgentRuntime')
      expect(await externalImportsOf(join(dir, 'index.mjs'))).toEqual([])
      // Minified: a readable build averages well under 100 characters a line.
      expect(code.length / code.split('\n').length).toBeGreaterThan(500)
    })

    it('may invoke and stop sessions of this runtime (ARN and ARN/*) and write its own logs, nothing else', () => {
      const roleId = fn.Role['Fn::GetAtt'][0]
      const role = s.template.findResources('AWS::IAM::Role')[roleId].Properties
      expect(role.ManagedPolicyArns).toBeUndefined()
      const statements = statementsOf(s.template, roleId)
      expect(statements).toHaveLength(2)
      const runtimeArn = { 'Fn::GetAtt': [runtimeId, 'AgentRuntimeArn'] }
      expect(statements).toContainEqual(
        expect.objectContaining({
          Effect: 'Allow',
          Action: ['bedrock-agentcore:InvokeAgentRuntime', 'bedrock-agentcore:InvokeAgentRuntimeForUser', 'bedrock-agentcore:StopRuntimeSession'],
          Resource: [runtimeArn, { 'Fn::Join': ['', [runtimeArn, '/*']] }],
        }),
      )
      const logGroupId = fn.LoggingConfig.LogGroup.Ref
      expect(statements).toContainEqual(
        expect.objectContaining({
          Effect: 'Allow',
          Action: ['logs:CreateLogStream', 'logs:PutLogEvents'],
          Resource: { 'Fn::GetAtt': [logGroupId, 'Arn'] },
        }),
      )
    })
  })

  describe('REST API', () => {
    it('is REGIONAL (edge-optimized closes idle streams after 30 s)', () => {
      s.template.hasResourceProperties('AWS::ApiGateway::RestApi', { EndpointConfiguration: { Types: ['REGIONAL'] } })
    })

    it.each(['invoke', 'cancel'])('POST /%s streams the Lambda through a 900 000 ms proxy integration, API key required', (route) => {
      const [resourceId] = Object.entries(s.template.findResources('AWS::ApiGateway::Resource')).find(
        ([, r]) => r.Properties.PathPart === route,
      )!
      const methods = Object.values(s.template.findResources('AWS::ApiGateway::Method')).filter(
        (m) => m.Properties.ResourceId.Ref === resourceId,
      )
      expect(methods).toHaveLength(1)
      const method = methods[0].Properties
      expect(method.HttpMethod).toBe('POST')
      expect(method.ApiKeyRequired).toBe(true)
      expect(method.Integration).toMatchObject({
        Type: 'AWS_PROXY',
        IntegrationHttpMethod: 'POST',
        ResponseTransferMode: 'STREAM',
        TimeoutInMillis: 900_000,
      })
      expect(method.Integration.Uri).toEqual({
        'Fn::Join': [
          '',
          [
            'arn:',
            { Ref: 'AWS::Partition' },
            ':apigateway:',
            { Ref: 'AWS::Region' },
            ':lambda:path/2021-11-15/functions/',
            { 'Fn::GetAtt': [route === 'invoke' ? functionId : cancelFunctionId, 'Arn'] },
            '/response-streaming-invocations',
          ],
        ],
      })
    })

    it.each(['invoke', 'cancel'])('POST /%s needs IAM authorization and a body that passes its model', (route) => {
      const [resourceId] = Object.entries(s.template.findResources('AWS::ApiGateway::Resource')).find(([, r]) => r.Properties.PathPart === route)!
      const method = Object.values(s.template.findResources('AWS::ApiGateway::Method')).find((m) => m.Properties.ResourceId.Ref === resourceId)!.Properties
      expect(method.AuthorizationType).toBe('AWS_IAM')
      const [validatorId, validator] = only(s.template, 'AWS::ApiGateway::RequestValidator')
      expect(validator.Properties).toMatchObject({ ValidateRequestBody: true, ValidateRequestParameters: true })
      expect(method.RequestValidatorId).toEqual({ Ref: validatorId })
      const modelId = method.RequestModels['application/json'].Ref
      const model = s.template.toJSON().Resources[modelId].Properties
      expect(model.ContentType).toBe('application/json')
      expect(model.Schema.required).toEqual(route === 'invoke' ? ['prompt'] : ['sessionId'])
      if (route === 'invoke') expect(model.Schema.properties.prompt.maxLength).toBe(16_000)
    })

    it('has no other methods', () => {
      const methods = Object.values(s.template.findResources('AWS::ApiGateway::Method'))
      expect(methods.map((m) => m.Properties.HttpMethod)).toEqual(['POST', 'POST'])
    })

    it('lets API Gateway invoke each function from the deployed stage only', () => {
      const permissions = Object.values(s.template.findResources('AWS::Lambda::Permission'))
      expect(permissions).toHaveLength(2)
      expect(permissions.map((p) => p.Properties.FunctionName['Fn::GetAtt'][0]).sort()).toEqual([functionId, cancelFunctionId].sort())
      for (const p of permissions) {
        expect(p.Properties).toMatchObject({ Action: 'lambda:InvokeFunction', Principal: 'apigateway.amazonaws.com' })
        expect(JSON.stringify(p.Properties.SourceArn)).not.toContain('test-invoke-stage')
      }
    })

    it('runs POST cancel on its own function: the same code, reserved concurrency, a short timeout', () => {
      // With every environment of the invoke function busy, a cancel still has one of its own.
      expect(cancelFn.ReservedConcurrentExecutions).toBe(2)
      expect(cancelFn.Timeout).toBe(30)
      expect(fn.ReservedConcurrentExecutions).toBeUndefined()
      expect(cancelFn.Code.S3Key).toBe(fn.Code.S3Key)
      expect([cancelFn.Handler, cancelFn.Runtime, cancelFn.Environment]).toEqual([fn.Handler, fn.Runtime, fn.Environment])
      expect(cancelFn.Role).not.toEqual(fn.Role)
    })

    it('attaches the usage plan (throttle, quota) to the stage and the API key to the plan', () => {
      const [stageId, stage] = only(s.template, 'AWS::ApiGateway::Stage')
      expect(stage.Properties.StageName).toBe('v1')
      const [planId, plan] = only(s.template, 'AWS::ApiGateway::UsagePlan')
      expect(plan.Properties.ApiStages).toEqual([expect.objectContaining({ ApiId: { Ref: apiId }, Stage: { Ref: stageId } })])
      expect(plan.Properties.Throttle).toEqual({ RateLimit: 10, BurstLimit: 20 })
      expect(plan.Properties.Quota).toEqual({ Limit: 10_000, Period: 'DAY' })
      const [keyId] = only(s.template, 'AWS::ApiGateway::ApiKey')
      s.template.hasResourceProperties('AWS::ApiGateway::UsagePlanKey', {
        KeyId: { Ref: keyId },
        UsagePlanId: { Ref: planId },
        KeyType: 'API_KEY',
      })
    })

    it('writes JSON access logs with the key id, never the key', () => {
      const stage = only(s.template, 'AWS::ApiGateway::Stage')[1].Properties
      const format = JSON.parse(stage.AccessLogSetting.Format)
      expect(format).toMatchObject({ status: '$context.status', apiKeyId: '$context.identity.apiKeyId' })
      expect(stage.AccessLogSetting.Format).not.toContain('$context.identity.apiKey"')
      only(s.template, 'AWS::ApiGateway::Account')
    })
  })

  describe("the Worker's IAM user", () => {
    it('may invoke exactly POST invoke and POST cancel of the stage, nothing else; the stack makes no access key', () => {
      const [userId, user] = only(s.template, 'AWS::IAM::User')
      expect(user.Properties?.ManagedPolicyArns).toBeUndefined()
      const policies = Object.values(s.template.findResources('AWS::IAM::Policy')).filter((p) => JSON.stringify(p.Properties.Users) === JSON.stringify([{ Ref: userId }]))
      expect(policies).toHaveLength(1)
      const statements = policies[0].Properties.PolicyDocument.Statement
      expect(statements).toHaveLength(1)
      expect(statements[0].Action).toBe('execute-api:Invoke')
      const stageId = only(s.template, 'AWS::ApiGateway::Stage')[0]
      const arn = (route: string) => ({
        'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':execute-api:', { Ref: 'AWS::Region' }, ':', { Ref: 'AWS::AccountId' }, ':', { Ref: apiId }, '/', { Ref: stageId }, `/POST/${route}`]],
      })
      expect(asList(statements[0].Resource)).toEqual(expect.arrayContaining([arn('invoke'), arn('cancel')]))
      expect(asList(statements[0].Resource)).toHaveLength(2)
      s.template.resourceCountIs('AWS::IAM::AccessKey', 0)
      s.template.resourceCountIs('AWS::SecretsManager::Secret', 0)
      expect(s.template.findOutputs('WorkerUserName').WorkerUserName.Value).toEqual({ Ref: userId })
    })
  })

  describe('stage logs and WAF', () => {
    it('logs errors (never bodies) and JSON access lines, through an account role with an inline policy only', () => {
      const [stageId, stage] = only(s.template, 'AWS::ApiGateway::Stage')
      expect(stage.Properties.MethodSettings).toEqual([
        expect.objectContaining({ HttpMethod: '*', ResourcePath: '/*', LoggingLevel: 'ERROR', DataTraceEnabled: false }),
      ])
      const [accountId, account] = only(s.template, 'AWS::ApiGateway::Account')
      const roleId = account.Properties.CloudWatchRoleArn['Fn::GetAtt'][0]
      const role = s.template.toJSON().Resources[roleId].Properties
      expect(role.ManagedPolicyArns).toBeUndefined()
      expect(role.AssumeRolePolicyDocument.Statement[0].Principal).toEqual({ Service: 'apigateway.amazonaws.com' })
      expect(role.Policies[0].PolicyDocument.Statement[0].Action).not.toContain('logs:GetLogEvents')
      // The execution log group exists, with a retention, before the stage starts writing to it.
      const [groupId] = Object.entries(s.template.findResources('AWS::Logs::LogGroup')).find(([, g]) =>
        JSON.stringify(g.Properties.LogGroupName ?? '').includes('API-Gateway-Execution-Logs_'),
      )!
      expect(s.template.toJSON().Resources[groupId].Properties.LogGroupName).toEqual({ 'Fn::Join': ['', ['API-Gateway-Execution-Logs_', { Ref: apiId }, '/v1']] })
      expect(stage.DependsOn).toEqual(expect.arrayContaining([accountId, groupId]))
      expect(stageId).toBeDefined()
    })

    it('has no web ACL unless asked for', () => {
      s.template.resourceCountIs('AWS::WAFv2::WebACL', 0)
    })
  })

  describe('least privilege and logs', () => {
    it('attaches no FullAccess (or any admin) managed policy and grants no wildcard actions', () => {
      for (const role of Object.values(s.template.findResources('AWS::IAM::Role'))) {
        expect(JSON.stringify(role.Properties.ManagedPolicyArns ?? [])).not.toMatch(/FullAccess|AdministratorAccess|PowerUser/)
      }
      expect(Object.keys(s.template.findResources('AWS::IAM::ManagedPolicy'))).toHaveLength(0)
      for (const st of statementsOf(s.template)) {
        for (const action of asList(st.Action as string)) expect(action).not.toMatch(/(^\*$|:\*$)/)
      }
    })

    it('gives every log group a retention (the two Lambda functions, API execution and access logs, agent runtime)', () => {
      const groups = Object.entries(s.template.findResources('AWS::Logs::LogGroup'))
      expect(groups).toHaveLength(5)
      for (const [, g] of groups) expect(g.Properties.RetentionInDays).toBe(30)
      s.template.hasResourceProperties('AWS::Logs::LogGroup', {
        LogGroupName: {
          'Fn::Join': ['', ['/aws/bedrock-agentcore/runtimes/', { 'Fn::GetAtt': [runtimeId, 'AgentRuntimeId'] }, '-DEFAULT']],
        },
      })
    })
  })

  it('outputs the invoke URL, the upstream URL, the API key id, the Worker user and the runtime ARN', () => {
    const outputs = s.template.findOutputs('*')
    expect(Object.keys(outputs).sort()).toEqual(['AgentRuntimeArn', 'ApiKeyId', 'InvokeUrl', 'UpstreamUrl', 'WorkerUserName'])
    const stageId = only(s.template, 'AWS::ApiGateway::Stage')[0]
    const keyId = only(s.template, 'AWS::ApiGateway::ApiKey')[0]
    const url = (suffix: string) => ({
      'Fn::Join': [
        '',
        [
          'https://',
          { Ref: apiId },
          '.execute-api.',
          { Ref: 'AWS::Region' },
          '.',
          { Ref: 'AWS::URLSuffix' },
          '/',
          { Ref: stageId },
          suffix,
        ],
      ],
    })
    expect(outputs.InvokeUrl.Value).toEqual(url('/'))
    expect(outputs.UpstreamUrl.Value).toEqual(url('/invoke'))
    expect(outputs.ApiKeyId.Value).toEqual({ Ref: keyId })
    expect(outputs.AgentRuntimeArn.Value).toEqual({ 'Fn::GetAtt': [runtimeId, 'AgentRuntimeArn'] })
  })
})

describe('EdgeAgentChat stack (configured through context)', () => {
  let s: Synthesized

  beforeAll(() => {
    s = synthesize({
      modelId: 'amazon.nova-lite-v1:0',
      systemPrompt: 'Answer in one sentence.',
      stageName: 'prod',
      throttleRateLimit: '2',
      throttleBurstLimit: '4',
      quotaLimit: '500',
      quotaPeriod: 'MONTH',
      logRetentionDays: '7',
      apiAccessLogs: 'false',
      heartbeatMs: '5000',
      agentQualifier: 'live',
      maxPromptChars: '4000',
    })
  })

  it('passes model and system prompt to the agent and grants only that model', () => {
    s.template.hasResourceProperties('AWS::BedrockAgentCore::Runtime', {
      EnvironmentVariables: { AGENT_MODEL_ID: 'amazon.nova-lite-v1:0', AGENT_SYSTEM_PROMPT: 'Answer in one sentence.', AGENT_MAX_PROMPT_CHARS: '4000' },
    })
    const bedrock = bedrockStatements(statementsOf(s.template))
    expect(bedrock).toHaveLength(1)
    expect(bedrock[0].Resource).toEqual({
      'Fn::Join': [
        '',
        ['arn:', { Ref: 'AWS::Partition' }, ':bedrock:', { Ref: 'AWS::Region' }, '::foundation-model/amazon.nova-lite-v1:0'],
      ],
    })
  })

  it('applies stage name, throttle, quota, retention, heartbeat, qualifier and prompt limit', () => {
    s.template.hasResourceProperties('AWS::ApiGateway::Stage', { StageName: 'prod' })
    s.template.hasResourceProperties('AWS::ApiGateway::UsagePlan', {
      Throttle: { RateLimit: 2, BurstLimit: 4 },
      Quota: { Limit: 500, Period: 'MONTH' },
    })
    s.template.hasResourceProperties('AWS::Lambda::Function', {
      Environment: { Variables: Match.objectLike({ HEARTBEAT_MS: '5000', AGENT_QUALIFIER: 'live', MAX_PROMPT_CHARS: '4000' }) },
    })
    const groups = Object.values(s.template.findResources('AWS::Logs::LogGroup'))
    expect(groups).toHaveLength(3) // the two functions' and the runtime's
    for (const g of groups) expect(g.Properties.RetentionInDays).toBe(7)
  })

  it('-c cancelReservedConcurrency=0 reserves nothing for the cancel function (an account at its minimum cannot)', () => {
    const none = synthesize({ cancelReservedConcurrency: 0 })
    const functions = Object.values(none.template.findResources('AWS::Lambda::Function'))
    expect(functions).toHaveLength(2)
    for (const f of functions) expect(f.Properties.ReservedConcurrentExecutions).toBeUndefined()
  })

  it('without stage logs leaves the account-level API Gateway role alone', () => {
    s.template.resourceCountIs('AWS::ApiGateway::Account', 0)
    s.template.resourceCountIs('AWS::IAM::Role', 3) // the two functions' and the runtime's
    const stage = only(s.template, 'AWS::ApiGateway::Stage')[1].Properties
    expect(stage.AccessLogSetting).toBeUndefined()
    expect(stage.MethodSettings).toEqual([expect.objectContaining({ LoggingLevel: 'OFF' })])
  })
})

describe('EdgeAgentChat stack with the WAF web ACL (-c wafWebAcl=true)', () => {
  it('puts a REGIONAL web ACL with a per-IP rate-based rule on the stage', () => {
    const s = synthesize({ wafWebAcl: 'true', wafRateLimit: '500' })
    const [aclId, acl] = only(s.template, 'AWS::WAFv2::WebACL')
    expect(acl.Properties).toMatchObject({ Scope: 'REGIONAL', DefaultAction: { Allow: {} } })
    expect(acl.Properties.Rules).toEqual([
      expect.objectContaining({
        Action: { Block: {} },
        Statement: { RateBasedStatement: { Limit: 500, AggregateKeyType: 'IP', EvaluationWindowSec: 300 } },
      }),
    ])
    const stageId = only(s.template, 'AWS::ApiGateway::Stage')[0]
    const association = only(s.template, 'AWS::WAFv2::WebACLAssociation')[1].Properties
    expect(association.WebACLArn).toEqual({ 'Fn::GetAtt': [aclId, 'Arn'] })
    expect(JSON.stringify(association.ResourceArn)).toContain(JSON.stringify({ Ref: stageId }))
  })
})

describe('EdgeAgentChat stack (-c agent=python)', () => {
  let s: Synthesized
  let defaults: Synthesized

  beforeAll(() => {
    s = synthesize({ agent: 'python' })
    defaults = synthesize()
  })

  it("builds the runtime's image from aws/agent-python for linux/arm64, from its sources and hashed lock only", () => {
    const images = Object.values(s.assets.dockerImages)
    expect(images).toHaveLength(1)
    expect(images[0].source.platform).toBe('linux/arm64')
    const staged = join(s.assemblyDir, images[0].source.directory)
    const dockerfile = readFileSync(join(staged, 'Dockerfile'), 'utf8')
    expect(dockerfile).toBe(readFileSync(join(PROJECT_PATHS.pythonAgentDirectory, 'Dockerfile'), 'utf8'))
    expect(dockerfile).toMatch(/^FROM --platform=linux\/arm64 /m)
    expect(dockerfile).toContain('--require-hashes')
    expect(dockerfile).toMatch(/^USER 65534/m)
    const files = readdirSync(staged).sort()
    expect(files).toEqual(expect.arrayContaining(['agent.py', 'config.py', 'offline_answer.py', 'offline_model.py', 'requirements.txt']))
    // .dockerignore keeps the local venv and the Node-side test files out of the asset.
    expect(files.filter((f) => f === '.venv' || f === '__pycache__' || f.endsWith('.ts'))).toEqual([])
  })

  it('changes nothing else: the same resources, environment and model-only IAM as the TypeScript agent', () => {
    const shape = (t: Template) =>
      Object.entries(t.toJSON().Resources as Record<string, Resource>)
        .map(([id, r]) => `${id} ${r.Type}`)
        .sort()
    expect(shape(s.template)).toEqual(shape(defaults.template))
    const runtime = only(s.template, 'AWS::BedrockAgentCore::Runtime')[1].Properties
    expect(runtime.EnvironmentVariables).toEqual(only(defaults.template, 'AWS::BedrockAgentCore::Runtime')[1].Properties.EnvironmentVariables)
    expect(bedrockStatements(statementsOf(s.template))).toEqual(bedrockStatements(statementsOf(defaults.template)))
    expect(statementsOf(s.template)).toEqual(statementsOf(defaults.template))
  })
})
