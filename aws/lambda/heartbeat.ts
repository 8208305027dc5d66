/**
 * Heartbeats while the agent is silent: an edge-optimized API Gateway cuts a stream idle for 30 s, and
 * proxies and browsers give up on quiet connections too. `touch()` on every write restarts the wait.
 */
export const DEFAULT_HEARTBEAT_MS = 15_000

export interface Heartbeat {
  /** Something was written: the silence starts again. */
  touch(): void
  stop(): void
}

export function heartbeatMs(): number {
  const ms = Number(process.env.HEARTBEAT_MS)
  return Number.isFinite(ms) && ms > 0 ? ms : DEFAULT_HEARTBEAT_MS
}

export function startHeartbeat(intervalMs: number, beat: () => void): Heartbeat {
  let stopped = false
  const timer = setTimeout(function fire() {
    if (stopped) return
    beat()
    timer.refresh()
  }, intervalMs)
  return {
    touch() {
      if (!stopped) timer.refresh()
    },
    stop() {
      stopped = true
      clearTimeout(timer)
    },
  }
}
