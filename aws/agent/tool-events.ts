/**
 * The `tool` events of a turn, from Strands' tool-call events: one `start` (name and input) when the
 * agent loop calls a tool, one `end` or `error` (with the result's text) when it returns. The page
 * shows each call as it happens from these.
 */
import type { AfterToolCallEvent, AgentStreamEvent, BeforeToolCallEvent } from '@strands-agents/sdk'
import type { ToolEvent } from '../../protocol/events'

/** A `tool` event as the agent yields it to BedrockAgentCoreApp (an SSE message, as in aws/agent/turn.ts). */
export interface ToolYield {
  event: 'tool'
  data: ToolEvent & { id: string }
}

/** A result longer than this is cut for the page (the model still gets all of it). */
export const MAX_TOOL_RESULT_CHARS = 2000

export function toolYield(event: AgentStreamEvent): ToolYield | undefined {
  if (event.type === 'beforeToolCallEvent') {
    const { toolUse } = event as BeforeToolCallEvent
    return { event: 'tool', data: { id: toolUse.toolUseId, name: toolUse.name, status: 'start', input: toolUse.input } }
  }
  if (event.type === 'afterToolCallEvent') {
    const { toolUse, result, error } = event as AfterToolCallEvent
    const text = result.content
      .map((block) => (block.type === 'textBlock' ? block.text : block.type === 'jsonBlock' ? JSON.stringify(block.json) : ''))
      .join('\n')
    const failed = error !== undefined || result.status === 'error'
    return { event: 'tool', data: { id: toolUse.toolUseId, name: toolUse.name, status: failed ? 'error' : 'end', result: text.slice(0, MAX_TOOL_RESULT_CHARS) } }
  }
  return undefined
}
