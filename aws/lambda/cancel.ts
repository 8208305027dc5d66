/**
 * Stopping a session's answer: first the cancel invocation (the agent stops its loop and keeps the
 * session), and only when the agent does not answer in time, StopRuntimeSession (which ends the
 * session's microVM, conversation included).
 */
import { sendCancel, stopSession, type AgentCoreConfig } from './agentcore'
import type { LambdaConfig } from './config'
import type { Logger } from './log'

/** How the answer was stopped, or `not_running`: nothing ran in that session (nothing was stopped). */
export type CancelMethod = 'signal' | 'stop_session' | 'not_running'

export type CancelConfig = AgentCoreConfig & Pick<LambdaConfig, 'cancelTimeoutMs'>

/** Resolves with the method that worked; rejects when neither did. */
export async function cancelSession(config: CancelConfig, sessionId: string, log: Logger): Promise<CancelMethod> {
  const started = Date.now()
  try {
    const method = (await sendCancel(config, sessionId, AbortSignal.timeout(config.cancelTimeoutMs))) ? 'signal' : 'not_running'
    log.info('cancel_sent', { method, ms: Date.now() - started })
    return method
  } catch (err) {
    log.warn('cancel_signal_failed', { err, ms: Date.now() - started })
  }
  try {
    await stopSession(config, sessionId, AbortSignal.timeout(config.cancelTimeoutMs * 2))
  } catch (err) {
    // AgentCore's answer for a session it does not know or has ended (docs: runtime-stop-session.html,
    // "Session not found or already terminated").
    if ((err as { name?: string }).name !== 'ResourceNotFoundException') throw err
    log.info('cancel_sent', { method: 'not_running', ms: Date.now() - started })
    return 'not_running'
  }
  log.info('cancel_sent', { method: 'stop_session', ms: Date.now() - started })
  return 'stop_session'
}
