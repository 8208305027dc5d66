/**
 * The command itself: usage errors and a run against AWS without credentials stop with exit code 2
 * and a message, before anything is sent (no network here: the default chain finds nothing).
 */
import { spawnSync } from 'node:child_process'
import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'

const ROOT = fileURLToPath(new URL('../..', import.meta.url))

function run(args: string[]) {
  const dir = mkdtempSync(join(tmpdir(), 'conformance-run-'))
  const env: Record<string, string> = { PATH: process.env.PATH ?? '', HOME: dir }
  Object.assign(env, { AWS_SHARED_CREDENTIALS_FILE: join(dir, 'credentials'), AWS_CONFIG_FILE: join(dir, 'config'), AWS_EC2_METADATA_DISABLED: 'true' })
  return spawnSync(process.execPath, ['--import', 'tsx', join(ROOT, 'aws/conformance/run.ts'), ...args], { cwd: ROOT, env, encoding: 'utf8', timeout: 60_000 })
}

describe('npm run conformance', () => {
  it('--target aws without AWS credentials: exit 2 with a message that says what to provide', () => {
    const out = run(['--target', 'aws', '--stack', 'EdgeAgentChat'])
    expect(out.status).toBe(2)
    expect(out.stderr).toMatch(/^conformance: No AWS credentials found: --target aws needs them/)
    expect(out.stdout).not.toContain('running the contracts')
  })

  it('a usage error: exit 2 with the usage; --help: the usage and exit 0', () => {
    const bad = run(['--target', 'gcp'])
    expect([bad.status, bad.stderr]).toEqual([2, expect.stringContaining('conformance: --target must be local or aws')])
    expect(bad.stderr).toContain('Usage: npm run conformance -- [options]')
    const help = run(['--help'])
    expect([help.status, help.stdout]).toEqual([0, expect.stringContaining('--target local|aws')])
  })
})
