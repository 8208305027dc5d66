/**
 * AgentCore and network failures → the `error` event a client sees: a code from the shared list, a
 * fixed message, and whether retrying may help. Upstream messages stay in the logs, never in the event.
 */
import type { ErrorEvent } from '../../protocol/events'

export function agentFailureEvent(err: unknown, phase: 'request' | 'stream'): ErrorEvent {
  const e = err as { name?: string; code?: string; $retryable?: unknown; $metadata?: { httpStatusCode?: number } }
  const name = e?.name ?? ''
  const status = e?.$metadata?.httpStatusCode
  if (name === 'TimeoutError' || e?.code === 'ETIMEDOUT' || name === 'RequestTimeout') {
    return { code: 'upstream_timeout', message: 'The agent did not answer in time.', retryable: true }
  }
  if (name === 'ThrottlingException' || name === 'ServiceQuotaExceededException' || status === 429) {
    return { code: 'agent_unavailable', message: 'The agent is busy. Try again shortly.', retryable: true }
  }
  if (name === 'ServiceUnavailableException' || name === 'InternalServerException' || (status !== undefined && status >= 500 && name !== 'RuntimeClientError')) {
    return { code: 'agent_unavailable', message: 'The agent is unavailable. Try again shortly.', retryable: true }
  }
  if (name === 'ResourceNotFoundException') {
    return { code: 'agent_unavailable', message: 'The agent is not deployed.', retryable: false }
  }
  if (name === 'AccessDeniedException' || name === 'UnauthorizedException' || status === 401 || status === 403) {
    return { code: 'upstream_auth', message: 'The proxy is not allowed to call the agent.', retryable: false }
  }
  if (name === 'RuntimeClientError') {
    return { code: 'agent_error', message: 'The agent failed while answering.', retryable: false }
  }
  if (['ECONNREFUSED', 'ECONNRESET', 'ENOTFOUND', 'EAI_AGAIN', 'EPIPE'].includes(e?.code ?? '')) {
    return phase === 'stream'
      ? { code: 'stream_interrupted', message: 'The agent stream was interrupted.', retryable: true }
      : { code: 'upstream_unreachable', message: 'The agent could not be reached.', retryable: true }
  }
  if (phase === 'stream') return { code: 'stream_interrupted', message: 'The agent stream was interrupted.', retryable: true }
  return { code: 'upstream_error', message: 'The agent call failed.', retryable: e?.$retryable !== undefined }
}
