import { MAX_HISTORY_CHARS, MAX_HISTORY_MESSAGES, type HistoryMessage } from '../../../protocol/request'

export type { HistoryMessage }

/** What of a stored turn (store.ts TurnRow) the history needs. */
export interface HistoryTurn {
  prompt: string
  answer: string
  status: 'running' | 'done'
}

/** At most this many characters of earlier turns go upstream with a turn (the upstream refuses more). */
export const HISTORY_CHARS = MAX_HISTORY_CHARS

/**
 * The conversation so far, compact, for the upstream: the latest finished turns (prompt and answer)
 * that fit in HISTORY_CHARS, oldest first. The edge sends it with every turn, and the agent uses it
 * only when its own session is new (AgentCore ended an idle session after 15 minutes, a
 * StopRuntimeSession, a crash): an agent that still has the session keeps its own, richer context.
 * Sending it always costs a few kB per turn and needs no second round trip to learn that the agent
 * lost its session. The Lambda passes it on in the agent's payload (aws/lambda/agentcore.ts) and the
 * agent seeds a fresh session with it (aws/agent/seed-history.ts).
 */
export function compactHistory(turns: readonly HistoryTurn[], maxChars = HISTORY_CHARS): HistoryMessage[] {
  const out: HistoryMessage[] = []
  let used = 0
  for (let i = turns.length - 1; i >= 0; i--) {
    const t = turns[i]
    if (t.status !== 'done') continue
    const size = t.prompt.length + t.answer.length
    if (used + size > maxChars || out.length + 2 > MAX_HISTORY_MESSAGES) break
    used += size
    if (t.answer) out.unshift({ role: 'assistant', text: t.answer })
    out.unshift({ role: 'user', text: t.prompt })
  }
  return out
}
