/**
 * Verifies a SigV4-signed request the way an AWS front door does, for the local emulators: parse the
 * Authorization header, check the credential scope (date, region, service), the clock skew, the
 * access key and session token, then recompute the signature with @smithy/signature-v4 (the signer
 * of the AWS SDK for JavaScript) from the request as received and compare. A request signed with
 * aws4fetch (the Worker) or with the AWS SDK passes; a wrong secret, region, service, date or a body
 * changed after signing fails with AWS's own 403 (./refusals.ts).
 *
 * Only the Authorization-header form is accepted (no presigned query strings): that is the form
 * every caller in this project uses. Hand-written around the library because no package verifies
 * signatures: the libraries (aws4fetch, @smithy/signature-v4, aws4) only sign.
 */
import { timingSafeEqual } from 'node:crypto'
import { Sha256 } from '@aws-crypto/sha256-js'
import { SignatureV4, getCanonicalHeaders, getPayloadHash, createScope } from '@smithy/signature-v4'
import type { HeaderBag, HttpRequest, QueryParameterBag } from '@smithy/types'
import {
  INVALID_TOKEN,
  MISSING_TOKEN,
  basicIso,
  expired,
  incomplete,
  mismatch,
  notYetCurrent,
  refuse,
  type SigV4Refusal,
} from './refusals'

/** A key pair the emulator knows, and who it belongs to (for IAM messages and policies). */
export interface LocalCredential {
  accessKeyId: string
  secretAccessKey: string
  /** When set, requests must carry it as X-Amz-Security-Token (temporary credentials). */
  sessionToken?: string
  /** The IAM principal, e.g. `arn:aws:iam::123456789012:user/edge-worker`. */
  principalArn: string
}

export interface VerifyOptions {
  /** The signing name of the service, e.g. `execute-api`, `lambda`, `bedrock-agentcore`. */
  service: string
  region: string
  credentials: readonly LocalCredential[]
  /** AWS allows 5 minutes between the signature's date and its own clock, either way. */
  maxSkewMs?: number
  /** Whether `X-Amz-Content-Sha256: UNSIGNED-PAYLOAD` is honoured (default true): a streamed body
   *  cannot be hashed before it is sent. When false, the body is hashed regardless. */
  allowUnsignedPayload?: boolean
  now?: () => Date
}

/** The request as the server received it. */
export interface ReceivedRequest {
  method: string
  /** Path and query exactly as sent (Node's `req.url`). */
  url: string
  /** Node's `req.rawHeaders`: name, value, name, value… */
  rawHeaders: readonly string[]
  body: Uint8Array
}

export type VerifyResult = { ok: true; credential: LocalCredential } | SigV4Refusal

export const DEFAULT_MAX_SKEW_MS = 5 * 60_000
const ALGORITHM = 'AWS4-HMAC-SHA256'
const UNSIGNED_PAYLOAD = 'UNSIGNED-PAYLOAD'
const AMZ_DATE = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/

