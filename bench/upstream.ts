/**
 * The synthetic upstream: a Node HTTP server on 127.0.0.1 that speaks the Lambda's side of the
 * edge → upstream contract (POST, x-api-key, JSON {prompt, sessionId} → text/event-stream of
 * meta, text…, done). What to stream is read from the prompt, `bench {"n":…,"size":…,"intervalMs":…}`,
 * because the prompt is the one field every variant forwards as it is.
 *
 * Each text event carries its send time (`performance.now()` of this process, taken just before
 * the write) in a stamp `[#<seq>@<ms>]`; the client runs in the same process, so the client's
 * receive time minus the stamp is the hop's latency on one clock.
 *
 * Paired streams (`"pair":"<id>"` in the spec): the first request of a pair waits for the second,
 * then both get each event in the same tick, with the same stamp. A variant paired with the direct
 * path then has, per chunk, a twin that met the same moment of the machine; a stall of the shared
 * host delays both, and the difference is what the proxy added (bench/suites/latency.ts).
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { performance } from 'node:perf_hooks'
import { buffer } from 'node:stream/consumers'
import { composeAnswer, tokenize } from '../aws/agent/offline-answer'
import { drained } from '../aws/node/write-or-wait'
import { FIRST_EVENT_ID_HEADER, formatEvent, formatIdentifiedEvent, SSE_HEADERS, type EventMap, type EventType } from '../protocol/events'

export interface StreamSpec {
  /** Number of text events. */
  n: number
  /** Bytes of text per event (the stamp included; at least the stamp). */
  size: number
  /** Time between text events; 0 = as fast as the socket takes them. */
  intervalMs: number
  /** Streams with the same pair id are sent together: the same events, in the same ticks. */
  pair?: string
}

export const promptFor = (spec: StreamSpec) => `bench ${JSON.stringify(spec)}`

export function parsePrompt(prompt: unknown): StreamSpec | null {
  if (typeof prompt !== 'string' || !prompt.startsWith('bench ')) return null
  try {
    const { n, size, intervalMs, pair } = JSON.parse(prompt.slice(6))
    if (![n, size, intervalMs].every((v) => Number.isFinite(v) && v >= 0)) return null
    if (pair !== undefined && typeof pair !== 'string') return null
    return { n, size, intervalMs, pair }
  } catch {
    // fall through: not a bench prompt
  }
  return null
}

/** The text of event `seq`: its stamp, padded to `size` bytes with ASCII. */
export function stampedText(seq: number, sentAt: number, size: number): string {
  const stamp = `[#${seq}@${sentAt.toFixed(3)}]`
  return size > stamp.length ? stamp + 'x'.repeat(size - stamp.length) : stamp
}

