/**
 * AgentCore data-plane errors as the AWS SDK reads them (restJson1): the status code the model gives
 * each error shape, the `x-amzn-ErrorType` header naming the shape, and a `{"message"}` body
 * (@aws-sdk/client-bedrock-agentcore: dist-cjs/index.js, the `[_e]`/`[_hE]` error traits).
 */
export type AgentCoreErrorType =
  | 'ValidationException'
  | 'AccessDeniedException'
  | 'ResourceNotFoundException'
  | 'RuntimeClientError'
  | 'ThrottlingException'
  | 'RetryableConflictException'
  | 'InternalServerException'
  | 'MissingAuthenticationTokenException'
  | 'IncompleteSignatureException'
  | 'InvalidSignatureException'
  | 'UnknownOperationException'

const STATUS: Record<AgentCoreErrorType, number> = {
  ValidationException: 400,
  AccessDeniedException: 403,
  ResourceNotFoundException: 404,
  RuntimeClientError: 424,
  ThrottlingException: 429,
  RetryableConflictException: 409,
  InternalServerException: 500,
  // Errors of the AWS front door (signature checks) are not in the service model: the SDK maps them
  // to its generic service exception with this name.
  MissingAuthenticationTokenException: 403,
  IncompleteSignatureException: 403,
  InvalidSignatureException: 403,
  UnknownOperationException: 404,
}

export class AgentCoreError extends Error {
  readonly status: number
  constructor(
    readonly type: AgentCoreErrorType,
    message: string,
  ) {
    super(message)
    this.status = STATUS[type]
  }
}
