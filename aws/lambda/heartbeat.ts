/**
 * Heartbeats while the agent is silent: an edge-optimized API Gateway cuts a stream idle for 30 s, and
 * proxies and browsers give up on quiet connections too. `touch()` on every write restarts the wait.
 */
export interface Heartbeat {
  /** Something was written: the silence starts again. */
  touch(): void
  stop(): void
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