export const STAMP = /\[#(\d+)@(\d+\.\d+)\]/g

export interface Upstream {
  /** http://127.0.0.1:<port>/v1/invoke */
  invokeUrl: string
  cancelUrl: string
  apiKey: string
  stop(): Promise<void>
}

/** One client's side of a stream: its response, whether it has ended, and its next event id when it asked for ids. */
interface Listener {
  res: ServerResponse
  sessionId: string
  ended: boolean
  nextId?: number
}

/** The id a request asked its events to be numbered from (the Lambda's `firstEventId`), if valid. */
function firstEventIdOf(body: { firstEventId?: unknown }): number | undefined {
  const id = body?.firstEventId
  return typeof id === 'number' && Number.isSafeInteger(id) && id > 0 ? id : undefined
}

/** The response headers: with ids, FIRST_EVENT_ID_HEADER says from which one, as the Lambda says it (aws/lambda/response.ts). */
const headersFor = (nextId: number | undefined) => (nextId === undefined ? SSE_HEADERS : { ...SSE_HEADERS, [FIRST_EVENT_ID_HEADER]: String(nextId) })

/** One event's SSE text for a listener: with its next id when it asked for ids. */
function frameFor<K extends EventType>(l: { nextId?: number }, type: K, data: EventMap[K]): string {
  return l.nextId === undefined ? formatEvent(type, data) : formatIdentifiedEvent(l.nextId++, type, data)
}

/**
 * Any other prompt, when `offline` is given: the offline model's answer to it (aws/agent/offline-answer.ts,
 * a first turn), one text event per token at the model's pace, then usage and done — the events the
 * Lambda writes for that answer through the local cloud, without the Lambda, AgentCore and the agent
 * (the load suite's edge row: bench/suites/load.ts).
 */
export interface OfflinePace {
  firstTokenMs: number
  tokensPerSecond: number
}

export async function startUpstream(apiKey = 'bench-key', options: { offline?: OfflinePace } = {}): Promise<Upstream> {
  const live = new Map<string, () => void>()
  // The first request of a pair, waiting for its twin.
  const waiting = new Map<string, Listener>()
  let requestSeq = 0

  const server: Server = createServer({ noDelay: true, keepAliveTimeout: 30_000 }, (req, res) => {
    buffer(req)
      .then((bytes) => JSON.parse(bytes.toString() || '{}'))
      .then(
        (body) => route(req, res, body),
        () => json(res, 400, { error: { code: 'invalid_json', message: 'Body must be JSON.' } }),
      )
  })

  function route(req: IncomingMessage, res: ServerResponse, body: any) {
    if (req.method !== 'POST') return json(res, 405, { message: 'Method not allowed' })
    if (req.headers['x-api-key'] !== apiKey) return json(res, 403, { message: 'Forbidden' })
    if (req.url?.endsWith('/cancel')) {
      const stop = live.get(body?.sessionId)
      if (stop) stop()
      return json(res, 200, { cancelled: true, method: 'signal' })
    }
    const spec = parsePrompt(body?.prompt)
    if (!spec && options.offline && typeof body?.prompt === 'string') return offlineAnswer(res, body, options.offline)
    if (!spec) return json(res, 400, { error: { code: 'invalid_request', message: 'Not a bench prompt.' } })
    const me: Listener = { res, sessionId: typeof body.sessionId === 'string' ? body.sessionId : crypto.randomUUID(), ended: false, nextId: firstEventIdOf(body) }
    if (spec.pair === undefined) return stream([me], spec)
    const twin = waiting.get(spec.pair)
    if (!twin) {
      waiting.set(spec.pair, me)
      res.on('close', () => waiting.get(spec.pair!) === me && waiting.delete(spec.pair!))
      return
    }
    waiting.delete(spec.pair)
    stream([twin, me], spec)
  }

  function stream(listeners: Listener[], spec: StreamSpec) {
    let seq = 0
    let timer: NodeJS.Timeout | undefined
    const t0 = performance.now()
    const finish = (l: Listener) => {
      if (l.ended) return
      l.ended = true
      live.delete(l.sessionId)
      if (listeners.every((x) => x.ended)) clearTimeout(timer)
    }
    for (const l of listeners) {
      l.res.writeHead(200, headersFor(l.nextId))
      l.res.write(frameFor(l, 'meta', { sessionId: l.sessionId, requestId: `up-${++requestSeq}` }))
      live.set(l.sessionId, () => {
        if (l.ended) return
        l.res.end(frameFor(l, 'done', { stopReason: 'cancelled' }))
        finish(l)
      })
      l.res.on('close', () => finish(l))
    }

    const next = () => {
      const open = listeners.filter((l) => !l.ended)
      if (!open.length) return
      if (seq === spec.n) {
        for (const l of open) {
          l.res.end(frameFor(l, 'done', { stopReason: 'end_turn' }))
          finish(l)
        }
        return
      }
      // One write per event and listener, stamped as late as possible (once: twins share the stamp).
      const data = { text: stampedText(seq, performance.now(), spec.size) }
      const full = open.filter((l) => !l.res.write(frameFor(l, 'text', data)))
      seq++
      if (spec.intervalMs === 0) {
        if (!full.length) setImmediate(next)
        else Promise.all(full.map((l) => drained(l.res))).then(next)
      } else {
        // An absolute schedule, so timer lateness does not accumulate.
        timer = setTimeout(next, Math.max(0, t0 + seq * spec.intervalMs - performance.now()))
      }
    }
    next()
  }

  function offlineAnswer(res: ServerResponse, body: { prompt: string; sessionId?: unknown; firstEventId?: unknown }, pace: OfflinePace) {
    const sessionId = typeof body.sessionId === 'string' ? body.sessionId : crypto.randomUUID()
    const ids = { nextId: firstEventIdOf(body) }
    const tokens = tokenize(composeAnswer({ prompt: body.prompt, earlier: [] }))
    const started = performance.now()
    let i = 0
    let timer: NodeJS.Timeout | undefined
    const end = (stopReason: 'end_turn' | 'cancelled') => {
      clearTimeout(timer)
      live.delete(sessionId)
      if (!res.writableEnded) res.end(frameFor(ids, 'done', { stopReason }))
    }
    res.writeHead(200, headersFor(ids.nextId))
    res.write(frameFor(ids, 'meta', { sessionId, requestId: `up-${++requestSeq}` }))
    live.set(sessionId, () => end('cancelled'))
    res.on('close', () => {
      clearTimeout(timer)
      live.delete(sessionId)
    })
    const next = () => {
      if (res.writableEnded || res.destroyed) return
      if (i === tokens.length) {
        res.write(frameFor(ids, 'usage', { inputTokens: tokenize(body.prompt).length, outputTokens: tokens.length, latencyMs: Math.round(performance.now() - started), modelId: 'offline' }))
        return end('end_turn')
      }
      res.write(frameFor(ids, 'text', { text: tokens[i++] }))
      // An absolute schedule, as the offline model paces its tokens.
      const at = started + pace.firstTokenMs + (pace.tokensPerSecond > 0 ? (i * 1000) / pace.tokensPerSecond : 0)
      timer = setTimeout(next, Math.max(0, at - performance.now()))
    }
    timer = setTimeout(next, pace.firstTokenMs)
  }

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  return {
    invokeUrl: `http://127.0.0.1:${port}/v1/invoke`,
    cancelUrl: `http://127.0.0.1:${port}/v1/cancel`,
    apiKey,
    async stop() {
      server.closeAllConnections()
      await new Promise<void>((resolve) => server.close(() => resolve()))
    },
  }
}

function json(res: ServerResponse, status: number, body: unknown) {
  const text = JSON.stringify(body)
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) })
  res.end(text)
}
