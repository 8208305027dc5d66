/**
 * The edge keeps every conversation (a Durable Object, app/server/conversation/) and sends its earlier
 * turns, compact, with every prompt (`history`, protocol/request.ts). The agent keeps its own, richer
 * history in memory per session, and uses the edge's only when its session is fresh: AgentCore ended
 * the idle session (15 minutes), StopRuntimeSession ended its microVM, or the process crashed. Then
 * the next turn still has the earlier turns in context. A session that already has turns ignores it:
 * its own messages hold tool calls and results the compact history leaves out.
 */
import { Message, TextBlock, type Agent } from '@strands-agents/sdk'

export interface HistoryMessage {
  role: 'user' | 'assistant'
  text: string
}

/**
 * Seeds a fresh agent with the history; returns how many messages it added (0 when the agent already
 * has messages, or there is nothing to add). Consecutive messages of one role are joined and a
 * leading assistant or trailing user message is dropped: model APIs (Bedrock's Converse among them)
 * want the roles to alternate, starting with the user, and the new prompt is the next user message.
 */
export function seedHistory(agent: Agent, history: readonly HistoryMessage[] | undefined): number {
  if (!history?.length || agent.messages.length > 0) return 0
  const merged: HistoryMessage[] = []
  for (const m of history) {
    if (m.text.trim() === '') continue
    const last = merged.at(-1)
    if (last?.role === m.role) last.text += `\n\n${m.text}`
    else if (last || m.role === 'user') merged.push({ ...m })
  }
  if (merged.at(-1)?.role === 'user') merged.pop()
  for (const m of merged) agent.messages.push(new Message({ role: m.role, content: [new TextBlock(m.text)] }))
  return merged.length
}
