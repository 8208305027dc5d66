/**
 * AWS's Python SDK as a client of the Lambda API emulator (./server.ts): boto3's `lambda` client
 * (invoke_with_response_stream, invoke) at the emulator's endpoint with the Worker's local keys, in
 * front of the local chain with the Python agent: the proxy function under aws-lambda-ric → AgentCore
 * emulator → aws/agent-python/agent.py. boto3 signs with its own SigV4 signer and decodes the
 * event-stream frames with its own parser, so whatever it rejects or misreads is an emulator bug. The
 * client is ./boto3_lambda_client.py, run in the Python agent's venv.
 */
import { fileURLToPath } from 'node:url'
import { createParser } from 'eventsource-parser'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { composeAnswer } from '../../agent/offline-answer'
import { startLocalCloud, type LocalCloud } from '../cloud'
import type { RunningPythonAgent } from '../python/agent'
import { runBoto3Script } from '../python/boto3-script'

const CLIENT = fileURLToPath(new URL('./boto3_lambda_client.py', import.meta.url))
let cloud: LocalCloud<RunningPythonAgent>

beforeAll(async () => {
  cloud = await startLocalCloud({ agentRuntime: 'python', agent: { offline: { firstTokenMs: 50, tokensPerSecond: 200 } } })
})
afterAll(() => cloud?.stop())

type Line = {
  headers?: { statusCode: number; executedVersion: string; requestId: string }
  chunk?: string
  complete?: { errorCode: string | null; errorDetails: string | null }
  cancel?: { statusCode: number; functionError: string | null; payload: unknown }
  invoke?: { statusCode: number; functionError: string | null; payload: unknown }
  unknown?: string[]
  error?: { code: string; message: string; status: number | null }
}

/** Runs boto3_lambda_client.py with the given keys (default: the Worker's, which may invoke both functions). */
function boto3(args: string[], keys = cloud.workerKeys): Promise<Line[]> {
  return runBoto3Script<Line>(CLIENT, args, keys)
}

const session = (name: string) => `boto3-lambda-${name}-`.padEnd(40, 'l')
const streamArgs = (payload: object, ...extra: string[]) => ['stream', cloud.lambdaEndpoint, cloud.functionName, JSON.stringify(payload), ...extra]

/** The project's events in the function's output (the payload chunks joined). */
function eventsOf(lines: Line[]): Array<{ type: string; data: Record<string, unknown> }> {
  const events: Array<{ type: string; data: Record<string, unknown> }> = []
  const parser = createParser({ onEvent: (e) => events.push({ type: e.event ?? 'message', data: JSON.parse(e.data) }) })
  for (const l of lines) if (l.chunk) parser.feed(l.chunk)
  return events
}
const answerOf = (lines: Line[]) =>
  eventsOf(lines)
    .filter((e) => e.type === 'text')
    .map((e) => e.data.text)
    .join('')

