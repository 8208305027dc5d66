/**
 * Agent response bytes → the project's events, as they arrive. SSE framing is eventsource-parser's
 * (any chunking, CRLF or LF, multi-line data); the payload mapping is ./agent-events.ts.
 */
import { createParser } from 'eventsource-parser'
import type { StreamEvent } from '../../protocol/events'
import { createAgentEventMapper, type AgentEventMapper } from './agent-events'

export interface AgentStreamNormalizer {
  /** Feeds the next chunk of the agent's body; returns the events completed by it. */
  push(chunk: Uint8Array): StreamEvent[]
  /** The agent's body ended: flushes a last event that lacked its blank line. */
  end(): StreamEvent[]
  readonly mapper: AgentEventMapper
}

export function createAgentStreamNormalizer(onSkip?: (shape: string) => void): AgentStreamNormalizer {
  const mapper = createAgentEventMapper(onSkip)
  const decoder = new TextDecoder('utf-8')
  let out: StreamEvent[] = []
  const parser = createParser({
    onEvent: (message) => {
      out.push(...mapper.map(message.event, message.data))
    },
  })
  const take = () => {
    const events = out
    out = []
    return events
  }
  return {
    mapper,
    push(chunk) {
      // stream: true keeps a UTF-8 sequence split across chunks intact.
      parser.feed(decoder.decode(chunk, { stream: true }))
      return take()
    },
    end() {
      const rest = decoder.decode()
      // A final message without its blank line still counts (some agents end the body right after `data:`).
      parser.feed(rest + '\n\n')
      return take()
    },
  }
}
