/**
 * The IAM resources a Converse/ConverseStream call on `modelId` touches, so the agent's role can be
 * limited to the one configured model.
 *
 * A plain model id (`amazon.nova-lite-v1:0`) is a foundation model in the stack's region. A
 * system-defined cross-region inference profile id (`us.anthropic...`, `global.anthropic...`) is
 * invoked through the profile in the stack's region, and Bedrock then calls the foundation model in
 * whichever region the profile routes to: both the profile ARN and the model ARN in every region are
 * needed (AWS docs: bedrock/latest/userguide/inference-profiles-prereq.html). Global profiles route to
 * a model ARN with an empty region, which the `*` region also matches.
 */
export interface ArnParts {
  readonly partition: string
  readonly region: string
  readonly account: string
}

// Geography prefixes of system-defined inference profiles.
const PROFILE_PREFIX = /^(us|us-gov|eu|apac|jp|au|ca|global)\.(.+)$/

export function modelResourceArns(modelId: string, at: ArnParts): string[] {
  const profile = PROFILE_PREFIX.exec(modelId)
  if (!profile) {
    return [`arn:${at.partition}:bedrock:${at.region}::foundation-model/${modelId}`]
  }
  return [
    `arn:${at.partition}:bedrock:${at.region}:${at.account}:inference-profile/${modelId}`,
    `arn:${at.partition}:bedrock:*::foundation-model/${profile[2]}`,
  ]
}

/** Converse and ConverseStream are authorized as these two actions. */
export const MODEL_INVOKE_ACTIONS = ['bedrock:InvokeModel', 'bedrock:InvokeModelWithResponseStream']
