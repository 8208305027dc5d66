/**
 * The measuring client: POSTs a bench prompt and reads the SSE answer with node:http, noting for
 * every stamped text event when it arrived and in which socket read. Socket reads are counted by a
 * listener put in front of the HTTP parser's, so two events that share a read are seen as
 * coalesced whatever the HTTP chunking says.
 */
import { Agent, request } from 'node:http'
import type { Socket } from 'node:net'
import { performance } from 'node:perf_hooks'
import { createParser } from 'eventsource-parser'
import { promptFor, STAMP, type StreamSpec } from './upstream'

export interface ChunkArrival {
  seq: number
  sentAt: number
  receivedAt: number
  /** The socket read (per connection, counting from 1) that completed this event. */
  read: number
}

export interface StreamResult {
  status: number
  contentType: string
  startedAt: number
  /** First byte of the body, and first stamped text event. */
  firstByteAt: number
  firstTextAt: number
  endedAt: number
  chunks: ChunkArrival[]
  /** Socket reads that carried body bytes of this response. */
  reads: number
  bodyBytes: number
  events: Record<string, number>
  stopReason?: string
  /** Every stamp 0..n-1 arrived once, in order, and the stream ended with done. */
  inOrder: boolean
  error?: string
}

const readCounters = new WeakMap<Socket, { n: number }>()

export function makeAgent(maxSockets = 1_100): Agent {
  return new Agent({ keepAlive: true, maxSockets, maxFreeSockets: maxSockets, timeout: 120_000 })
}

export interface Target {
  url: string
  headers?: Record<string, string>
}

export function runStream(target: Target, spec: StreamSpec, agent: Agent, timeoutMs = 120_000): Promise<StreamResult> {
  const body = JSON.stringify({ prompt: promptFor(spec) })
  const r: StreamResult = {
    status: 0,
    contentType: '',
    startedAt: performance.now(),
    firstByteAt: NaN,
    firstTextAt: NaN,
    endedAt: NaN,
    chunks: [],
    reads: 0,
    bodyBytes: 0,
    events: {},
    inOrder: false,
  }
  return new Promise((resolve) => {
    let counter = { n: 0 }
    let lastRead = -1
    let settled = false
    const finish = (error?: string) => {
      if (settled) return
      settled = true
      clearTimeout(timer)
      r.endedAt = performance.now()
      if (error) r.error = error
      r.inOrder =
        !r.error && r.stopReason === 'end_turn' && r.chunks.length === spec.n && r.chunks.every((c, i) => c.seq === i)
      resolve(r)
    }
    const timer = setTimeout(() => {
      req.destroy(new Error('timeout'))
    }, timeoutMs)

    const parser = createParser({
      onEvent(ev) {
        const type = ev.event ?? 'message'
        r.events[type] = (r.events[type] ?? 0) + 1
        if (type === 'text') {
          const now = performance.now()
          if (Number.isNaN(r.firstTextAt)) r.firstTextAt = now
          const text: string = JSON.parse(ev.data).text
          for (const m of text.matchAll(STAMP)) {
            r.chunks.push({ seq: Number(m[1]), sentAt: Number(m[2]), receivedAt: now, read: counter.n })
          }
        } else if (type === 'done') {
          r.stopReason = JSON.parse(ev.data).stopReason
        }
      },
    })

    const req = request(target.url, {
      method: 'POST',
      agent,
      headers: {
        ...target.headers,
        'content-type': 'application/json',
        accept: 'text/event-stream',
        'content-length': Buffer.byteLength(body),
      },
    })
    req.on('socket', (socket: Socket) => {
      socket.setNoDelay(true)
      let c = readCounters.get(socket)
      if (!c) {
        c = { n: 0 }
        readCounters.set(socket, c)
        const counterRef = c
        socket.prependListener('data', () => {
          counterRef.n++
        })
      }
      counter = c
    })
    req.on('response', (res) => {
      r.status = res.statusCode ?? 0
      r.contentType = String(res.headers['content-type'] ?? '')
      const decoder = new TextDecoder()
      res.on('data', (b: Buffer) => {
        if (Number.isNaN(r.firstByteAt)) r.firstByteAt = performance.now()
        r.bodyBytes += b.length
        if (counter.n !== lastRead) {
          lastRead = counter.n
          r.reads++
        }
        parser.feed(decoder.decode(b, { stream: true }))
      })
      res.on('end', () => finish(r.status === 200 ? undefined : `status ${r.status}`))
      res.on('error', (e) => finish(e.message))
      res.on('aborted', () => finish('aborted'))
    })
    req.on('error', (e) => finish(e.message))
    req.end(body)
  })
}

/** Chunks that arrived in the same socket read as the chunk before them. */
export function coalesced(chunks: readonly ChunkArrival[]): number {
  let n = 0
  for (let i = 1; i < chunks.length; i++) if (chunks[i].read === chunks[i - 1].read) n++
  return n
}
