/**
 * What the agent-in-Lambda accepts on `POST /invoke`: the edge's invoke body (protocol/request.ts:
 * prompt, sessionId, replaces) plus what the Worker's Conversation object sends with every turn
 * (app/server/upstream/types.ts InvokePayload): `userId` and a compact `history` of the earlier turns.
 * The history is this path's only memory: an execution environment keeps nothing another one can
 * see, so each invocation seeds a fresh agent with it (./seed-history.ts).
 */
import { z } from 'zod'
import { maxBodyBytes, requestError, validateInvoke, type InvokeRequest, type Validation } from '../../protocol/request'

/**
 * The most history accepted, in characters (code points): room to spare over what the edge sends
 * (app/server/conversation/history.ts keeps at most 24,000 characters of earlier turns).
 */
export const MAX_HISTORY_CHARS = 64_000
/** The most history messages accepted (the agent keeps a window of AGENT_HISTORY_MESSAGES anyway). */
export const MAX_HISTORY_MESSAGES = 200

export interface HistoryMessage {
  role: 'user' | 'assistant'
  text: string
}

export interface AgentInvoke extends InvokeRequest {
  userId?: string
  history: HistoryMessage[]
}

const contextSchema = z.object({
  userId: z.string({ error: '"userId" must be a string.' }).max(256, { error: '"userId" is limited to 256 characters.' }).optional(),
  history: z
    .array(z.object({ role: z.enum(['user', 'assistant']), text: z.string() }), {
      error: '"history" must be a list of {role: "user" | "assistant", text}.',
    })
    .max(MAX_HISTORY_MESSAGES, { error: `"history" is limited to ${MAX_HISTORY_MESSAGES} messages.` })
    .refine((h) => h.reduce((n, m) => n + [...m.text].length, 0) <= MAX_HISTORY_CHARS, {
      error: `"history" is limited to ${MAX_HISTORY_CHARS} characters.`,
      params: { code: 'payload_too_large' },
    })
    .default([]),
})

/** The body bytes read at most: the prompt fields' worst encoding (protocol/request.ts) plus the history's. */
export function maxAgentBodyBytes(maxPromptChars: number): number {
  return maxBodyBytes(maxPromptChars) + MAX_HISTORY_CHARS * 12 + MAX_HISTORY_MESSAGES * 40
}

/** The edge's rules for prompt, sessionId and replaces (same codes), then userId and history. */
export function validateAgentInvoke(body: unknown, maxPromptChars: number): Validation<AgentInvoke> {
  const base = validateInvoke(body, maxPromptChars)
  if (!base.ok) return base
  const context = contextSchema.safeParse(body)
  if (!context.success) {
    const error = requestError(context.error)
    return { ok: false, ...error, status: error.code === 'payload_too_large' ? 413 : 400 }
  }
  return { ok: true, value: { ...base.value, ...context.data } }
}
