import * as apigateway from 'aws-cdk-lib/aws-apigateway'
import * as wafv2 from 'aws-cdk-lib/aws-wafv2'
import { Construct } from 'constructs'

export interface RateLimitedWebAclProps {
  readonly stage: apigateway.Stage
  /** Requests one IP address may send in any 5 minutes before WAF blocks it (WAF's minimum is 10). */
  readonly rateLimitPer5Min: number
}

/**
 * An optional AWS WAF web ACL (REGIONAL, as the API is) on the stage, with one rate-based rule:
 * an IP address over the limit is blocked (403) until its rate falls again. Everything else is
 * allowed: the methods' IAM authorization and the usage plan do the rest. CloudWatch metrics and
 * sampled requests are on for the ACL and the rule.
 * (AWS docs: waf/latest/developerguide/waf-rule-statement-type-rate-based.html)
 */
export class RateLimitedWebAcl extends Construct {
  readonly webAcl: wafv2.CfnWebACL

  constructor(scope: Construct, id: string, props: RateLimitedWebAclProps) {
    super(scope, id)
    const visibility = (metricName: string): wafv2.CfnWebACL.VisibilityConfigProperty => ({
      cloudWatchMetricsEnabled: true,
      sampledRequestsEnabled: true,
      metricName,
    })
    this.webAcl = new wafv2.CfnWebACL(this, 'WebAcl', {
      scope: 'REGIONAL',
      description: 'edge-agent-chat: per-IP rate limit in front of the streaming API',
      defaultAction: { allow: {} },
      visibilityConfig: visibility('edge-agent-chat-api'),
      rules: [
        {
          name: 'RateLimitPerIp',
          priority: 0,
          action: { block: {} },
          statement: { rateBasedStatement: { limit: props.rateLimitPer5Min, aggregateKeyType: 'IP', evaluationWindowSec: 300 } },
          visibilityConfig: visibility('edge-agent-chat-rate-limit'),
        },
      ],
    })
    new wafv2.CfnWebACLAssociation(this, 'Association', {
      resourceArn: props.stage.stageArn,
      webAclArn: this.webAcl.attrArn,
    })
  }
}
