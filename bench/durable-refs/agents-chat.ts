/**
 * Starts the Cloudflare `agents` reference: bench/durable-refs/agents-app/worker.ts (an `AIChatAgent` of
 * `@cloudflare/ai-chat`, SQLite-backed Durable Object) in its own workerd through Miniflare, as the
 * project's Worker runs in the bench, and speaks the package's WebSocket chat protocol to it:
 * `cf_agent_use_chat_request` → `cf_agent_use_chat_response` frames (one AI SDK UI message chunk
 * each); on reconnect the agent announces `cf_agent_stream_resuming`, the client acks
 * (`cf_agent_stream_resume_ack`) and the stored chunks are replayed, then the live rest; Stop is
 * `cf_agent_chat_request_cancel` (the frames the package's own client sends: agents/chat's WebSocket
 * transport). Node 20 has no global WebSocket: the `ws` package is the client.
 *
 * The packages live in bench/durable-refs/agents-app/ with their own lockfile (about 95 packages,
 * 105 MB: the agents package brings babel, rolldown and the MCP SDKs), installed on request by
 * `npm run bench:refs-setup`, so the project's own install stays as it is; without them the bench
 * reports this reference as not run and says how to install them.
 */
import { existsSync, readFileSync } from 'node:fs'
import { builtinModules } from 'node:module'
import { performance } from 'node:perf_hooks'
import { fileURLToPath } from 'node:url'
import { build } from 'esbuild'
import WebSocket from 'ws'
import type { StreamResult } from '../client'
import { promptFor, STAMP, type StreamSpec, type Upstream } from '../upstream'
import { projectCompat, startWorkerd } from '../variants'
import { workerdBundle } from '../../test-support/api-worker'
import type { Reference } from './reference'

const ROOT = fileURLToPath(new URL('../..', import.meta.url))
const APP = `${ROOT}bench/durable-refs/agents-app/`
const ENTRY = `${APP}worker.ts`
const version = (name: string) => JSON.parse(readFileSync(`${APP}node_modules/${name}/package.json`, 'utf8')).version as string

interface Frame {
  type: string
  id?: string
  body?: string
  done?: boolean
  error?: boolean
  replay?: boolean
  seq?: number
}

/** One chat connection: frames as they come, and a way to wait for the next one that matches. */
function connect(origin: string, name: string): Promise<{ ws: WebSocket; on(f: (frame: Frame, at: number) => void): void; send(m: object): void }> {
  const ws = new WebSocket(`${origin.replace(/^http/, 'ws')}/agents/ref-chat/${name}`)
  ws.binaryType = 'nodebuffer'
  const listeners: ((frame: Frame, at: number) => void)[] = []
  ws.on('message', (data) => {
    const at = performance.now()
    let frame: Frame
    try {
      frame = JSON.parse(String(data))
    } catch {
      return
    }
    for (const l of listeners) l(frame, at)
  })
  return new Promise((resolve, reject) => {
    ws.once('open', () => resolve({ ws, on: (f) => listeners.push(f), send: (m) => ws.send(JSON.stringify(m)) }))
    ws.once('error', reject)
  })
}

const chatRequest = (id: string, prompt: string) => ({
  type: 'cf_agent_use_chat_request',
  id,
  init: { method: 'POST', body: JSON.stringify({ messages: [{ id: `user-${id}`, role: 'user', parts: [{ type: 'text', text: prompt }] }], trigger: 'submit-message' }) },
})

/** The first stamp's sequence number in a text-delta chunk's body, or -1. */
function seqIn(body: string | undefined): number {
  if (!body) return -1
  const chunk = JSON.parse(body)
  if (chunk.type !== 'text-delta') return -1
  const m = new RegExp(STAMP.source).exec(chunk.delta)
  return m ? Number(m[1]) : -1
}

/** One answer of `spec` on a new chat (a new agent instance), read as bench/client.ts reads SSE answers. */
async function chatStream(origin: string, spec: StreamSpec, timeoutMs = 120_000): Promise<StreamResult> {
  const r: StreamResult = { status: 0, contentType: 'websocket', startedAt: performance.now(), firstByteAt: NaN, firstTextAt: NaN, endedAt: NaN, chunks: [], reads: 0, bodyBytes: 0, events: {}, inOrder: false }
  const id = crypto.randomUUID()
  let chat: Awaited<ReturnType<typeof connect>> | undefined
  try {
    chat = await connect(origin, crypto.randomUUID())
    r.status = 101
    await new Promise<void>((resolve) => {
      const timer = setTimeout(() => ((r.error = 'timeout'), resolve()), timeoutMs)
      chat!.ws.once('close', () => ((r.error ??= 'closed'), resolve()))
      chat!.on((frame, at) => {
        if (frame.type !== 'cf_agent_use_chat_response' || frame.id !== id) return
        if (Number.isNaN(r.firstByteAt)) r.firstByteAt = at
        r.reads++
        r.bodyBytes += frame.body?.length ?? 0
        if (frame.body) {
          const chunk = JSON.parse(frame.body)
          r.events[chunk.type] = (r.events[chunk.type] ?? 0) + 1
          if (chunk.type === 'text-delta') {
            if (Number.isNaN(r.firstTextAt)) r.firstTextAt = at
            for (const m of String(chunk.delta).matchAll(STAMP)) r.chunks.push({ seq: Number(m[1]), sentAt: Number(m[2]), receivedAt: at, read: r.reads })
          }
        }
        if (frame.error) r.error = `agent error: ${frame.body}`
        if (frame.done || frame.error) {
          clearTimeout(timer)
          if (!frame.error) r.stopReason = 'end_turn'
          resolve()
        }
      })
      chat!.send(chatRequest(id, promptFor(spec)))
    })
  } catch (e) {
    r.error = (e as Error).message
  } finally {
    chat?.ws.close()
  }
  r.endedAt = performance.now()
  r.inOrder = !r.error && r.stopReason === 'end_turn' && r.chunks.length === spec.n && r.chunks.every((c, i) => c.seq === i)
  return r
}

