import { describe, expect, it } from 'vitest'
import { agentFailureEvent } from './agent-errors'

const sdkError = (name: string, status?: number, message = 'arn:aws:... internal detail') =>
  Object.assign(new Error(message), { name, $metadata: { httpStatusCode: status } })

describe('AgentCore failures → error events', () => {
  it.each([
    [sdkError('ThrottlingException', 429), 'agent_unavailable', true],
    [sdkError('ServiceUnavailableException', 503), 'agent_unavailable', true],
    [sdkError('ResourceNotFoundException', 404), 'agent_unavailable', false],
    [sdkError('AccessDeniedException', 403), 'upstream_auth', false],
    [sdkError('RuntimeClientError', 424), 'agent_error', false],
    [sdkError('TimeoutError'), 'upstream_timeout', true],
    [Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:1'), { code: 'ECONNREFUSED' }), 'upstream_unreachable', true],
    [sdkError('ValidationException', 400), 'upstream_error', false],
  ])('%s → %s', (err, code, retryable) => {
    const e = agentFailureEvent(err, 'request')
    expect(e).toMatchObject({ code, retryable })
    expect(e.message).not.toMatch(/arn:|ECONNREFUSED|127\.0\.0\.1/)
  })

  it('a failure while the body streams is an interruption', () => {
    expect(agentFailureEvent(Object.assign(new Error('aborted'), { code: 'ECONNRESET' }), 'stream')).toMatchObject({ code: 'stream_interrupted', retryable: true })
    expect(agentFailureEvent(new Error('weird'), 'stream')).toMatchObject({ code: 'stream_interrupted' })
  })
})
