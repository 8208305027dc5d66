/**
 * The AgentCore emulator's switches (./behaviour.ts), each value driven through the AWS SDK client:
 * a second invocation on a busy session (run / queue / reject) and what StopRuntimeSession leaves
 * (terminate / keep).
 */
import { BedrockAgentCoreClient, InvokeAgentRuntimeCommand, StopRuntimeSessionCommand } from '@aws-sdk/client-bedrock-agentcore'
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { text } from 'node:stream/consumers'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { behaviourFromEnv, DEFAULT_BEHAVIOUR } from './behaviour'
import { startAgentCore, type AgentCore } from './server'

const ARN = 'arn:aws:bedrock-agentcore:us-east-1:123456789012:runtime/local_agent-AbCdEf1234'

/** The agent at the system's edge: `long` streams until its client leaves, anything else answers at once. */
interface Seen {
  prompt: string
  at: number
  /** When the agent ended its answer (undefined while it writes, or when cut). */
  endedAt?: number
  closedEarly: boolean
}
let agent: Server
let seen: Seen[] = []
const forgotten: string[] = []
let emu: AgentCore
let client: BedrockAgentCoreClient
let n = 0

beforeAll(async () => {
  agent = createServer(async (req, res) => {
    let body = ''
    for await (const c of req) body += c
    const s: Seen = { prompt: (JSON.parse(body) as { prompt: string }).prompt, at: Date.now(), closedEarly: false }
    seen.push(s)
    res.writeHead(200, { 'Content-Type': 'text/event-stream' })
    res.on('close', () => {
      if (!res.writableFinished) s.closedEarly = true
    })
    const chunks = s.prompt === 'long' ? 10_000 : s.prompt === 'short' ? 5 : 1
    for (let i = 0; i < chunks && !res.destroyed; i++) {
      res.write(`data: "${s.prompt}${i}"\n\n`)
      await new Promise((r) => setTimeout(r, 20))
    }
    if (!res.destroyed) {
      s.endedAt = Date.now()
      res.end()
    }
  })
  await new Promise<void>((r) => agent.listen(0, '127.0.0.1', r))
  emu = await startAgentCore({
    runtimes: { [ARN]: { url: `http://127.0.0.1:${(agent.address() as AddressInfo).port}`, forgetSession: (id) => forgotten.push(id) } },
  })
  client = new BedrockAgentCoreClient({ region: 'us-east-1', endpoint: emu.endpoint, credentials: { accessKeyId: 'local', secretAccessKey: 'local' }, maxAttempts: 1 })
})

afterAll(async () => {
  client?.destroy()
  await emu?.stop()
  await new Promise((r) => agent?.close(r))
})

afterEach(() => {
  Object.assign(emu.behaviour, DEFAULT_BEHAVIOUR)
  seen = []
})

const newSession = () => `behaviour-test-session-${++n}-`.padEnd(40, 'x')

function invoke(sessionId: string, prompt: string, signal?: AbortSignal) {
  return client.send(
    new InvokeAgentRuntimeCommand({ agentRuntimeArn: ARN, runtimeSessionId: sessionId, payload: new TextEncoder().encode(JSON.stringify({ prompt })) }),
    { abortSignal: signal },
  )
}
const stop = (sessionId: string) => client.send(new StopRuntimeSessionCommand({ agentRuntimeArn: ARN, runtimeSessionId: sessionId }))

/** A streaming answer's text, read to its end; rejects when the stream is cut. */
const answerText = (out: Awaited<ReturnType<typeof invoke>>) => text(out.response as unknown as AsyncIterable<Uint8Array>)

/** Waits until the first chunk of a streaming answer has arrived (the session is then busy). */
async function firstChunk(out: Awaited<ReturnType<typeof invoke>>) {
  const it = (out.response as unknown as AsyncIterable<Uint8Array>)[Symbol.asyncIterator]()
  await it.next()
  return it
}

/** Reads the rest of a stream; rejects when it was cut rather than ended. */
async function drain(it: AsyncIterator<Uint8Array>): Promise<void> {
  while (!(await it.next()).done);
}

