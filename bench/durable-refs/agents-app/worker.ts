/**
 * The Cloudflare `agents` reference (bench/durable-refs/agents-chat.ts): an `AIChatAgent` from
 * `@cloudflare/ai-chat`, the package's own resumable chat (its answer's chunks buffered in the
 * Durable Object's SQLite and replayed to a client that reconnects), whose model is the bench's
 * synthetic upstream: onChatMessage streams the upstream's text events as AI SDK UI message chunks
 * (`createUIMessageStream`), as a model would through `streamText(...).toUIMessageStreamResponse()`.
 * Clients speak the package's WebSocket protocol at /agents/ref-chat/<name> (routeAgentRequest).
 */
import { AIChatAgent } from '@cloudflare/ai-chat'
import { routeAgentRequest } from 'agents'
import { createUIMessageStream, createUIMessageStreamResponse } from 'ai'
import { EventSourceParserStream } from 'eventsource-parser/stream'

/** This Worker's own bindings (bench/durable-refs/agents-chat.ts); the package types `env` as the project's Cloudflare.Env. */
interface Env {
  UPSTREAM_URL: string
  UPSTREAM_API_KEY: string
  RefChat: DurableObjectNamespace
}

/** SQLite statements that write, counted per object (the bench reads them through Miniflare, not a route). */
const WRITES = /^\s*(INSERT|UPDATE|DELETE|REPLACE)\b/i
const writes = new WeakMap<DurableObjectState, { n: number }>()

/** Wraps the object's SqlStorage.exec so every write statement is counted, the agent's own tables included. */
function countWrites(ctx: DurableObjectState) {
  const sql = ctx.storage.sql
  const exec = sql.exec.bind(sql)
  const counter = { n: 0 }
  sql.exec = ((query: string, ...bindings: unknown[]) => {
    if (WRITES.test(query)) counter.n++
    return exec(query, ...bindings)
  }) as typeof sql.exec
  writes.set(ctx, counter)
}

export class RefChat extends AIChatAgent {
  constructor(ctx: DurableObjectState, env: Cloudflare.Env) {
    // Before the base class reads ctx.storage.sql.
    countWrites(ctx)
    super(ctx, env)
  }

  /** SQLite write statements since the object started. */
  stats(): { writes: number } {
    return { writes: writes.get(this.ctx)?.n ?? NaN }
  }

  async onChatMessage() {
    const last = this.messages.at(-1)
    const prompt = last?.parts.map((p) => (p.type === 'text' ? p.text : '')).join('') ?? ''
    const env = this.env as unknown as Env
    const stream = createUIMessageStream({
      async execute({ writer }) {
        const up = await fetch(env.UPSTREAM_URL, {
          method: 'POST',
          headers: { 'content-type': 'application/json', accept: 'text/event-stream', 'x-api-key': env.UPSTREAM_API_KEY },
          body: JSON.stringify({ prompt }),
        })
        if (!up.ok || !up.body) throw new Error(`upstream ${up.status}`)
        writer.write({ type: 'text-start', id: 'answer' })
        const events = up.body.pipeThrough(new TextDecoderStream()).pipeThrough(new EventSourceParserStream())
        const reader = events.getReader()
        for (let e = await reader.read(); !e.done; e = await reader.read()) {
          if (e.value.event === 'text') writer.write({ type: 'text-delta', id: 'answer', delta: JSON.parse(e.value.data).text })
        }
        writer.write({ type: 'text-end', id: 'answer' })
      },
    })
    return createUIMessageStreamResponse({ stream })
  }
}

export default {
  async fetch(request: Request, env: Cloudflare.Env): Promise<Response> {
    return (await routeAgentRequest(request, env)) ?? new Response('Not found', { status: 404 })
  },
}
