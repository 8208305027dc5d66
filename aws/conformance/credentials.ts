/**
 * The AWS credentials of a run against a deployed stack: the SDK's default chain (environment,
 * shared config and SSO profiles, container and instance roles), resolved once up front so a
 * missing or expired login is one clear message before anything is sent.
 */
import { fromNodeProviderChain } from '@aws-sdk/credential-providers'
import type { AwsCredentialIdentity, AwsCredentialIdentityProvider } from '@smithy/types'

export class NoCredentialsError extends Error {}

export const NO_CREDENTIALS_MESSAGE = `No AWS credentials found: --target aws needs them to read the stack's outputs and to sign its requests.
Provide them as for the AWS CLI: AWS_PROFILE=<profile> (after \`aws sso login\` for SSO), or AWS_ACCESS_KEY_ID and
AWS_SECRET_ACCESS_KEY (and AWS_SESSION_TOKEN for temporary keys), or a role of the machine; \`aws sts get-caller-identity\`
shows whether they work. The local cloud needs none: npm run conformance (without --target aws).`

/** Resolves the default chain once; the provider it returns hands out what was resolved (and refreshes it). */
export async function requireCredentials(
  provider: AwsCredentialIdentityProvider = fromNodeProviderChain(),
): Promise<{ credentials: AwsCredentialIdentity; provider: AwsCredentialIdentityProvider }> {
  let credentials: AwsCredentialIdentity
  try {
    credentials = await provider()
  } catch (err) {
    throw new NoCredentialsError(`${NO_CREDENTIALS_MESSAGE}\n(the AWS SDK said: ${(err as Error).message.split('\n')[0]})`)
  }
  if (credentials.expiration && credentials.expiration.getTime() < Date.now()) {
    throw new NoCredentialsError(`${NO_CREDENTIALS_MESSAGE}\n(the credentials found expired at ${credentials.expiration.toISOString()})`)
  }
  return { credentials, provider }
}