export async function verifySigV4(req: ReceivedRequest, opts: VerifyOptions): Promise<VerifyResult> {
  const headers = headerMap(req.rawHeaders)
  const authorization = headers.get('authorization')
  if (authorization === undefined) return MISSING_TOKEN()

  const parsed = parseAuthorization(authorization, headers.has('x-amz-date') || headers.has('date'))
  if (!parsed.ok) return parsed
  const { accessKeyId, scopeDate, scopeRegion, scopeService, signedHeaders, signature } = parsed

  const amzDate = headers.get('x-amz-date')
  if (amzDate === undefined) {
    // The `Date` header form is legal SigV4 but no caller here uses it; refuse it plainly.
    return refuse('IncompleteSignatureException', "This emulator requires the 'X-Amz-Date' header.")
  }
  const signedAt = parseAmzDate(amzDate)
  if (!signedAt) {
    return refuse('IncompleteSignatureException', `Date must be in ISO-8601 'basic format'. Got '${amzDate}'. See http://en.wikipedia.org/wiki/ISO_8601`)
  }
  if (scopeDate !== amzDate.slice(0, 8)) {
    return refuse(
      'InvalidSignatureException',
      `Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date from HTTP: '${scopeDate}' != '${amzDate.slice(0, 8)}', from '${amzDate}'.`,
    )
  }
  if (scopeRegion !== opts.region) return refuse('InvalidSignatureException', `Credential should be scoped to a valid region, not '${scopeRegion}'. `)
  if (scopeService !== opts.service) return refuse('InvalidSignatureException', `Credential should be scoped to correct service: '${opts.service}'. `)

  const now = opts.now?.() ?? new Date()
  const skew = opts.maxSkewMs ?? DEFAULT_MAX_SKEW_MS
  if (signedAt.getTime() < now.getTime() - skew) return expired(amzDate, now, skew)
  if (signedAt.getTime() > now.getTime() + skew) return notYetCurrent(amzDate, now, skew)

  if (!signedHeaders.includes('host')) {
    return refuse('InvalidSignatureException', "'Host' or ':authority' must be a 'SignedHeader' in the AWS Authorization.")
  }

  const credential = opts.credentials.find((c) => c.accessKeyId === accessKeyId)
  if (!credential) return INVALID_TOKEN()
  if ((credential.sessionToken ?? undefined) !== headers.get('x-amz-security-token')) return INVALID_TOKEN()

  const expected = await recompute(req, headers, parsed, signedAt, credential, opts)
  const given = Buffer.from(signature, 'utf8')
  const computed = Buffer.from(expected.signature, 'utf8')
  if (given.length !== computed.length || !timingSafeEqual(given, computed)) {
    return mismatch(expected.canonicalRequest, expected.stringToSign)
  }
  return { ok: true, credential }
}

interface ParsedAuthorization {
  ok: true
  accessKeyId: string
  scopeDate: string
  scopeRegion: string
  scopeService: string
  signedHeaders: string[]
  signature: string
}

/** `AWS4-HMAC-SHA256 Credential=<key>/<date>/<region>/<service>/aws4_request, SignedHeaders=a;b, Signature=<hex>` */
export function parseAuthorization(authorization: string, hasDateHeader: boolean): ParsedAuthorization | SigV4Refusal {
  const space = authorization.indexOf(' ')
  const algorithm = space < 0 ? authorization : authorization.slice(0, space)
  const rest = space < 0 ? '' : authorization.slice(space + 1)
  const params = new Map<string, string>()
  for (const part of rest.split(',').map((p) => p.trim()).filter(Boolean)) {
    const eq = part.indexOf('=')
    if (eq < 0) {
      return refuse('IncompleteSignatureException', `'${part}' not a valid key=value pair (missing equal-sign) in Authorization header: '${authorization}'.`)
    }
    params.set(part.slice(0, eq), part.slice(eq + 1))
  }
  const missing: string[] = []
  if (!params.has('Credential')) missing.push("Authorization header requires 'Credential' parameter.")
  if (!params.has('Signature')) missing.push("Authorization header requires 'Signature' parameter.")
  if (!params.has('SignedHeaders')) missing.push("Authorization header requires 'SignedHeaders' parameter.")
  if (!hasDateHeader) missing.push("Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header.")
  if (missing.length > 0) return incomplete(missing, authorization)
  if (algorithm !== ALGORITHM) return refuse('IncompleteSignatureException', `Unsupported AWS 'algorithm': '${algorithm}'.`)

  const credential = params.get('Credential')!
  const scope = credential.split('/')
  if (scope.length !== 5) {
    return refuse(
      'IncompleteSignatureException',
      `Credential must have exactly 5 slash-delimited elements, e.g. keyid/date/region/service/term, got '${credential}'`,
    )
  }
  const [accessKeyId, scopeDate, scopeRegion, scopeService, terminator] = scope
  if (terminator !== 'aws4_request') {
    return refuse('InvalidSignatureException', `Credential should be scoped with a valid terminator: 'aws4_request', not '${terminator}'. `)
  }
  return {
    ok: true,
    accessKeyId,
    scopeDate,
    scopeRegion,
    scopeService,
    signedHeaders: params.get('SignedHeaders')!.split(';'),
    signature: params.get('Signature')!,
  }
}

/**
 * SignatureV4 with its canonical request and string-to-sign exposed (protected in the library): the
 * refusal shows them, as API Gateway's does.
 */
