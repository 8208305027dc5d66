/**
 * The conformance contracts: what this project's code depends on in API Gateway, Lambda and
 * AgentCore, run against the local cloud (default) or a deployed stack (`npm run conformance --
 * --target aws`). A contract that needs to look inside (what the function received, the emulator's
 * switches, a probe function) runs where that is possible and is listed as not covered elsewhere.
 * Timing is measured and reported (and recorded), never asserted.
 */
import { createParser } from 'eventsource-parser'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { BUSY_SESSION_MODES, DEFAULT_BEHAVIOUR, STOP_SESSION_MODES } from '../local/agentcore/behaviour'
import { bodyMatches, type GatewayFixture } from './fixture-format'
import { Recorder } from './recorder'
import { observeBusySession, observeStopSession, stopRuntimeSession } from './sessions'
import { startTarget, targetSpecFromEnv, type ApiRequest, type ConformanceTarget } from './target'
import { readTimed, spacingOf } from './timed-read'

const spec = targetSpecFromEnv()
const isLocal = spec.kind === 'local'
let target: ConformanceTarget
let recorder: Recorder
const notCovered: string[] = []
const report: string[] = []

beforeAll(async () => {
  target = await startTarget(spec)
  recorder = new Recorder({ dir: spec.recordDir, target: spec.kind, secrets: target.secrets })
})

afterAll(async () => {
  if (target) await Promise.all([...sessionsUsed].map((id) => stopRuntimeSession(target.agentCore, id).catch(() => {})))
  const written = recorder?.flush() ?? []
  await target?.stop()
  const lines = [`conformance against ${target?.label ?? spec.kind}:`, ...report.map((l) => `  ${l}`)]
  if (notCovered.length) lines.push(`  not covered on this target: ${notCovered.join('; ')}`)
  if (written.length) lines.push(`  fixtures written: ${written.length} (${spec.recordDir})`)
  console.log(lines.join('\n'))
})

/** Registers a contract only where it can run; elsewhere it is named in the run's summary. */
function where(needs: 'observer' | 'probe', name: string, fn: () => void) {
  // Both needs are the local target's for now: the deployed stack has neither.
  if (isLocal) fn()
  else notCovered.push(`${name} (needs ${needs === 'observer' ? 'a view inside the local cloud' : "the local probe function (the stack has none)"})`)
}

/** Every session the run opened: stopped at the end, so none idles (and bills) for AgentCore's 15 minutes. */
const sessionsUsed = new Set<string>()
const newSession = (tag: string) => {
  const id = `conformance-${tag}-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 10)}`.padEnd(40, '0').slice(0, 80)
  // Requests API Gateway refuses never reach AgentCore.
  if (!['refusal', 'invalid', 'burst'].includes(tag)) sessionsUsed.add(id)
  return id
}
// The local offline model reads a length hint from the prompt; a deployed model gets an ordinary request.
const LONG_PROMPT = isLocal ? 'Write a long essay about rivers words:3000' : 'Write a long essay about rivers, at least 2000 words.'
const SHORT_PROMPT = isLocal ? 'Tell me about streams words:60' : 'Count from 1 to 40, one number per line.'
// Long enough that a second invocation sent after its first chunk meets it still streaming (a few seconds).
const BUSY_PROMPT = isLocal ? 'Tell me about streams words:600' : 'Count from 1 to 300, one number per line.'

function eventsOf(sse: string): Array<{ type: string; data: unknown }> {
  const events: Array<{ type: string; data: unknown }> = []
  createParser({ onEvent: (e) => events.push({ type: e.event ?? 'message', data: JSON.parse(e.data) }) }).feed(sse)
  return events
}

async function bodyJson(res: Response): Promise<unknown> {
  const text = await res.text()
  try {
    return JSON.parse(text)
  } catch {
    return text
  }
}

/** API Gateway's two 403 answers, each met by more than one refusal below. */
const missingToken = { status: 403, errorType: 'MissingAuthenticationTokenException', body: { message: 'Missing Authentication Token' } }
const forbidden = { status: 403, errorType: 'ForbiddenException', body: { message: 'Forbidden' } }

