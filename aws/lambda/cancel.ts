/**
 * Stopping a session's answer: first the cancel invocation (the agent stops its loop and keeps the
 * session), and only when the agent does not answer in time, StopRuntimeSession (which ends the
 * session's microVM, conversation included).
 */
import { sendCancel, stopSession, type AgentCoreConfig } from './agentcore'
import type { LambdaConfig } from './config'
import type { Logger } from './log'

export type CancelMethod = 'signal' | 'stop_session'

export type CancelConfig = AgentCoreConfig & Pick<LambdaConfig, 'cancelTimeoutMs'>

/** Resolves with the method that worked; rejects when neither did. */
export async function cancelSession(config: CancelConfig, sessionId: string, log: Logger): Promise<CancelMethod> {
  const started = Date.now()
  try {
    await sendCancel(config, sessionId, AbortSignal.timeout(config.cancelTimeoutMs))
    log.info('cancel_sent', { method: 'signal', ms: Date.now() - started })
    return 'signal'
  } catch (err) {
    log.warn('cancel_signal_failed', { err, ms: Date.now() - started })
  }
  await stopSession(config, sessionId, AbortSignal.timeout(config.cancelTimeoutMs * 2))
  log.info('cancel_sent', { method: 'stop_session', ms: Date.now() - started })
  return 'stop_session'
}
