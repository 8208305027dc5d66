/**
 * Seeds a fresh Strands agent with the conversation so far. The agent in a Lambda lives for one
 * invocation (another execution environment, or a frozen and recycled one, answers the next turn), so
 * the history the Worker sends with every turn is its memory (./request.ts).
 *
 * Bedrock's Converse API wants a conversation that starts with a user message and alternates roles.
 * The edge's history may hold a prompt without an answer (a failed or empty turn), so consecutive
 * messages of one role are joined, a leading assistant message is dropped, and so is a trailing user
 * message (the new prompt is the next user message). Only the last `maxMessages` are kept, starting
 * at a user message, as the agent's sliding window would keep them.
 */
import { Message, TextBlock, type Agent } from '@strands-agents/sdk'
import type { HistoryMessage } from './request'

export function conversationOf(history: readonly HistoryMessage[], maxMessages: number): HistoryMessage[] {
  const merged: HistoryMessage[] = []
  for (const m of history) {
    if (m.text.trim() === '') continue
    const last = merged.at(-1)
    if (last?.role === m.role) last.text = `${last.text}\n\n${m.text}`
    else merged.push({ role: m.role, text: m.text })
  }
  while (merged[0]?.role === 'assistant') merged.shift()
  // The new prompt is the next user message: a user message before it would break the alternation.
  if (merged.at(-1)?.role === 'user') merged.pop()
  let kept = maxMessages > 0 ? merged.slice(-maxMessages) : []
  if (kept[0]?.role === 'assistant') kept = kept.slice(1)
  return kept
}

/** Puts the history into the agent's messages (before its first turn). */
export function seedHistory(agent: Agent, history: readonly HistoryMessage[], maxMessages: number): number {
  const messages = conversationOf(history, maxMessages)
  for (const m of messages) agent.messages.push(new Message({ role: m.role, content: [new TextBlock(m.text)] }))
  return messages.length
}