describe('busySession', () => {
  it('run: a second invocation reaches the agent while the first still streams', async () => {
    const session = newSession()
    const first = await firstChunk(await invoke(session, 'long'))
    expect(await answerText(await invoke(session, 'quick'))).toBe('data: "quick0"\n\n')
    expect(seen.map((s) => s.prompt)).toEqual(['long', 'quick'])
    expect(seen[0].closedEarly).toBe(false)
    await stop(session)
    await expect(drain(first)).rejects.toThrow()
  })

  it('queue: a second invocation waits until the first has ended, then runs', async () => {
    emu.behaviour.busySession = 'queue'
    const session = newSession()
    const first = await invoke(session, 'short')
    const second = invoke(session, 'quick') // sent while the first streams
    expect(await answerText(first)).toBe([0, 1, 2, 3, 4].map((i) => `data: "short${i}"\n\n`).join(''))
    expect(await answerText(await second)).toBe('data: "quick0"\n\n')
    expect(seen.map((s) => s.prompt)).toEqual(['short', 'quick'])
    // The agent got the second only once it had finished the first (an order, not a time limit).
    expect(seen[1].at).toBeGreaterThanOrEqual(seen[0].endedAt!)
    const forwarded = emu.events.find((e) => e.type === 'invoke-forwarded' && e.sessionId === session)
    expect(forwarded).toMatchObject({ waitedMs: expect.toSatisfy((ms) => Number.isFinite(ms) && ms >= 0, 'a finite number of ms >= 0') })
  })

  it('queue: a queued caller that gives up never reaches the agent; StopRuntimeSession cuts the running one and the queued one', async () => {
    emu.behaviour.busySession = 'queue'
    const session = newSession()
    const first = await firstChunk(await invoke(session, 'long'))
    const gaveUp = new AbortController()
    const abandoned = invoke(session, 'abandoned', gaveUp.signal)
    const queued = invoke(session, 'queued')
    // Both wait in the session's line before the one gives up and the session is stopped: a fixed
    // sleep here let a slow machine send the stop first, and `queued` then ran on a fresh session.
    await expect.poll(() => emu.events.filter((e) => e.type === 'invoke' && e.sessionId === session).length).toBe(3)
    gaveUp.abort()
    await expect(abandoned).rejects.toThrow()
    await stop(session)
    await expect(queued).rejects.toMatchObject({ name: 'RuntimeClientError', $metadata: { httpStatusCode: 424 } })
    await expect(drain(first)).rejects.toThrow()
    expect(seen.map((s) => s.prompt)).toEqual(['long'])
    // The agent's side of the cut connection closes on its own socket's events, not by a deadline.
    await expect.poll(() => seen[0].closedEarly).toBe(true)
  })

  it('reject: a second invocation gets 409 RetryableConflictException and the agent never sees it', async () => {
    emu.behaviour.busySession = 'reject'
    const session = newSession()
    await firstChunk(await invoke(session, 'long'))
    await expect(invoke(session, 'quick')).rejects.toMatchObject({ name: 'RetryableConflictException', $metadata: { httpStatusCode: 409 } })
    expect(seen.map((s) => s.prompt)).toEqual(['long'])
    expect(emu.events).toContainEqual(expect.objectContaining({ type: 'invoke-rejected', sessionId: session }))
    await stop(session)
    // Once the session is idle again, an invocation runs.
    expect(await answerText(await invoke(session, 'quick'))).toBe('data: "quick0"\n\n')
  })
})

describe('stopSession', () => {
  for (const mode of ['terminate', 'keep'] as const) {
    it(`${mode}: the running invocation is cut and the agent sees its client leave; the agent forgets the session only on terminate`, async () => {
      emu.behaviour.stopSession = mode
      const session = newSession()
      const first = await firstChunk(await invoke(session, 'long'))
      await stop(session)
      await expect(drain(first)).rejects.toThrow()
      await expect.poll(() => seen[0].closedEarly).toBe(true)
      expect(forgotten.includes(session)).toBe(mode === 'terminate')
      expect(emu.events).toContainEqual({ type: 'stop-session', sessionId: session, inFlight: 1, forgotten: mode === 'terminate' })
      // The id may be used again; a second stop finds nothing.
      expect(await answerText(await invoke(session, 'quick'))).toBe('data: "quick0"\n\n')
      await stop(session)
      await expect(stop(session)).rejects.toMatchObject({ name: 'ResourceNotFoundException' })
    })
  }
})

describe('behaviourFromEnv', () => {
  it('reads both switches, defaults when unset, and names the variable of a wrong value', () => {
    expect(behaviourFromEnv({})).toEqual({ busySession: 'run', stopSession: 'terminate' })
    expect(behaviourFromEnv({ LOCAL_AGENTCORE_BUSY_SESSION: 'queue', LOCAL_AGENTCORE_STOP_SESSION: 'keep' })).toEqual({ busySession: 'queue', stopSession: 'keep' })
    expect(() => behaviourFromEnv({ LOCAL_AGENTCORE_BUSY_SESSION: 'wait' })).toThrow('LOCAL_AGENTCORE_BUSY_SESSION=wait is not one of: run, queue, reject')
  })
})