describe('API Gateway refuses before the function runs', () => {
  const invokeBody = () => JSON.stringify({ prompt: 'hello', sessionId: newSession('refusal') })
  const cases: Array<{ name: string; req: ApiRequest; status: number; errorType: string; body: unknown; match?: 'prefix'; notes: string }> = [
    {
      name: 'unsigned',
      req: { path: '/invoke', body: invokeBody(), signing: 'unsigned' },
      ...missingToken,
      notes: 'No SigV4 signature on an AWS_IAM method: refused before the API key is looked at.',
    },
    {
      name: 'wrong-signature',
      req: { path: '/invoke', body: invokeBody(), signing: 'wrong-secret' },
      status: 403,
      errorType: 'InvalidSignatureException',
      body: { message: 'The request signature we calculated does not match the signature you provided.' },
      match: 'prefix',
      notes: 'The message goes on with the canonical request and string to sign API Gateway computed.',
    },
    {
      name: 'wrong-region',
      req: { path: '/invoke', body: invokeBody(), signing: 'wrong-region' },
      status: 403,
      errorType: 'InvalidSignatureException',
      body: { message: "Credential should be scoped to a valid region, not '" },
      match: 'prefix',
      notes: "Signed for another region (aws/conformance/signing.ts otherRegion): the message names the region signed for.",
    },
    {
      name: 'expired-signature',
      req: { path: '/invoke', body: invokeBody(), signing: 'expired' },
      status: 403,
      errorType: 'InvalidSignatureException',
      body: { message: 'Signature expired: ' },
      match: 'prefix',
      notes: 'X-Amz-Date 10 minutes ago: AWS allows 5. The message goes on with the date signed and the window it missed.',
    },
    {
      name: 'tampered-body',
      req: { path: '/invoke', body: invokeBody(), signing: 'tampered-body' },
      status: 403,
      errorType: 'InvalidSignatureException',
      body: { message: 'The request signature we calculated does not match the signature you provided.' },
      match: 'prefix',
      notes: "Signed properly, then one character added to the body: the body's hash is in the signature, so it no longer holds.",
    },
    {
      name: 'missing-api-key',
      req: { path: '/invoke', body: invokeBody(), apiKey: 'missing' },
      ...forbidden,
      notes: 'Signed, no x-api-key.',
    },
    {
      name: 'wrong-api-key',
      req: { path: '/invoke', body: invokeBody(), apiKey: 'wrong' },
      ...forbidden,
      notes: 'Signed, an x-api-key the usage plan does not know: the same answer as a missing one.',
    },
    {
      name: 'unknown-route',
      req: { path: '/no-such-route', body: '{}' },
      ...missingToken,
      notes: 'A path the API does not have, signed and with the key: 403, not 404.',
    },
    {
      name: 'invalid-body',
      req: { path: '/invoke', body: JSON.stringify({ prompt: '   ', sessionId: newSession('invalid') }) },
      status: 400,
      errorType: 'BadRequestException',
      body: { message: 'Invalid request body' },
      notes: "The method's request model (aws/lib/request-models.ts) refuses a blank prompt.",
    },
  ]
  for (const c of cases) {
    it(`${c.name}: ${c.status} ${c.errorType}`, async () => {
      const seen = target.observer?.mark()
      const res = await target.api(c.req)
      const body = await bodyJson(res)
      const fixture: Omit<GatewayFixture, 'source'> = {
        request: { method: 'POST', path: c.req.path, signing: c.req.signing ?? 'signed', apiKey: c.req.apiKey ?? 'valid', contentType: 'application/json', body: c.req.body },
        response: {
          status: res.status,
          headers: pick(res.headers, ['x-amzn-errortype', 'content-type']),
          // A message that echoes the request (host, date) is kept to its first paragraph, so that the
          // fixture replays anywhere; the whole answer stays beside it, redacted.
          body: c.match === 'prefix' ? firstParagraphs(body) : body,
          ...(c.match && { match: c.match, observedBody: body }),
        },
        notes: c.notes,
      }
      recorder.recordGateway(c.name, 'API Gateway refuses before the function runs', fixture)
      expect(res.status).toBe(c.status)
      expect(res.headers.get('x-amzn-errortype')).toBe(c.errorType)
      expect(bodyMatches(c.body, body, c.match)).toBe(true)
      if (seen) expect(seen()).toEqual([])
    })
  }

  it('a burst of 60 beyond the usage plan’s rate: every answer is the model’s 400 or API Gateway’s 429 Too Many Requests', async () => {
    // Three times the stack's burst (20): even spread over a few seconds of a loaded machine, it meets the plan.
    const burst = 60
    const results = await Promise.all(
      Array.from({ length: burst }, async () => {
        const res = await target.api({ path: '/invoke', body: JSON.stringify({ prompt: ' ', sessionId: newSession('burst') }) })
        return { status: res.status, errorType: res.headers.get('x-amzn-errortype'), body: await bodyJson(res) }
      }),
    )
    const throttled = results.filter((r) => r.status === 429)
    for (const r of results) {
      expect(r.status === 429 ? [r.body] : [r.status, r.body]).toEqual(r.status === 429 ? [{ message: 'Too Many Requests' }] : [400, { message: 'Invalid request body' }])
    }
    report.push(`usage-plan burst: ${throttled.length} of ${burst} requests answered 429`)
    recorder.recordObservation('usage-plan-burst', 'throttling', { burst, throttled: throttled.length, throttledAnswer: throttled[0] ?? null })
    // The local cloud has the stack's default plan (10/s, burst 20): 40 at once must meet it. A
    // deployed stack's plan may be larger; there the count is only recorded.
    if (isLocal) expect(throttled.length).toBeGreaterThan(0)
    if (throttled[0]) expect(throttled[0].errorType).toBe('TooManyRequestsException')
    // Let the bucket refill (burst / rate seconds) before the next contracts.
    await new Promise((r) => setTimeout(r, 2_500))
  })
})

