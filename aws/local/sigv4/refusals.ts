/**
 * How AWS front doors refuse a request whose SigV4 signature does not hold: every case is a 403 with
 * an error type (API Gateway puts it in `x-amzn-ErrorType`) and a message. The wording is AWS's own,
 * as its services return it, so a signing mistake reads locally as it would in the cloud:
 *
 * - re:Post knowledge center "How do I troubleshoot HTTP 403 errors from API Gateway?"
 *   (repost.aws/knowledge-center/api-gateway-troubleshoot-403-forbidden): the table of error types
 *   and messages (Missing Authentication Token, "The security token included in the request is
 *   invalid." as AccessDeniedException, "Signature expired" as InvalidSignatureException, "User: …
 *   is not authorized to perform: execute-api:Invoke on resource: …").
 * - re:Post knowledge center "api-gateway-iam-sigv4-mismatch": "The request signature we calculated
 *   does not match the signature you provided. Check your AWS Secret Access Key and signing method."
 *   API Gateway appends the canonical request and string-to-sign it computed (seen in
 *   aws/aws-sdk-js#2372 for an execute-api host), which is what makes the mistake findable.
 * - The expired-signature wording with its 5-minute window: re:Post knowledge center
 *   "lambda-sdk-signature" ("Signature expired: 20230118T161739Z is now earlier than … - 5 min.)").
 * - IncompleteSignatureException's list of missing parts, each sentence as API Gateway writes it
 *   (aws/chalice#828, nordcloud/cognitocurl#15: "Authorization header requires 'Credential'
 *   parameter. … Authorization=<the header>").
 * - Region and service scope: "Credential should be scoped to a valid region, not 'eu-west-1'. "
 *   (joona/aws-es-curl#15) and "Credential should be scoped to correct service: '<service>'. ".
 */
export type SigV4ErrorType =
  | 'MissingAuthenticationTokenException'
  | 'IncompleteSignatureException'
  | 'InvalidSignatureException'
  | 'AccessDeniedException'

export interface SigV4Refusal {
  ok: false
  status: 403
  errorType: SigV4ErrorType
  message: string
}

export function refuse(errorType: SigV4ErrorType, message: string): SigV4Refusal {
  return { ok: false, status: 403, errorType, message }
}

export const MISSING_TOKEN = (): SigV4Refusal => refuse('MissingAuthenticationTokenException', 'Missing Authentication Token')

export const INVALID_TOKEN = (): SigV4Refusal => refuse('AccessDeniedException', 'The security token included in the request is invalid.')

export function incomplete(missing: string[], authorization: string): SigV4Refusal {
  return refuse('IncompleteSignatureException', `${missing.join(' ')} Authorization=${authorization}`)
}

export function mismatch(canonicalRequest: string, stringToSign: string): SigV4Refusal {
  return refuse(
    'InvalidSignatureException',
    'The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key ' +
      'and signing method. Consult the service documentation for details.\n\n' +
      `The Canonical String for this request should have been\n'${canonicalRequest}'\n\n` +
      `The String-to-Sign should have been\n'${stringToSign}'\n`,
  )
}

/** `amzDate` and `now` in SigV4's basic ISO-8601 form (20240522T115159Z). */
export function expired(amzDate: string, now: Date, skewMs: number): SigV4Refusal {
  const minutes = Math.round(skewMs / 60_000)
  return refuse(
    'InvalidSignatureException',
    `Signature expired: ${amzDate} is now earlier than ${basicIso(new Date(now.getTime() - skewMs))} (${basicIso(now)} - ${minutes} min.)`,
  )
}

export function notYetCurrent(amzDate: string, now: Date, skewMs: number): SigV4Refusal {
  const minutes = Math.round(skewMs / 60_000)
  return refuse(
    'InvalidSignatureException',
    `Signature not yet current: ${amzDate} is still later than ${basicIso(new Date(now.getTime() + skewMs))} (${basicIso(now)} + ${minutes} min.)`,
  )
}

/** `User: <arn> is not authorized to perform: <action> on resource: <arn> because no identity-based policy allows the <action> action` */
export function notAuthorized(principalArn: string, action: string, resource: string): SigV4Refusal {
  return refuse(
    'AccessDeniedException',
    `User: ${principalArn} is not authorized to perform: ${action} on resource: ${resource} because no identity-based policy allows the ${action} action`,
  )
}

export function basicIso(date: Date): string {
  return date.toISOString().replace(/[-:]|\.\d{3}/g, '')
}
