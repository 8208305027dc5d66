/**
 * A run against AWS without credentials stops with one clear message: the SDK's default chain
 * (@aws-sdk/credential-providers) with an empty environment, no config files and the instance
 * metadata service turned off.
 */
import { fromNodeProviderChain } from '@aws-sdk/credential-providers'
import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { NoCredentialsError, requireCredentials } from './credentials'

const saved = { ...process.env }
afterEach(() => {
  process.env = { ...saved }
})

/** No AWS variables, config files that do not exist, no instance or container metadata. */
function emptyAwsEnvironment(extra: Record<string, string> = {}) {
  for (const k of Object.keys(process.env)) if (k.startsWith('AWS_')) delete process.env[k]
  const dir = mkdtempSync(join(tmpdir(), 'conformance-creds-'))
  Object.assign(process.env, {
    AWS_SHARED_CREDENTIALS_FILE: join(dir, 'credentials'),
    AWS_CONFIG_FILE: join(dir, 'config'),
    AWS_EC2_METADATA_DISABLED: 'true',
    ...extra,
  })
}

describe('requireCredentials', () => {
  it('refuses with a message that says what to provide', async () => {
    emptyAwsEnvironment()
    const err = await requireCredentials(fromNodeProviderChain()).catch((e: unknown) => e)
    expect(err).toBeInstanceOf(NoCredentialsError)
    expect((err as Error).message).toMatch(/^No AWS credentials found: --target aws needs them/)
    expect((err as Error).message).toMatch(/AWS_PROFILE=<profile>/)
  })

  it('takes keys from the environment, session token included', async () => {
    emptyAwsEnvironment({ AWS_ACCESS_KEY_ID: 'AKIDEXAMPLE', AWS_SECRET_ACCESS_KEY: 'secret', AWS_SESSION_TOKEN: 'token' })
    const { credentials } = await requireCredentials(fromNodeProviderChain())
    expect(credentials).toMatchObject({ accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'secret', sessionToken: 'token' })
  })

  it('refuses expired credentials', async () => {
    const expired = async () => ({ accessKeyId: 'A', secretAccessKey: 'B', expiration: new Date(Date.now() - 60_000) })
    await expect(requireCredentials(expired)).rejects.toThrow(/credentials found expired at/)
  })
})