where('observer', 'Lambda throttled (every execution environment busy) → 500', () => {
  describe('throttling by Lambda', () => {
    it('with every execution environment of the invoke function busy, API Gateway answers 500 Internal server error without running it', async () => {
      const { LOCAL_LAMBDA_CONCURRENCY } = await import('./local-target')
      const sessions = Array.from({ length: LOCAL_LAMBDA_CONCURRENCY }, () => newSession('fill'))
      const readers = await Promise.all(
        sessions.map(async (sessionId) => {
          const res = await target.api({ path: '/invoke', body: JSON.stringify({ prompt: LONG_PROMPT, sessionId }) })
          const reader = res.body!.getReader()
          await reader.read()
          return reader
        }),
      )
      const seen = target.observer!.mark()
      const res = await target.api({ path: '/invoke', body: JSON.stringify({ prompt: 'one more', sessionId: newSession('over') }) })
      const body = await bodyJson(res)
      expect([res.status, body]).toEqual([500, { message: 'Internal server error' }])
      // API Gateway tried the function (Lambda refused it: TooManyRequestsException), nothing more.
      expect(seen().map((e) => e.function)).toEqual(['invoke'])
      for (const sessionId of sessions) await target.api({ path: '/cancel', body: JSON.stringify({ sessionId }) }).then((r) => r.text())
      for (const r of readers) await r.cancel().catch(() => {})
    })
  })
})

