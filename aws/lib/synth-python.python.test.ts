/**
 * `npm run synth -- -c agent=python` offline, as aws/lib/synth.test.ts runs the default synth: no AWS
 * variables, credential files that don't exist, no instance metadata, and a Docker binary that doesn't
 * exist (building the image would fail the run). In `npm run test:python` so `npm test` runs one synth.
 */
import { execFile } from 'node:child_process'
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { promisify, stripVTControlCharacters } from 'node:util'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { STACK_NAME } from './app'
import { PROJECT_PATHS } from './paths'

describe('npm run synth -- -c agent=python (offline, no credentials, no Docker)', () => {
  let out: string
  let result: { stdout: string; stderr: string }

  beforeAll(async () => {
    out = mkdtempSync(join(tmpdir(), 'edge-agent-chat-synth-python-'))
    const env: NodeJS.ProcessEnv = Object.fromEntries(Object.entries(process.env).filter(([key]) => !key.startsWith('AWS_') && !key.startsWith('CDK_')))
    Object.assign(env, {
      AWS_CONFIG_FILE: join(out, 'no-config'),
      AWS_SHARED_CREDENTIALS_FILE: join(out, 'no-credentials'),
      AWS_EC2_METADATA_DISABLED: 'true',
      CDK_DOCKER: join(out, 'no-docker'),
      CDK_DISABLE_VERSION_CHECK: '1',
    })
    result = await promisify(execFile)('npm', ['run', 'synth', '--', '-c', 'agent=python', '--output', join(out, 'cdk.out')], {
      cwd: PROJECT_PATHS.root,
      env,
      shell: process.platform === 'win32',
      maxBuffer: 16 * 1024 * 1024,
    })
  }, 180_000)

  afterAll(() => rmSync(out, { recursive: true, force: true }))

  it("stages aws/agent-python (Dockerfile, sources, lock; no venv) for an arm64 build at deploy time", () => {
    const template = JSON.parse(readFileSync(join(out, 'cdk.out', `${STACK_NAME}.template.json`), 'utf8'))
    expect(Object.values(template.Resources).map((r: any) => r.Type)).toContain('AWS::BedrockAgentCore::Runtime')
    const assets = JSON.parse(readFileSync(join(out, 'cdk.out', `${STACK_NAME}.assets.json`), 'utf8'))
    const images = Object.values(assets.dockerImages) as { source: { directory: string; platform: string } }[]
    expect(images).toHaveLength(1)
    expect(images[0].source.platform).toBe('linux/arm64')
    const staged = join(out, 'cdk.out', images[0].source.directory)
    expect(readFileSync(join(staged, 'Dockerfile'), 'utf8')).toBe(readFileSync(join(PROJECT_PATHS.pythonAgentDirectory, 'Dockerfile'), 'utf8'))
    expect(readFileSync(join(staged, 'requirements.txt'), 'utf8')).toBe(readFileSync(join(PROJECT_PATHS.pythonAgentDirectory, 'requirements.txt'), 'utf8'))
    expect(existsSync(join(staged, 'agent.py'))).toBe(true)
    expect(existsSync(join(staged, '.venv'))).toBe(false)
  })

  it('reports no annotations (warnings, errors, unacknowledged infos)', () => {
    const output = stripVTControlCharacters(result.stdout + result.stderr)
    expect(output).not.toMatch(/^\s*(INFO|WARNING|ERROR|FATAL)\b|\[(Info|Warning|Error) at /m)
  })
})
