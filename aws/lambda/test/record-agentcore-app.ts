/**
 * Records what AWS's TypeScript BedrockAgentCoreApp actually sends for a generator's yields: the real
 * framing (@fastify/sse), not a hand-written imitation. Test support, and the recorder of
 * aws/lambda/test/record-ts-agent.ts.
 */
import type { AddressInfo } from 'node:net'
import { BedrockAgentCoreApp } from 'bedrock-agentcore/runtime'
import { RUNTIME_SESSION_HEADER } from '../../local/agentcore/request'

export type AgentHandler = (prompt: string) => AsyncGenerator<unknown>

/** Runs the real BedrockAgentCoreApp on 127.0.0.1 around `handler` and returns what one invocation with `prompt` answers. */
export async function invokeAgentCoreApp(
  handler: AgentHandler,
  prompt: string,
  sessionId = 'session-0123456789-0123456789-0123456789',
): Promise<{ status: number; contentType: string; body: Uint8Array }> {
  const app = new BedrockAgentCoreApp({
    invocationHandler: { process: async (request) => handler((request as { prompt: string }).prompt) },
    config: { logging: { enabled: false } },
  })
  // The SDK keeps its Fastify instance private; it is the only way to learn the bound port.
  const fastify = (app as unknown as { _app: { addHook: Function; server: { address(): AddressInfo }; close(): Promise<void> } })._app
  const listening = new Promise<void>((resolve) => fastify.addHook('onListen', (done: () => void) => (resolve(), done())))
  app.run({ host: '127.0.0.1', port: 0 })
  await listening
  try {
    const res = await fetch(`http://127.0.0.1:${fastify.server.address().port}/invocations`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'text/event-stream', [RUNTIME_SESSION_HEADER]: sessionId },
      body: JSON.stringify({ prompt }),
    })
    return { status: res.status, contentType: res.headers.get('content-type') ?? '', body: new Uint8Array(await res.arrayBuffer()) }
  } finally {
    await fastify.close()
  }
}

/** The bytes the framework sends for `yields`, then (throwAfter) for an error thrown after them. */
export async function recordAgentCoreApp(yields: unknown[], opts: { throwAfter?: boolean } = {}): Promise<Uint8Array> {
  const handler: AgentHandler = async function* () {
    for (const y of yields) yield y
    if (opts.throwAfter) throw new Error('internal detail: db password wrong')
  }
  return (await invokeAgentCoreApp(handler, 'hi')).body
}