class VerifyingSigner extends SignatureV4 {
  async explain(request: HttpRequest, headers: HeaderBag, payloadHash: string, longDate: string, scope: string): Promise<[string, string]> {
    const canonical = this.createCanonicalRequest(request, headers, payloadHash)
    return [canonical, await this.createStringToSign(longDate, scope, canonical, ALGORITHM)]
  }
}

async function recompute(
  req: ReceivedRequest,
  headers: Map<string, string>,
  auth: ParsedAuthorization,
  signedAt: Date,
  credential: LocalCredential,
  opts: VerifyOptions,
): Promise<{ signature: string; canonicalRequest: string; stringToSign: string }> {
  const url = new URL(req.url, 'http://local')
  const queryStart = req.url.indexOf('?')
  const rawPath = (queryStart < 0 ? req.url : req.url.slice(0, queryStart)) || '/'

  // Only the headers the client signed, with their values as received. The payload hash is the
  // body's own unless the client declared (and signed) UNSIGNED-PAYLOAD: a hash header that lies
  // about the body is replaced by the truth, so the signatures differ.
  const signed: HeaderBag = {}
  for (const name of auth.signedHeaders) {
    const value = headers.get(name)
    if (value !== undefined) signed[name] = value
  }
  const unsigned = signed['x-amz-content-sha256'] === UNSIGNED_PAYLOAD && (opts.allowUnsignedPayload ?? true)
  const bodyHash = await getPayloadHash({ headers: {}, body: req.body } as HttpRequest, Sha256)
  if ('x-amz-content-sha256' in signed) signed['x-amz-content-sha256'] = unsigned ? UNSIGNED_PAYLOAD : bodyHash

  const request: HttpRequest = {
    method: req.method.toUpperCase(),
    protocol: 'http:',
    hostname: url.hostname,
    path: rawPath,
    query: queryBag(url.search),
    headers: signed,
    body: req.body,
  }
  const signer = new VerifyingSigner({
    service: opts.service,
    region: opts.region,
    // The token, when signed, is already among the headers; the signer must not add it again.
    credentials: { accessKeyId: credential.accessKeyId, secretAccessKey: credential.secretAccessKey },
    sha256: Sha256,
    applyChecksum: false,
  })
  const result = await signer.sign(request, { signingDate: signedAt, signableHeaders: new Set(auth.signedHeaders) })
  const signature = /Signature=([0-9a-f]+)/.exec(String(result.headers.authorization))?.[1] ?? ''

  const longDate = basicIso(signedAt)
  const withDate = { ...request, headers: { ...signed, 'x-amz-date': longDate } }
  const canonicalHeaders = getCanonicalHeaders(withDate, undefined, new Set(auth.signedHeaders))
  const [canonicalRequest, stringToSign] = await signer.explain(
    withDate,
    canonicalHeaders,
    unsigned ? UNSIGNED_PAYLOAD : bodyHash,
    longDate,
    createScope(longDate.slice(0, 8), opts.region, opts.service),
  )
  return { signature, canonicalRequest, stringToSign }
}

/** Lower-cased names; repeated headers joined with commas (SigV4's canonical form for them). */
function headerMap(rawHeaders: readonly string[]): Map<string, string> {
  const map = new Map<string, string>()
  for (let i = 0; i + 1 < rawHeaders.length; i += 2) {
    const name = rawHeaders[i].toLowerCase()
    const prev = map.get(name)
    map.set(name, prev === undefined ? rawHeaders[i + 1] : `${prev},${rawHeaders[i + 1]}`)
  }
  return map
}

/** The query as the signer wants it: decoded names and values, repeated names as arrays. */
function queryBag(search: string): QueryParameterBag {
  const bag: Record<string, string | string[]> = {}
  for (const [k, v] of new URLSearchParams(search)) {
    const prev = bag[k]
    bag[k] = prev === undefined ? v : Array.isArray(prev) ? [...prev, v] : [prev, v]
  }
  return bag
}

function parseAmzDate(value: string): Date | undefined {
  const m = AMZ_DATE.exec(value)
  if (!m) return undefined
  const date = new Date(Date.UTC(+m[1], +m[2] - 1, +m[3], +m[4], +m[5], +m[6]))
  return basicIso(date) === value ? date : undefined
}