describe('a streamed answer through API Gateway', () => {
  it('status and headers come from the Lambda’s prelude; API Gateway adds its request ids', async () => {
    const sessionId = newSession('prelude')
    const res = await target.api({ path: '/invoke', body: JSON.stringify({ prompt: SHORT_PROMPT, sessionId }) })
    const headers = pick(res.headers, ['content-type', 'cache-control', 'x-session-id', 'x-request-id', 'content-encoding'])
    recorder.recordObservation('prelude-headers', 'prelude', { status: res.status, headers, apiGatewayHeaders: Object.keys(pick(res.headers, ['x-amzn-requestid', 'x-amz-apigw-id', 'x-amzn-trace-id'])) })
    expect(res.status).toBe(200)
    expect(headers).toMatchObject({ 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-cache, no-transform', 'x-session-id': sessionId })
    expect(headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/)
    expect(res.headers.get('x-amzn-requestid')).toMatch(/^[0-9a-f-]{36}$/)
    const events = eventsOf(await res.text())
    expect(events[0]).toMatchObject({ type: 'meta', data: { sessionId, requestId: headers['x-request-id'] } })
    expect(events.at(-1)).toEqual({ type: 'done', data: { stopReason: 'end_turn' } })
  })

  it('chunks arrive as they are written, not at the end (arrival spacing measured and reported)', async () => {
    const sessionId = newSession('spacing')
    const sentAt = performance.now()
    const res = await target.api({ path: '/invoke', body: JSON.stringify({ prompt: SHORT_PROMPT, sessionId }) })
    const body = await readTimed(res, sentAt)
    const spacing = spacingOf(body.chunks)
    report.push(`arrival spacing: ${JSON.stringify(spacing)}`)
    recorder.recordObservation('arrival-spacing', 'chunks arrive as written', { prompt: SHORT_PROMPT, spacing })
    expect(body.cut).toBe(false)
    const textChunks = body.chunks.filter((c) => c.text.includes('event: text'))
    // More than one read carried text, and the first of them came before the stream's last chunk.
    expect(textChunks.length).toBeGreaterThan(1)
    expect(body.chunks.indexOf(textChunks[0])).toBeLessThan(body.chunks.length - 1)
    expect(eventsOf(body.text).at(-1)?.type).toBe('done')
  })

  if (!isLocal) {
    if (spec.kind === 'aws' && spec.stack.invokeLogGroup) {
      it('one POST /invoke is one invocation of the invoke function (counted from its log group’s START lines)', async () => {
        // Nothing else runs the invoke function meanwhile: the contracts run one at a time.
        const from = Date.now() - 1_000
        const sessionId = newSession('count')
        await (await target.api({ path: '/invoke', body: JSON.stringify({ prompt: SHORT_PROMPT, sessionId }) })).text()
        const seen = await target.countInvocations!(from, Date.now() + 1_000)
        report.push(`invocations for one request: ${seen.requestIds.length} (${seen.reported} reported${seen.settled ? '' : ', log not settled'})`)
        recorder.recordObservation('invocations-per-request', 'every invocation', { invocations: seen.requestIds.length, reported: seen.reported, settled: seen.settled })
        expect(seen.requestIds.length).toBe(1)
      })
    } else notCovered.push('every invocation the Lambda receives (the invoke function’s log group was not found: cloudformation:DescribeStackResources and logs:FilterLogEvents are needed)')
  }
  where('observer', 'every invocation the Lambda receives for one request (the REST proxy event itself)', () => {
    it('one POST /invoke is one invocation of the invoke function, with the REST proxy event, and nothing else', async () => {
      const seen = target.observer!.mark()
      const sessionId = newSession('count')
      await (await target.api({ path: '/invoke', body: JSON.stringify({ prompt: SHORT_PROMPT, sessionId }) })).text()
      const events = seen()
      expect(events.map((e) => e.function)).toEqual(['invoke'])
      expect(events[0].event).toMatchObject({ resource: '/invoke', httpMethod: 'POST', path: '/invoke', requestContext: { stage: 'v1', resourcePath: '/invoke' } })
      recorder.recordObservation('invocations-per-request', 'every invocation', { invocations: events.length, eventKeys: Object.keys(events[0].event as object).sort() })
    })
  })
})

where('probe', 'function errors, the integration timeout and the idle cut', () => {
  describe('what API Gateway makes of the function’s behaviour (probe function)', () => {
    it('an error before the first byte → 502 Internal server error', async () => {
      const res = await target.probe!.post({ mode: 'error-before-first-byte' })
      expect([res.status, await res.json()]).toEqual([502, { message: 'Internal server error' }])
    })

    it('a function that ends without writing → 502 (the prelude goes out with the first write)', async () => {
      const res = await target.probe!.post({ mode: 'end-without-writing' })
      expect([res.status, await res.json()]).toEqual([502, { message: 'Internal server error' }])
    })

    it('no prelude within the integration timeout → 504 Endpoint request timed out', async () => {
      const res = await target.probe!.post({ mode: 'slow-start', ms: target.probe!.limits.integrationTimeoutMs + 1_000 }, 'short-integration-timeout')
      expect([res.status, await res.json()]).toEqual([504, { message: 'Endpoint request timed out' }])
    })

    it('status and headers are the prelude’s; reserved ones are remapped', async () => {
      const res = await target.probe!.post({ mode: 'prelude' })
      expect(res.status).toBe(201)
      expect([res.headers.get('x-custom'), res.headers.get('x-amzn-remapped-date')]).toEqual(['yes', 'Thu, 01 Jan 2026 00:00:00 GMT'])
      expect(await res.text()).toBe('first second')
    })

    it('a function error mid-stream: what was written arrives, then the stream is cut (no clean end)', async () => {
      const sentAt = performance.now()
      const res = await target.probe!.post({ mode: 'error-mid-stream' })
      expect(res.status).toBe(200)
      const body = await readTimed(res, sentAt)
      expect([body.text, body.cut]).toEqual(['partial ', true])
    })

    it('a stream quiet for longer than the idle timeout is cut after what was written', async () => {
      const sentAt = performance.now()
      const res = await target.probe!.post({ mode: 'go-quiet', ms: target.probe!.limits.idleTimeoutMs * 4 }, 'short-idle-timeout')
      const body = await readTimed(res, sentAt)
      expect([body.text, body.cut]).toEqual(['hello ', true])
      report.push(`idle cut: last chunk at ${Math.round(body.chunks.at(-1)?.atMs ?? 0)} ms, cut at ${Math.round(performance.now() - sentAt)} ms (idle timeout ${target.probe!.limits.idleTimeoutMs} ms)`)
    })
  })
})

describe('AgentCore sessions (what the cancel path relies on)', () => {
  const ref = () => target.agentCore
  if (isLocal) {
    for (const mode of BUSY_SESSION_MODES) {
      it(`busySession=${mode}: a second InvokeAgentRuntime on a streaming session is observed as ${mode}`, async () => {
        target.observer!.setAgentCoreBehaviour({ busySession: mode })
        const sessionId = newSession(`busy-${mode}`)
        try {
          const seen = await observeBusySession(ref(), sessionId, { prompt: BUSY_PROMPT })
          report.push(`busy session (${mode}): ${JSON.stringify(seen)}`)
          expect(seen.mode).toBe(mode)
        } finally {
          target.observer!.setAgentCoreBehaviour(DEFAULT_BEHAVIOUR)
          await stopRuntimeSession(ref(), sessionId).catch(() => {})
        }
      })
    }
    for (const mode of STOP_SESSION_MODES) {
      it(`stopSession=${mode}: StopRuntimeSession cuts the streaming answer, a second stop finds nothing, the id can be used again`, async () => {
        target.observer!.setAgentCoreBehaviour({ stopSession: mode })
        const sessionId = newSession(`stop-${mode}`)
        try {
          const seen = await observeStopSession(ref(), sessionId, { prompt: LONG_PROMPT }, { type: 'cancel' })
          expect(seen).toEqual({ stopStatus: 200, running: 'cut', secondStop: { outcome: 'error', errorName: 'ResourceNotFoundException', status: 404 }, reuse: 'ok' })
        } finally {
          target.observer!.setAgentCoreBehaviour(DEFAULT_BEHAVIOUR)
          await stopRuntimeSession(ref(), sessionId).catch(() => {})
        }
      })
    }
  } else {
    it('a second InvokeAgentRuntime on a streaming session: runs at once, waits, or is refused (recorded)', async () => {
      const sessionId = newSession('busy')
      try {
        const seen = await observeBusySession(ref(), sessionId, { prompt: BUSY_PROMPT })
        report.push(`busy session: ${JSON.stringify(seen)} → set LOCAL_AGENTCORE_BUSY_SESSION=${seen.mode} to match`)
        recorder.recordObservation('agentcore-busy-session', 'AgentCore sessions', { ...seen })
        expect(BUSY_SESSION_MODES).toContain(seen.mode)
      } finally {
        await stopRuntimeSession(ref(), sessionId).catch(() => {})
      }
    })
    it('StopRuntimeSession on a streaming session: what it leaves (recorded)', async () => {
      const sessionId = newSession('stop')
      try {
        const seen = await observeStopSession(ref(), sessionId, { prompt: LONG_PROMPT }, { type: 'cancel' })
        report.push(`StopRuntimeSession: ${JSON.stringify(seen)}`)
        recorder.recordObservation('agentcore-stop-session', 'AgentCore sessions', { ...seen })
        expect(seen.stopStatus).toBe(200)
      } finally {
        await stopRuntimeSession(ref(), sessionId).catch(() => {})
      }
    })
  }
})

describe('the cancel path end to end', () => {
  const modes = isLocal ? BUSY_SESSION_MODES : (['as deployed'] as const)
  for (const mode of modes) {
    it(`POST /cancel stops a streaming answer: the stream ends with done${isLocal ? ` (AgentCore busySession=${mode})` : ''}`, async () => {
      if (isLocal) target.observer!.setAgentCoreBehaviour({ busySession: mode as (typeof BUSY_SESSION_MODES)[number] })
      try {
        const sessionId = newSession('cancel')
        const sentAt = performance.now()
        const res = await target.api({ path: '/invoke', body: JSON.stringify({ prompt: LONG_PROMPT, sessionId }) })
        expect(res.status).toBe(200)
        const reader = res.body!.getReader()
        let seen = ''
        while (!seen.includes('event: text')) seen += new TextDecoder().decode((await reader.read()).value)
        // The agent's turn, held now: after a StopRuntimeSession (terminate) the agent forgets the session.
        const turn = target.observer?.agentTurn(sessionId)
        if (target.observer) expect(turn?.running).toBe(true)
        const cancelAt = performance.now()
        const cancel = await target.api({ path: '/cancel', body: JSON.stringify({ sessionId }) })
        const answer = (await cancel.json()) as { cancelled?: boolean; method?: string }
        const cancelMs = Math.round(performance.now() - cancelAt)
        expect(cancel.status).toBe(200)
        expect(answer).toMatchObject({ cancelled: true, method: expect.stringMatching(/^(signal|stop_session)$/) })
        for (;;) {
          const { value, done } = await reader.read().catch(() => ({ value: undefined, done: true }))
          if (done) break
          seen += new TextDecoder().decode(value)
        }
        const endedMs = Math.round(performance.now() - sentAt)
        report.push(`cancel (${mode}): ${answer.method} in ${cancelMs} ms; the invoke stream ended ${endedMs} ms after it started`)
        recorder.recordObservation(`cancel-${mode.replace(/ /g, '-')}`, 'the cancel path', { method: answer.method, cancelMs, lastEvent: eventsOf(seen).at(-1) ?? null })
        expect(eventsOf(seen).at(-1)?.type).toBe('done')
        if (turn) {
          await turn.finished
          expect(turn.cancelled).toBe(true)
        }
      } finally {
        target.observer?.setAgentCoreBehaviour(DEFAULT_BEHAVIOUR)
      }
    })
  }
})

function firstParagraphs(body: unknown): unknown {
  if (!body || typeof body !== 'object') return body
  // Up to the first paragraph break, and before any SigV4 date-time (an expired signature's message
  // names the date signed and AWS's clock).
  const stable = (v: string) => v.split('\n\n')[0].split(/\d{8}T\d{6}Z/)[0]
  return Object.fromEntries(Object.entries(body).map(([k, v]) => [k, typeof v === 'string' ? stable(v) : v]))
}

function pick(headers: Headers, names: string[]): Record<string, string> {
  const out: Record<string, string> = {}
  for (const n of names) {
    const v = headers.get(n)
    if (v !== null) out[n] = v
  }
  return out
}
