import { CfnResource, Stack, Validations } from 'aws-cdk-lib'
import type { IConstruct } from 'constructs'

/**
 * Acknowledges one cdk-nag AwsSolutions finding on `construct` (and the resources under it), with the
 * reason and its evidence. `rule` is the finding as cdk-nag names it: a rule (`AwsSolutions-APIG3`) or
 * one finding of a rule that reports several (`AwsSolutions-IAM5[Resource::…]`); cdk-nag 3 matches
 * each finding on its own, so nothing is acknowledged wholesale. The `AwsSolutions::` prefix names the
 * validation plugin (aws-cdk-lib's Validations: ids without a plugin prefix mean annotations).
 */
export function acknowledgeNag(construct: IConstruct, rule: string, reason: string): void {
  Validations.of(construct).acknowledge({ id: `AwsSolutions::${rule}`, reason })
}

/** A token as cdk-nag prints it in a finding: `<LogicalId.Attribute>` for a resource attribute. */
export function nagShown(scope: IConstruct, token: string): string {
  const resolved: unknown = Stack.of(scope).resolve(token)
  const getAtt = (resolved as { 'Fn::GetAtt'?: [string, string] } | null)?.['Fn::GetAtt']
  return getAtt ? `<${getAtt[0]}.${getAtt[1]}>` : String(resolved)
}

/**
 * cfn-lint's W3005 ("dependency already enforced by a GetAtt") on the L1 resource of `construct`:
 * aws-cdk-lib writes a DependsOn on an execution role that the resource also references (Lambda
 * functions and AgentCore runtimes depend on their role and its default policy, so the policy is
 * attached before they start). Redundant for the role, needed for the policy; harmless. Acknowledged
 * on the one resource (cfn-lint's resource-level `Metadata: cfn-lint: config: ignore_checks`).
 */
export function acknowledgeRoleDependsOn(construct: IConstruct): void {
  const resource = construct.node.defaultChild
  if (!CfnResource.isCfnResource(resource)) throw new Error(`${construct.node.path} has no CloudFormation resource of its own`)
  resource.addMetadata('cfn-lint', { config: { ignore_checks: ['W3005'] } })
}
