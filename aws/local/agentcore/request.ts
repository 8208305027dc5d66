/**
 * What the AgentCore data plane checks on InvokeAgentRuntime and StopRuntimeSession before anything
 * reaches an agent: the operation's path (the SDK puts the runtime ARN URL-encoded in it), a SigV4
 * Authorization header scoped to this region and service, the runtime ARN, the qualifier and the
 * session id (33–256 characters).
 *
 * Paths and members from @aws-sdk/client-bedrock-agentcore's model (dist-cjs/index.js):
 *   InvokeAgentRuntime  POST /runtimes/{agentRuntimeArn}/invocations?qualifier=   (session header
 *                       X-Amzn-Bedrock-AgentCore-Runtime-Session-Id, blob payload)
 *   StopRuntimeSession  POST /runtimes/{agentRuntimeArn}/stopruntimesession?qualifier=
 *                       (same header; JSON body {clientToken})
 */
import type { IncomingHttpHeaders } from 'node:http'
import { AgentCoreError } from './errors'

/** The header AgentCore's data plane passes the runtime session id in (the edge's own is protocol/events.ts SESSION_HEADER). */
export const RUNTIME_SESSION_HEADER = 'x-amzn-bedrock-agentcore-runtime-session-id'
export const SERVICE = 'bedrock-agentcore'
/** InvokeAgentRuntime's runtimeUserId (SDK member `runtimeUserId`). */
export const RUNTIME_USER_HEADER = 'x-amzn-bedrock-agentcore-runtime-user-id'

export type Operation = 'InvokeAgentRuntime' | 'StopRuntimeSession'

export interface ParsedRequest {
  operation: Operation
  runtimeArn: string
  qualifier: string
  sessionId: string
  /**
   * InvokeAgentRuntime on behalf of a user: the caller also needs bedrock-agentcore:InvokeAgentRuntimeForUser.
   * 1–128 characters, as GetWorkloadAccessTokenForUserId's userId it becomes (AWS API reference).
   */
  userId?: string
}

/** `arn:aws:bedrock-agentcore:<region>:<account>:runtime/<name>-<10 chars>` (the runtime id format). */
const RUNTIME_ARN = /^arn:aws[a-z-]*:bedrock-agentcore:([a-z0-9-]+):(\d{12}):runtime\/([a-zA-Z][a-zA-Z0-9_]{0,47}-[a-zA-Z0-9]{10})$/
const QUALIFIER = /^[a-zA-Z][a-zA-Z0-9_]{0,47}$/
const AUTHORIZATION = /^AWS4-HMAC-SHA256 Credential=([^/\s]+)\/(\d{8})\/([a-z0-9-]+)\/([a-z0-9-]+)\/aws4_request, ?SignedHeaders=([a-z0-9;-]+), ?Signature=[0-9a-f]{64}$/

export function parseRequest(method: string | undefined, rawUrl: string, headers: IncomingHttpHeaders, region: string): ParsedRequest {
  const url = new URL(rawUrl, 'http://local')
  // Split before decoding: the ARN's own "/" arrives as %2F.
  const parts = url.pathname.split('/')
  const op: Operation | undefined =
    method === 'POST' && parts.length === 4 && parts[1] === 'runtimes'
      ? parts[3] === 'invocations'
        ? 'InvokeAgentRuntime'
        : parts[3] === 'stopruntimesession'
          ? 'StopRuntimeSession'
          : undefined
      : undefined
  if (!op) throw new AgentCoreError('UnknownOperationException', `No operation at ${method} ${url.pathname}`)

  checkSignature(headers, region)

  let runtimeArn: string
  try {
    runtimeArn = decodeURIComponent(parts[2])
  } catch {
    throw new AgentCoreError('ValidationException', 'The agentRuntimeArn in the path is not URL-encoded correctly.')
  }
  const arn = RUNTIME_ARN.exec(runtimeArn)
  if (!arn) {
    throw new AgentCoreError(
      'ValidationException',
      `1 validation error detected: Value '${runtimeArn}' at 'agentRuntimeArn' failed to satisfy constraint: Member must be a valid AgentCore runtime ARN`,
    )
  }
  if (arn[1] !== region) throw new AgentCoreError('ValidationException', `The runtime ARN's region ${arn[1]} is not this endpoint's region ${region}.`)

  const qualifier = url.searchParams.get('qualifier') ?? 'DEFAULT'
  if (!QUALIFIER.test(qualifier)) {
    throw new AgentCoreError('ValidationException', `1 validation error detected: Value '${qualifier}' at 'qualifier' failed to satisfy constraint: Member must satisfy regular expression pattern: [a-zA-Z][a-zA-Z0-9_]{0,47}`)
  }

  const raw = headers[RUNTIME_SESSION_HEADER]
  const sessionId = Array.isArray(raw) ? raw[0] : raw
  if (sessionId === undefined || sessionId === '') {
    throw new AgentCoreError('ValidationException', "1 validation error detected: Value at 'runtimeSessionId' failed to satisfy constraint: Member must not be null")
  }
  if (sessionId.length < 33 || sessionId.length > 256) {
    throw new AgentCoreError(
      'ValidationException',
      `1 validation error detected: Value at 'runtimeSessionId' failed to satisfy constraint: Member must have length ${sessionId.length < 33 ? 'greater than or equal to 33' : 'less than or equal to 256'}`,
    )
  }
  const rawUser = headers[RUNTIME_USER_HEADER]
  const userId = Array.isArray(rawUser) ? rawUser[0] : rawUser
  if (userId !== undefined && (userId.length < 1 || userId.length > 128)) {
    throw new AgentCoreError(
      'ValidationException',
      `1 validation error detected: Value at 'runtimeUserId' failed to satisfy constraint: Member must have length ${userId.length < 1 ? 'greater than or equal to 1' : 'less than or equal to 128'}`,
    )
  }
  return { operation: op, runtimeArn, qualifier, sessionId, ...(op === 'InvokeAgentRuntime' && userId !== undefined && { userId }) }
}

/**
 * Requires a well-formed SigV4 Authorization header for this region and service, and X-Amz-Date.
 * The signature itself is verified by ./server.ts when it is given the callers' keys (`principals`,
 * as the local cloud does: ../sigv4/verify.ts); without them only this form is checked.
 */
function checkSignature(headers: IncomingHttpHeaders, region: string): void {
  const auth = headers.authorization
  if (!auth) throw new AgentCoreError('MissingAuthenticationTokenException', 'Missing Authentication Token')
  const m = AUTHORIZATION.exec(auth)
  if (!m) {
    throw new AgentCoreError('IncompleteSignatureException', "Authorization header requires 'Credential', 'SignedHeaders' and 'Signature' parameters (AWS4-HMAC-SHA256).")
  }
  const [, , , scopeRegion, scopeService, signedHeaders] = m
  if (!headers['x-amz-date']) throw new AgentCoreError('IncompleteSignatureException', "Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header.")
  if (scopeRegion !== region) throw new AgentCoreError('InvalidSignatureException', `Credential should be scoped to a valid region, not '${scopeRegion}'.`)
  if (scopeService !== SERVICE) throw new AgentCoreError('InvalidSignatureException', `Credential should be scoped to correct service: '${SERVICE}'.`)
  if (!signedHeaders.split(';').includes('host')) throw new AgentCoreError('InvalidSignatureException', "'Host' must be a signed header.")
}
