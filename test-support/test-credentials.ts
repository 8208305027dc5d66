/**
 * The edge principal's keys in tests: the test upstream (test-support/test-upstream.ts) verifies SigV4 with
 * them, the Worker under test signs with them. Fake, local only; no import of Node modules, so the
 * tests running inside workerd can import this file too.
 */
export const TEST_AWS_REGION = 'us-east-1'

export const TEST_AWS_CREDENTIAL = {
  accessKeyId: 'AKIATESTUPSTREAM0001',
  secretAccessKey: 'test-upstream-secret-not-a-secret-0000000',
  principalArn: 'arn:aws:iam::123456789012:user/edge-agent-chat-worker',
} as const
