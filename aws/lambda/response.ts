/**
 * Writing the HTTP response through Lambda's streaming response: status and headers go in the prelude
 * that awslambda.HttpResponseStream.from writes on the first write, so they are decided before any byte.
 * A direct invocation (transport `raw`, ./incoming.ts) has no HTTP: only the content type and the bytes.
 */
import type { Writable } from 'node:stream'
import { encodeEvent, errorBody, FIRST_EVENT_ID_HEADER, formatIdentifiedEvent, PING, SSE_HEADERS, type ErrorCode, type EventMap, type EventType } from '../../protocol/events'
import { writeOrWait } from '../node/write-or-wait'
import type { Incoming, Transport } from './incoming'
import type { Logger } from './log'
import type { Parsed } from './parse-request'

/** The stream the body goes to: behind a prelude (`http`), or the response stream itself (`raw`). */
function responseBody(responseStream: Writable, transport: Transport, statusCode: number, headers: Record<string, string>): Writable {
  if (transport === 'http') return awslambda.HttpResponseStream.from(responseStream, { statusCode, headers })
  ;(responseStream as Writable & { setContentType?: (type: string) => void }).setContentType?.(headers['Content-Type'] ?? 'application/octet-stream')
  return responseStream
}

/** A complete JSON response (errors before the stream, the cancel answer). */
export async function sendJson(
  responseStream: Writable,
  statusCode: number,
  body: unknown,
  headers: Record<string, string> = {},
  transport: Transport = 'http',
): Promise<void> {
  const stream = responseBody(responseStream, transport, statusCode, { 'Content-Type': 'application/json', 'Cache-Control': 'no-store', ...headers })
  // A prelude only goes out with a first write: an empty body would lose the status
  // (aws/local/fixtures/function/end-without-writing.json names the sources).
  stream.write(JSON.stringify(body))
  await endStream(stream)
}

/**
 * A refusal as the events a direct invocation's caller reads (it gets no HTTP status): `error`, then
 * `done`. The edge validated the request already, so this is a second line of defence.
 */
export async function sendErrorEvents(responseStream: Writable, error: { code: ErrorCode; message: string; retryable: boolean }, transport: Transport): Promise<void> {
  const out = openEventStream(responseStream, {}, transport)
  await out.write('error', error)
  await out.write('done', { stopReason: 'error' })
  await out.end()
}

/**
 * How a handler answers before the stream: `failWith` sends an error as events (`inBand`: a direct
 * caller that reads events) or as a status and a JSON body; `refuse` logs a refused request and fails with it.
 */
export function requestFailures(responseStream: Writable, request: Pick<Incoming, 'transport' | 'source'>, inBand: boolean, log: Logger) {
  const { transport } = request
  const failWith = (status: number, code: ErrorCode, message: string) =>
    inBand ? sendErrorEvents(responseStream, { code, message, retryable: false }, transport) : sendJson(responseStream, status, errorBody(code, message), {}, transport)
  const refuse = (p: Extract<Parsed<unknown>, { ok: false }>) => {
    log.info('request_refused', { status: p.status, code: p.code, source: request.source })
    return failWith(p.status, p.code, p.message)
  }
  return { failWith, refuse }
}

export interface EventStream {
  write<K extends EventType>(type: K, data: EventMap[K]): Promise<void>
  ping(): Promise<void>
  end(): Promise<void>
  /** True once the response connection broke before we ended it (the only disconnect signal there is). */
  readonly gone: boolean
  /** Called once when the connection breaks before the end. */
  onGone(fn: () => void): void
}

/**
 * Opens the 200 text/event-stream response. With `firstEventId` (the conversation asked for it:
 * protocol/request.ts) every event goes out with an `id:` line, counting up from it, and the
 * FIRST_EVENT_ID_HEADER says so; heartbeats stay comments without an id.
 */
export function openEventStream(responseStream: Writable, headers: Record<string, string>, transport: Transport = 'http', firstEventId?: number): EventStream {
  installRuntimeConnectionGuard()
  let nextId = firstEventId
  const stream = responseBody(responseStream, transport, 200, {
    ...SSE_HEADERS,
    ...headers,
    ...(firstEventId !== undefined && { [FIRST_EVENT_ID_HEADER]: String(firstEventId) }),
  })
  let ended = false
  let gone = false
  const goneListeners: Array<() => void> = []
  const markGone = () => {
    if (ended || gone) return
    gone = true
    for (const fn of goneListeners) fn()
  }
  // The runtime's connection to the Runtime API: it breaks when the platform drops the response. In AWS
  // this does not follow a client disconnect (aws-lambda-nodejs-runtime-interface-client#145).
  stream.on('error', (err) => {
    runtimeConnectionErrors.add(err)
    markGone()
  })
  stream.on('close', markGone)

  const write = async (bytes: Uint8Array | string) => {
    if (gone || ended) return
    await writeOrWait(stream, bytes)
  }
  return {
    write: (type, data) => write(nextId === undefined ? encodeEvent(type, data) : formatIdentifiedEvent(nextId++, type, data)),
    ping: () => write(PING),
    async end() {
      if (gone || ended) return
      ended = true
      await endStream(stream)
    },
    get gone() {
      return gone
    },
    onGone(fn) {
      goneListeners.push(fn)
    },
  }
}

/**
 * aws-lambda-ric (4.0.2) rejects promises of its own with the response connection's error and observes
 * them only after the handler returns; with nobody listening, Node kills the process at once, before the
 * handler can cancel the agent. Those rejections (and only those) are swallowed; any other unhandled
 * rejection still crashes the process, as it would without this listener.
 */
const runtimeConnectionErrors = new WeakSet<object>()
let guardInstalled = false
function installRuntimeConnectionGuard(): void {
  if (guardInstalled) return
  guardInstalled = true
  process.on('unhandledRejection', (reason) => {
    if (typeof reason === 'object' && reason !== null && runtimeConnectionErrors.has(reason)) return
    throw reason
  })
}

function endStream(stream: Writable): Promise<void> {
  return new Promise((resolve) => {
    stream.on('error', () => resolve())
    stream.end(() => resolve())
  })
}
