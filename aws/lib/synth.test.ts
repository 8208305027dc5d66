import { execFile } from 'node:child_process'
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { promisify, stripVTControlCharacters } from 'node:util'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { STACK_NAME } from './app'
import { PROJECT_PATHS } from './paths'

const run = promisify(execFile)

// `npm run synth` exactly as a developer runs it, but with nothing to reach AWS or Docker: no AWS_*
// variables, credential files that don't exist, no instance metadata lookups, and a Docker binary
// that doesn't exist (any attempt to build the image would fail the run).
describe('npm run synth (offline, no credentials, no Docker)', () => {
  let out: string
  let result: { stdout: string; stderr: string }

  beforeAll(async () => {
    out = mkdtempSync(join(tmpdir(), 'edge-agent-chat-synth-'))
    const env: NodeJS.ProcessEnv = Object.fromEntries(
      Object.entries(process.env).filter(([key]) => !key.startsWith('AWS_') && !key.startsWith('CDK_')),
    )
    Object.assign(env, {
      AWS_CONFIG_FILE: join(out, 'no-config'),
      AWS_SHARED_CREDENTIALS_FILE: join(out, 'no-credentials'),
      AWS_EC2_METADATA_DISABLED: 'true',
      CDK_DOCKER: join(out, 'no-docker'),
      CDK_DISABLE_VERSION_CHECK: '1',
    })
    result = await run('npm', ['run', 'synth', '--', '--output', join(out, 'cdk.out')], {
      cwd: PROJECT_PATHS.root,
      env,
      shell: process.platform === 'win32',
      maxBuffer: 16 * 1024 * 1024,
    })
  }, 120_000)

  afterAll(() => rmSync(out, { recursive: true, force: true }))

  it('writes the stack template and its asset manifest to the cloud assembly', () => {
    const manifest = JSON.parse(readFileSync(join(out, 'cdk.out', 'manifest.json'), 'utf8'))
    expect(manifest.artifacts[STACK_NAME]).toMatchObject({ type: 'aws:cloudformation:stack' })
    const template = JSON.parse(readFileSync(join(out, 'cdk.out', `${STACK_NAME}.template.json`), 'utf8'))
    const types = Object.values(template.Resources).map((r: any) => r.Type)
    expect(types).toEqual(
      expect.arrayContaining([
        'AWS::BedrockAgentCore::Runtime',
        'AWS::Lambda::Function',
        'AWS::ApiGateway::RestApi',
        'AWS::ApiGateway::UsagePlan',
      ]),
    )
    expect(Object.keys(template.Outputs).sort()).toEqual(['AgentRuntimeArn', 'ApiKeyId', 'InvokeUrl', 'UpstreamUrl', 'WorkerUserName'])
  })

  it('stages the agent image source for an arm64 build at deploy time, without building it', () => {
    const assets = JSON.parse(readFileSync(join(out, 'cdk.out', `${STACK_NAME}.assets.json`), 'utf8'))
    const images = Object.values(assets.dockerImages) as { source: { directory: string; platform: string } }[]
    expect(images).toHaveLength(1)
    expect(images[0].source.platform).toBe('linux/arm64')
    expect(existsSync(join(out, 'cdk.out', images[0].source.directory, 'Dockerfile'))).toBe(true)
  })

  it('reports no annotations (warnings, errors, unacknowledged infos)', () => {
    const output = stripVTControlCharacters(result.stdout + result.stderr)
    expect(output).not.toMatch(/^\s*(INFO|WARNING|ERROR|FATAL)\b|\[(Info|Warning|Error) at /m)
  })
})
