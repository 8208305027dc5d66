/**
 * IAM authorization of a REST API method (`AuthorizationType: AWS_IAM`): the caller's SigV4
 * signature must hold for service `execute-api` in the API's region, and the caller's identity-based
 * policy must allow `execute-api:Invoke` on the method's ARN
 * (`arn:aws:execute-api:{region}:{account}:{api-id}/{stage}/{METHOD}/{resource}`; AWS docs:
 * apigateway/latest/developerguide/api-gateway-control-access-using-iam-policies-to-invoke-api.html).
 * Refusals are 403s with AWS's wording (../sigv4/refusals.ts).
 */
import { authorize, type LocalPrincipal } from '../sigv4/policy'
import { verifySigV4, type ReceivedRequest } from '../sigv4/verify'
import type { GatewayResponse } from './gateway-responses'
import type { RestApiIdentity } from './proxy-event'

export type IamResult = { ok: true; principal: LocalPrincipal } | { ok: false; response: GatewayResponse }

export function methodArn(api: Pick<RestApiIdentity, 'region' | 'accountId' | 'apiId' | 'stage'>, method: string, resourcePath: string): string {
  return `arn:aws:execute-api:${api.region}:${api.accountId}:${api.apiId}/${api.stage}/${method}${resourcePath}`
}

export async function checkIam(
  req: ReceivedRequest,
  api: RestApiIdentity,
  route: { method: string; path: string },
  principals: readonly LocalPrincipal[],
  now?: () => Date,
): Promise<IamResult> {
  const verdict = await verifySigV4(req, { service: 'execute-api', region: api.region, credentials: principals, now })
  if (!verdict.ok) return { ok: false, response: { status: verdict.status, errorType: verdict.errorType, message: verdict.message } }
  const principal = principals.find((p) => p.accessKeyId === verdict.credential.accessKeyId)!
  const denied = authorize(principal, 'execute-api:Invoke', methodArn(api, route.method, route.path))
  // IAM's own denial is written with a capital "Message" (seen in ASFHyP3/hyp3#2283's curl output).
  if (denied) return { ok: false, response: { status: denied.status, errorType: denied.errorType, message: denied.message, messageKey: 'Message' } }
  return { ok: true, principal }
}
