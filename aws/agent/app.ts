/**
 * The AgentCore container: AWS's BedrockAgentCoreApp (POST /invocations, GET /ping, SSE framing)
 * around our conversations. `startAgent` runs it in-process and tells the caller where it listens.
 *
 * Invocation bodies (session id in the X-Amzn-Bedrock-AgentCore-Runtime-Session-Id header):
 *   {"prompt": "...", "replaces"?: "...", "history"?: [{role, text}]}
 *                       → text/event-stream of the protocol's events (`event: text` …, last `event: done`)
 *   {"type": "cancel"}  → application/json {"cancelled": true|false}
 */
import type { AddressInfo } from 'node:net'
import { Stream } from 'node:stream'
import { BedrockAgentCoreApp } from 'bedrock-agentcore/runtime'
import type { FastifyInstance } from 'fastify'
import type { Model } from '@strands-agents/sdk'
import { z } from 'zod'
import { loadConfig, type AgentConfig } from './config'
import { createConversationAgent, createModel } from './agent-factory'
import { fitsPromptLimit } from './prompt-limit'
import { seedHistory } from './seed-history'
import { SessionStore } from './sessions'
import { startTurn, type Conversation } from './turn'

export function invocationSchema(maxPromptChars: number) {
  return z.union([
    z.object({ type: z.literal('cancel') }),
    z.object({
      prompt: z
        .string()
        .refine((prompt) => prompt.trim() !== '', 'prompt must not be blank')
        .refine((prompt) => fitsPromptLimit(prompt, maxPromptChars), `prompt is limited to ${maxPromptChars} characters`),
      // The prompt of the last exchange this one replaces (edit, regenerate, retry): see replace-exchange.ts.
      replaces: z.string().optional(),
      // The conversation so far, as the edge stored it: seeds a fresh session (seed-history.ts).
      history: z.array(z.object({ role: z.enum(['user', 'assistant']), text: z.string() })).optional(),
    }),
  ])
}

export interface AgentApp {
  app: BedrockAgentCoreApp
  sessions: SessionStore<Conversation>
}

/** `model` replaces the configured one (tests put a test double at the model edge). */
export function createAgentApp(config: AgentConfig, model: Model = createModel(config)): AgentApp {
  const sessions = new SessionStore<Conversation>({
    maxSessions: config.maxSessions,
    idleMs: config.sessionIdleMs,
    create: () => ({ agent: createConversationAgent(model, config) }),
    isBusy: (conversation) => conversation.turn?.running ?? false,
  })
  const app: BedrockAgentCoreApp = new BedrockAgentCoreApp({
    invocationHandler: {
      requestSchema: invocationSchema(config.maxPromptChars),
      process: async (request, context) => {
        const sessionId = context.sessionId
        if ('type' in request) {
          return { cancelled: sessions.peek(sessionId)?.turn?.cancel() ?? false }
        }
        const conversation = sessions.acquire(sessionId)
        // Only between turns: a turn still running keeps its session (startTurn answers session_busy).
        if (!conversation.turn?.running) seedHistory(conversation.agent, request.history)
        // The framework's own task registry drives /ping: HealthyBusy while any turn generates.
        let task = 0
        return startTurn(conversation, request.prompt, context.log, request.replaces, {
          started: () => (task = app.addAsyncTask('turn', { sessionId })),
          finished: () => {
            app.completeAsyncTask(task)
            sessions.touch(sessionId)
          },
        })
      },
    },
    config: {
      logging: config.logLevel === 'silent' ? { enabled: false } : { options: { level: config.logLevel } },
    },
  })
  jsonBodiesStayJson(fastifyOf(app))
  return { app, sessions }
}

/**
 * BedrockAgentCoreApp answers a missing session id or an invalid body with `reply.status(400).send({...})`,
 * but when the request accepts text/event-stream (AgentCore's data plane always does) @fastify/sse has
 * already set that content type, Fastify refuses to send an object as an event stream, and the client
 * gets an empty 500. Serializing such bodies as JSON restores the framework's intended 400.
 */
function jsonBodiesStayJson(server: FastifyInstance): void {
  server.addHook('onSend', async (_request, reply, payload) => {
    const isPlainObject = payload !== null && typeof payload === 'object' && !Buffer.isBuffer(payload) && !(payload instanceof Stream)
    if (!isPlainObject || !String(reply.getHeader('content-type')).startsWith('text/event-stream')) return payload
    reply.header('content-type', 'application/json; charset=utf-8')
    return JSON.stringify(payload)
  })
}

export interface StartAgentOptions {
  /** Instead of the configured AGENT_HOST (default 127.0.0.1; the container sets 0.0.0.0). */
  host?: string
  /** Instead of the configured PORT (default 8080); 0 picks a free port. */
  port?: number
  /** Overrides on top of the environment's configuration. */
  config?: Partial<AgentConfig>
  /** The environment the configuration is parsed from (default process.env). */
  env?: Record<string, string | undefined>
  /** A model instead of the configured Bedrock/offline one. */
  model?: Model
}

export interface RunningAgent {
  /** Base URL, e.g. http://127.0.0.1:41234 (POST {url}/invocations, GET {url}/ping). */
  url: string
  port: number
  config: AgentConfig
  sessions: SessionStore<Conversation>
  /** Cancels running turns, then stops the server. */
  close(): Promise<void>
}

export async function startAgent(options: StartAgentOptions = {}): Promise<RunningAgent> {
  const config = { ...loadConfig(options.env ?? process.env), ...options.config }
  const { app, sessions } = createAgentApp(config, options.model)
  const host = options.host ?? config.host
  const server = fastifyOf(app)
  const listening = new Promise<void>((resolve) => server.addHook('onListen', (done) => (resolve(), done())))
  // run() is the SDK's only way to start: it registers the routes, then listens (and exits the process
  // if listening fails). It returns nothing, so readiness comes from Fastify's onListen hook.
  app.run({ host, port: options.port ?? config.port })
  await listening
  const { port } = server.server.address() as AddressInfo
  sessions.startSweeping(Math.min(config.sessionIdleMs, 60_000))
  return {
    url: `http://${host.includes(':') ? `[${host}]` : host}:${port}`,
    port,
    config,
    sessions,
    async close() {
      sessions.stopSweeping()
      for (const conversation of sessions.values()) conversation.turn?.cancel()
      await server.close()
    },
  }
}

/**
 * The Fastify instance inside BedrockAgentCoreApp. The SDK keeps it private, but the bound port (for
 * port 0) and a graceful close are only reachable through it.
 */
function fastifyOf(app: BedrockAgentCoreApp): FastifyInstance {
  const server = (app as unknown as { _app?: FastifyInstance })._app
  if (!server?.server) throw new Error('bedrock-agentcore changed: BedrockAgentCoreApp no longer exposes its Fastify instance')
  return server
}