describe('boto3 lambda client → Lambda API emulator → the proxy function → AgentCore emulator → Python agent', () => {
  it('invoke_with_response_stream: boto3 decodes the PayloadChunks as they come, then InvokeComplete without error', async () => {
    const prompt = 'こんにちは boto3 🎉 家族👨‍👩‍👧 words:200'
    const before = cloud.lambdaApi.calls.invokeWithResponseStream
    const lines = await boto3(streamArgs({ action: 'invoke', prompt, sessionId: session('stream') }))
    expect(lines[0].headers).toMatchObject({ statusCode: 200, executedVersion: '$LATEST', requestId: expect.stringMatching(/^[0-9a-f-]{36}$/) })
    expect(lines.filter((l) => l.unknown)).toEqual([])
    expect(lines.filter((l) => l.chunk).length).toBeGreaterThan(5)
    // InvokeComplete last, once, with no error.
    expect(lines.filter((l) => l.complete)).toHaveLength(1)
    expect(lines.at(-1)?.complete).toEqual({ errorCode: null, errorDetails: null })
    const events = eventsOf(lines)
    expect(events[0]).toMatchObject({ type: 'meta', data: { sessionId: session('stream') } })
    expect(answerOf(lines)).toBe(composeAnswer({ prompt, earlier: [] }))
    expect(events.at(-1)).toEqual({ type: 'done', data: { stopReason: 'end_turn' } })
    expect(cloud.lambdaApi.calls.invokeWithResponseStream).toBe(before + 1)
  })

  it('invoke on the cancel function mid-stream stops the Python agent: the stream ends cancelled, the session goes on', async () => {
    const id = session('cancel')
    const prompt = 'Tell me everything words:3000'
    const lines = await boto3(streamArgs({ action: 'invoke', prompt, sessionId: id }, '--cancel', cloud.cancelFunctionName, id, '--cancel-after-bytes', '2000'))
    // 'signal': the agent answered the cancel invocation itself.
    expect(lines.find((l) => l.cancel)?.cancel).toEqual({ statusCode: 200, functionError: null, payload: { cancelled: true, method: 'signal' } })
    expect(eventsOf(lines).at(-1)).toEqual({ type: 'done', data: { stopReason: 'cancelled' } })
    expect(lines.at(-1)?.complete).toEqual({ errorCode: null, errorDetails: null })
    const full = composeAnswer({ prompt, earlier: [] })
    expect(answerOf(lines).length).toBeLessThan(full.length)
    expect(full.startsWith(answerOf(lines))).toBe(true)
    const next = await boto3(streamArgs({ action: 'invoke', prompt: 'Still there?', sessionId: id }))
    expect(answerOf(next)).toBe(composeAnswer({ prompt: 'Still there?', earlier: [prompt] }))
  })

  it('invoke (RequestResponse) of the cancel function when nothing runs: boto3 reads {cancelled: false}', async () => {
    const lines = await boto3(['invoke', cloud.lambdaEndpoint, cloud.cancelFunctionName, JSON.stringify({ action: 'cancel', sessionId: session('idle') })])
    expect(lines).toEqual([{ invoke: { statusCode: 200, functionError: null, payload: { cancelled: false } } }])
  })

  it("the service's errors reach boto3 as its modeled exceptions with their status codes", async () => {
    // IAM before existence: the Worker's keys may invoke two functions only, so another name is refused as
    // not authorized, whether it exists or not (./server.ts).
    const other = await boto3(['stream', cloud.lambdaEndpoint, 'no-such-function', '{}'])
    expect(other.at(-1)?.error).toMatchObject({ code: 'AccessDeniedException', status: 403 })
    expect(other.at(-1)?.error?.message).toContain('is not authorized to perform: lambda:InvokeFunction')
    const notJson = await boto3(['invoke', cloud.lambdaEndpoint, cloud.cancelFunctionName, '{not json'])
    expect(notJson.at(-1)?.error).toMatchObject({ code: 'InvalidRequestContentException', status: 400 })
    // Keys IAM does not know: the signature is refused before anything runs.
    const stranger = await boto3(streamArgs({ action: 'invoke', prompt: 'hi', sessionId: session('stranger') }), {
      accessKeyId: 'AKIALOCALSTRANGER000',
      secretAccessKey: 'not-a-key-the-emulator-knows',
    })
    expect(stranger.at(-1)?.error?.status).toBe(403)
    expect(stranger.at(-1)?.error?.code).toMatch(/^(UnrecognizedClientException|AccessDeniedException)$/)
    expect(stranger.at(-1)?.error?.message).toBe('The security token included in the request is invalid.')
    // A known key signed with the wrong secret: boto3's signature and the emulator's disagree.
    const wrongSecret = await boto3(streamArgs({ action: 'invoke', prompt: 'hi', sessionId: session('stranger') }), {
      accessKeyId: cloud.workerKeys.accessKeyId,
      secretAccessKey: 'not-the-secret-of-that-key',
    })
    expect(wrongSecret.at(-1)?.error).toMatchObject({ code: 'InvalidSignatureException', status: 403 })
    expect(cloud.agentCore.events.some((e) => 'sessionId' in e && e.sessionId === session('stranger'))).toBe(false)
  })
})
