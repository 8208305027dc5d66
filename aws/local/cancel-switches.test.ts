/**
 * The cancel path over the local chain (API Gateway → the real Lambda bundle → AgentCore emulator →
 * the agent) under every value of the AgentCore emulator's switches (agentcore/behaviour.ts): the
 * Stop must reach the agent whether AgentCore runs a second invocation on a busy session at once,
 * queues it behind the streaming answer, or refuses it, and whatever StopRuntimeSession leaves.
 */
import { createParser } from 'eventsource-parser'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { BUSY_SESSION_MODES, DEFAULT_BEHAVIOUR, STOP_SESSION_MODES } from './agentcore/behaviour'
import { startLocalCloud, type LocalCloud } from './cloud'

let cloud: LocalCloud

beforeAll(async () => {
  cloud = await startLocalCloud({ agent: { offline: { firstTokenMs: 50, tokensPerSecond: 200 } } })
})
afterAll(() => cloud?.stop())

function signedPost(url: string, body: unknown) {
  return cloud.workerFetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'text/event-stream', 'x-api-key': cloud.apiKey },
    body: JSON.stringify(body),
  })
}

function eventsOf(sse: string): Array<{ type: string; data: unknown }> {
  const events: Array<{ type: string; data: unknown }> = []
  createParser({ onEvent: (e) => events.push({ type: e.event ?? 'message', data: JSON.parse(e.data) }) }).feed(sse)
  return events
}

async function readRest(reader: ReadableStreamDefaultReader<Uint8Array>, seen: string): Promise<string> {
  for (;;) {
    const { value, done } = await reader.read()
    if (done) return seen
    seen += new TextDecoder().decode(value)
  }
}

let n = 0
// What the cancel function reports: the cancel invocation reaches a running agent only when AgentCore
// runs it at once; queued (it times out after CANCEL_TIMEOUT_MS) or refused, StopRuntimeSession does it.
const EXPECTED_METHOD = { run: 'signal', queue: 'stop_session', reject: 'stop_session' } as const

describe('the cancel reaches the agent under every AgentCore switch', () => {
  for (const busySession of BUSY_SESSION_MODES) {
    for (const stopSession of STOP_SESSION_MODES) {
      // `run` never calls StopRuntimeSession, so its stop switch changes nothing: once is enough.
      if (busySession === 'run' && stopSession !== DEFAULT_BEHAVIOUR.stopSession) continue
      it(`busySession=${busySession}, stopSession=${stopSession}: the turn ends cancelled, and the next turn on the session answers`, async () => {
        Object.assign(cloud.agentCore.behaviour, { busySession, stopSession })
        const session = `cancel-switch-${busySession}-${stopSession}-${++n}-`.padEnd(45, 'z')
        // Long (15 s at 200 tokens/s): the cancel comes first even on a loaded machine.
        const res = await signedPost(cloud.invokeUrl, { prompt: 'Write a long essay about rivers words:3000', sessionId: session })
        expect(res.status).toBe(200)
        const reader = res.body!.getReader()
        let seen = ''
        while (!seen.includes('event: text')) seen += new TextDecoder().decode((await reader.read()).value)
        const conversation = cloud.agent.sessions.peek(session)!
        const turn = conversation.turn!
        expect(turn.running).toBe(true)

        const cancel = await signedPost(cloud.cancelUrl, { sessionId: session })
        expect([cancel.status, await cancel.json()]).toEqual([200, { cancelled: true, method: EXPECTED_METHOD[busySession] }])
        // The invoke stream ends (done last: cancelled when the agent said so, an error when
        // StopRuntimeSession cut AgentCore's stream; the Worker has already ended the turn as cancelled).
        const events = eventsOf(await readRest(reader, seen))
        expect(events.at(-1)?.type).toBe('done')
        await turn.finished
        expect(turn.cancelled).toBe(true)

        // The session is usable again; after StopRuntimeSession `terminate` the agent starts it afresh.
        const next = await signedPost(cloud.invokeUrl, { prompt: 'hello again', sessionId: session })
        expect(eventsOf(await next.text()).at(-1)).toEqual({ type: 'done', data: { stopReason: 'end_turn' } })
        const after = cloud.agent.sessions.peek(session)
        const stopped = EXPECTED_METHOD[busySession] === 'stop_session'
        expect(after === conversation).toBe(!(stopped && stopSession === 'terminate'))
      })
    }
  }
})

afterAll(() => {
  if (cloud) Object.assign(cloud.agentCore.behaviour, DEFAULT_BEHAVIOUR)
})
