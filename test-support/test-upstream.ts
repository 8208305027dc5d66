/**
 * A test upstream for the edge app: plays the part of API Gateway + Lambda (POST /v1/invoke streams
 * the project's events, POST /v1/cancel) on 127.0.0.1, port 0, and records what it saw so tests can
 * ask it (headers, bodies, aborts, cancel calls). A test double at the system's edge, faithful to the
 * contract of the deployed API (API Gateway before the Lambda; aws/local/api-gateway/ emulates it): SigV4 (IAM authorization) and the API key required, API Gateway's 403s
 * otherwise, JSON errors, SSE with done last.
 *
 * The prompt picks the behaviour (`<scenario>:<marker> ...`):
 *   answer     text events (the words of the rest of the prompt, or a default answer), then done
 *   slow       like answer, one event every SLOW_MS (for the browser test)
 *   paced      like slow, one event every N ms: `paced:<marker>:<N>` (default 20)
 *   gated      one text event per release (POST /__release?marker=…), so tests need no clocks
 *   pinged     a heartbeat (PING) alone, then after a release the text events and done
 *   forever    a text event every 50 ms until the request is aborted
 *   hang       never answers (first-byte timeout)
 *   status403 | status500 | status503 | status504   that HTTP error (500 carries fake internals)
 *   html200    200 with text/html (not an event stream)
 *   break      a text event, half an event, then the socket is destroyed
 *   nodone     text events, then a clean end without done
 *   badids     like answer, but its event ids do not count up (the second text event repeats an id)
 *
 * Like the Lambda (aws/lambda/response.ts), it numbers the events from the request's `firstEventId`
 * and says so in FIRST_EVENT_ID_HEADER; `plain-<scenario>` (e.g. `plain-gated:<marker>`) plays the
 * scenario without ids and without the header, as an upstream that does not number its events does.
 * `cold-<scenario>` (e.g. `cold-gated:<marker>`, `cold-status503:<marker>`) holds the response, its
 * first byte included, until the marker's first release: a cold start that ends when the test says
 * (a gated answer's words then wait for the releases after it).
 */
