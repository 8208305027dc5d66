/**
 * Why a model turn ended, in the protocol's words (protocol/events.ts StopReason). One mapping for
 * the agent (Strands TypeScript: `endTurn`, `maxTokens`, `cancelled`…) and the Lambda's normalizer of
 * other agents (Bedrock Converse and Strands Python: `end_turn`, `max_tokens`…), which imports it
 * from here: the Lambda is bundled from the whole repository, the agent's image from aws/agent alone.
 */
import type { StopReason } from '../../protocol/events'

export function toStopReason(reason: unknown): StopReason {
  switch (reason) {
    case 'cancelled':
      return 'cancelled'
    case 'max_tokens':
    case 'maxTokens':
    case 'limitOutputTokens':
      return 'max_tokens'
    case 'error':
      return 'error'
    default:
      // end_turn, stop_sequence, and the guardrail/refusal stops whose text the model already streamed.
      return 'end_turn'
  }
}

/** A model turn that asked for a tool: the agent loop goes on, the answer has not ended. */
export const isToolUse = (reason: unknown): boolean => reason === 'tool_use' || reason === 'toolUse'
