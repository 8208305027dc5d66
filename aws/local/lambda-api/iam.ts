/**
 * IAM for calls to Lambda itself (the Lambda API and Function URLs with AuthType AWS_IAM): the
 * caller's SigV4 signature must hold for service `lambda` in the region, and its identity-based policy
 * must allow the action on the function's ARN — `lambda:InvokeFunction` for Invoke and
 * InvokeWithResponseStream, `lambda:InvokeFunctionUrl` for a Function URL (AWS docs:
 * lambda/latest/dg/lambda-api-permissions-ref.html, urls-auth.html). The checks are the shared
 * verifier's (../sigv4).
 */
import type { IncomingMessage } from 'node:http'
import { authorize, type LocalPrincipal } from '../sigv4/policy'
import type { SigV4Refusal } from '../sigv4/refusals'
import { verifySigV4 } from '../sigv4/verify'

export type LambdaAction = 'lambda:InvokeFunction' | 'lambda:InvokeFunctionUrl'

export function functionArnOf(region: string, accountId: string, name: string): string {
  return `arn:aws:lambda:${region}:${accountId}:function:${name}`
}

export async function checkLambdaIam(
  req: IncomingMessage,
  body: Uint8Array,
  region: string,
  principals: readonly LocalPrincipal[],
  action: LambdaAction,
  functionArn: string,
): Promise<{ ok: true; principal: LocalPrincipal } | SigV4Refusal> {
  const verdict = await verifySigV4(
    { method: req.method ?? 'GET', url: req.url ?? '/', rawHeaders: req.rawHeaders, body },
    { service: 'lambda', region, credentials: principals },
  )
  if (!verdict.ok) return verdict
  const principal = principals.find((p) => p.accessKeyId === verdict.credential.accessKeyId)!
  return authorize(principal, action, functionArn) ?? { ok: true, principal }
}