import { createServer, type Server, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { buffer } from 'node:stream/consumers'
import { verifySigV4 } from '../aws/local/sigv4/verify'
import { FIRST_EVENT_ID_HEADER, formatEvent, PING, type EventMap, type EventType } from '../protocol/events'
import { TEST_AWS_CREDENTIAL, TEST_AWS_REGION } from './test-credentials'

export const TEST_API_KEY = 'test-upstream-key-not-a-secret'
const SLOW_MS = 120

export interface SeenRequest {
  path: string
  headers: Record<string, string | string[] | undefined>
  body: string
  prompt?: string
  sessionId?: string
  /** A SigV4-signed request: `valid`, or the error type API Gateway would refuse it with. */
  sigv4?: string
  /** The invoke body's firstEventId: the events were numbered from it (unless the scenario is `plain-…`). */
  firstEventId?: number
  /** The client (the Worker) went away before the answer ended. */
  aborted: boolean
  ended: boolean
}

/** The Worker's vars for this upstream: its URL, the API key and the edge principal's keys. */
export function testUpstreamVars(upstream: Pick<TestUpstream, 'invokeUrl'>): { UPSTREAM_URL: string; UPSTREAM_API_KEY: string } & Record<string, string> {
  return {
    UPSTREAM_URL: upstream.invokeUrl,
    UPSTREAM_API_KEY: TEST_API_KEY,
    UPSTREAM_AWS_ACCESS_KEY_ID: TEST_AWS_CREDENTIAL.accessKeyId,
    UPSTREAM_AWS_SECRET_ACCESS_KEY: TEST_AWS_CREDENTIAL.secretAccessKey,
    UPSTREAM_AWS_REGION: TEST_AWS_REGION,
  }
}

export interface TestUpstream {
  url: string
  invokeUrl: string
  cancelUrl: string
  seen: SeenRequest[]
  stop(): Promise<void>
}

export interface TestUpstreamOptions {
  /** Require SigV4 on /v1/* as the stack's IAM-authorized methods do (default true). A probe that
   *  measures something else (bench/suites/disconnect.ts) may turn it off. */
  iam?: boolean
}

export async function startTestUpstream(options: TestUpstreamOptions = {}): Promise<TestUpstream> {
  const iam = options.iam ?? true
  const seen: SeenRequest[] = []
  const gates = new Map<string, Array<() => void>>()
  const released = new Map<string, number>()
  /** The running answers by session: a cancel ends one with done (cancelled), as the Lambda's answer ends when the agent's turn is cancelled (aws/lambda/invoke.ts). */
  const answers = new Map<string, () => void>()

  /** Waits until the marker has been released `count` times, or the client has gone. */
  async function untilReleased(marker: string, count: number, res: ServerResponse): Promise<void> {
    while ((released.get(marker) ?? 0) < count && !res.destroyed && !res.writableEnded) {
      await new Promise<void>((wake) => {
        gates.set(marker, [...(gates.get(marker) ?? []), wake])
        res.once('close', wake)
      })
    }
  }

  const server: Server = createServer(async (req, res) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1')
    // A request that breaks off before its body ends gets no answer, as from API Gateway.
    const bytes = await buffer(req).catch(() => undefined)
    if (!bytes) return void res.destroy()
    const body = bytes.toString('utf8')
    if (url.pathname === '/__seen') return json(res, 200, seen)
    if (url.pathname === '/__release') {
      const marker = url.searchParams.get('marker') ?? ''
      released.set(marker, (released.get(marker) ?? 0) + 1)
      for (const wake of gates.get(marker) ?? []) wake()
      gates.delete(marker)
      return json(res, 200, { released: released.get(marker) })
    }
    const record: SeenRequest = { path: url.pathname, headers: req.headers, body, aborted: false, ended: false }
    try {
      const parsed = JSON.parse(body) as { prompt?: string; sessionId?: string; firstEventId?: number }
      record.prompt = parsed.prompt
      record.sessionId = parsed.sessionId
      record.firstEventId = parsed.firstEventId
    } catch {}
    seen.push(record)
    // The routes use IAM authorization, as the stack's do: the signature is checked as API Gateway
    // checks it (aws/local/sigv4), before the API key.
    if (iam && url.pathname.startsWith('/v1/')) {
      const verdict = await verifySigV4(
        { method: req.method ?? 'GET', url: req.url ?? '/', rawHeaders: req.rawHeaders, body: bytes },
        { service: 'execute-api', region: TEST_AWS_REGION, credentials: [TEST_AWS_CREDENTIAL] },
      )
      record.sigv4 = verdict.ok ? 'valid' : verdict.errorType
      if (!verdict.ok) {
        res.writeHead(verdict.status, { 'content-type': 'application/json', 'x-amzn-ErrorType': verdict.errorType })
        return res.end(JSON.stringify({ message: verdict.message }))
      }
    }
    res.on('close', () => {
      if (!res.writableFinished) record.aborted = true
    })
    res.on('finish', () => (record.ended = true))

    if (req.headers['x-api-key'] !== TEST_API_KEY) return json(res, 403, { message: 'Forbidden' })
    if (req.method !== 'POST') return json(res, 405, { message: 'Method not allowed' })
    if (url.pathname === '/v1/cancel') {
      const sid = record.sessionId ?? ''
      // idle…: nothing runs in that session (the Lambda's 404, after AgentCore's ResourceNotFoundException).
      if (sid.startsWith('idle')) return json(res, 404, { cancelled: false })
      // flaky…: the first attempt finds the cancel function throttled (API Gateway's 500 for a rejected invocation).
      if (sid.startsWith('flaky') && seen.filter((r) => r.path === '/v1/cancel' && r.sessionId === sid).length === 1) {
        return json(res, 500, { message: 'Internal server error' })
      }
      answers.get(sid)?.()
      return json(res, 200, { cancelled: true, method: 'signal' })
    }
    if (url.pathname !== '/v1/invoke') return json(res, 404, { message: 'Not found' })

    const prompt = record.prompt ?? ''
    const [head, ...rest] = prompt.split(' ')
    const [named, marker = '', pace = ''] = head.split(':')
    const plain = named.startsWith('plain-')
    const unplain = plain ? named.slice('plain-'.length) : named
    const cold = unplain.startsWith('cold-')
    const scenario = cold ? unplain.slice('cold-'.length) : unplain
    let nextId = plain || !Number.isSafeInteger(record.firstEventId) ? undefined : record.firstEventId!
    /** One event's SSE text, with the next id when the events are numbered. */
    const ev = <K extends EventType>(type: K, data: EventMap[K]) => (nextId === undefined ? '' : `id: ${nextId++}\n`) + formatEvent(type, data)
    const sessionId = record.sessionId ?? ''
    const words = rest.length ? rest.map((w, i) => (i ? ' ' : '') + w) : ['Hello', ' from', ' the', ' test', ' upstream.']

    /** Releases of the marker that the answer's events wait for besides their own (a cold start's). */
    const held = cold ? 1 : 0
    if (cold) await untilReleased(marker, 1, res)
    if (res.destroyed) return

    switch (scenario) {
      case 'hang':
        return // never answers; the Worker's first-byte timeout must fire
      case 'status403':
        return json(res, 403, { message: 'Forbidden' })
      case 'status500':
        return json(res, 500, { errorMessage: 'TypeError: x is undefined', stack: 'at handler (/var/task/index.mjs:1:2)' })
      case 'status503':
        return json(res, 503, { message: 'Service Unavailable' })
      case 'retry503':
        res.setHeader('retry-after', '7')
        return json(res, 503, { message: 'Service Unavailable' })
      case 'status429': // API Gateway's own throttle (usage plan, stage or account): no Retry-After
        return json(res, 429, { message: 'Too Many Requests' })
      case 'throttled': // Lambda rejected the invocation (TooManyRequestsException): API Gateway's 500
        res.setHeader('x-amzn-ErrorType', 'InternalServerErrorException')
        return json(res, 500, { message: 'Internal server error' })
      case 'status504':
        return json(res, 504, { message: 'Endpoint request timed out' })
      case 'html200':
        res.writeHead(200, { 'content-type': 'text/html' })
        return res.end('<html>oops</html>')
    }

    res.writeHead(200, {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-cache',
      ...(nextId !== undefined && { [FIRST_EVENT_ID_HEADER]: String(nextId) }),
    })
    res.flushHeaders()
    /** The answer is still open: not ended by a cancel (below) nor broken off by the client. */
    const open = () => !res.destroyed && !res.writableEnded
    const send = (text: string) => open() && res.write(text)
    const cancel = () => {
      if (open()) res.end(ev('done', { stopReason: 'cancelled' }))
    }
    answers.set(sessionId, cancel)
    res.on('close', () => answers.get(sessionId) === cancel && answers.delete(sessionId))
    send(ev('meta', { sessionId, requestId: 'upstream-1' }))
    const wait = (ms: number) => new Promise((r) => setTimeout(r, ms))

    switch (scenario) {
      case 'gated': {
        for (let i = 0; i < words.length && open(); i++) {
          // Event i waits for the i-th release (after the cold start's): the test decides when each one may go.
          await untilReleased(marker, held + i, res)
          send(ev('text', { text: words[i] }))
        }
        send(ev('done', { stopReason: 'end_turn' }))
        return res.end()
      }
      case 'pinged': {
        // The heartbeat alone, as the Lambda sends it while the agent is silent; the rest waits for a release.
        send(PING)
        while (!released.get(marker) && open()) {
          await new Promise<void>((wake) => {
            gates.set(marker, [...(gates.get(marker) ?? []), wake])
            res.once('close', wake)
          })
        }
        for (const w of words) send(ev('text', { text: w }))
        send(ev('done', { stopReason: 'end_turn' }))
        return res.end()
      }
      case 'forever': {
        for (let i = 0; open() && i < 2000; i++) {
          send(ev('text', { text: `${i} ` }))
          await wait(50)
        }
        return res.end()
      }
      case 'break': {
        send(ev('text', { text: 'partial' }))
        send((nextId === undefined ? '' : `id: ${nextId}\n`) + 'event: text\ndata: {"te')
        await wait(20)
        return res.destroy()
      }
      case 'tool': {
        // A tool call before the answer, as the Lambda emits it (protocol/events.ts ToolEvent).
        send(ev('tool', { name: 'calculator', status: 'start', id: 't1', input: { expression: '6 * 7' } }))
        send(ev('tool', { name: 'calculator', status: 'end', id: 't1', result: '{"result":"42"}' }))
        for (const w of words) send(ev('text', { text: w }))
        send(ev('done', { stopReason: 'end_turn' }))
        return res.end()
      }
      case 'badids': {
        send(ev('text', { text: words[0] }))
        if (nextId !== undefined) nextId--
        for (const w of words.slice(1)) send(ev('text', { text: w }))
        send(ev('done', { stopReason: 'end_turn' }))
        return res.end()
      }
      case 'nodone': {
        for (const w of words) send(ev('text', { text: w }))
        return res.end()
      }
      case 'slow':
      case 'paced': {
        const ms = scenario === 'slow' ? SLOW_MS : Number(pace) || 20
        for (const w of words) {
          if (!open()) return
          send(ev('text', { text: w }))
          await wait(ms)
        }
        send(ev('usage', { inputTokens: 3, outputTokens: words.length }))
        send(ev('done', { stopReason: 'end_turn' }))
        return res.end()
      }
      default: {
        for (const w of words) send(ev('text', { text: w }))
        send(ev('done', { stopReason: 'end_turn' }))
        return res.end()
      }
    }
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  const url = `http://127.0.0.1:${port}`
  return {
    url,
    invokeUrl: `${url}/v1/invoke`,
    cancelUrl: `${url}/v1/cancel`,
    seen,
    stop: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections()
        server.close(() => resolve())
      }),
  }
}

function json(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json' })
  res.end(JSON.stringify(body))
}
