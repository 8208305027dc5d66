/**
 * Edit, regenerate and retry on the page send the new prompt with `replaces`: the prompt of the
 * conversation's last exchange that the new one takes the place of. That exchange (the prompt, any
 * tool calls and results, the answer or the part of it that was kept) leaves the history, so the
 * model answers as if it had never been. If the last prompt is not that one (the failed attempt never
 * reached the history, or was already dropped), nothing changes: a retry is safe to send twice.
 */
import type { Agent, Message } from '@strands-agents/sdk'

export function dropLastExchange(agent: Agent, replaces: string): boolean {
  const messages = agent.messages
  for (let i = messages.length - 1; i >= 0; i--) {
    const text = promptText(messages[i])
    if (text === undefined) continue
    if (text !== replaces) return false
    messages.splice(i)
    return true
  }
  return false
}

/** A user message's prompt text; undefined for assistant messages and tool results. */
function promptText(message: Message): string | undefined {
  if (message.role !== 'user') return undefined
  const texts = message.content.flatMap((block) => (block.type === 'textBlock' ? [block.text] : []))
  return texts.length > 0 ? texts.join('') : undefined
}
