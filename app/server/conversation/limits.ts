import type { Bindings } from '../../global'

export interface ConversationLimits {
  /** A turn ends with turn_timeout after this long, readers or not (API Gateway's own stream cap is 15 minutes). */
  maxTurnMs: number
  maxConversationsPerOwner: number
  /** Prompts plus stored events of one conversation. */
  maxConversationBytes: number
}

export const DEFAULT_MAX_TURN_SECONDS = 15 * 60
export const DEFAULT_MAX_CONVERSATIONS_PER_OWNER = 200
export const DEFAULT_MAX_CONVERSATION_BYTES = 4 * 1024 * 1024

export function readLimits(env: Partial<Bindings>): ConversationLimits {
  return {
    maxTurnMs: positiveInt(env.MAX_TURN_SECONDS, DEFAULT_MAX_TURN_SECONDS) * 1000,
    maxConversationsPerOwner: positiveInt(env.MAX_CONVERSATIONS_PER_OWNER, DEFAULT_MAX_CONVERSATIONS_PER_OWNER),
    maxConversationBytes: positiveInt(env.MAX_CONVERSATION_BYTES, DEFAULT_MAX_CONVERSATION_BYTES),
  }
}

function positiveInt(value: string | undefined, fallback: number): number {
  const n = Number(value)
  return Number.isInteger(n) && n > 0 ? n : fallback
}
