import type { TurnRow } from './store'

export interface HistoryMessage {
  role: 'user' | 'assistant'
  text: string
}

/** At most this many characters of earlier turns go upstream with a turn. */
export const HISTORY_CHARS = 24_000

/**
 * The conversation so far, compact, for the upstream: the latest finished turns (prompt and answer)
 * that fit in HISTORY_CHARS, oldest first. The edge sends it with every turn, and the agent uses it
 * only when its own session is new (AgentCore ended an idle session after 15 minutes, a
 * StopRuntimeSession, a crash): an agent that still has the session keeps its own, richer context.
 * Sending it always costs a few kB per turn and needs no second round trip to learn that the agent
 * lost its session.
 */
export function compactHistory(turns: TurnRow[], maxChars = HISTORY_CHARS): HistoryMessage[] {
  const out: HistoryMessage[] = []
  let used = 0
  for (let i = turns.length - 1; i >= 0; i--) {
    const t = turns[i]
    if (t.status !== 'done') continue
    const size = t.prompt.length + t.answer.length
    if (used + size > maxChars) break
    used += size
    if (t.answer) out.unshift({ role: 'assistant', text: t.answer })
    out.unshift({ role: 'user', text: t.prompt })
  }
  return out
}
