/**
 * Test helpers: an HTTP client for the agent's container contract, speaking to it the way the
 * AgentCore data plane does (session header, Accept: text/event-stream) and parsing its SSE frames
 * with eventsource-parser. Not part of the image's bundle (main.ts does not import it).
 */
import { randomUUID } from 'node:crypto'
import { EventSourceParserStream } from 'eventsource-parser/stream'
import { EVENT_TYPES, type EventType, type StreamEvent } from '../../protocol/events'
import { RUNTIME_SESSION_HEADER } from '../local/agentcore/request'
import type { RunningAgent } from './app'

export { RUNTIME_SESSION_HEADER }

/** A session id AgentCore would accept (33–256 characters). */
export function newTestSessionId(): string {
  return `test-${randomUUID()}`
}

export function invoke(baseUrl: string, sessionId: string | undefined, body: unknown, init: RequestInit = {}): Promise<Response> {
  return fetch(`${baseUrl}/invocations`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      accept: 'text/event-stream',
      ...(sessionId !== undefined && { [RUNTIME_SESSION_HEADER]: sessionId }),
    },
    body: JSON.stringify(body),
    ...init,
  })
}

export async function cancel(baseUrl: string, sessionId: string): Promise<{ cancelled: boolean }> {
  const response = await invoke(baseUrl, sessionId, { type: 'cancel' })
  return (await response.json()) as { cancelled: boolean }
}

/** The agent's events, one per SSE message, as they arrive; a message that is not a protocol event fails. */
export async function* frames(response: Response): AsyncGenerator<StreamEvent> {
  if (!response.body) throw new Error('response has no body')
  const reader = response.body.pipeThrough(new TextDecoderStream()).pipeThrough(new EventSourceParserStream()).getReader()
  try {
    for (let next = await reader.read(); !next.done; next = await reader.read()) {
      const message = next.value
      if (!EVENT_TYPES.includes(message.event as EventType)) throw new Error(`not a protocol event: "${message.event}": ${message.data}`)
      yield { type: message.event, data: JSON.parse(message.data) } as StreamEvent
    }
  } finally {
    reader.releaseLock()
  }
}

/** The next `count` frames, read with next() so the stream stays open for more. */
export async function take(stream: AsyncGenerator<StreamEvent>, count: number): Promise<StreamEvent[]> {
  const taken: StreamEvent[] = []
  for (let i = 0; i < count; i++) taken.push((await stream.next()).value as StreamEvent)
  return taken
}

/** Every frame left in the stream, to its end. */
export async function rest(stream: AsyncGenerator<StreamEvent>): Promise<StreamEvent[]> {
  const all: StreamEvent[] = []
  for await (const frame of stream) all.push(frame)
  return all
}

export function readAll(response: Response): Promise<StreamEvent[]> {
  return rest(frames(response))
}

export function textOf(events: readonly StreamEvent[]): string {
  return events.map((e) => (e.type === 'text' ? e.data.text : '')).join('')
}

/** A session's conversation history as role and text, as the agent holds it. */
export function historyOf(agent: RunningAgent, sessionId: string): Array<{ role: string; text: string }> {
  return (agent.sessions.peek(sessionId)?.agent.messages ?? []).map((m) => ({
    role: m.role,
    text: m.content.map((b) => (b.type === 'textBlock' ? b.text : '')).join(''),
  }))
}

export async function ping(baseUrl: string): Promise<{ status: string; time_of_last_update: number }> {
  const response = await fetch(`${baseUrl}/ping`)
  return (await response.json()) as { status: string; time_of_last_update: number }
}