export async function startAgentsChat(up: Upstream): Promise<Reference | { notRun: string }> {
  if (!existsSync(`${APP}node_modules/@cloudflare/ai-chat/package.json`)) return { notRun: 'its packages are not installed (npm run bench:refs-setup installs them into bench/durable-refs/agents-app/)' }
  const out = await build({
    entryPoints: [ENTRY],
    ...workerdBundle,
    // workerd provides these: node built-ins through nodejs_compat (the package's mail helpers import `path` bare).
    external: ['cloudflare:*', 'node:*', ...builtinModules],
    minify: true,
  })
  const { compatibilityDate } = projectCompat()
  const worker = await startWorkerd('agents', {
    compatibilityDate,
    // The agents package needs node:async_hooks (AsyncLocalStorage): nodejs_compat, as its docs ask.
    compatibilityFlags: ['nodejs_compat'],
    modules: [{ type: 'ESModule', path: ENTRY.replace(/\.ts$/, '.mjs'), contents: out.outputFiles[0].text }],
    bindings: { UPSTREAM_URL: up.invokeUrl, UPSTREAM_API_KEY: up.apiKey },
    durableObjects: { RefChat: { className: 'RefChat', useSQLite: true } },
  } as Parameters<typeof startWorkerd>[1])
  const origin = new URL(worker.url).origin
  const ns = await worker.miniflare!.getDurableObjectNamespace('RefChat')
  return {
    name: 'agents',
    describe: `@cloudflare/ai-chat ${version('@cloudflare/ai-chat')} AIChatAgent (agents ${version('agents')}, ai ${version('ai')}) in workerd, Durable Object with SQLite, WebSocket client`,
    pids: [worker.pid!],
    stream: (spec) => chatStream(origin, spec),
    async resume(spec, seen) {
      const name = crypto.randomUUID()
      const id = crypto.randomUUID()
      const first = await connect(origin, name)
      let last = -1
      await new Promise<void>((resolve, reject) => {
        let texts = 0
        first.ws.once('close', () => reject(new Error('the chat closed before the reader left')))
        first.on((frame) => {
          if (frame.type !== 'cf_agent_use_chat_response' || frame.id !== id) return
          const seq = seqIn(frame.body)
          if (seq >= 0) (last = seq), texts++
          if (texts === seen) resolve()
          if (frame.done) reject(new Error('the answer ended before the reader left'))
        })
        first.send(chatRequest(id, promptFor(spec)))
      })
      // The connection drops (no close handshake), as a phone's does.
      first.ws.terminate()
      const sent = performance.now()
      const again = await connect(origin, name)
      const timing = await new Promise<{ ms: number; toMissedMs: number; exact: boolean }>((resolve) => {
        let firstAt = NaN
        let firstSeq = NaN
        let acked = false
        again.on((frame, at) => {
          if (frame.type === 'cf_agent_stream_resuming' && frame.id === id && !acked) {
            acked = true
            again.send({ type: 'cf_agent_stream_resume_ack', id })
            return
          }
          if (frame.type !== 'cf_agent_use_chat_response' || frame.id !== id || !frame.body) return
          if (Number.isNaN(firstAt)) firstAt = at
          const seq = seqIn(frame.body)
          if (seq >= 0 && Number.isNaN(firstSeq)) firstSeq = seq
          if (seq > last) resolve({ ms: firstAt - sent, toMissedMs: at - sent, exact: firstSeq === last + 1 })
        })
        // A resume that never reaches a missed event counts as NaN (the report shows it as missing, never as fast).
        const timer = setTimeout(() => resolve({ ms: firstAt - sent, toMissedMs: NaN, exact: false }), 10_000)
        again.ws.once('close', () => clearTimeout(timer))
      })
      // Stop: the package's explicit cancel, so the next round starts quiet.
      again.send({ type: 'cf_agent_chat_request_cancel', id })
      again.ws.close()
      return timing
    },
    async storage(spec) {
      const name = crypto.randomUUID()
      const chat = await connect(origin, name)
      const id = crypto.randomUUID()
      await new Promise<void>((resolve) => {
        chat.on((frame) => frame.type === 'cf_agent_use_chat_response' && frame.id === id && (frame.done || frame.error) && resolve())
        chat.send(chatRequest(id, promptFor(spec)))
      })
      chat.ws.close()
      // Let the agent persist the finished message.
      await new Promise((r) => setTimeout(r, 200))
      const stub = ns.get(ns.idFromName(name)) as unknown as { stats(): Promise<{ writes: number }> }
      const { writes } = await stub.stats()
      return { writes, what: 'SQLite write statements (INSERT/UPDATE/DELETE), the agent object\'s whole life' }
    },
    stop: () => worker.stop(),
  }
}
