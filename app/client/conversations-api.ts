import type { ErrorEvent, StopReason, ToolEvent, UsageEvent } from '../../protocol/events'

/**
 * The page's side of the conversation routes (app/routes/api/conversations/). The shapes are the
 * JSON those routes answer (app/server/conversation/routes.ts), written out here because the page's
 * program does not see the Worker's code.
 */
export interface ChatSummary {
  id: string
  title: string
  created: number
  updated: number
}

export interface ChatMessage {
  role: 'user' | 'assistant'
  turn: number
  text: string
  /** Assistant messages: how the turn ended (null while it runs). */
  stopReason?: StopReason | null
  /** Assistant messages with tool calls: the turn's `tool` events, in the order they streamed. */
  tools?: ToolEvent[]
  /** Assistant messages whose turn sent one: its usage event. */
  usage?: UsageEvent
  /** Assistant messages with text: ms from the turn being asked for to its first text, and from its first text to its last, as the server saw them. */
  timing?: StoredTiming
  /** Assistant messages of a turn that ended in an error: its error event. */
  error?: ErrorEvent
}

export interface StoredTiming {
  firstTextMs: number
  streamedMs: number
}

export interface ChatView extends ChatSummary {
  messages: ChatMessage[]
  /** The running turn and the id of its last event so far (resume after it), or null. */
  running: { turn: number; lastEventId: number } | null
}

const path = (id: string) => `/api/conversations/${encodeURIComponent(id)}`

/** GET /api/conversations: the visitor's chats, newest first. */
export async function listChats(signal?: AbortSignal): Promise<ChatSummary[]> {
  const res = await fetch('/api/conversations', { headers: { accept: 'application/json' }, signal })
  if (!res.ok) throw new Error(`GET /api/conversations: ${res.status}`)
  return ((await res.json()) as { conversations: ChatSummary[] }).conversations
}

/** GET /api/conversations/:id: the chat, or undefined when it is not there (deleted, or not this visitor's). */
export async function loadChat(id: string, signal?: AbortSignal): Promise<ChatView | undefined> {
  const res = await fetch(path(id), { headers: { accept: 'application/json' }, signal })
  if (res.status === 404) return undefined
  if (!res.ok) throw new Error(`GET ${path(id)}: ${res.status}`)
  return (await res.json()) as ChatView
}

/** GET /api/conversations/:id/events?after=: the running (or latest) turn's events after an id. */
export function chatEvents(id: string, after: number, signal?: AbortSignal): Promise<Response> {
  return fetch(`${path(id)}/events?after=${after}`, { headers: { accept: 'text/event-stream' }, signal })
}

/** POST /api/conversations/:id/stop: ends the running turn as cancelled (the agent's too). */
export async function stopChat(id: string): Promise<boolean> {
  const res = await fetch(`${path(id)}/stop`, { method: 'POST', keepalive: true })
  return res.ok
}

/** DELETE /api/conversations/:id. */
export async function deleteChat(id: string): Promise<boolean> {
  const res = await fetch(path(id), { method: 'DELETE' })
  return res.ok || res.status === 404
}
